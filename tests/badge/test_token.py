"""Badge tokens: genuine ones verify; every altered, truncated, extended or foreign one fails."""

from __future__ import annotations

import base64

import pytest

from netcompanion.badge import token as tokens
from netcompanion.badge.service import badge_token, resolve_badge
from netcompanion.ids import new_public_id
from tests.spelling import respellings

CLAIMS = tokens.Claims(
    tokens.Kind.BADGE, new_public_id(), new_public_id(), 3, "Zoë Ångström-Łukasz", "Acme Ltd"
)


def raw(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def text(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_round_trip_carries_only_what_the_badge_shows(app):
    token = tokens.encode(CLAIMS)
    assert tokens.decode(token, tokens.Kind.BADGE) == CLAIMS
    assert len(token) == 4 * len(raw(token)) // 3 + (len(raw(token)) % 3 > 0)
    assert len(raw(token)) == 41 + len(CLAIMS.name.encode()) + len(CLAIMS.detail.encode())


def test_every_flipped_byte_is_rejected(app):
    data = raw(tokens.encode(CLAIMS))
    for i in range(len(data)):
        for bit in (0x01, 0x80):
            forged = bytearray(data)
            forged[i] ^= bit
            with pytest.raises(tokens.InvalidToken):
                tokens.decode(text(bytes(forged)), tokens.Kind.BADGE)


def test_truncated_and_extended_tokens_are_rejected(app):
    token = tokens.encode(CLAIMS)
    data = raw(token)
    for cut in range(1, len(data)):
        with pytest.raises(tokens.InvalidToken):
            tokens.decode(text(data[:cut]), tokens.Kind.BADGE)
    for extra in (b"\x00", b"A", data[-12:]):
        with pytest.raises(tokens.InvalidToken):
            tokens.decode(text(data + extra), tokens.Kind.BADGE)
    for mangled in (token + "A", token[:-1], token + "=", " " + token, token.upper(), ""):
        with pytest.raises(tokens.InvalidToken):
            tokens.decode(mangled, tokens.Kind.BADGE)


@pytest.mark.parametrize("kind", list(tokens.Kind), ids=lambda kind: kind.name.lower())
@pytest.mark.parametrize("name_length", range(12))  # 41 to 52 bytes: every remainder mod 3 and 4
def test_only_the_issued_spelling_of_a_token_opens_it(app, kind, name_length):
    claims = tokens.Claims(kind, new_public_id(), new_public_id(), 1, "n" * name_length, "")
    token = tokens.encode(claims)
    assert tokens.decode(token, kind) == claims
    for variant in respellings(token):
        with pytest.raises(tokens.InvalidToken):
            tokens.decode(variant, kind)


def test_token_signed_with_another_key_is_rejected(app, make_app):
    other = make_app(SECRET_KEY="another-deployment-" + "x" * 40)
    with other.app_context():
        foreign = tokens.encode(CLAIMS)
    with pytest.raises(tokens.InvalidToken):
        tokens.decode(foreign, tokens.Kind.BADGE)


def test_rotated_key_keeps_printed_badges_valid_while_in_fallbacks(app, make_app):
    old_key = app.config["SECRET_KEY"]
    printed = tokens.encode(CLAIMS)
    rotated = make_app(SECRET_KEY="new-" + "y" * 40, SECRET_KEY_FALLBACKS=[old_key])
    with rotated.app_context():
        assert tokens.decode(printed, tokens.Kind.BADGE) == CLAIMS
        assert tokens.decode(tokens.encode(CLAIMS), tokens.Kind.BADGE) == CLAIMS
    dropped = make_app(SECRET_KEY="new-" + "y" * 40)
    with dropped.app_context(), pytest.raises(tokens.InvalidToken):
        tokens.decode(printed, tokens.Kind.BADGE)


def test_badge_token_is_not_a_booth_token(app):
    with pytest.raises(tokens.InvalidToken):
        tokens.decode(tokens.encode(CLAIMS), tokens.Kind.BOOTH)


def test_long_names_are_cut_at_a_character_boundary(app):
    long = tokens.Claims(
        tokens.Kind.BADGE, new_public_id(), new_public_id(), 1, "李" * 40, "É" * 40
    )
    claims = tokens.decode(tokens.encode(long), tokens.Kind.BADGE)
    assert claims.name == "李" * 16  # 48 bytes of 3-byte characters
    assert claims.detail == "É" * 24


def test_reissued_badge_voids_the_old_token(app, make_company, make_event):
    from netcompanion.attendee.models import Attendee, Source
    from netcompanion.extensions import db

    owner = make_company()
    event = make_event(owner)
    attendee = Attendee(
        organization_id=owner.organization_id,
        event_id=event.id,
        name="Ana",
        email="ana@example.com",
        source=Source.ORGANIZER,
    )
    db.session.add(attendee)
    db.session.commit()
    old = badge_token(attendee)
    assert resolve_badge(old) == attendee
    attendee.badge_version += 1
    db.session.commit()
    assert resolve_badge(old) is None
    assert resolve_badge(badge_token(attendee)) == attendee
    db.session.delete(attendee)
    db.session.commit()
    assert resolve_badge(old) is None
