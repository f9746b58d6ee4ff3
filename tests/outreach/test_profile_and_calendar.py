"""The member's profile, and the private calendar feed of due follow-ups it turns on."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from icalendar import Calendar

from netcompanion.account.models import Role
from netcompanion.dbtypes import utcnow
from netcompanion.extensions import db
from tests.outreach.conftest import add_to_list

FEED = re.compile(r'value="http://netcompanion\.test(/calendar/[A-Za-z0-9_-]{43}\.ics)"')


def profile(**changes) -> dict:
    values = {
        "name": "Rita Recruiter",
        "timezone": "Europe/Berlin",
        "signature": "Rita\nAcme Talent",
        "digest_enabled": "y",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def test_profile_saves_name_time_zone_signature_and_digest(signed_in, recruiter):
    assert signed_in.get("/account/profile").status_code == 200
    response = signed_in.submit("/account/profile", profile(digest_enabled=None))
    assert response.status_code == 302
    db.session.refresh(recruiter)
    assert recruiter.timezone == "Europe/Berlin"
    assert recruiter.signature == "Rita\nAcme Talent"
    assert recruiter.digest_enabled is False


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../../etc/passwd", "", "Europe/"])
def test_a_time_zone_that_does_not_exist_is_refused_with_the_input_kept(signed_in, recruiter, zone):
    response = signed_in.submit("/account/profile", profile(timezone=zone, signature="Kept me"))
    assert response.status_code == 422
    assert 'class="error"' in response.text
    assert "Kept me" in response.text
    db.session.refresh(recruiter)
    assert recruiter.timezone == "UTC"
    assert recruiter.signature != "Kept me"


def test_a_too_long_signature_is_refused(signed_in, recruiter):
    response = signed_in.submit("/account/profile", profile(signature="x" * 2001))
    assert response.status_code == 422


def make_feed(client) -> str:
    page = client.submit("/account/profile/calendar")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    match = FEED.search(page.text)
    assert match, page.text
    assert "webcal://netcompanion.test/calendar/" in page.text
    return match.group(1)


@pytest.fixture
def due_world(make_contact, make_list, make_member, recruiter):
    """Ana due 8 days ago, Ben due in 5 days, Cleo due 40 days ago (too old for the feed)."""
    lst = make_list()
    entries = {}
    for name, due_in in (("Ana Souza", -8), ("Ben Okafor", 5), ("Cleo Lind", -40)):
        contact = make_contact(name=name, email=f"{name.split()[0].lower()}@example.com")
        entry = add_to_list(lst, contact, recruiter)
        entry.next_due_on = date.today() + timedelta(days=due_in)
        entries[name] = entry
    colleague = make_member(recruiter, Role.RECRUITER, name="Colin Colleague")
    other = make_contact(name="Dana Other", email="dana@example.com")
    add_to_list(lst, other, colleague).next_due_on = date.today()
    archived = make_list("Old pool")
    archived.archived_at = utcnow()
    add_to_list(archived, make_contact(name="Eve Archived", email="eve@example.com"), recruiter)
    db.session.commit()
    return entries


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response.headers["Cache-Control"]
    return Calendar.from_ical(response.data)


def test_calendar_feed_lists_the_members_due_follow_ups(signed_in, new_client, due_world):
    path = make_feed(signed_in)
    calendar = parse(new_client().get(path))  # calendar apps have no session
    assert calendar["X-WR-CALNAME"].startswith("NetCompanion follow-ups")
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        "Follow up: Ana Souza (Backend engineers — nurture)",
        "Follow up: Ben Okafor (Backend engineers — nurture)",
    }
    ana = events["Follow up: Ana Souza (Backend engineers — nurture)"]
    entry = due_world["Ana Souza"]
    assert ana.decoded("DTSTART") == date.today() - timedelta(days=8)
    assert ana.decoded("DTEND") == date.today() - timedelta(days=7)
    assert str(ana["UID"]) == f"{entry.public_id}@netcompanion"
    assert "DTSTAMP" in ana
    description = str(ana["DESCRIPTION"])
    assert "Berlin Tech Careers Fair" in description
    assert f"http://netcompanion.test/contacts/{entry.contact.public_id}" in description
    assert "Cadence step" in description


def test_regenerating_or_revoking_the_feed_kills_the_old_url(signed_in, new_client, due_world):
    first = make_feed(signed_in)
    second = make_feed(signed_in)
    assert first != second
    outsider = new_client()
    assert outsider.get(first).status_code == 404
    assert outsider.get(second).status_code == 200
    assert signed_in.submit("/account/profile/calendar/revoke").status_code == 302
    assert outsider.get(second).status_code == 404
    assert "The feed is off" in signed_in.get("/account/profile").text


def test_feed_key_is_stored_only_as_a_hash(signed_in, recruiter):
    path = make_feed(signed_in)
    key = path.removeprefix("/calendar/").removesuffix(".ics")
    db.session.refresh(recruiter)
    assert recruiter.calendar_key_hash and key not in recruiter.calendar_key_hash
    assert len(recruiter.calendar_key_hash) == 64


def test_a_removed_members_feed_is_gone(signed_in, new_client, recruiter):
    path = make_feed(signed_in)
    recruiter.removed_at = utcnow()
    db.session.commit()
    assert new_client().get(path).status_code == 404


def test_unknown_keys_are_not_found(client):
    assert client.get("/calendar/" + "a" * 43 + ".ics").status_code == 404
    assert client.get("/calendar/x.ics").status_code == 404


def test_feed_is_rate_limited(make_app, signed_in):
    import secrets

    path = make_feed(signed_in)
    limited = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_KEY_PREFIX=secrets.token_hex(6),
        CALENDAR_RATE_LIMIT="2 per minute",
    ).test_client()
    assert [limited.get(path).status_code for _ in range(3)] == [200, 200, 429]
