"""Every change a subscriber hears about produces one event of the right topic, with the object
as the API shows it after the change, recorded in the change's own transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from netcompanion.api import serialize
from netcompanion.capture import booth as booths
from netcompanion.capture.models import Capture, Contact
from netcompanion.contact import merging
from netcompanion.extensions import db
from netcompanion.followup import entries as entry_actions
from netcompanion.followup import service as followups
from netcompanion.followup.models import ListEntry
from netcompanion.webhook.models import Topic
from tests.capture.conftest import item

from .conftest import events


@pytest.fixture
def acme(fair, make_endpoint, receiver, login_as):
    """The exhibitor, signed in, with an endpoint subscribed to everything."""
    _organizer, event, exhibitor = fair
    make_endpoint(exhibitor, receiver.url())
    login_as(exhibitor)
    return exhibitor


def topics() -> list[str]:
    return [e.topic for e in events()]


def capture_json(client, capture_id: str) -> dict:
    response = client.get(f"/api/v1/captures/{capture_id}")
    assert response.status_code == 200, response.json
    return response.json["capture"]


def contact_json(contact: Contact) -> dict:
    db.session.expire_all()
    contact = db.session.get(Contact, contact.id)
    merged_into = (
        db.session.get(Contact, contact.merged_into_id) if contact.merged_into_id else None
    )
    return {**serialize.contact(contact), "merged_into": merged_into and merged_into.public_id}


def entry_json(client, entry_id: str) -> dict:
    db.session.expire_all()
    entry = db.session.scalars(select(ListEntry).where(ListEntry.public_id == entry_id)).one()
    return serialize.entry(entry)


# Captures -------------------------------------------------------------------------------------


def test_a_scanned_capture_is_created_and_a_second_scan_updates_it(acme, fair, api, client):
    _organizer, event, _ = fair
    person = {"name": "Ana Lima", "email": "ana@example.org"}
    first = api.post("/api/v1/captures", item(event, contact=person, note="Go", rating="hot"))
    assert first.status_code == 201, first.json
    capture_id = first.json["capture"]["id"]
    (created,) = events(Topic.CAPTURE_CREATED)
    assert created.payload == capture_json(client, capture_id)
    assert created.payload["notes"][0]["body"] == "Go"

    again = api.post("/api/v1/captures", item(event, contact=person, note="Rust", tags=["Rust"]))
    assert again.json["status"] == "merged"
    (updated,) = events(Topic.CAPTURE_UPDATED)
    assert updated.payload == capture_json(client, capture_id)
    assert [n["body"] for n in updated.payload["notes"]] == ["Go", "Rust"]
    contact_id = db.session.scalars(select(Capture.contact_id)).one()
    assert created.contact_id == updated.contact_id == contact_id


def test_a_batch_reports_each_new_person_once_as_created(acme, fair, api, client):
    _organizer, event, _ = fair
    ana = {"name": "Ana", "email": "ana@example.org"}
    response = api.batch(
        [
            item(event, contact=ana, note="first"),
            item(event, contact={"name": "Bob", "email": "bob@example.org"}),
            item(event, contact=ana, note="second, same batch"),
        ]
    )
    assert [r["status"] for r in response.json["results"]] == ["created", "created", "merged"]
    assert topics() == ["capture.created", "capture.created"]
    ana_event = next(e for e in events() if e.payload["name"] == "Ana")
    assert [n["body"] for n in ana_event.payload["notes"]] == ["first", "second, same batch"]


def test_queueing_for_follow_up_from_the_scanner_reports_the_entry(
    acme, fair, api, client, make_list
):
    _organizer, event, _ = fair
    lst = make_list(acme, "Backend pool")
    person = {"name": "Ana", "email": "ana@example.org"}
    api.post("/api/v1/captures", item(event, contact=person, follow_up=lst.public_id))
    assert topics() == ["capture.created", "list_entry.added"]
    (added,) = events(Topic.ENTRY_ADDED)
    entry = db.session.scalars(select(ListEntry)).one()
    assert added.payload == entry_json(client, entry.public_id)
    assert added.payload["list"]["id"] == lst.public_id
    assert added.payload["stage"]["name"] == "New"


def test_details_left_at_a_booth_are_captures_too(acme, fair):
    _organizer, event, _ = fair
    booth = next(b for b in event.exhibitors if b.organization_id == acme.organization_id)
    details = {"name": "Ana", "email": "ana@example.org"}
    booths.record_booth(booth, details, ["Go"], None, "Hello", "I agree", "en")
    db.session.commit()
    booths.record_booth(booth, details, ["Rust"], None, "Again", "I agree", "en")
    db.session.commit()
    assert topics() == ["capture.created", "capture.updated"]
    assert events()[1].payload["tags"] == ["Go", "Rust"]


def test_editing_a_capture_and_adding_a_note_update_it(acme, fair, make_capture, client):
    _organizer, event, _ = fair
    capture = make_capture(acme, event, "Ana", email="ana@example.org")
    response = client.submit(
        f"/captures/{capture.public_id}",
        {
            "name": "Ana Lima",
            "email": "ana@example.org",
            "rating": "warm",
            "availability": "",
            "tags": "Go",
        },
    )
    assert response.status_code == 302
    response = client.submit(f"/captures/{capture.public_id}/notes", {"body": "Call in May"})
    assert response.status_code == 302
    first, second = events(Topic.CAPTURE_UPDATED)
    assert first.payload["name"] == "Ana Lima" and first.payload["rating"] == "warm"
    assert first.payload["notes"] == []
    assert second.payload == capture_json(client, capture.public_id)
    assert second.payload["notes"][0]["body"] == "Call in May"


# Contacts -------------------------------------------------------------------------------------


def test_contact_edits_consent_and_do_not_contact_update_the_contact(
    acme, fair, make_capture, client
):
    _organizer, event, _ = fair
    contact = make_capture(acme, event, "Ana", email="ana@example.org").contact
    url = f"/contacts/{contact.public_id}"
    details = {"name": "Ana Lima", "email": "ana@example.org"}
    assert client.submit(f"{url}/details", details).status_code == 302
    assert client.submit(f"{url}/details", details).status_code == 302  # nothing changed
    assert len(events()) == 1
    assert client.submit(f"{url}/consent", {"text": "Yes, write to me"}).status_code == 302
    assert client.submit(f"{url}/do-not-contact", {"reason": "Asked"}).status_code == 302
    dnc = contact_json(contact)
    assert client.submit(f"{url}/do-not-contact/lift", {"confirm": "y"}).status_code == 302

    edited, consented, blocked, lifted = events()
    assert {e.topic for e in events()} == {"contact.updated"}
    assert {e.contact_id for e in events()} == {contact.id}
    assert edited.payload["name"] == "Ana Lima"
    assert consented.payload["consent"]["text"] == "Yes, write to me"
    assert blocked.payload == dnc and dnc["do_not_contact"] is True
    assert lifted.payload == contact_json(contact)
    assert lifted.payload["do_not_contact"] is False and lifted.payload["merged_into"] is None


def test_merging_and_undoing_update_both_contacts(acme, fair, make_capture):
    _organizer, event, _ = fair
    ana = make_capture(acme, event, "Ana", email="ana@example.org").contact
    double = make_capture(acme, event, "", email="", company="Initech").contact
    record = merging.merge(acme, ana, double)
    db.session.commit()
    survivor, merged = events()
    assert survivor.payload == {**contact_json(ana)} and survivor.payload["company"] == "Initech"
    assert merged.payload["id"] == double.public_id
    assert merged.payload["merged_into"] == ana.public_id

    merging.undo(acme, record)
    db.session.commit()
    survivor, merged = events()[2:]
    assert survivor.payload["company"] == "" and merged.payload["merged_into"] is None
    assert [e.topic for e in events()] == ["contact.updated"] * 4


# List entries ---------------------------------------------------------------------------------


def test_adding_people_reports_only_those_who_joined(
    acme, fair, make_capture, make_list, enlist, client
):
    _organizer, event, _ = fair
    lst = make_list(acme, "Pool")
    ana = make_capture(acme, event, "Ana", rating="hot")
    make_capture(acme, event, "Bob", rating="hot")
    enlist(lst, [ana], by=acme)
    assert len(events(Topic.ENTRY_ADDED)) == 1

    response = client.submit(
        f"/events/{event.public_id}/follow-up/add", {"list": lst.public_id, "rating": "hot"}
    )
    assert response.status_code == 302
    added = events(Topic.ENTRY_ADDED)
    assert [e.payload["contact"]["name"] for e in added] == ["Ana", "Bob"]


def test_adding_from_the_contact_page_reports_the_entry(
    acme, fair, make_capture, make_list, client
):
    _organizer, event, _ = fair
    lst = make_list(acme, "Pool")
    contact = make_capture(acme, event, "Ana").contact
    client.submit(f"/contacts/{contact.public_id}/lists", {"list": lst.public_id})
    client.submit(f"/contacts/{contact.public_id}/lists", {"list": lst.public_id})  # again
    (added,) = events(Topic.ENTRY_ADDED)
    assert added.contact_id == contact.id
    assert added.payload == entry_json(client, added.payload["id"])


def test_moving_an_entry_by_page_or_api_reports_its_new_stage(
    acme, fair, make_capture, make_list, enlist, client, api
):
    _organizer, event, _ = fair
    lst = make_list(acme, "Pool")
    (entry,) = enlist(lst, [make_capture(acme, event, "Ana")], by=acme)
    stages = lst.stages
    client.submit(f"/entries/{entry.public_id}", {"action": "next_stage"})
    client.submit(f"/entries/{entry.public_id}", {"action": "snooze", "days": "7"})  # not a move
    response = client.patch(
        f"/api/v1/entries/{entry.public_id}",
        json={"stage": stages[3].public_id},
        headers={"X-CSRFToken": api.token()},
    )
    assert response.status_code == 200, response.json
    by_page, by_api = events(Topic.ENTRY_MOVED)
    assert by_page.payload["stage"]["id"] == stages[1].public_id
    assert by_api.payload["stage"]["id"] == stages[3].public_id
    assert by_api.payload == entry_json(client, entry.public_id)
    assert topics() == ["list_entry.added", "list_entry.moved", "list_entry.moved"]


def test_deleting_a_stage_reports_the_people_moved_off_it(
    acme, fair, make_capture, make_list, enlist
):
    _organizer, event, _ = fair
    lst = make_list(acme, "Pool")
    entries = enlist(lst, [make_capture(acme, event, n) for n in ("Ana", "Bob")], by=acme)
    new, contacted = lst.stages[0], lst.stages[1]
    for entry in entries:
        followups.move_to_stage(entry, contacted)
    db.session.commit()
    before = len(events(Topic.ENTRY_MOVED))

    rows = [
        entry_actions.StageRow(
            s.public_id, s.name, n + 1, s.is_final, s.id == contacted.id, new.public_id
        )
        for n, s in enumerate(lst.stages)
    ]
    steps = [
        entry_actions.StepRow(s.public_id, s.offset_days, s.action.value, "", False)
        for s in lst.steps
    ]
    details = entry_actions.ListDetails(lst.name, lst.description, lst.keep_in_touch_days)
    entry_actions.update_list(lst, details, rows, steps)
    db.session.commit()

    moved = events(Topic.ENTRY_MOVED)[before:]
    assert sorted(e.payload["contact"]["name"] for e in moved) == ["Ana", "Bob"]
    assert {e.payload["stage"]["id"] for e in moved} == {new.public_id}


def test_bookkeeping_reports_nothing(acme, fair, make_capture, make_list, enlist, client):
    """Touches, snoozes and due dates are the team's own housekeeping, not changes to report."""
    _organizer, event, _ = fair
    lst = make_list(acme, "Pool")
    capture = make_capture(acme, event, "Ana")
    (entry,) = enlist(lst, [capture], by=acme)
    before = len(events())
    client.submit(f"/contacts/{capture.contact.public_id}/touches", {"kind": "call", "body": "Hi"})
    client.submit(f"/entries/{entry.public_id}", {"action": "pause"})
    assert len(events()) == before
