"""The charset a vCard line's CHARSET parameter names, and its text decoded: never an error.

A line is cut from the file at ASCII bytes (line breaks, colons, semicolons), so only a charset
that writes ASCII as ASCII can be a line's: UTF-8, ISO-8859-x, Windows-125x, KOI8-R, Shift JIS,
GB 18030, Big5 and the like. Any other name counts as no name at all: one Python does not know
("undefined" aside, exporters write "x-nonsense" or nothing), and one it knows that no line can
be in (UTF-16 and UTF-32, UTF-7, EBCDIC, the escape codecs, Python's "undefined" codec, which
fails on any input, and the bytes-to-bytes codecs such as base64).

Text is read as UTF-8 first (a file that says Latin-1 but holds UTF-8 is common), then in the
charset the line names, then in the one another line of the same card names (a 2.1 card from a
Ukrainian phone may say Windows-1251 on its LABEL only), then in the code page ``detect`` finds
for the file's cards that name none, then as Windows-1252, whose every byte but five is a
character (old Outlook and Windows phones), then as Latin-1, which reads any bytes.

``detect`` asks charset-normalizer which single-byte code page the undeclared bytes are in, and
breaks its ties (a name or two is too little text for it to be sure) by what the text reads as:
a word mixing Latin and another script, a word of accented Latin letters only, a capital after
a small letter, or a sign no one writes in a name ("³" for "і"), is a wrong guess. When two
code pages still read the text differently, the guess is unsure and the cards read with it
say so.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import charset_normalizer

#: Printable ASCII and tab: a line's charset must write and read these as ASCII does.
_ASCII = "".join(map(chr, range(0x20, 0x7F))) + "\t"
#: Write ASCII as ASCII, but read a backslash sequence as another character.
_ESCAPE_CODECS = frozenset({"raw-unicode-escape", "unicode-escape"})


def charset_of(params: list[bytes]) -> str | None:
    """The usable charset the CHARSET parameter names, or None (see the module docstring)."""
    for param in params:
        key, _sep, value = param.partition(b"=")
        if key.strip().upper() == b"CHARSET":
            return usable(value.strip(b' "').decode("ascii", "replace"))
    return None


@lru_cache(maxsize=256)
def usable(name: str) -> str | None:
    """Python's name of the charset ``name`` if a vCard line can be in it, else None."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _ESCAPE_CODECS:
        return None
    try:
        ascii_like = _ASCII.encode(info.name) == _ASCII.encode("ascii")
        ascii_like = ascii_like and _ASCII.encode("ascii").decode(info.name) == _ASCII
    except (UnicodeError, LookupError):
        return None
    return info.name if ascii_like else None


def decode(raw: bytes, charset: str | None, fallback: str | None = None) -> str:
    """``raw`` as text: UTF-8, else ``charset``, else ``fallback``, else Windows-1252, else
    Latin-1."""
    for encoding in ("utf-8", charset, fallback, "cp1252"):
        if encoding:
            try:
                return raw.decode(encoding)
            except UnicodeError:
                continue
    return raw.decode("latin-1")


def is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeError:
        return False
    return True


#: The code pages of old phones and mail programs that wrote 2.1 cards without a CHARSET.
CODE_PAGES = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "koi8_r",
    "koi8_u",
    "iso8859_2",
    "iso8859_5",
    "iso8859_7",
    "iso8859_8",
)
#: Bytes of undeclared text looked at: plenty to tell code pages apart, and quick.
_SAMPLE = 65536
#: Non-letters a name, title or note may hold in any script.
_PUNCTUATION = frozenset("€–—„“”‘’‚«»‹›°§©®™•…·×")


@dataclass(frozen=True)
class Guess:
    """The code page found for text that names none, and whether another reads it differently."""

    charset: str
    sure: bool


def _oddities(text: str) -> int:
    """How much ``text`` looks like mojibake: mixed-script words and signs no one writes."""
    odd = 0
    for char in text:
        if ord(char) < 0x80 or char in _PUNCTUATION or char.isspace():
            continue
        category = unicodedata.category(char)
        if not category.startswith(("L", "M")):
            odd += 1
    for word in text.split():
        letters = [char for char in word if char.isalpha()]
        marks = [
            char
            for char in word
            if unicodedata.category(char).startswith("M")
            and not unicodedata.name(char, "COMBINING").startswith("COMBINING")
        ]  # an Arabic vowel sign in "Sِhne"
        scripts = {unicodedata.name(char, "?").split(" ", 1)[0] for char in letters + marks}
        latin = [char for char in letters if unicodedata.name(char, "?").startswith("LATIN")]
        accented = sum(1 for char in latin if ord(char) >= 0x80)
        # A word of two scripts ("Renйe"), or of accented Latin letters only ("ëäď"), is
        # another script read in the wrong code page.
        if len(scripts) > 1 or (accented and accented * 2 > len(latin)):
            odd += 1
        # A capital after a small letter, among letters no one types in ASCII ("щзСЮЯз").
        wide = [char for char in letters if ord(char) >= 0x80]
        odd += sum(1 for a, b in zip(wide, wide[1:], strict=False) if a.islower() and b.isupper())
    return odd


def detect(samples: list[bytes]) -> Guess | None:
    """The code page the undeclared, non-UTF-8 ``samples`` are most likely in; None if none."""
    data = b"\n".join(samples)[:_SAMPLE]
    if not data:
        return None
    found = charset_normalizer.from_bytes(data, cp_isolation=list(CODE_PAGES))
    coherence = {match.encoding: match.coherence for match in found}
    chaos = {match.encoding: match.chaos for match in found}
    ranked = []
    for charset in dict.fromkeys([match.encoding for match in found] + ["cp1252"]):
        try:
            text = data.decode(charset)
        except UnicodeError:
            continue
        order = CODE_PAGES.index(charset) if charset in CODE_PAGES else len(CODE_PAGES)
        rank = (_oddities(text), chaos.get(charset, 1.0), -coherence.get(charset, 0.0), order)
        ranked.append((rank, charset, text))
    if not ranked:
        return None
    ranked.sort()
    (best_odd, best_chaos, best_coherence, _order), charset, text = ranked[0]
    rivals = [
        other
        for (odd, other_chaos, other_coherence, _o), _name, other in ranked[1:]
        if odd == best_odd
        and other != text
        and other_chaos - best_chaos < 0.1
        and other_coherence - best_coherence < 0.2
    ]
    return Guess(charset, sure=not rivals)


def label(charset: str) -> str:
    """The name people know a code page by: "Windows-1251", "ISO-8859-5", "KOI8-R"."""
    if charset.startswith("cp") and charset[2:].isdigit():
        return f"Windows-{charset[2:]}"
    if charset.startswith("iso8859_"):
        return f"ISO-8859-{charset[8:]}"
    return charset.replace("_", "-").upper()
