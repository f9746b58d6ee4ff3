"""One spelling per token: the decoders refuse every other way of writing the same bytes."""

from __future__ import annotations

import base64
import binascii
import secrets

import pytest

from netcompanion import tokens
from netcompanion.attendee.models import BADGE_CODE_ALPHABET, read_badge_code
from netcompanion.event.service import JOIN_CODE_ALPHABET, read_join_code
from tests.spelling import STANDARD, URLSAFE, respellings

#: Byte lengths covering every remainder modulo 3 (base64 groups) and modulo 4.
SIZES = range(1, 13)


def decoded_or_none(decode, text: str) -> bytes | None:
    try:
        return decode(text)
    except tokens.NotCanonical:
        return None


def lenient_same_bytes(variants: list[str], data: bytes, decode) -> list[str]:
    """The variants a forgiving decoder reads as ``data``: what the rule is there to refuse."""
    found = []
    for variant in variants:
        try:
            if decode(variant) == data:
                found.append(variant)
        except (binascii.Error, ValueError):
            pass
    return found


@pytest.mark.parametrize("padded", [False, True], ids=["unpadded", "padded"])
@pytest.mark.parametrize("size", SIZES)
def test_urlsafe_text_of_every_length_has_one_spelling(size, padded):
    data = secrets.token_bytes(size)
    text = tokens.urlsafe_text(data, padded=padded)
    assert tokens.urlsafe_b64(text, padded=padded, size=size) == data
    variants = respellings(text)
    # A variant is refused, or it is the one spelling of other bytes: another token.
    for variant in variants:
        assert decoded_or_none(lambda v: tokens.urlsafe_b64(v, padded=padded), variant) != data
    # Without the rule these would open the same thing: stray characters, another alphabet,
    # and (when the bytes do not fill the last character) other trailing bits.
    lenient = lenient_same_bytes(
        variants, data, lambda v: base64.urlsafe_b64decode(v + "=" * (-len(v) % 4))
    )
    assert lenient
    if size % 3:
        stem = text.rstrip("=")[:-1]  # the same characters but for the last one's unused bits
        assert any(
            v.rstrip("=")[:-1] == stem and len(v.rstrip("=")) == len(stem) + 1 for v in lenient
        )


@pytest.mark.parametrize("size", SIZES)
def test_standard_base64_of_every_length_has_one_spelling(size):
    data = secrets.token_bytes(size)
    text = base64.b64encode(data).decode()
    assert tokens.standard_b64(text, size=size) == data
    for variant in respellings(text, STANDARD):
        assert decoded_or_none(tokens.standard_b64, variant) != data


def test_a_token_of_another_length_is_refused():
    text = tokens.urlsafe_text(secrets.token_bytes(12))
    with pytest.raises(tokens.NotCanonical):
        tokens.urlsafe_b64(text, size=13)
    for nothing in ("", None, 42, b"AAAA", "A" * 1004):
        with pytest.raises(tokens.NotCanonical):
            tokens.urlsafe_b64(nothing)


@pytest.mark.parametrize("size", [24, 32])
def test_issued_secrets_match_only_as_issued(size):
    key = secrets.token_urlsafe(size)
    assert tokens.is_secret(key, size)
    assert not tokens.is_secret(key, size + 1)
    # What passes is another secret's one spelling, which cannot match this one's hash.
    others = [v for v in respellings(key, URLSAFE) if tokens.is_secret(v, size)]
    assert {base64.urlsafe_b64decode(v + "=") for v in others}.isdisjoint(
        {base64.urlsafe_b64decode(key + "=")}
    )
    assert all(len(v) == len(key) and v.isascii() and "=" not in v for v in others)


@pytest.mark.parametrize(
    ("read", "alphabet"),
    [(read_join_code, JOIN_CODE_ALPHABET), (read_badge_code, BADGE_CODE_ALPHABET)],
    ids=["join code", "badge code"],
)
def test_a_typed_code_maps_to_one_code_or_none(read, alphabet):
    code = "".join(secrets.choice(alphabet) for _ in range(8))
    grouped = f"{code[:4]}-{code[4:]}"
    loose = [
        code,
        grouped,
        code.lower(),
        f" {code[:4].lower()} {code[4:]} ",
        f"{code[:4]}\u2013{code[4:]}",  # an en dash, as phones autocorrect
        f"{code[:4]}.{code[4:]}",
        "".join(chr(ord(c) + 0xFEE0) for c in code),  # full-width, from a CJK keyboard
        f"{code[:4]}\u00a0{code[4:]}",
    ]
    assert [read(typed) for typed in loose] == [code] * len(loose)
    # Each position, each printable ASCII character and some beyond: exactly the code the
    # person typed, case and separators aside, or nothing; a look-alike is never guessed.
    printable = [chr(c) for c in range(0x21, 0x7F)] + list("0OoIl1U\u202eß😀\0é")
    for i in range(len(grouped)):
        for char in printable:
            variant = grouped[:i] + char + grouped[i + 1 :]
            meant = variant.upper().translate(str.maketrans("", "", "-._"))
            expected = meant if len(meant) == 8 and all(c in alphabet for c in meant) else None
            assert read(variant) == expected, variant
    for wrong in [
        "",
        code[:-1],
        code + code[-1],
        code + "=",
        "%" + code,
        code + "\u202e",
        code.replace(code[0], "O", 1),
        "ß" + code[1:],
        "\0" + code,
        "😀" + code,
    ]:
        assert read(wrong) is None, wrong
