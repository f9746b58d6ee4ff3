"""The outbox: events commit or roll back with the change, cost one query when nobody listens,
and go when the person they are about is erased."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from netcompanion.capture import editing
from netcompanion.contact import consent, erasure
from netcompanion.extensions import db
from netcompanion.webhook import outbox, service
from netcompanion.webhook.models import Topic, WebhookAttempt, WebhookDelivery, WebhookEvent

from .conftest import deliveries, events


@contextmanager
def statements():
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_change_that_rolls_back_sends_nothing(fair, make_capture, make_endpoint, receiver):
    _organizer, event, acme = fair
    make_endpoint(acme, receiver.url())
    capture = make_capture(acme, event, "Ana")
    editing.add_note(capture, acme, "Talked about Go")
    assert len(events(Topic.CAPTURE_UPDATED)) == 1  # flushed in the transaction ...
    db.session.rollback()
    assert events() == [] and deliveries() == []  # ... and gone with it

    editing.add_note(capture, acme, "Talked about Rust")
    db.session.commit()
    assert len(events(Topic.CAPTURE_UPDATED)) == 1 and len(deliveries()) == 1


def test_without_subscribers_a_transaction_pays_one_query_however_many_changes(
    fair, make_capture, make_endpoint, receiver
):
    _organizer, event, acme = fair
    capture = make_capture(acme, event, "Ana")
    other = fair[0]  # another company listens: that does not count for Acme
    make_endpoint(other, receiver.url())
    db.session.commit()
    with statements() as seen:
        for n in range(5):
            editing.add_note(capture, acme, f"Note {n}")
        consent.mark_do_not_contact(capture.contact, acme, "Asked us to stop")
    endpoint_reads = [s for s in seen if "webhook_endpoint" in s]
    assert len(endpoint_reads) == 1
    assert not [s for s in seen if "INSERT INTO webhook" in s]
    db.session.commit()
    assert events() == []


def test_a_new_endpoint_is_seen_by_the_next_transaction(fair, make_capture, receiver):
    _organizer, event, acme = fair
    capture = make_capture(acme, event, "Ana")
    editing.add_note(capture, acme, "Before")  # caches "nobody listens"
    service.create(acme, service.Details(receiver.url(), "", [Topic.CAPTURE_UPDATED.value]))
    editing.add_note(capture, acme, "Same transaction, after the endpoint")
    db.session.commit()
    editing.add_note(capture, acme, "Next transaction")
    db.session.commit()
    assert len(events(Topic.CAPTURE_UPDATED)) == 2


def test_erasing_a_person_removes_their_queued_and_logged_events(
    fair, make_capture, make_list, enlist, make_endpoint, make_worker, receiver
):
    _organizer, event, acme = fair
    endpoint = make_endpoint(acme, receiver.url())
    ana = make_capture(acme, event, "Ana", email="ana@example.org")
    bob = make_capture(acme, event, "Bob", email="bob@example.org")
    lst = make_list(acme, "Pool")
    enlist(lst, [ana, bob], by=acme)
    editing.add_note(ana, acme, "Ana's note")
    consent.mark_do_not_contact(ana.contact, acme, "Ana asked")
    db.session.commit()
    make_worker().run_once()  # delivered and logged ...
    editing.add_note(ana, acme, "Queued, not sent yet")  # ... and queued
    service.send_test(acme, endpoint)  # about nobody
    db.session.commit()
    about_ana = [e for e in events() if e.contact_id == ana.contact_id]
    assert len(about_ana) == 4 and count(WebhookAttempt) == 4

    erasure.erase(acme, ana.contact)
    db.session.commit()

    left = events()
    assert {e.contact_id for e in left} == {bob.contact_id, None}
    assert "Ana" not in str([e.payload for e in left])
    assert count(WebhookDelivery) == len(left) == 2
    assert count(WebhookAttempt) == 1  # Bob's list entry
    assert count(WebhookEvent) == 2


def test_erasing_a_merged_persons_survivor_removes_events_about_both(
    fair, make_capture, make_endpoint, receiver
):
    from netcompanion.contact import merging

    _organizer, event, acme = fair
    make_endpoint(acme, receiver.url())
    ana = make_capture(acme, event, "Ana", email="ana@example.org")
    double = make_capture(acme, event, "Ana B.", email="ana.b@example.org")
    ids = {ana.contact_id, double.contact_id}
    merging.merge(acme, ana.contact, double.contact)
    db.session.commit()
    assert {e.contact_id for e in events()} == ids
    erasure.erase(acme, ana.contact)
    db.session.commit()
    assert events() == [] and count(WebhookDelivery) == 0


def test_emit_many_writes_one_event_per_item_for_each_subscriber(
    make_company, make_endpoint, receiver
):
    owner = make_company()
    make_endpoint(owner, receiver.url("/a"))
    make_endpoint(owner, receiver.url("/b"), topics=[Topic.CAPTURE_CREATED])
    with statements() as seen:
        outbox.emit_many(
            owner.organization_id, Topic.CONTACT_UPDATED, [({"n": n}, None) for n in range(50)]
        )
    assert len([s for s in seen if s.startswith("INSERT")]) == 2  # events, then deliveries
    db.session.commit()
    assert len(events()) == 50 and len(deliveries()) == 50
