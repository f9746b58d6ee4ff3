"""The delivery worker: claims due deliveries, POSTs them, records what happened.

Rules, so that several workers (processes or hosts) can share one queue:

1. Claim: one short transaction marks up to ``batch`` due deliveries with this worker's name
   and a lease (``WITH due AS MATERIALIZED (SELECT … FOR UPDATE SKIP LOCKED) UPDATE … FROM
   due``: on PostgreSQL two workers never take the same row, nor wait for each other; SQLite
   runs one writer at a time anyway) and commits.
2. Deliver: the HTTP request runs outside any transaction: no lock is held while a receiver
   takes its time.
3. Record: one short transaction writes the outcome and the attempt, only where the delivery
   still carries this worker's name. A worker that stalled past its lease finds the delivery
   taken over (or redelivered, or deleted) and writes nothing.

A worker that dies mid-delivery leaves its lease to expire; another worker then sends the
delivery again with the same ``webhook-id``, which is why receivers deduplicate on it.
The lease covers the whole batch: every delivery's worst case (three addresses' connect
timeouts and the read timeout) plus a margin.
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import delete, exists, insert, or_, select, update

from ..account.models import Organization
from ..dbtypes import utcnow
from ..extensions import db
from . import schedule, sending, signing
from .models import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

log = logging.getLogger(__name__)

LEASE_MARGIN = timedelta(seconds=30)
PRUNE_EVERY = 3600  # seconds
PRUNE_CHUNK = 1000


def worker_name() -> str:
    """Host, process and a random tag: unique among workers, at most 40 characters."""
    return f"{socket.gethostname()[:20]}:{os.getpid()}:{secrets.token_hex(3)}"[:40]


@dataclass
class Claimed:
    """What a delivery needs, read before the request so no transaction stays open."""

    id: int
    organization_id: int
    url: str
    message_id: str
    body: bytes
    headers: dict[str, str]
    manual: bool
    round_attempts: int
    attempted_at: datetime


class Worker:
    """Deliver due webhook deliveries; ``clock`` and ``rand`` are injectable for tests."""

    def __init__(
        self,
        app: Flask,
        *,
        batch: int = 10,
        name: str | None = None,
        clock: Callable[[], datetime] = utcnow,
        rand: Callable[[], float] = random.random,
    ):
        self.app = app
        self.batch = batch
        self.name = name or worker_name()
        self.clock = clock
        self.rand = rand
        self.settings = sending.Settings.from_config(app.config)
        self.stopping = threading.Event()

    @property
    def lease(self) -> timedelta:
        worst = sending.MAX_ADDRESSES * self.settings.connect_timeout + self.settings.read_timeout
        return timedelta(seconds=worst * self.batch) + LEASE_MARGIN

    def stop(self) -> None:
        """Finish the delivery under way, then stop (what SIGTERM does)."""
        self.stopping.set()

    # Claiming -------------------------------------------------------------------------------

    def claim(self) -> list[int]:
        """Lease up to ``batch`` due deliveries of enabled endpoints to this worker; commit."""
        now = self.clock()
        free = or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now)
        due = (
            select(WebhookDelivery.id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(
                WebhookDelivery.state == DeliveryState.PENDING,
                WebhookDelivery.next_attempt_at <= now,
                free,
                WebhookEndpoint.enabled.is_(True),
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(self.batch)
            .with_for_update(skip_locked=True, of=WebhookDelivery)
            # Evaluated once: PostgreSQL may run an ``IN (subquery)`` again per row, and the
            # LIMIT then no longer bounds what one claim takes.
            .cte("due")
            .prefix_with("MATERIALIZED")
        )
        statement = (
            update(WebhookDelivery)
            .where(WebhookDelivery.id == due.c.id)
            .values(lease_until=now + self.lease, lease_owner=self.name)
            .returning(WebhookDelivery.id)
            .execution_options(synchronize_session=False)
        )
        try:
            ids = sorted(db.session.scalars(statement))
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        return ids

    def release(self, ids: list[int]) -> None:
        """Give back claimed deliveries not attempted, for any worker to take at once."""
        if ids:
            db.session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id.in_(ids), WebhookDelivery.lease_owner == self.name)
                .values(lease_until=None, lease_owner="")
                .execution_options(synchronize_session=False)
            )
        db.session.commit()

    # Delivering -----------------------------------------------------------------------------

    def prepare(self, delivery_id: int) -> Claimed | None:
        """Read what a claimed delivery sends; None when it is no longer this worker's."""
        row = db.session.execute(
            select(WebhookDelivery, WebhookEvent, WebhookEndpoint, Organization.public_id)
            .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .join(Organization, Organization.id == WebhookDelivery.organization_id)
            .where(WebhookDelivery.id == delivery_id, WebhookDelivery.lease_owner == self.name)
        ).first()
        if row is None:
            return None  # taken over, redelivered, or deleted with its endpoint or contact
        delivery, event, endpoint, org_public_id = row
        if not endpoint.enabled:
            return None  # paused since the claim: it waits for "Resume"
        now = self.clock()
        body = signing.body(event, org_public_id)
        timestamp = int(now.timestamp())
        return Claimed(
            id=delivery.id,
            organization_id=delivery.organization_id,
            url=endpoint.url,
            message_id=delivery.public_id,
            body=body,
            headers=signing.headers(
                signing.signing_secrets(endpoint, now), delivery.public_id, timestamp, body
            ),
            manual=delivery.manual_requested,
            round_attempts=delivery.round_attempts,
            attempted_at=now,
        )

    def deliver(self, delivery_id: int) -> str:
        """Attempt one claimed delivery; return what became of it (a Counter key)."""
        try:
            claimed = self.prepare(delivery_id)
        finally:
            db.session.rollback()  # nothing stays open during the request
        if claimed is None:
            self.release([delivery_id])
            return "skipped"
        answer = sending.post(claimed.url, claimed.body, claimed.headers, self.settings)
        return self.record(claimed, answer)

    def record(self, claimed: Claimed, answer: sending.Answer) -> str:
        """Write the attempt and the outcome, if the delivery is still this worker's."""
        now = self.clock()
        round_attempts = claimed.round_attempts + 1
        values = {
            "attempts": WebhookDelivery.attempts + 1,
            "round_attempts": round_attempts,
            "manual_requested": False,
            "lease_until": None,
            "lease_owner": "",
            "last_status": answer.status,
            "last_error": answer.error,
            "last_response_ms": answer.response_ms,
        }
        if answer.ok:
            outcome = "delivered"
            values.update(state=DeliveryState.DELIVERED, delivered_at=now)
        else:
            retry_at = schedule.next_attempt(answer, round_attempts, now, self.rand)
            if retry_at is None:
                outcome = "failed"
                values.update(state=DeliveryState.FAILED)
            else:
                outcome = "retrying"
                values.update(state=DeliveryState.PENDING, next_attempt_at=retry_at)
        try:
            kept = db.session.execute(
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.id == claimed.id,
                    WebhookDelivery.lease_owner == self.name,
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            ).rowcount
            if kept != 1:
                db.session.rollback()
                log.warning("webhook delivery %s: lease lost, result dropped", claimed.message_id)
                return "lost"
            db.session.execute(
                insert(WebhookAttempt.__table__).values(
                    organization_id=claimed.organization_id,
                    delivery_id=claimed.id,
                    attempted_at=claimed.attempted_at,
                    status=answer.status,
                    response_ms=answer.response_ms,
                    error=answer.error,
                    manual=claimed.manual,
                )
            )
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        return outcome

    # Running --------------------------------------------------------------------------------

    def run_once(self) -> Counter:
        """Deliver everything due now, batch after batch; stop early when asked to."""
        done: Counter = Counter()
        while not self.stopping.is_set():
            ids = self.claim()
            if not ids:
                break
            for index, delivery_id in enumerate(ids):
                if self.stopping.is_set():
                    self.release(ids[index:])
                    break
                done[self.deliver(delivery_id)] += 1
        return done

    def run(self, poll: float = 1.0) -> None:
        """Deliver until stopped, looking for due deliveries every ``poll`` seconds."""
        next_prune = 0.0
        while not self.stopping.is_set():
            try:
                if time.monotonic() >= next_prune:
                    self.prune()
                    next_prune = time.monotonic() + PRUNE_EVERY
                if sum(self.run_once().values()):
                    continue
            except Exception:  # the database restarting, say: wait and try again
                db.session.rollback()
                log.exception("webhook worker %s: error, retrying", self.name)
            self.stopping.wait(poll)
        db.session.remove()

    # Retention ------------------------------------------------------------------------------

    def prune(self) -> int:
        """Delete events older than the retention period with nothing left to deliver."""
        cutoff = self.clock() - timedelta(days=int(self.app.config["WEBHOOK_RETENTION_DAYS"]))
        waiting = exists().where(
            WebhookDelivery.event_id == WebhookEvent.id,
            WebhookDelivery.state == DeliveryState.PENDING,
        )
        pruned = 0
        while True:
            ids = list(
                db.session.scalars(
                    select(WebhookEvent.id)
                    .where(WebhookEvent.created_at < cutoff, ~waiting)
                    .limit(PRUNE_CHUNK)
                )
            )
            if not ids:
                db.session.commit()
                return pruned
            # Deliveries and their attempts go with the event (ON DELETE CASCADE).
            db.session.execute(delete(WebhookEvent).where(WebhookEvent.id.in_(ids)))
            db.session.commit()
            pruned += len(ids)
