"""Contacts through the API: filters, incremental sync, one contact, detail edits, touches."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from netcompanion.capture.models import Contact
from netcompanion.contact import merging
from netcompanion.contact.models import Touch, TouchKind
from netcompanion.dbtypes import utcnow
from netcompanion.extensions import db
from netcompanion.followup.models import ListEntry
from netcompanion.webhook.models import WebhookEndpoint, WebhookEvent


def names(answer) -> list[str]:
    return [c["name"] for c in answer.json["contacts"]]


def test_contacts_list_with_the_contacts_page_filters(
    fair, make_capture, make_list, enlist, make_member, api_as
):
    organizer, event, exhibitor = fair
    colleague = make_member(exhibitor, name="Colleague")
    ana = make_capture(
        exhibitor,
        event,
        "Ana Ortiz",
        email="ana@example.com",
        rating="hot",
        tags=("Go",),
        availability="now",
        met_days_ago=1,
    )
    ben = make_capture(exhibitor, event, "Ben Berg", rating="warm", tags=("Rust",), met_days_ago=2)
    cleo = make_capture(exhibitor, event, "Cleo Cold", rating="cold", met_days_ago=3)
    for capture in (ana, ben, cleo):  # as recording keeps it: the latest encounter
        capture.contact.last_met_at = capture.captured_at
    db.session.commit()
    pool = make_list(exhibitor, "Pool")
    enlist(pool, [ben], by=exhibitor, owner=colleague)
    api = api_as(exhibitor, "read")

    assert names(api.get("/contacts")) == ["Ana Ortiz", "Ben Berg", "Cleo Cold"]
    assert names(api.get("/contacts?q=berg")) == ["Ben Berg"]
    assert names(api.get("/contacts?q=ana@example.com")) == ["Ana Ortiz"]
    assert names(api.get(f"/contacts?event={event.public_id}&rating=hot")) == ["Ana Ortiz"]
    assert names(api.get("/contacts?rating_min=warm")) == ["Ana Ortiz", "Ben Berg"]
    assert names(api.get("/contacts?tag=RUST")) == ["Ben Berg"]
    assert names(api.get("/contacts?availability=now")) == ["Ana Ortiz"]
    assert names(api.get(f"/contacts?list={pool.public_id}")) == ["Ben Berg"]
    assert names(api.get(f"/contacts?owner={colleague.public_id}")) == ["Ben Berg"]
    first = api.get("/contacts").json["contacts"][0]
    assert first["id"] == ana.contact.public_id
    assert first["url"] == f"http://netcompanion.test/contacts/{ana.contact.public_id}"


def test_bad_contact_filters_answer_422(fair, make_company, make_event, make_list, api_as):
    organizer, event, exhibitor = fair
    foreign_list = make_list(organizer, "Theirs")
    api = api_as(exhibitor, "read")
    answer = api.get(
        "/contacts",
        query_string={
            "event": make_event(make_company()).public_id,
            "list": foreign_list.public_id,
            "owner": organizer.public_id,
            "rating": "boiling",
            "rating_min": "x",
            "availability": "soon",
            "updated_since": "last week",
            "limit": "500",
        },
    )
    assert answer.status_code == 422
    assert set(answer.json["error"]["fields"]) == {
        "event",
        "list",
        "owner",
        "rating",
        "rating_min",
        "availability",
        "updated_since",
        "limit",
    }


def test_updated_since_gives_an_incremental_sync(fair, make_capture, api_as):
    organizer, event, exhibitor = fair
    old = make_capture(exhibitor, event, "Old").contact
    make_capture(exhibitor, event, "New")
    old.updated_at = utcnow() - timedelta(days=2)
    db.session.commit()
    api = api_as(exhibitor)
    since = (utcnow() - timedelta(hours=1)).isoformat()
    assert names(api.get("/contacts", query_string={"updated_since": since})) == ["New"]
    api.patch(f"/contacts/{old.public_id}", {"title": "CTO"})
    assert names(api.get("/contacts", query_string={"updated_since": since})) == ["New", "Old"]


def test_one_contact_with_its_encounters_and_lists(
    fair, make_capture, make_list, enlist, make_event, join_event, api_as
):
    organizer, event, exhibitor = fair
    second = make_event(organizer, name="Second Fair")
    join_event(exhibitor, second)
    first = make_capture(exhibitor, event, "Ana", rating="warm", tags=("Go",), met_days_ago=5)
    make_capture(exhibitor, second, "Ana", rating="hot", contact=first.contact, met_days_ago=1)
    enlist(make_list(exhibitor, "Pool"), [first], by=exhibitor)
    body = api_as(exhibitor, "read").get(f"/contacts/{first.contact.public_id}").json["contact"]
    assert [(c["event"]["name"], c["rating"]) for c in body["captures"]] == [
        ("Second Fair", "hot"),
        ("Berlin Tech Careers Fair", "warm"),
    ]
    assert body["captures"][1]["tags"] == ["Go"]
    assert [e["list"]["name"] for e in body["entries"]] == ["Pool"]
    assert body["entries"][0]["stage"]["name"] == "New"


def test_a_merged_contact_redirects_to_the_one_it_became(fair, make_capture, api_as):
    organizer, event, exhibitor = fair
    keep = make_capture(exhibitor, event, "Ana Ortiz").contact
    gone = make_capture(exhibitor, event, "Ana O.").contact
    merging.merge(exhibitor, keep, gone)
    db.session.commit()
    api = api_as(exhibitor)
    answer = api.get(f"/contacts/{gone.public_id}")
    assert answer.status_code == 307
    assert answer.headers["Location"].endswith(f"/api/v1/contacts/{keep.public_id}")
    refused = api.patch(f"/contacts/{gone.public_id}", {"title": "CTO"})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "merged"
    touch = api.post(f"/contacts/{gone.public_id}/touches", {"kind": "call"})
    assert touch.status_code == 409
    assert db.session.scalars(select(Touch)).all() == []
    assert gone.public_id not in [c["id"] for c in api.get("/contacts").json["contacts"]]


def test_patch_details_with_the_contact_pages_rules(fair, make_capture, api_as):
    organizer, event, exhibitor = fair
    contact = make_capture(exhibitor, event, "Ana", email="ana@example.com").contact
    api = api_as(exhibitor)
    url = f"/contacts/{contact.public_id}"
    answer = api.patch(url, {"email": "Ana.Ortiz@Example.com", "company": " Initech "})
    assert answer.status_code == 200
    body = answer.json["contact"]
    assert body["email"] == "ana.ortiz@example.com" and body["company"] == "Initech"
    assert body["name"] == "Ana" and body["captures"]
    cases = [
        ({"email": "nope"}, {"email"}),
        ({"linkedin_url": "linkedin.com/in/ana"}, {"linkedin_url"}),
        ({"name": "x" * 201}, {"name"}),
        ({"phone": 12345}, {"phone"}),
        ({"do_not_contact": True}, {"do_not_contact"}),
    ]
    for patch, fields in cases:
        refused = api.patch(url, patch)
        assert refused.status_code == 422, patch
        assert set(refused.json["error"]["fields"]) == fields
    db.session.expire_all()
    assert contact.email == "ana.ortiz@example.com" and not contact.do_not_contact
    assert api.patch("/contacts/nope", {"name": "x"}).status_code == 404


def test_a_detail_edit_tells_webhook_subscribers(fair, make_capture, api_as):
    organizer, event, exhibitor = fair
    contact = make_capture(exhibitor, event, "Ana").contact
    db.session.add(
        WebhookEndpoint(
            organization_id=exhibitor.organization_id,
            url="https://crm.example.com/hooks",
            secret="s" * 32,
            topics=["contact.updated"],
            enabled=True,
            created_by_id=exhibitor.id,
        )
    )
    db.session.commit()
    api = api_as(exhibitor)
    api.patch(f"/contacts/{contact.public_id}", {"title": "CTO"})
    api.patch(f"/contacts/{contact.public_id}", {"title": "CTO"})  # no change, no event
    events = db.session.scalars(select(WebhookEvent)).all()
    assert [(e.topic, e.payload["title"]) for e in events] == [("contact.updated", "CTO")]


def test_a_touch_from_the_crm_restarts_cadences(fair, make_capture, make_list, enlist, api_as):
    organizer, event, exhibitor = fair
    capture = make_capture(exhibitor, event, "Ana", met_days_ago=10)
    entry = enlist(make_list(exhibitor, "Pool"), [capture], by=exhibitor)[0]
    due_before = entry.next_due_on
    api = api_as(exhibitor)
    answer = api.post(
        f"/contacts/{capture.contact.public_id}/touches",
        {"kind": "email", "subject": "Hello", "body": "Sent from HubSpot"},
    )
    assert answer.status_code == 201
    touch = answer.json["touch"]
    assert touch["kind"] == "email" and touch["by"]["id"] == exhibitor.public_id
    db.session.expire_all()
    entry = db.session.get(ListEntry, entry.id)
    assert entry.last_touch_at is not None and entry.step == 1
    assert entry.next_due_on != due_before
    stored = db.session.scalars(select(Touch)).one()
    assert stored.via == "api" and stored.subject == "Hello"

    earlier = (utcnow() - timedelta(days=3)).isoformat()
    logged = api.post(
        f"/contacts/{capture.contact.public_id}/touches",
        {"kind": "call", "happened_at": earlier},
    )
    assert logged.status_code == 201


def test_bad_touches_answer_422_and_log_nothing(fair, make_capture, api_as):
    organizer, event, exhibitor = fair
    contact = make_capture(exhibitor, event, "Ana").contact
    api = api_as(exhibitor)
    url = f"/contacts/{contact.public_id}/touches"
    future = (utcnow() + timedelta(days=1)).isoformat()
    cases = [
        ({}, {"kind"}),
        ({"kind": "fax"}, {"kind"}),
        ({"kind": ["call"]}, {"kind"}),
        ({"kind": "call", "happened_at": future}, {"happened_at"}),
        ({"kind": "call", "happened_at": "1969-12-31T12:00:00+00:00"}, {"happened_at"}),
        ({"kind": "call", "happened_at": "2030-01-01"}, {"happened_at"}),
        ({"kind": "call", "happened_at": 5}, {"happened_at"}),
        ({"kind": "call", "body": "x" * 5001}, {"body"}),
        ({"kind": "call", "subject": "x" * 301}, {"subject"}),
        ({"kind": "call", "via": "smtp"}, {"via"}),
    ]
    for body, fields in cases:
        answer = api.post(url, body)
        assert answer.status_code == 422, body
        assert set(answer.json["error"]["fields"]) == fields, (body, answer.json)
    assert db.session.scalars(select(Touch)).all() == []
    assert api.post("/contacts/nope/touches", {"kind": "call"}).status_code == 404
    assert TouchKind("call")  # the documented kinds are the model's
    assert db.session.scalars(select(Contact)).one().name == "Ana"
