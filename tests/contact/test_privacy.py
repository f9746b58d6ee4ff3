"""Erasure and "do not contact": a person's privacy requests are carried out in full."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from netcompanion.capture.models import Capture, CaptureReceipt, CaptureTag, Contact, Note
from netcompanion.contact import erasure
from netcompanion.contact.models import (
    ContactMerge,
    ContactNote,
    ContactPoint,
    MatchSuggestion,
    PointKind,
    Touch,
    TouchKind,
)
from netcompanion.extensions import db
from netcompanion.followup import service as followups
from netcompanion.followup.models import ListEntry
from tests.capture.conftest import item
from tests.conftest import login


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_erasing_a_contact_removes_every_trace_of_the_person_only(client, api, fair):
    _, event, exhibitor = fair
    pool = followups.create_list(exhibitor, "Pool")
    db.session.commit()
    login(client, exhibitor)
    api.batch(
        [
            item(
                event,
                contact={"name": "Ana Lima", "email": "ana@example.com", "phone": "+4930111222"},
                tags=["Backend"],
                note="Wants remote.",
                follow_up=pool.public_id,
            ),
            item(event, contact={"name": "Bo Berg", "email": "bo@example.com"}, note="Stays."),
            item(
                event,
                contact={"name": "A. Lima", "email": "a.lima@home.example", "phone": "+4930111222"},
            ),
        ]
    )
    ana, bo, double = db.session.scalars(select(Contact).order_by(Contact.id)).all()
    assert count(MatchSuggestion) == 1
    followups.log_touch(exhibitor, ana, TouchKind.CALL, body="Called.")
    db.session.add(
        ContactMerge(organization_id=ana.organization_id, survivor_id=ana.id, merged_id=double.id)
    )
    double.merged_into_id = ana.id
    org = ana.organization_id
    db.session.add_all(
        [
            ContactPoint(organization_id=org, contact_id=ana.id, kind=PointKind.EMAIL,
                         value="ana@work.example", key="ana@work.example"),
            ContactNote(organization_id=org, contact_id=double.id, body="Card gives NewCo."),
        ]
    )  # fmt: skip
    db.session.commit()

    assert erasure.erase(exhibitor, ana) == 2
    db.session.commit()

    assert [c.name for c in db.session.scalars(select(Contact))] == ["Bo Berg"]
    assert [c.contact_id for c in db.session.scalars(select(Capture))] == [bo.id]
    assert [n.body for n in db.session.scalars(select(Note))] == ["Stays."]
    assert count(CaptureTag) == 0
    assert count(CaptureReceipt) == 1
    for model in (ListEntry, Touch, ContactMerge, MatchSuggestion, ContactPoint, ContactNote):
        assert count(model) == 0, model


def test_deleting_the_only_capture_keeps_a_contact_that_is_being_followed_up(client, api, fair):
    _, event, exhibitor = fair
    pool = followups.create_list(exhibitor, "Pool")
    db.session.commit()
    login(client, exhibitor)
    api.batch([item(event, contact={"name": "Ana Lima"}, follow_up=pool.public_id)])
    capture = db.session.scalars(select(Capture)).one()

    response = client.submit(f"/captures/{capture.public_id}/delete")

    assert response.status_code in (302, 303)
    assert count(Capture) == 0
    assert [e.contact.name for e in db.session.scalars(select(ListEntry))] == ["Ana Lima"]


def test_erasing_from_the_contact_page_needs_a_ticked_box(client, api, fair):
    _, event, exhibitor = fair
    login(client, exhibitor)
    api.batch([item(event, contact={"name": "Ana Lima", "email": "ana@example.com"})])
    contact = db.session.scalars(select(Contact)).one()
    url = f"/contacts/{contact.public_id}/erase"

    refused = client.submit(url)
    assert refused.status_code == 422
    assert "Tick the box to confirm." in refused.text
    assert count(Contact) == count(Capture) == 1

    response = client.submit(url, {"confirm": "y"})
    assert response.status_code == 302
    assert count(Contact) == count(Capture) == 0
    assert "Everything about Ana Lima is deleted." in client.get("/contacts").text


def test_do_not_contact_takes_the_person_off_every_follow_up_until_lifted(client, api, fair):
    _, event, exhibitor = fair
    pool = followups.create_list(exhibitor, "Pool")
    db.session.commit()
    login(client, exhibitor)
    met = (datetime.now(UTC) - timedelta(days=5)).isoformat()
    api.batch(
        [item(event, contact={"name": "Ana Lima"}, follow_up=pool.public_id, captured_at=met)]
    )
    contact = db.session.scalars(select(Contact)).one()
    entry = db.session.scalars(select(ListEntry)).one()
    due = entry.next_due_on
    assert "Ana Lima" in client.get("/today").text  # her thank-you is overdue
    url = f"/contacts/{contact.public_id}/do-not-contact"

    client.submit(url, {"reason": "Asked us by email"})
    db.session.refresh(entry)
    assert entry.next_due_on is None
    client.get("/today")  # shows the flash message, which names her
    assert "Ana Lima" not in client.get("/today").text

    client.submit(url + "/lift", {"confirm": "y"})
    db.session.refresh(entry)
    assert entry.next_due_on == due
