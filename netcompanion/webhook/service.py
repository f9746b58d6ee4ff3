"""Admins' webhook endpoints: register, change, pause, delete, roll the secret, test, redeliver.

Every function checks first and raises ``Rejected`` (with the form field at fault) before its
first write; functions flush, views commit. Only owners and admins manage webhooks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import joinedload

from ..account.models import Organization, User
from ..dbtypes import utcnow
from ..exceptions import Rejected
from ..extensions import db
from . import addresses, outbox, signing
from .models import (
    DeliveryState,
    Topic,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

MAX_DESCRIPTION = 200
#: The window the endpoints page sums deliveries over.
HEALTH_WINDOW = timedelta(hours=24)


def _check_admin(actor: User) -> None:
    if not actor.role.can_manage_team:
        raise Rejected(_l("Only owners and admins can manage webhooks."))


@dataclass
class Details:
    url: str
    description: str
    topics: list[str]


def clean(details: Details) -> Details:
    """The endpoint's settings, checked; Rejected names the field at fault."""
    url = details.url.strip()
    if not url:
        raise Rejected(_l("Enter the https:// address that receives the events."), "url")
    try:
        host, port = addresses.check_url(url)
        addresses.resolve(host, port, current_app.config["WEBHOOK_ALLOW_PRIVATE_HOSTS"])
    except addresses.Refused as refused:
        raise Rejected(refused.message, "url") from None
    description = details.description.strip()
    if len(description) > MAX_DESCRIPTION:
        raise Rejected(
            _l("Use at most %(limit)d characters.", limit=MAX_DESCRIPTION), "description"
        )
    known = [topic.value for topic in Topic]
    topics = [value for value in known if value in set(details.topics)]
    if not topics or len(topics) != len(set(details.topics)):
        raise Rejected(_l("Choose at least one of the events offered."), "topics")
    return Details(url, description, topics)


def create(actor: User, details: Details) -> WebhookEndpoint:
    _check_admin(actor)
    details = clean(details)
    endpoint = WebhookEndpoint(
        organization_id=actor.organization_id,
        url=details.url,
        description=details.description,
        topics=details.topics,
        secret=signing.new_secret(),
        enabled=True,
        created_by_id=actor.id,
    )
    db.session.add(endpoint)
    db.session.flush()
    outbox.forget_subscribers()
    return endpoint


def update_endpoint(actor: User, endpoint: WebhookEndpoint, details: Details) -> None:
    """Change the address, description or topics; deliveries already queued keep going."""
    _check_admin(actor)
    details = clean(details)
    endpoint.url, endpoint.description = details.url, details.description
    endpoint.topics = details.topics
    db.session.flush()
    outbox.forget_subscribers()


def set_enabled(actor: User, endpoint: WebhookEndpoint, enabled: bool) -> None:
    """Pause (no new deliveries; queued ones wait) or resume (queued ones go out)."""
    _check_admin(actor)
    endpoint.enabled = enabled
    db.session.flush()
    outbox.forget_subscribers()


def remove(actor: User, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint with its deliveries and their log."""
    _check_admin(actor)
    db.session.delete(endpoint)
    db.session.flush()
    outbox.forget_subscribers()


def roll_secret(actor: User, endpoint: WebhookEndpoint) -> None:
    _check_admin(actor)
    signing.roll_secret(endpoint)
    db.session.flush()


def send_test(actor: User, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a ``ping`` event to this endpoint alone."""
    _check_admin(actor)
    if not endpoint.enabled:
        raise Rejected(_l("This endpoint is paused: resume it to send a test event."))
    payload = {
        "endpoint": endpoint.public_id,
        "message": "A test event from NetCompanion: this endpoint receives our webhooks.",
        "sent_by": {"id": actor.public_id, "name": actor.name},
    }
    (event_id,) = outbox.emit_many(
        endpoint.organization_id, outbox.PING, [(payload, None)], [endpoint.id]
    )
    return db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.event_id == event_id)
    ).one()


def redeliver(actor: User, delivery: WebhookDelivery, now: datetime | None = None) -> None:
    """Send the delivery again now, as a manual attempt, with a fresh retry schedule."""
    _check_admin(actor)
    if not delivery.endpoint.enabled:
        raise Rejected(_l("This endpoint is paused: resume it to redeliver."))
    now = now or utcnow()
    started = db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery.id,
            or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now),
        )
        .values(
            state=DeliveryState.PENDING,
            next_attempt_at=now,
            round_attempts=0,
            manual_requested=True,
            lease_until=None,
            lease_owner="",
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if started != 1:
        raise Rejected(_l("This delivery is being sent right now. Try again in a minute."))
    db.session.refresh(delivery)


# Reading ------------------------------------------------------------------------------------


@dataclass
class Health:
    """An endpoint's recent deliveries, for the endpoints page."""

    delivered: int = 0
    failed: int = 0
    #: Waiting for their first attempt or for a retry, whenever queued.
    pending: int = 0
    #: Of the pending ones, how many failed at least once.
    retrying: int = 0
    last_attempt: WebhookAttempt | None = None


def endpoints(org_id: int) -> list[WebhookEndpoint]:
    return list(
        db.session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.organization_id == org_id)
            .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
        )
    )


def health(org_id: int, endpoint_ids: list[int], now: datetime | None = None) -> dict[int, Health]:
    """Per endpoint: deliveries finished in the last 24 hours, those waiting, the last attempt."""
    out = {endpoint_id: Health() for endpoint_id in endpoint_ids}
    if not endpoint_ids:
        return out
    since = (now or utcnow()) - HEALTH_WINDOW
    D = WebhookDelivery  # noqa: N806
    tried = func.sum(case((D.attempts > 0, 1), else_=0))
    counts = db.session.execute(
        select(D.endpoint_id, D.state, func.count(), tried)
        .where(
            D.organization_id == org_id,
            D.endpoint_id.in_(endpoint_ids),
            or_(D.state == DeliveryState.PENDING, D.created_at >= since),
        )
        .group_by(D.endpoint_id, D.state)
    )
    for endpoint_id, state, count, retried in counts:
        shown = out[endpoint_id]
        if state == DeliveryState.DELIVERED:
            shown.delivered += count
        elif state == DeliveryState.FAILED:
            shown.failed += count
        else:
            shown.pending += count
            shown.retrying += retried or 0
    latest = (
        select(func.max(WebhookAttempt.id))
        .join(D, D.id == WebhookAttempt.delivery_id)
        .where(D.organization_id == org_id, D.endpoint_id.in_(endpoint_ids))
        .group_by(D.endpoint_id)
    )
    for attempt, endpoint_id in db.session.execute(
        select(WebhookAttempt, D.endpoint_id)
        .join(D, D.id == WebhookAttempt.delivery_id)
        .where(WebhookAttempt.id.in_(latest))
    ):
        out[endpoint_id].last_attempt = attempt
    return out


def deliveries(endpoint: WebhookEndpoint, state: DeliveryState | None):
    """The endpoint's delivery log, newest first, for paging (events without their payload)."""
    query = (
        select(WebhookDelivery)
        .where(
            WebhookDelivery.organization_id == endpoint.organization_id,
            WebhookDelivery.endpoint_id == endpoint.id,
        )
        .options(
            joinedload(WebhookDelivery.event).load_only(
                WebhookEvent.public_id, WebhookEvent.topic, WebhookEvent.created_at
            )
        )
        .order_by(WebhookDelivery.id.desc())
    )
    if state is not None:
        query = query.where(WebhookDelivery.state == state)
    return query


def delivery_or_none(endpoint: WebhookEndpoint, public_id: str) -> WebhookDelivery | None:
    return db.session.scalars(
        select(WebhookDelivery).where(
            WebhookDelivery.organization_id == endpoint.organization_id,
            WebhookDelivery.endpoint_id == endpoint.id,
            WebhookDelivery.public_id == public_id,
        )
    ).first()


def sent_body(delivery: WebhookDelivery) -> bytes:
    """The exact body every attempt of this delivery POSTs."""
    organization = db.session.get(Organization, delivery.organization_id)
    return signing.body(delivery.event, organization.public_id)
