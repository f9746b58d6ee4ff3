"""Captures through the API with a token: recording, reading, filtering, correcting, notes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from netcompanion.badge.service import badge_token
from netcompanion.capture.models import Capture, EventQuestion, Note, QuestionKind
from netcompanion.dbtypes import utcnow
from netcompanion.extensions import db


def upload(event, **fields) -> dict:
    body = {
        "client_id": str(uuid.uuid4()),
        "event": event.public_id,
        "captured_at": datetime.now(UTC).isoformat(),
    }
    body.update(fields)
    return body


def test_a_token_records_captures_as_its_creator(fair, make_attendee, api_as):
    organizer, event, exhibitor = fair
    attendee = make_attendee(organizer, event, name="Ana Ortiz")
    api = api_as(exhibitor)
    one = api.post("/captures", upload(event, badge=badge_token(attendee), rating="hot"))
    assert one.status_code == 201 and one.json["status"] == "created"
    batch = api.post(
        "/captures/batch",
        {"captures": [upload(event, contact={"name": "Ben Berg"}), {"client_id": "x"}]},
    )
    assert batch.status_code == 200
    assert [r["status"] for r in batch.json["results"]] == ["created", "error"]
    assert batch.json["results"][1]["error"]["code"] == "invalid"
    captures = db.session.scalars(select(Capture).order_by(Capture.id)).all()
    assert [c.captured_by_id for c in captures] == [exhibitor.id, exhibitor.id]
    replay = api.post("/captures", upload(event, badge=badge_token(attendee)))
    assert replay.status_code == 200 and replay.json["status"] == "merged"
    refused = api.post("/captures", upload(event, contact={"name": ""}))
    assert refused.status_code == 422 and "contact.name" in refused.json["error"]["fields"]
    empty = api.post("/captures/batch", {"captures": []})
    assert empty.status_code == 422 and "captures" in empty.json["error"]["fields"]


def test_list_read_and_lookup_with_a_read_token(fair, make_attendee, make_capture, api_as):
    organizer, event, exhibitor = fair
    attendee = make_attendee(organizer, event, name="Ana Ortiz")
    writer = api_as(exhibitor)
    writer.post("/captures", upload(event, badge=badge_token(attendee), tags=["Go"]))
    make_capture(exhibitor, event, "Ben Berg", rating="warm")
    api = api_as(exhibitor, "read")
    listed = api.get(f"/captures?event={event.public_id}").json
    assert [c["name"] for c in listed["captures"]] == ["Ben Berg", "Ana Ortiz"]
    assert [c["name"] for c in api.get("/captures?tag=go").json["captures"]] == ["Ana Ortiz"]
    assert [c["name"] for c in api.get("/captures?rating=warm").json["captures"]] == ["Ben Berg"]
    capture = listed["captures"][1]
    assert capture["url"] == f"http://netcompanion.test/captures/{capture['id']}"
    read = api.get(f"/captures/{capture['id']}").json["capture"]
    assert read == capture
    found = api.get(f"/events/{event.public_id}/badges/{badge_token(attendee)}").json
    assert found["capture"]["id"] == capture["id"]
    assert api.get(f"/events/{event.public_id}/badges/garbage").status_code == 422
    assert api.get("/captures/nope").status_code == 404


def test_updated_since_finds_what_changed(fair, make_capture, api_as):
    organizer, event, exhibitor = fair
    old = make_capture(exhibitor, event, "Old")
    fresh = make_capture(exhibitor, event, "Fresh")
    old.updated_at = utcnow() - timedelta(days=3)
    db.session.commit()
    api = api_as(exhibitor, "read")
    since = (utcnow() - timedelta(days=1)).isoformat()
    found = api.get("/captures", query_string={"updated_since": since}).json["captures"]
    assert [c["id"] for c in found] == [fresh.public_id]


def test_bad_capture_filters_answer_422(fair, api_as, make_company, make_event):
    organizer, event, exhibitor = fair
    unseen = make_event(make_company())
    api = api_as(exhibitor, "read")
    answer = api.get(
        "/captures",
        query_string={
            "event": unseen.public_id,
            "rating": "boiling",
            "recruiter": "nobody",
            "updated_since": "yesterday",
            "limit": "0",
        },
    )
    assert answer.status_code == 422
    assert set(answer.json["error"]["fields"]) == {
        "event",
        "rating",
        "recruiter",
        "updated_since",
        "limit",
    }
    naive = api.get("/captures", query_string={"updated_since": "2030-01-01T00:00:00"})
    assert naive.status_code == 422


def test_patch_changes_only_what_it_names(fair, make_capture, api_as):
    organizer, event, exhibitor = fair
    capture = make_capture(
        exhibitor,
        event,
        "Ana Ortiz",
        email="ana@example.com",
        rating="warm",
        tags=("Go",),
        note="First",
    )
    api = api_as(exhibitor)
    answer = api.patch(
        f"/captures/{capture.public_id}",
        {"rating": "hot", "tags": ["Rust", " rust ", "Data"], "title": "CTO"},
    )
    assert answer.status_code == 200
    body = answer.json["capture"]
    assert body["rating"] == "hot" and body["title"] == "CTO"
    assert body["tags"] == ["Data", "Rust"]
    assert body["name"] == "Ana Ortiz" and body["email"] == "ana@example.com"
    assert [n["body"] for n in body["notes"]] == ["First"]
    cleared = api.patch(f"/captures/{capture.public_id}", {"rating": None, "availability": "now"})
    assert cleared.json["capture"]["rating"] is None
    assert cleared.json["capture"]["availability"] == "now"
    db.session.expire_all()
    assert capture.rating is None and capture.title == "CTO"


def test_patch_checks_answers_against_the_events_questions(fair, make_capture, api_as):
    organizer, event, exhibitor = fair
    role = EventQuestion(
        organization_id=organizer.organization_id,
        event_id=event.id,
        kind=QuestionKind.SINGLE,
        prompt="Role",
        options=["Dev", "Ops"],
    )
    db.session.add(role)
    capture = make_capture(exhibitor, event, "Ana")
    api = api_as(exhibitor)
    url = f"/captures/{capture.public_id}"
    ok = api.patch(url, {"answers": {role.public_id: "Ops"}})
    assert ok.json["capture"]["answers"] == {role.public_id: "Ops"}
    bad = api.patch(url, {"answers": {role.public_id: "CEO", "nope": "x"}})
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {f"answers.{role.public_id}", "answers.nope"}
    gone = api.patch(url, {"answers": {role.public_id: None}})
    assert gone.json["capture"]["answers"] == {}


def test_bad_patches_answer_422_and_change_nothing(fair, make_capture, api_as):
    organizer, event, exhibitor = fair
    capture = make_capture(exhibitor, event, "Ana", rating="warm")
    api = api_as(exhibitor)
    url = f"/captures/{capture.public_id}"
    cases = [
        ({"rating": "boiling"}, {"rating"}),
        ({"rating": 3}, {"rating"}),
        ({"availability": "someday"}, {"availability"}),
        ({"email": "not-an-email"}, {"email"}),
        ({"website_url": "example dot com"}, {"website_url"}),
        ({"name": ["Ana"]}, {"name"}),
        ({"tags": "Go, Rust"}, {"tags"}),
        ({"tags": [f"t{i}" for i in range(21)]}, {"tags"}),
        ({"tags": ["x" * 61]}, {"tags"}),
        ({"answers": ["x"]}, {"answers"}),
        ({"notes": []}, {"notes"}),
        ({"rating": "hot", "name": "x" * 201}, {"name"}),
    ]
    for body, fields in cases:
        answer = api.patch(url, body)
        assert answer.status_code == 422, body
        assert set(answer.json["error"]["fields"]) == fields, (body, answer.json)
    db.session.expire_all()
    assert capture.rating.value == "warm" and capture.name == "Ana"
    assert api.patch(url, data=b"{", content_type="application/json").status_code == 422
    assert api.patch("/captures/nope", {"rating": "hot"}).status_code == 404


def test_notes_are_added_by_the_tokens_creator(fair, make_capture, api_as):
    organizer, event, exhibitor = fair
    capture = make_capture(exhibitor, event, "Ana")
    api = api_as(exhibitor)
    added = api.post(f"/captures/{capture.public_id}/notes", {"body": "  Called back.  "})
    assert added.status_code == 201
    assert added.json["note"]["body"] == "Called back."
    assert added.json["note"]["author"]["id"] == exhibitor.public_id
    for body in ({}, {"body": ""}, {"body": "   "}, {"body": 5}, {"body": "x" * 5001}):
        refused = api.post(f"/captures/{capture.public_id}/notes", body)
        assert refused.status_code == 422, body
        assert "body" in refused.json["error"]["fields"]
    assert [n.body for n in db.session.scalars(select(Note))] == ["Called back."]
    assert api.post("/captures/nope/notes", {"body": "x"}).status_code == 404
