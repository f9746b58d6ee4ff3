"""Events and attendees through the API: what each company sees, and registering attendees."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from netcompanion.attendee.models import Attendee, Source
from netcompanion.badge.service import resolve_badge
from netcompanion.extensions import db


def attendee_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Attendee))


def test_events_the_company_organizes_or_exhibits_at_latest_first(
    make_company, make_event, join_event, api_as
):
    organizer = make_company("Organizer")
    soon = make_event(organizer, name="Soon", starts_on=date.today() + timedelta(days=3))
    later = make_event(organizer, name="Later", starts_on=date.today() + timedelta(days=30))
    other = make_company("Other")
    elsewhere = make_event(other, name="Elsewhere")
    exhibitor = make_company("Exhibitor")
    join_event(exhibitor, soon)

    mine = api_as(organizer, "read").get("/events").json
    assert [e["name"] for e in mine["events"]] == ["Later", "Soon"]
    assert mine["next"] is None
    assert mine["events"][0]["organizer"]["name"] == "Organizer"
    assert "join_code" not in mine["events"][0]

    theirs = api_as(exhibitor, "read")
    assert [e["name"] for e in theirs.get("/events").json["events"]] == ["Soon"]
    assert theirs.get(f"/events/{soon.public_id}").json["event"]["id"] == soon.public_id
    assert theirs.get(f"/events/{later.public_id}").status_code == 404
    assert theirs.get(f"/events/{elsewhere.public_id}").status_code == 404


def test_organizer_lists_and_reads_attendees(fair, make_attendee, api_as):
    organizer, event, exhibitor = fair
    first = make_attendee(organizer, event, name="Ana Ortiz", email="ana@example.com")
    make_attendee(organizer, event, name="Ben Berg", email="ben@example.com")
    api = api_as(organizer, "read")
    listed = api.get(f"/events/{event.public_id}/attendees").json
    assert [a["name"] for a in listed["attendees"]] == ["Ana Ortiz", "Ben Berg"]
    found = api.get(f"/events/{event.public_id}/attendees?q=BERG").json["attendees"]
    assert [a["name"] for a in found] == ["Ben Berg"]
    one = api.get(f"/events/{event.public_id}/attendees/{first.public_id}").json["attendee"]
    assert one["email"] == "ana@example.com" and one["event"] == event.public_id
    assert one["badge_code"] == first.formatted_badge_code
    assert resolve_badge(one["badge_url"].rsplit("/", 1)[-1]).id == first.id
    assert api.get(f"/events/{event.public_id}/attendees/nope").status_code == 404


def test_exhibitors_never_see_the_attendee_list(fair, make_attendee, api_as):
    organizer, event, exhibitor = fair
    attendee = make_attendee(organizer, event, name="Private Person")
    api = api_as(exhibitor)
    for answer in (
        api.get(f"/events/{event.public_id}/attendees"),
        api.get(f"/events/{event.public_id}/attendees/{attendee.public_id}"),
        api.post(f"/events/{event.public_id}/attendees", {"name": "X", "email": "x@example.com"}),
    ):
        assert answer.status_code == 403
        assert answer.json["error"]["code"] == "forbidden"
        assert "Private Person" not in answer.get_data(as_text=True)
    assert attendee_count() == 1


def test_registering_an_attendee_issues_the_badge(fair, api_as):
    organizer, event, exhibitor = fair
    api = api_as(organizer)
    answer = api.post(
        f"/events/{event.public_id}/attendees",
        {
            "name": "  Lucía Fernández ",
            "email": "Lucia@Example.com",
            "company": "Initech",
            "linkedin_url": "linkedin.com/in/lucia",
        },
    )
    assert answer.status_code == 201
    body = answer.json["attendee"]
    assert body["name"] == "Lucía Fernández" and body["email"] == "lucia@example.com"
    assert body["linkedin_url"] == "https://linkedin.com/in/lucia"  # as the form stores it
    assert body["source"] == "organizer" and body["consent"] is None
    assert answer.headers["Location"].endswith(
        f"/api/v1/events/{event.public_id}/attendees/{body['id']}"
    )
    stored = db.session.scalars(select(Attendee)).one()
    assert stored.source is Source.ORGANIZER and stored.badge_code
    assert resolve_badge(body["badge_url"].rsplit("/", 1)[-1]).id == stored.id


def test_bad_registrations_answer_422_per_field_and_write_nothing(fair, api_as):
    organizer, event, exhibitor = fair
    api = api_as(organizer)
    url = f"/events/{event.public_id}/attendees"
    cases = [
        ({}, {"name", "email"}),
        ({"name": "Ana", "email": "not an email"}, {"email"}),
        ({"name": 7, "email": ["a@example.com"]}, {"name", "email"}),
        ({"name": "Ana", "email": "a@example.com", "phone": "call me"}, {"phone"}),
        (
            {"name": "Ana", "email": "a@example.com", "linkedin_url": "example.com/x"},
            {"linkedin_url"},
        ),
        ({"name": "x" * 201, "email": "a@example.com"}, {"name"}),
        ({"name": "Ana", "email": "a@example.com", "badge": "VIP"}, {"badge"}),
    ]
    for body, fields in cases:
        answer = api.post(url, body)
        assert answer.status_code == 422, body
        assert set(answer.json["error"]["fields"]) == fields, (body, answer.json)
    assert attendee_count() == 0
    assert api.post(url, {"name": "Ana", "email": "ana@example.com"}).status_code == 201
    again = api.post(url, {"name": "Ana Again", "email": "ANA@example.com"})
    assert again.status_code == 422 and set(again.json["error"]["fields"]) == {"email"}
    assert attendee_count() == 1


def test_bad_list_parameters_answer_422(fair, api_as):
    organizer, event, exhibitor = fair
    api = api_as(organizer, "read")
    for query in ("limit=0", "limit=201", "limit=ten", "cursor=abc"):
        answer = api.get(f"/events/{event.public_id}/attendees?{query}")
        assert answer.status_code == 422, query
        assert set(answer.json["error"]["fields"]) <= {"limit", "cursor"}
    assert api.get("/events?limit=x").status_code == 422
