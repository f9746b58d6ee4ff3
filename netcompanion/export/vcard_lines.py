"""A .vcf file's bytes as cards of clean content lines, ready for vobject.

vobject parses each card's lines (``vcard_reading``); what it does not handle is done here first,
deliberately:
- text: UTF-8 with or without a BOM, UTF-16 with a BOM; a line that is not UTF-8 is read in the
  charset its CHARSET parameter names, if a line can be in it, else in the one another line of
  its card names, else in the code page found for the file's undeclared text, with a warning
  on the card when that guess is unsure (see ``vcard_charsets``);
- vCard 2.1 quoted-printable: a line ending in "=" continues on the next line (a soft line
  break, which vobject cannot parse), and the value is decoded in its CHARSET, falling back as
  above when the bytes do not fit the charset named (vobject would fail the whole file);
- folded lines (a leading space or tab) are unfolded; LF, CRLF, CR and an iPhone's CR CR LF
  line endings all work; blank lines after a soft line break stay in the quoted-printable
  value; the unindented data lines of an old phone's base64 photo stay with their photo;
- a vCard 2.1 AGENT's embedded card (the person's assistant) is left out with it, not read as
  a card of its own;
- only the properties an import keeps pass (``KEPT``): a photo is never decoded or stored, and an
  exotic property some exporter adds cannot make a file unreadable; those a person would miss
  (``NOT_KEPT``: address, birthday, …) are named on the card;
- a value is read up to ``MAX_VALUE`` characters: vobject reads text a character at a time.

Broken structure raises ``VCardFileError`` naming the line: text outside a card, a card without
END:VCARD, a line that is not a vCard line, more cards than allowed, a card with more properties
than allowed (each is parsed, and a card of thousands is no contact), a kept line whose name and
parameters run past ``MAX_HEAD`` bytes. Line numbers are the file's own (1 = first line),
counted before unfolding, so they match what a text editor shows.
"""

from __future__ import annotations

import quopri
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import text_input
from ..config import Defaults
from ..exceptions import Rejected
from .vcard_charsets import Guess, charset_of, decode, detect, is_utf8

#: Properties an import reads; every other line of a card is left out before parsing.
KEPT = frozenset(
    {
        "VERSION",
        "KIND",
        "FN",
        "N",
        "EMAIL",
        "TEL",
        "ORG",
        "TITLE",
        "URL",
        "X-SOCIALPROFILE",
        "NOTE",
        "CATEGORIES",
        # Who wrote the card and its identity: our own cards map back to their contacts.
        "PRODID",
        "UID",
    }
)
#: Properties left out that the preview names, so no one thinks they were imported: a contact
#: has no address, birthday, nickname or messenger fields.
NOT_KEPT = {
    "ADR": _l("address"),
    "LABEL": _l("address"),
    "BDAY": _l("birthday"),
    "NICKNAME": _l("nickname"),
    "IMPP": _l("instant messaging"),
    "X-AIM": _l("instant messaging"),
    "X-ICQ": _l("instant messaging"),
    "X-JABBER": _l("instant messaging"),
    "X-MSN": _l("instant messaging"),
    "X-YAHOO": _l("instant messaging"),
    "X-SKYPE": _l("instant messaging"),
    "X-SKYPE-USERNAME": _l("instant messaging"),
    "X-GOOGLE-TALK": _l("instant messaging"),
    "X-QQ": _l("instant messaging"),
    "AGENT": _l("assistant (AGENT)"),
}
#: Single-valued text: a bare comma is part of the text. vCard 2.1 does not escape commas and
#: vobject would otherwise keep only what comes before the first one ("Doe, John" → "Doe").
SINGLE_TEXT = frozenset(
    {"KIND", "FN", "EMAIL", "TEL", "TITLE", "URL", "X-SOCIALPROFILE", "NOTE", "PRODID", "UID"}
)

#: Characters of a value read: far more than any field keeps (a note keeps 5,000), so a cut
#: loses nothing an import keeps, while a 20 MB line does not take vobject half a minute.
MAX_VALUE = 65536
#: Bytes of a line's name and parameters: real ones are a few dozen ("TEL;TYPE=CELL,PREF").
MAX_HEAD = 1000

_BASE64_DATA = re.compile(rb"[A-Za-z0-9+/=]+")
#: An escape pair kept as it is, or a comma, or Google's escaped colon ("https\\://").
_ESCAPES = re.compile(r"\\:|(\\.)|,")


class VCardFileError(Rejected):
    """The file as a whole cannot be imported; nothing is written. The message says where."""


@dataclass
class RawCard:
    """One BEGIN:VCARD … END:VCARD block: its position and its kept lines, as text."""

    number: int
    line: int
    #: (line number in the file, content line ready for vobject), in file order.
    lines: list[tuple[int, str]] = field(default_factory=list)
    #: (line number, property name) of the lines that lost characters no person types.
    cleaned: list[tuple[int, str]] = field(default_factory=list)
    #: Content lines so far, kept or not.
    properties: int = 0
    #: What ``NOT_KEPT`` names for the lines left out, in file order, each once.
    not_kept: list[str] = field(default_factory=list)
    #: The code page guessed for text that names none, when it is unsure; else None.
    unsure_charset: str | None = None
    #: (line number, name and parameters, value, property name) of kept lines, until decoded.
    pending: list[tuple[int, bytes, bytes, str]] = field(default_factory=list, repr=False)
    #: The first usable charset a line of the card names: the card's own hint for the others.
    hint: str | None = None

    def text(self) -> str:
        body = "".join(line + "\r\n" for _number, line in self.lines)
        return f"BEGIN:VCARD\r\n{body}END:VCARD\r\n"


_SIGNATURES = {
    b"PK\x03\x04": _l("a ZIP archive or an Office document"),
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": _l("an old Office document"),
    b"\x89PNG\r\n\x1a\n": _l("a PNG image"),
    b"\xff\xd8\xff": _l("a JPEG image"),
    b"GIF8": _l("a GIF image"),
    b"%PDF-": _l("a PDF document"),
    b"\x1f\x8b": _l("a compressed (gzip) file"),
}


def split_cards(
    data: bytes, max_cards: int, max_properties: int = Defaults.VCARD_IMPORT_MAX_PROPERTIES
) -> list[RawCard]:
    """Check the file's structure and return its cards; raise VCardFileError if it is broken."""
    data = _as_utf8_bytes(data)
    cards: list[RawCard] = []
    current: RawCard | None = None
    agent = 0  # depth inside a 2.1 AGENT's embedded card
    after_agent = False
    for number, raw in _logical_lines(data):
        head, value = _split(raw)
        if current is not None and (agent or after_agent):
            # A 2.1 AGENT's value is a card of its own, on the lines after it.
            word = _name(head or b"")
            is_card = value.strip().upper() == b"VCARD"
            if word == "BEGIN" and is_card:
                agent += 1
                after_agent = False
                continue
            after_agent = False
            if agent:
                agent -= word == "END" and is_card
                current.properties += 1  # its lines count: the limit still holds
                if current.properties > max_properties:
                    raise VCardFileError(_too_many(current, max_properties))
                continue
        if head is None and current is not None:
            raise VCardFileError(
                _(
                    "Line %(line)d is not a vCard line (in card %(card)d).",
                    line=number,
                    card=current.number,
                )
            )
        name = _name(head or b"")
        if name == "BEGIN" and value.strip().upper() == b"VCARD":
            if current is not None:
                raise VCardFileError(_unfinished(current, number))
            if len(cards) >= max_cards:
                raise VCardFileError(
                    _(
                        "The file holds more than %(limit)d cards, the most one import takes. "
                        "Split it into smaller files.",
                        limit=max_cards,
                    )
                )
            current = RawCard(number=len(cards) + 1, line=number)
        elif current is None:
            if not cards:
                raise VCardFileError(
                    _(
                        "This is not a vCard file: it should start with BEGIN:VCARD, "
                        "but line %(line)d does not.",
                        line=number,
                    )
                )
            raise VCardFileError(
                _(
                    "Line %(line)d is outside any card: after the END:VCARD of card %(card)d, "
                    "only BEGIN:VCARD may follow.",
                    line=number,
                    card=cards[-1].number,
                )
            )
        elif name == "END":
            if value.strip().upper() != b"VCARD":
                raise VCardFileError(
                    _(
                        "Line %(line)d ends something that is not a card, inside card %(card)d.",
                        line=number,
                        card=current.number,
                    )
                )
            cards.append(current)
            current = None
        elif name == "BEGIN":
            raise VCardFileError(
                _(
                    "Line %(line)d starts something other than a card, inside card %(card)d.",
                    line=number,
                    card=current.number,
                )
            )
        else:
            current.properties += 1
            if current.properties > max_properties:
                raise VCardFileError(_too_many(current, max_properties))
            params = head.split(b";")[1:]
            if current.hint is None and len(head) <= MAX_HEAD:
                named = charset_of(params)
                # UTF-8 is read first anyway: only a code page says more.
                current.hint = named if named != "utf-8" else None
            if name not in KEPT:
                label = NOT_KEPT.get(name)
                if label is not None and value.strip() or name == "AGENT":
                    after_agent = name == "AGENT" and not value.strip()
                    if str(label) not in current.not_kept:
                        current.not_kept.append(str(label))
                continue
            if len(head) > MAX_HEAD:
                raise VCardFileError(
                    _(
                        "Line %(line)d of card %(card)d could not be read.",
                        line=number,
                        card=current.number,
                    )
                )
            current.pending.append((number, head, value, name))
    if current is not None:
        raise VCardFileError(
            _(
                "Card %(card)d (from line %(line)d) has no END:VCARD: the file is cut off or "
                "damaged.",
                card=current.number,
                line=current.line,
            )
        )
    if not cards:
        raise VCardFileError(_("The file is empty."))
    guess = detect([b for card in cards if card.hint is None for b in _undeclared(card)])
    for card in cards:
        _decode_card(card, guess)
    return cards


def _undeclared(card: RawCard) -> list[bytes]:
    """The card's values that are not UTF-8 and whose line names no charset."""
    values = []
    for _number, head, value, _name in card.pending:
        params = head.split(b";")[1:]
        if charset_of(params) is None:
            raw = quopri.decodestring(value) if _is_qp(params) else value
            if not is_utf8(raw):
                values.append(raw)
    return values


def _decode_card(card: RawCard, guess: Guess | None) -> None:
    """Turn the card's pending lines into content lines, in the code page each is in."""
    fallback = card.hint
    if fallback is None and guess is not None and _undeclared(card):
        fallback = guess.charset
        if not guess.sure:
            card.unsure_charset = guess.charset
    for number, head, value, name in card.pending:
        line, removed = _content_line(head, value, name, fallback)
        card.lines.append((number, line))
        if removed:
            card.cleaned.append((number, name))
    card.pending = []


def _too_many(card: RawCard, limit: int) -> str:
    return _(
        "Card %(card)d (from line %(line)d) has more than %(limit)d properties "
        "(lines such as EMAIL or TEL), the most one card may have.",
        card=card.number,
        line=card.line,
        limit=limit,
    )


def _unfinished(card: RawCard, line: int) -> str:
    return _(
        "Card %(card)d (from line %(line)d) has no END:VCARD before the next card starts on "
        "line %(next)d.",
        card=card.number,
        line=card.line,
        next=line,
    )


# Bytes and lines ----------------------------------------------------------------------------


def _as_utf8_bytes(data: bytes) -> bytes:
    """Refuse what is plainly not a vCard file; turn UTF-16 into UTF-8; drop a BOM."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise VCardFileError(_("The file is empty."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as error:
            raise VCardFileError(_("This file is damaged: it is not valid UTF-16 text.")) from error
    for magic, kind in _SIGNATURES.items():
        if data.startswith(magic):
            raise VCardFileError(
                _("This looks like %(kind)s, not a vCard (.vcf) file.", kind=str(kind))
            )
    if b"\x00" in data:
        raise VCardFileError(_("This file contains binary data, not vCard text."))
    data = data.removeprefix(b"\xef\xbb\xbf").replace(b"\r\r\n", b"\r\n")  # an iPhone's
    if data.lstrip()[:1] == b"<":
        raise VCardFileError(
            _(
                "This is a web page or XML, not a vCard file. Download the .vcf file itself "
                "rather than the page that links to it."
            )
        )
    return data


def _logical_lines(data: bytes):
    """Yield (first line number, logical line) with folding and soft line breaks undone."""
    current: bytearray | None = None
    start = 0
    quoted_printable = base64 = False
    for number, line in enumerate(data.splitlines(), start=1):
        soft_break = current is not None and quoted_printable and current.endswith(b"=")
        if soft_break and not line.strip():
            continue  # a blank line inside a quoted-printable value: the value goes on
        if soft_break and line.strip().upper() != b"END:VCARD":  # not a stray "=" at the end
            del current[-1]
            current += line
            continue
        if not line.strip():
            if current is not None:
                yield start, bytes(current)
            current = None
            continue
        if line[:1] in (b" ", b"\t") and current is not None:
            current += line[1:]
            continue
        if base64 and current is not None and _BASE64_DATA.fullmatch(line):
            current += line  # a 2.1 photo from an old phone, its data lines not indented
            continue
        if current is not None:
            yield start, bytes(current)
        current, start = bytearray(line), number
        head = line.split(b":", 1)[0].upper()
        quoted_printable = b"QUOTED-PRINTABLE" in head
        base64 = b"BASE64" in head or b"ENCODING=B;" in head + b";"
    if current is not None:
        yield start, bytes(current)


def _split(line: bytes) -> tuple[bytes | None, bytes]:
    """Name and parameters, and the value: split at the first colon outside quotes."""
    quoted = False
    for index, byte in enumerate(line):
        if byte == 0x22:  # "
            quoted = not quoted
        elif byte == 0x3A and not quoted:  # :
            return line[:index], line[index + 1 :]
    return None, b""


def _name(head: bytes) -> str:
    name = head.split(b";", 1)[0].strip()
    return name.rsplit(b".", 1)[-1].decode("ascii", "replace").upper()  # no "item1." group


def _escape(match: re.Match, single_text: bool) -> str:
    if match.group(1):
        return match.group(1)
    if match.group() == ",":
        return "\\," if single_text else ","
    return ":"  # a colon needs no escape; vobject would keep the backslash


_QP = (b"ENCODING=QUOTED-PRINTABLE", b"QUOTED-PRINTABLE")


def _cut(text: str) -> str:
    """The value's first ``MAX_VALUE`` characters, without half an escape pair at the end."""
    if len(text) <= MAX_VALUE:
        return text
    text = text[:MAX_VALUE]
    if (len(text) - len(text.rstrip("\\"))) % 2:
        text = text[:-1]
    return text


def _is_qp(params: list[bytes]) -> bool:
    return any(p.strip().upper() in _QP for p in params)


def _content_line(
    head: bytes, value: bytes, name: str, fallback: str | None = None
) -> tuple[str, bool]:
    """The line as vobject reads it: quoted-printable decoded, text in Unicode, commas in
    single-valued text escaped, no control characters; and whether its value lost any that
    ``text_input`` refuses (a carriage return left from unfolding is no loss)."""
    params = head.split(b";")
    charset = charset_of(params[1:])
    if _is_qp(params):
        kept = [params[0]] + [
            p
            for p in params[1:]
            if p.strip().upper() not in _QP and p.strip().upper().partition(b"=")[0] != b"CHARSET"
        ]
        head = b";".join(kept)
        text = decode(quopri.decodestring(value), charset, fallback)
        # Newlines were encoded (=0D=0A); as text they are escaped, the vCard 3.0 way.
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    else:
        text = decode(value, charset, fallback)
    text = _cut(text)
    text = _ESCAPES.sub(lambda m: _escape(m, name in SINGLE_TEXT), text)
    text, removed = text_input.clean(text.replace("\r", ""))
    head_text = text_input.clean(decode(head, charset, fallback).replace("\r", ""))[0]
    return f"{head_text}:{text}", removed
