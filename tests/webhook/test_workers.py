"""Several workers, crashes and restarts: nothing is lost, nothing is sent twice at once, and
old events are pruned."""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from netcompanion.extensions import db
from netcompanion.webhook import outbox, sending
from netcompanion.webhook.models import (
    DeliveryState,
    Topic,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
)

from .conftest import attempts, deliveries
from .receiver import Reply


def queue_many(owner, count: int) -> None:
    outbox.emit_many(
        owner.organization_id,
        Topic.CONTACT_UPDATED,
        [({"id": f"c{n}", "n": n}, None) for n in range(count)],
    )
    db.session.commit()


def test_a_crashed_workers_lease_expires_and_another_worker_delivers(
    make_company, make_endpoint, make_worker, receiver, clock
):
    owner = make_company()
    make_endpoint(owner, receiver.url())
    queue_many(owner, 1)
    crashed = make_worker(name="crashed")
    assert len(crashed.claim()) == 1  # ... and the process dies before sending

    survivor = make_worker(name="survivor")
    assert survivor.run_once() == {}  # the lease still holds
    clock.now += crashed.lease + timedelta(seconds=1)
    assert survivor.run_once() == {"delivered": 1}
    assert len(receiver.requests) == 1
    (delivery,) = deliveries()
    assert delivery.state is DeliveryState.DELIVERED and delivery.lease_owner == ""


def test_a_worker_past_its_lease_does_not_overwrite_the_result_of_the_one_that_took_over(
    make_company, make_endpoint, make_worker, receiver, clock
):
    owner = make_company()
    make_endpoint(owner, receiver.url("/hook"))
    queue_many(owner, 1)
    stalled = make_worker(name="stalled")
    (delivery_id,) = stalled.claim()
    claimed = stalled.prepare(delivery_id)
    db.session.rollback()
    receiver.script("/hook", Reply(500), Reply(200))
    late_answer = sending.post(claimed.url, claimed.body, claimed.headers, stalled.settings)

    clock.now += stalled.lease + timedelta(seconds=1)
    assert make_worker(name="fresh").run_once() == {"delivered": 1}
    assert stalled.record(claimed, late_answer) == "lost"

    (delivery,) = deliveries()
    assert delivery.state is DeliveryState.DELIVERED
    assert delivery.attempts == 1 and [a.status for a in attempts(delivery)] == [200]
    # The receiver saw the delivery twice, with one key: it keeps the first and drops the rest.
    assert [r.webhook_id for r in receiver.requests] == [delivery.public_id] * 2


def test_workers_draining_one_queue_send_each_delivery_once(
    app, make_company, make_endpoint, make_worker, receiver
):
    """Four workers, each in its own thread with its own database connection, share a queue;
    on PostgreSQL they claim with SKIP LOCKED, on SQLite one writer claims at a time."""
    owner = make_company()
    make_endpoint(owner, receiver.url("/a"))
    make_endpoint(owner, receiver.url("/b"))
    receiver.script("/a", Reply(delay=0.01))
    receiver.script("/b", Reply(delay=0.01))
    queue_many(owner, 30)
    outcomes: list[Counter] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def work(n: int) -> None:
        with app.app_context():
            try:
                worker = make_worker(name=f"worker-{n}", batch=3)
                start.wait()
                outcomes.append(worker.run_once())
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    per_key = Counter(r.webhook_id for r in receiver.requests)
    assert len(per_key) == 60 and set(per_key.values()) == {1}
    assert sum(c["delivered"] for c in outcomes) == 60
    assert sum(1 for c in outcomes if c["delivered"]) > 1  # the work really was shared
    assert {d.state for d in deliveries()} == {DeliveryState.DELIVERED}


def test_a_stopped_worker_finishes_its_delivery_and_gives_the_rest_back(
    make_company, make_endpoint, make_worker, receiver
):
    owner = make_company()
    make_endpoint(owner, receiver.url("/slowish"))
    queue_many(owner, 3)
    worker = make_worker(batch=3)
    # The stop comes while the first delivery is at the receiver, as SIGTERM's handler would.
    receiver.script("/slowish", Reply(delay=0.2, then=worker.stop))
    done = worker.run_once()
    assert done == {"delivered": 1}
    states = [(d.state, d.lease_owner) for d in deliveries()]
    assert states.count((DeliveryState.DELIVERED, "")) == 1
    assert states.count((DeliveryState.PENDING, "")) == 2  # released: any worker takes them now


def test_sigterm_stops_the_running_worker_after_its_current_delivery(
    app, make_company, make_endpoint, make_worker, receiver
):
    owner = make_company()
    make_endpoint(owner, receiver.url())
    queue_many(owner, 2)
    runner = app.test_cli_runner()
    received_before = threading.Event()

    def terminate_after_first_request():
        while not receiver.requests:
            received_before.wait(0.05)
        os.kill(os.getpid(), signal.SIGTERM)

    killer = threading.Thread(target=terminate_after_first_request, daemon=True)
    previous = signal.getsignal(signal.SIGTERM)
    killer.start()
    try:
        result = runner.invoke(args=["webhooks", "deliver", "--batch", "1"])
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert result.exit_code == 0, result.output
    assert "Stopped." in result.output
    assert len(receiver.requests) >= 1
    assert all(d.lease_owner == "" for d in deliveries())


def test_once_delivers_what_is_due_and_reports(app, make_company, make_endpoint, receiver):
    owner = make_company()
    make_endpoint(owner, receiver.url("/ok"))
    make_endpoint(owner, receiver.url("/down"))
    receiver.script("/down", Reply(500))
    queue_many(owner, 2)
    result = app.test_cli_runner().invoke(args=["webhooks", "deliver", "--once", "--batch", "3"])
    assert result.exit_code == 0, result.output
    assert "Delivered 2, to retry 2, failed 0" in result.output
    assert len(receiver.on("/ok")) == 2


def test_finished_events_are_pruned_after_the_retention_period(
    make_company, make_endpoint, make_worker, receiver, clock
):
    owner = make_company()
    make_endpoint(owner, receiver.url("/ok"))
    make_endpoint(owner, receiver.url("/down"))
    receiver.script("/down", Reply(410))
    queue_many(owner, 2)
    worker = make_worker()
    worker.run_once()
    outbox.emit(owner.organization_id, Topic.CONTACT_UPDATED, {"id": "late"})
    db.session.commit()  # queued, not yet attempted
    assert worker.prune() == 0

    clock.now += timedelta(days=30, minutes=1)
    assert worker.prune() == 2
    remaining = events_left()
    assert [e.payload["id"] for e in remaining] == ["late"]
    assert db.session.scalar(select(func.count()).select_from(WebhookAttempt)) == 0
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 2


def events_left() -> list[WebhookEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookEvent)))
