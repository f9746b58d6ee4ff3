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
  ``VERSION:4.0``, an email without the 3.0 ``TYPE=INTERNET``, a REV in the basic ISO format
  RFC 6350 requires, and RFC 6350's escaping: a semicolon is escaped only inside the parts
  of N and ORG (RFC 6350 §3.4 and its ABNF: ``\\;`` is no escape in a plain text value, and
  RFC 6350 readers such as ical.js keep the backslash). A 3.0 card escapes it everywhere, as
  RFC 2426 §4 requires (its text value has no bare semicolon).

What it gets right is kept: its escaping (``backslashEscape``: backslash, comma, semicolon,
newline) for 3.0 text and for the parts of N and ORG in both versions, CATEGORIES as a list of
escaped parts, its component model, property order and CRLF line ends. Values are handed to
vobject already escaped (see :func:`_raw`), which spares it parsing back every value it writes.

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
from .records import ContactRecord

VERSIONS = ("3.0", "4.0")
DEFAULT_VERSION = "3.0"
PRODID = "-//NetCompanion//Contact export//EN"
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


def escape_text(value: str) -> str:
    """A plain (not compound) text value escaped as RFC 6350 §3.4 says."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


class CardWriter:
    """Writes one company's contacts as vCards of one version, one export at a time."""

    def __init__(self, org_public_id: str, version: str = DEFAULT_VERSION, wording=None):
        if version not in VERSIONS:
            raise ValueError(version)
        self.org_public_id = org_public_id
        self.version = version
        self.wording = wording or Wording()

    def component(self, record: ContactRecord):
        """The vobject component of one contact, every value in place."""
        card = vobject.vCard()
        text = backslashEscape if self.version == "3.0" else escape_text
        _raw(card, "version", self.version)
        _raw(card, "prodid", PRODID)
        _raw(card, "uid", contact_uid(self.org_public_id, record.public_id))
        _raw(card, "fn", text(_text(self.wording.display_name(record))))
        given, family = split_name(_text(record.name))
        # N and ORG are compound: their parts escape semicolons in every version.
        _raw(card, "n", f"{backslashEscape(family)};{backslashEscape(given)};;;")
        if record.company:
            _raw(card, "org", backslashEscape(_text(record.company)))
        if record.title:
            _raw(card, "title", text(_text(record.title)))
        if record.email:
            email = _raw(card, "email", text(_text(record.email)))
            if self.version == "3.0":
                email.params["TYPE"] = ["INTERNET"]
        if record.phone:
            _raw(card, "tel", text(_text(record.phone)))
        for url in (record.linkedin_url, record.website_url):
            url = _URI_JUNK.sub("", url)
            if url:
                _raw(card, "url", url)  # a URI, written as it is: see the module's docstring
        note = context_note(record, self.wording)
        if note:
            _raw(card, "note", text(_text(note)))
        tags = categories(record)
        if tags:
            _raw(card, "categories", ",".join(text(_text(tag)) for tag in tags))
        updated = record.updated_at
        _raw(
            card,
            "rev",
            updated.strftime("%Y-%m-%dT%H:%M:%SZ" if self.version == "3.0" else "%Y%m%dT%H%M%SZ"),
        )
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
