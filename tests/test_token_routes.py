"""Through the real routes: a respelt token gets the very answer an unknown one gets."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select

from netcompanion.account import service as accounts
from netcompanion.account.models import Role
from netcompanion.attendee import service as attendees
from netcompanion.badge.service import badge_token, booth_token
from netcompanion.event.models import Exhibitor
from netcompanion.extensions import db
from netcompanion.outreach import calendar
from tests.spelling import last_character_changed

VOLATILE = re.compile(rb'(csrf-token" content|csrf_token" value)="[^"]*"|next=[^"]*"')


#: A sample of other spellings besides every last character: padding, other alphabets,
#: stray and percent-encoded characters, as a URL carries them to the server.
def sample(token: str) -> list[str]:
    return [
        *last_character_changed(token),
        token + "=",
        token + "%3D",
        token[:-1] + "%2B",
        token[:-1] + ".",
        token[:-1] + "~",
        "%2B" + token[1:],
        token.swapcase(),
        token + "%00",
        token + "%E2%80%AE",
    ]


def answer(client, url: str):
    response = client.get(url)
    return response.status_code, VOLATILE.sub(b"", response.data)


def assert_like_unknown(client, template: str, token: str, unknown: str, ok: int = 200):
    assert client.get(template.format(token)).status_code == ok
    expected = answer(client, template.format(unknown))
    assert expected[0] == 404
    for variant in sample(token):
        assert answer(client, template.format(variant)) == expected, variant


def test_badge_and_booth_pages_answer_a_respelt_token_as_an_unknown_one(
    client, make_company, make_event, make_attendee
):
    owner = make_company()
    event = make_event(owner)
    badge = badge_token(make_attendee(owner, event, name="Zoë"))
    booth = booth_token(db.session.scalars(select(Exhibitor)).one())
    unknown_badge = secrets.token_urlsafe(len(badge))[: len(badge)]
    for path in ("/b/{}", "/b/{}/contact.vcf", "/b/{}/qr.svg"):
        assert_like_unknown(client, path, badge, unknown_badge)
    unknown_booth = secrets.token_urlsafe(len(booth))[: len(booth)]
    for path in ("/j/{}", "/j/{}/contact.vcf"):
        assert_like_unknown(client, path, booth, unknown_booth)


def test_private_links_answer_a_respelt_key_as_an_unknown_one(
    client, make_company, make_event, make_attendee
):
    owner = make_company()
    attendee = make_attendee(owner, make_event(owner))
    access_key = attendees.new_access_key(attendee)
    feed_key = calendar.new_key(owner)
    _invitation, invitation = accounts.invite(owner, "new@example.com", Role.RECRUITER)
    db.session.commit()
    assert_like_unknown(client, "/me/{}", access_key, secrets.token_urlsafe(24))
    assert_like_unknown(client, "/calendar/{}.ics", feed_key, secrets.token_urlsafe(32))
    assert_like_unknown(client, "/invite/{}", invitation, secrets.token_urlsafe(32))
