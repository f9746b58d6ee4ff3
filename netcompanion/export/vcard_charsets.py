"""The charset a vCard line's CHARSET parameter names, and its text decoded: never an error.

A line is cut from the file at ASCII bytes (line breaks, colons, semicolons), so only a charset
that writes ASCII as ASCII can be a line's: UTF-8, ISO-8859-x, Windows-125x, KOI8-R, Shift JIS,
GB 18030, Big5 and the like. Any other name counts as no name at all: one Python does not know
("undefined" aside, exporters write "x-nonsense" or nothing), and one it knows that no line can
be in (UTF-16 and UTF-32, UTF-7, EBCDIC, the escape codecs, Python's "undefined" codec, which
fails on any input, and the bytes-to-bytes codecs such as base64).

Text is read as UTF-8 first (a file that says Latin-1 but holds UTF-8 is common), then in the
charset the line names, then as Windows-1252, whose every byte but five is a character (old
Outlook and Windows phones), then as Latin-1, which reads any bytes.
"""

from __future__ import annotations

import codecs
from functools import lru_cache

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


def decode(raw: bytes, charset: str | None) -> str:
    """``raw`` as text: UTF-8, else ``charset``, else Windows-1252, else Latin-1."""
    for encoding in ("utf-8", charset, "cp1252"):
        if encoding:
            try:
                return raw.decode(encoding)
            except UnicodeError:
                continue
    return raw.decode("latin-1")
