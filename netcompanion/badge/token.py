"""Signed badge and booth tokens: what a QR code carries.

A badge QR encodes ``<BASE_URL>/b/<token>``; a booth poster ``<BASE_URL>/j/<token>``. The token
carries only what is printed next to it, so a scanner can show who (or which booth) it scanned
while offline, and nothing else: email and phone never travel in a QR.

Format (then base64url without padding)::

    byte 0      format (high 4 bits, now 1) and kind (low 4 bits: 1 badge, 2 booth)
    byte 1      key id: first byte of SHA-256 over the signing key
    12 bytes    the event's public id (its 96 random bits)
    12 bytes    the attendee's (or booth's) public id
    varint      version of the badge (or poster)
    varint+utf8 display name, cut at a character boundary to at most 48 bytes
    varint+utf8 company (booth: location), likewise at most 48 bytes
    12 bytes    MAC: HMAC-SHA256 over everything above, truncated to 96 bits

Size: 41 bytes plus name and company, so 75 bytes (100 characters) for a 20-character name at a
14-character company; 137 bytes (183 characters) at most. With a 30-character base URL the QR is
version 8 at level M (49 modules a side) in the common case, version 10 at the very most.
Forging one means guessing a 96-bit MAC online, through rate-limited endpoints; the public ids
inside are random 96-bit values, so tokens cannot be enumerated either.

Keys: the signing key is derived (HMAC-SHA256, label ``netcompanion badge token``) from
``SECRET_KEY``; keys derived from ``SECRET_KEY_FALLBACKS`` still verify, so rotating the secret
key does not void printed badges until the old key is dropped from the fallbacks. The key id
picks the key without trying them all.

Spelling: a token is accepted only as ``encode`` spells it (``netcompanion.tokens``): no
padding, no other alphabet, no unused trailing bits set, so each badge has exactly one URL.

Verification (``decode``) checks length, format, kind and MAC in constant time, then returns the
claims; callers then look the subject up and compare versions. Revoking a badge (reissue after a
loss or a name change) bumps the attendee's ``badge_version``: every older token stops working.
Deleting the attendee revokes it too.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass
from enum import IntEnum

from flask import current_app

from .. import tokens as canonical

FORMAT = 1
MAC_BYTES = 12
ID_BYTES = 12
MAX_TEXT_BYTES = 48
KEY_LABEL = b"netcompanion badge token"


class Kind(IntEnum):
    BADGE = 1
    BOOTH = 2


@dataclass(frozen=True)
class Claims:
    kind: Kind
    event_public_id: str
    subject_public_id: str
    version: int
    name: str
    #: The attendee's company, or the booth's location.
    detail: str


class InvalidToken(ValueError):
    """The token is forged, damaged, signed with an unknown key, or not of the expected kind."""


def _keys() -> tuple[bytes, ...]:
    config = current_app.config
    return _derive((config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or [])))


@functools.lru_cache(maxsize=16)
def _derive(secrets: tuple) -> tuple[bytes, ...]:
    """Signing keys from secrets; cached, as a 500-badge sync would derive them 500 times."""
    return tuple(
        hmac.new(str(secret).encode(), KEY_LABEL, hashlib.sha256).digest() for secret in secrets
    )


@functools.lru_cache(maxsize=16)
def _key_id(key: bytes) -> int:
    return hashlib.sha256(key).digest()[0]


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 28:
            raise InvalidToken("truncated number")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _cut(text: str) -> bytes:
    """UTF-8 of ``text``, shortened to MAX_TEXT_BYTES without splitting a character."""
    raw = text.strip().encode()
    if len(raw) <= MAX_TEXT_BYTES:
        return raw
    return raw[:MAX_TEXT_BYTES].decode(errors="ignore").encode()


def _raw_id(public_id: str) -> bytes:
    return canonical.urlsafe_b64(public_id, size=ID_BYTES)


def _public_id(raw: bytes) -> str:
    return canonical.urlsafe_text(raw)


def encode(claims: Claims) -> str:
    key = _keys()[0]
    name, detail = _cut(claims.name), _cut(claims.detail)
    body = b"".join(
        [
            bytes([FORMAT << 4 | claims.kind, _key_id(key)]),
            _raw_id(claims.event_public_id),
            _raw_id(claims.subject_public_id),
            _varint(claims.version),
            _varint(len(name)),
            name,
            _varint(len(detail)),
            detail,
        ]
    )
    mac = hmac.new(key, body, hashlib.sha256).digest()[:MAC_BYTES]
    return canonical.urlsafe_text(body + mac)


def decode(token: str, kind: Kind) -> Claims:
    """Return the claims of a genuine token of ``kind``, or raise InvalidToken."""
    if not isinstance(token, str) or not 0 < len(token) <= 400:
        raise InvalidToken("malformed")
    try:
        data = canonical.urlsafe_b64(token)  # one spelling per badge: see netcompanion.tokens
    except canonical.NotCanonical as error:
        raise InvalidToken(str(error)) from error
    if len(data) < 2 + 2 * ID_BYTES + 3 + MAC_BYTES:
        raise InvalidToken("too short")
    body, mac = data[:-MAC_BYTES], data[-MAC_BYTES:]
    if body[0] != (FORMAT << 4 | kind):
        raise InvalidToken("wrong format or kind")
    keys = [key for key in _keys() if _key_id(key) == body[1]]
    expected = [hmac.new(key, body, hashlib.sha256).digest()[:MAC_BYTES] for key in keys]
    if not any(hmac.compare_digest(mac, candidate) for candidate in expected):
        raise InvalidToken("bad signature")

    pos = 2
    event_id = _public_id(body[pos : pos + ID_BYTES])
    subject_id = _public_id(body[pos + ID_BYTES : pos + 2 * ID_BYTES])
    pos += 2 * ID_BYTES
    version, pos = _read_varint(body, pos)
    texts = []
    for _ in range(2):
        length, pos = _read_varint(body, pos)
        if pos + length > len(body):
            raise InvalidToken("truncated text")
        try:
            texts.append(body[pos : pos + length].decode())
        except UnicodeDecodeError as error:
            raise InvalidToken("bad text") from error
        pos += length
    if pos != len(body):
        raise InvalidToken("trailing bytes")
    return Claims(Kind(kind), event_id, subject_id, version, texts[0], texts[1])
