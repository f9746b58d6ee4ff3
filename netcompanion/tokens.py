"""Every token the app reads has exactly one spelling.

Rule: a token is decoded, encoded again, and accepted only when the encoding is, character for
character, the text that came in (compared in constant time). So no padding variant, no unused
trailing bits, no mix of the standard and URL-safe alphabets, no whitespace or stray characters
a lenient decoder would skip: anything keyed by a token's text (caches and ETags, rate limits,
receipts, revocation, logs, the scanner's memory of scanned badges) sees one token once.

Codes people type (join codes, badge codes) are the one exception by design: ``typed_code``
maps what a person types (any case, spaces or dashes, full-width letters) to exactly one
canonical code, and refuses everything else; links carry the canonical form only.

A token that breaks the rule is treated as unknown: the caller answers as it does for a token
that never existed.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import unicodedata

#: Longer texts are refused before any decoding: no token of ours comes near.
MAX_LENGTH = 1000
_URLSAFE = b"-_"
#: What people put between the groups of a code they type or paste.
#: Spelt out rather than ``\s`` so that the scanner (static/scanner/codes.js) forgives the same.
_SEPARATORS = re.compile(
    r"[ \t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
    r"\-_.\u00b7\u2010-\u2015\u2212]+"
)


class NotCanonical(ValueError):
    """The text is not the one spelling of a token of this kind."""


def _decode(text: str, altchars: bytes | None, padded: bool, size: int | None) -> bytes:
    if not isinstance(text, str) or not 0 < len(text) <= MAX_LENGTH or not text.isascii():
        raise NotCanonical("malformed")
    padding = "" if padded else "=" * (-len(text) % 4)
    try:
        data = base64.b64decode(text + padding, altchars=altchars, validate=True)
    except (binascii.Error, ValueError) as error:
        raise NotCanonical("not base64") from error
    again = base64.b64encode(data, altchars=altchars).decode()
    if not padded:
        again = again.rstrip("=")
    if not hmac.compare_digest(again, text):
        raise NotCanonical("another spelling")
    if size is not None and len(data) != size:
        raise NotCanonical("wrong length")
    return data


def urlsafe_b64(text: str, *, padded: bool = False, size: int | None = None) -> bytes:
    """The bytes of ``text``, the URL-safe base64 of them (with or without padding, as given)."""
    return _decode(text, _URLSAFE, padded, size)


def urlsafe_text(data: bytes, *, padded: bool = False) -> str:
    """The one spelling ``urlsafe_b64`` accepts for ``data``."""
    text = base64.urlsafe_b64encode(data).decode()
    return text if padded else text.rstrip("=")


def standard_b64(text: str, *, size: int | None = None) -> bytes:
    """The bytes of ``text``, their standard, padded base64 (webhook secrets)."""
    return _decode(text, None, True, size)


def is_secret(text: str, size: int) -> bool:
    """Whether ``text`` is how ``secrets.token_urlsafe(size)`` spells ``size`` random bytes.

    Checked before a secret is hashed and looked up, so only that spelling can ever match.
    """
    try:
        urlsafe_b64(text, size=size)
    except NotCanonical:
        return False
    return True


def typed_code(text: str, alphabet: str, length: int) -> str | None:
    """The one code a person meant, typed loosely; None when it cannot be a code.

    Case, separators between characters and full-width forms are forgiven; any other character,
    including look-alikes outside ``alphabet``, is refused rather than guessed.
    """
    if not isinstance(text, str) or len(text) > 4 * length:
        return None
    folded = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    if not folded.isascii():
        return None
    code = folded.upper()
    if len(code) != length or not all(char in alphabet for char in code):
        return None
    return code
