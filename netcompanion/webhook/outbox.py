"""The outbox: events written in the same transaction as the change they report.

Rule: ``emit`` adds the event and one delivery per enabled endpoint subscribed to its topic to
the current session and flushes; it never commits. The change and its event therefore commit
or roll back together: a rolled-back change sends nothing, and a committed one is delivered
even if the process dies right after the commit (the worker finds the delivery row).

Which endpoints subscribe to what is read once per transaction and company (one small query)
and kept in the session's ``info``; the cache is dropped when the transaction ends, so a
request that changes something with no endpoint subscribed pays one query and nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import event as sa_event
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..dbtypes import utcnow
from ..extensions import db
from ..ids import new_public_id
from .models import DeliveryState, Topic, WebhookDelivery, WebhookEndpoint, WebhookEvent

#: The topic of "Send test event": delivered to one endpoint, whatever it subscribes to.
PING = "ping"

_CACHE_KEY = "webhook_subscribers"


def subscribers(org_id: int, topic: Topic | str) -> list[int]:
    """Ids of the company's enabled endpoints subscribed to ``topic`` (cached per transaction)."""
    cache = db.session.info.setdefault(_CACHE_KEY, {})
    by_topic = cache.get(org_id)
    if by_topic is None:
        by_topic = {}
        query = select(WebhookEndpoint.id, WebhookEndpoint.topics).where(
            WebhookEndpoint.organization_id == org_id, WebhookEndpoint.enabled.is_(True)
        )
        for endpoint_id, topics in db.session.execute(query):
            for name in topics or ():
                by_topic.setdefault(name, []).append(endpoint_id)
        cache[org_id] = by_topic
    return by_topic.get(str(topic), [])


def forget_subscribers() -> None:
    """Drop the cache, after endpoints changed in this transaction."""
    db.session.info.pop(_CACHE_KEY, None)


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_at_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CACHE_KEY, None)


def emit(org_id: int, topic: Topic, payload: dict, contact_id: int | None = None) -> None:
    """Record one event for the company's subscribed endpoints; nothing when none subscribes."""
    emit_many(org_id, topic, [(payload, contact_id)])


def emit_many(
    org_id: int,
    topic: Topic | str,
    items: Iterable[tuple[dict, int | None]],
    endpoint_ids: list[int] | None = None,
) -> list[int]:
    """Record one event per (payload, contact id), with two bulk inserts whatever the count.

    ``endpoint_ids`` overrides the subscribers (a test event goes to one endpoint). Returns
    the new events' ids.
    """
    targets = subscribers(org_id, topic) if endpoint_ids is None else endpoint_ids
    items = list(items)
    if not targets or not items:
        return []
    db.session.flush()  # the rows the events point at (a new contact, say) exist first
    now = utcnow()
    rows = [
        {
            "public_id": new_public_id(),
            "organization_id": org_id,
            "topic": str(topic),
            "payload": payload,
            "contact_id": contact_id,
            "created_at": now,
        }
        for payload, contact_id in items
    ]
    connection = db.session.connection()
    table = WebhookEvent.__table__
    statement = insert(table).returning(table.c.public_id, table.c.id)
    ids = dict(connection.execute(statement, rows).all())
    event_ids = [ids[row["public_id"]] for row in rows]
    connection.execute(
        insert(WebhookDelivery.__table__),
        [
            _delivery_row(org_id, event_id, endpoint_id, now)
            for event_id in event_ids
            for endpoint_id in targets
        ],
    )
    return event_ids


def _delivery_row(org_id: int, event_id: int, endpoint_id: int, now: datetime) -> dict:
    return {
        "public_id": new_public_id(),
        "organization_id": org_id,
        "event_id": event_id,
        "endpoint_id": endpoint_id,
        "state": DeliveryState.PENDING,
        "attempts": 0,
        "round_attempts": 0,
        "manual_requested": False,
        "next_attempt_at": now,
        "lease_owner": "",
        "last_error": "",
        "created_at": now,
    }
