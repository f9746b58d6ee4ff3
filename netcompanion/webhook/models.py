"""Webhook endpoints, the outbox of events, and each endpoint's deliveries with their attempts.

An event row is written in the same transaction as the change it reports, with one delivery
row per subscribed endpoint; a worker delivers them afterwards. So a crash or restart between
the change and the delivery loses nothing, and a change that rolls back sends nothing.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..account.models import User
from ..dbtypes import UTCDateTime, text_enum, utcnow
from ..extensions import db
from ..ids import PublicIdMixin


class Topic(enum.StrEnum):
    """What an endpoint can subscribe to."""

    CAPTURE_CREATED = "capture.created"
    CAPTURE_UPDATED = "capture.updated"
    CONTACT_UPDATED = "contact.updated"
    ENTRY_ADDED = "list_entry.added"
    ENTRY_MOVED = "list_entry.moved"

    @property
    def label(self) -> str:
        return str(
            {
                "capture.created": _l("A capture is created"),
                "capture.updated": _l("A capture is updated"),
                "contact.updated": _l("A contact is updated"),
                "list_entry.added": _l("Someone is added to a list"),
                "list_entry.moved": _l("A list entry moves to another stage"),
            }[self.value]
        )


class DeliveryState(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    #: Every retry failed; an admin can redeliver it by hand.
    FAILED = "failed"

    @property
    def label(self) -> str:
        return str(
            {"pending": _l("Pending"), "delivered": _l("Delivered"), "failed": _l("Failed")}[
                self.value
            ]
        )


class WebhookEndpoint(PublicIdMixin, db.Model):
    """An HTTPS address of the company's that receives the topics it subscribed to."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    #: Topic values, e.g. ``["capture.created", "contact.updated"]``.
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Signs every delivery (HMAC-SHA256); shown to admins so the receiver can check it.
    secret: Mapped[str] = mapped_column(String(80))
    #: The secret before the last "roll": deliveries carry a signature with it too until
    #: ``previous_secret_until``, so the receiver can switch without missing a delivery.
    previous_secret: Mapped[str] = mapped_column(String(80), default="")
    previous_secret_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: A paused endpoint gets no new deliveries; pending ones wait until it is resumed.
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    created_by: Mapped[User | None] = relationship()


class WebhookEvent(PublicIdMixin, db.Model):
    """Something that happened, as the JSON body receivers get; its public id is the event id."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    topic: Mapped[str] = mapped_column(String(40))
    #: The ``data`` object of the delivered body: the changed object as the API shows it.
    payload: Mapped[dict] = mapped_column(JSON)
    #: The person it is about, so erasing a contact also erases what is queued or logged of them.
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    #: Indexed for pruning: events past the retention period are deleted by the worker.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class WebhookDelivery(PublicIdMixin, db.Model):
    """One event on its way to one endpoint; its public id is the idempotency key."""

    __table_args__ = (
        #: The worker's queue: due pending deliveries, oldest first.
        Index("ix_webhook_delivery_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    event_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_event.id", ondelete="CASCADE"), index=True
    )
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[DeliveryState] = mapped_column(
        text_enum(DeliveryState, "delivery_state"), default=DeliveryState.PENDING
    )
    #: Every attempt ever made, scheduled or manual.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Attempts since the retry schedule last started; "Redeliver" starts it again at 0.
    round_attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: The next attempt was asked for by an admin ("Redeliver"): it is logged as manual.
    manual_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: A worker that claimed the delivery holds it until then; past it, another may take over.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_owner: Mapped[str] = mapped_column(String(40), default="")
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    last_response_ms: Mapped[int | None] = mapped_column(Integer)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event: Mapped[WebhookEvent] = relationship()
    endpoint: Mapped[WebhookEndpoint] = relationship()
    attempt_log: Mapped[list[WebhookAttempt]] = relationship(
        order_by="WebhookAttempt.id", cascade="all, delete-orphan", passive_deletes=True
    )


class WebhookAttempt(db.Model):
    """The log of one try: what the receiver answered and how long it took."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[int | None] = mapped_column(Integer)
    response_ms: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(String(500), default="")
    #: Started by an admin's "Redeliver", not by the retry schedule.
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
