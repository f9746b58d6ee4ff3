"""Contacts as vCards (3.0 by default, 4.0 on request), built and serialised with vobject.

vobject 0.9.9 gets three things wrong, fixed here while it still writes every property:

- **Folding.** It folds only lines longer than 75 *characters*, so a 60-character note in
  Greek or Chinese (120+ octets) stays one over-long line. Cards are serialised unfolded and
  folded here at 75 octets (RFC 2426 §2.6, RFC 6350 §3.2), never inside a UTF-8 sequence, and
  never between a backslash and the character it escapes (readers that unescape before they
  unfold then still read the same text).
- **URLs.** It text-escapes every property without a behaviour of its own, so
  ``https://x.example/a,b`` becomes ``https://x.example/a\\,b``, which no reader unescapes in
  a URI. URL values are written as they are (minus whitespace and control characters).
- **Version 4.0.** It knows only 3.0. A 4.0 card is the same properties with
  ``VERSION:4.0``, an email without the 3.0 ``TYPE=INTERNET``, lower-case TEL types as
  RFC 6350 writes them, and a REV in the basic ISO format RFC 6350 requires.

Text is escaped the same way in both versions (vobject's ``backslashEscape``: backslash,
comma, semicolon, newline), a semicolon included: RFC 2426 §5 requires it in 3.0, RFC 6350
§3.4 allows it in 4.0 ("SEMICOLON characters in non-compound properties MAY be escaped"), and
it is what Apple and Google write. A bare one would not do either: parsers such as vcard4
split any 4.0 value at an unescaped semicolon. Some parsers keep the backslash (ical.js, in
both versions); the tests list each such reading. CATEGORIES is a list of escaped parts.
vobject's component model, property order and CRLF line ends are kept. Values are handed to
vobject already escaped (see :func:`_raw`), which spares it parsing back every value it writes.

What a card holds beyond the plain fields, for address books to keep it:

- EMAIL and TEL carry the TYPE we know (``EMAIL_TYPES``, ``TEL_TYPES``): a phone is a
  number to call; whether it is a mobile, and whether an email is work or home, is not
  asked at capture, so no TYPE claims it. A contact's further emails and phones follow
  as more EMAIL and TEL lines, with the TYPE the card they came from gave them.
- The LinkedIn address is written twice, the ways Apple and Google label it: as Apple's
  ``X-SOCIALPROFILE;TYPE=linkedin`` and as a URL grouped with its label
  (``item1.URL`` and ``item1.X-ABLabel:LinkedIn``), which Google Contacts writes for a link of a
  kind vCard has no type for; a reader that knows neither keeps the plain URL. The website
  is a plain URL.
- A contact without a name gets its email, phone, company or an address as FN (vCard
  requires one), marked as no name, and an empty N: see ``own_cards``.

Each contact's UID is ``urn:uuid:`` + a UUID 5 of the company's and the contact's public ids:
the same on every export, so a CRM that re-imports updates instead of duplicating, and it says
nothing about the integer ids or the number of contacts.
"""

from __future__ import annotations

import io
import re
import uuid

import vobject
from vobject.base import backslashEscape

from ..names import split_name
from .context import Wording, categories, context_note
from .own_cards import FN_PLACEHOLDER, PRODID
from .records import ContactRecord

VERSIONS = ("3.0", "4.0")
DEFAULT_VERSION = "3.0"
__all__ = ["PRODID", "CardWriter", "contact_uid", "fold", "fold_line", "serialize"]
#: TYPE of the one email: RFC 2426's internet address in 3.0 (RFC 6350 has no such type).
#: Work or home is left out: a contact's email is whatever they gave, and we do not know.
EMAIL_TYPES = {"3.0": ("INTERNET",), "4.0": ()}
#: TYPE of the one phone: a number to call (RFC 2426 §3.3.1, RFC 6350 §6.4.1); whether it is
#: a mobile or a work line is not asked when it is captured.
TEL_TYPES = {"3.0": ("VOICE",), "4.0": ("voice",)}
#: Group of the LinkedIn URL and its label (``item1.URL``, ``item1.X-ABLabel``).
LINKEDIN_GROUP = "item1"
#: Fixed forever: changing it would change every exported UID.
UID_NAMESPACE = uuid.UUID("6f1c2b1e-3a4d-5e6f-8a9b-0c1d2e3f4a5b")
#: Octets per physical line, the CRLF not counted.
LINE_OCTETS = 75
#: vobject folds lines longer than this many characters: never, for the cards written here.
UNFOLDED = 10**9

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_URI_JUNK = re.compile(r"[\s\x00-\x1f\x7f]")


def contact_uid(org_public_id: str, contact_public_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(UID_NAMESPACE, f'{org_public_id}/{contact_public_id}')}"


def _text(value: str) -> str:
    """Text as vCards may carry it: no control characters but tab and line breaks."""
    return _CONTROL.sub("", value) if _CONTROL.search(value) else value


def _raw(card, name: str, wire: str):
    """Add a property whose value is already in its wire form, escaped as its version says
    (3.0 with vobject's own ``backslashEscape``). vobject writes it as it is, instead of
    escaping it, writing it and parsing it back character by character, the round trip that
    costs a vobject card most of its time."""
    line = card.add(name)
    line.value = wire
    line.isNative = False
    line.encoded = True
    return line


def _uri(value: str) -> str:
    """A URI as it is, minus whitespace and control characters: see the module's docstring."""
    return _URI_JUNK.sub("", value)


class CardWriter:
    """Writes one company's contacts as vCards of one version, one export at a time."""

    def __init__(self, org_public_id: str, version: str = DEFAULT_VERSION, wording=None):
        if version not in VERSIONS:
            raise ValueError(version)
        self.org_public_id = org_public_id
        self.version = version
        self.wording = wording or Wording()

    def fn(self, record: ContactRecord) -> tuple[str, str]:
        """The card's FN and, when it is no name, the property its text comes from."""
        name = _text(record.name).strip()
        if name:
            return name, ""
        for source, value in (
            ("EMAIL", record.email),
            ("TEL", record.phone),
            ("ORG", record.company),
            ("URL", record.linkedin_url),
            ("URL", record.website_url),
        ):
            value = _text(value).strip()
            if value:
                return value, source
        return self.wording.unnamed, "NONE"

    def component(self, record: ContactRecord):
        """The vobject component of one contact, every value in place."""
        card = vobject.vCard()
        v3 = self.version == "3.0"
        _raw(card, "version", self.version)
        _raw(card, "prodid", PRODID)
        _raw(card, "uid", contact_uid(self.org_public_id, record.public_id))
        fn, placeholder = self.fn(record)
        line = _raw(card, "fn", backslashEscape(fn))
        if placeholder:
            line.params[FN_PLACEHOLDER] = [placeholder]
            _raw(card, "n", ";;;;")  # no name: every part empty
        else:
            given, family = split_name(fn)
            _raw(card, "n", f"{backslashEscape(family)};{backslashEscape(given)};;;")
        if record.company:
            _raw(card, "org", backslashEscape(_text(record.company)))
        if record.title:
            _raw(card, "title", backslashEscape(_text(record.title)))
        if record.email:
            email = _raw(card, "email", backslashEscape(_text(record.email)))
            if EMAIL_TYPES[self.version]:
                email.params["TYPE"] = list(EMAIL_TYPES[self.version])
        if record.phone:
            tel = _raw(card, "tel", backslashEscape(_text(record.phone)))
            tel.params["TYPE"] = list(TEL_TYPES[self.version])
        for kind, value, label in record.points:
            line = _raw(card, "email" if kind == "email" else "tel", backslashEscape(_text(value)))
            # Not "pref": the contact's own email and phone come first, as they did here.
            types = [t for t in label.split(",") if t and t != "pref"]
            if types:
                line.params["TYPE"] = [t if not v3 else t.upper() for t in types]
        linkedin = _uri(record.linkedin_url)
        if linkedin:
            # Apple's social profile, and the labelled URL Google and Apple write for a link
            # of a kind vCard has no type for; a reader that knows neither keeps the URL.
            _raw(card, "x-socialprofile", linkedin).params["TYPE"] = ["linkedin"]
            _raw(card, "url", linkedin).group = LINKEDIN_GROUP
            _raw(card, "x-ablabel", "LinkedIn").group = LINKEDIN_GROUP
        website = _uri(record.website_url)
        if website:
            _raw(card, "url", website)
        note = context_note(record, self.wording)
        if note:
            _raw(card, "note", backslashEscape(_text(note)))
        tags = categories(record)
        if tags:
            _raw(card, "categories", ",".join(backslashEscape(_text(tag)) for tag in tags))
        updated = record.updated_at
        _raw(card, "rev", updated.strftime("%Y-%m-%dT%H:%M:%SZ" if v3 else "%Y%m%dT%H%M%SZ"))
        return card

    def card(self, record: ContactRecord) -> bytes:
        """One contact's vCard: UTF-8, CRLF, folded at 75 octets."""
        return serialize(self.component(record))


def serialize(component) -> bytes:
    """Serialise with vobject, unfolded, then fold correctly."""
    buffer = io.BytesIO()
    component.serialize(buf=buffer, lineLength=UNFOLDED)
    return fold(buffer.getvalue())


def fold(data: bytes) -> bytes:
    """Fold every line longer than 75 octets; ``data`` is CRLF-separated UTF-8."""
    lines = data.split(b"\r\n")
    for index, line in enumerate(lines):
        if len(line) > LINE_OCTETS:
            lines[index] = fold_line(line)
    return b"\r\n".join(lines)


def fold_line(line: bytes) -> bytes:
    """Break one line into pieces of at most 75 octets, continuation lines counting their
    leading space, cutting only before the first byte of a character and never right after
    an escaping backslash."""
    pieces = []
    start, limit, end = 0, LINE_OCTETS, len(line)
    while end - start > limit:
        cut = start + limit
        while line[cut] & 0xC0 == 0x80:  # a continuation byte: back to the character's start
            cut -= 1
        run = cut
        while run > start and line[run - 1] == 0x5C:  # backslash
            run -= 1
        if (cut - run) % 2:  # the piece would end with a lone escaping backslash
            cut -= 1
        pieces.append(line[start:cut])
        start, limit = cut, LINE_OCTETS - 1
    pieces.append(line[start:])
    return b"\r\n ".join(pieces)
