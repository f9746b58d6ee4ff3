"""Events, shared between an organizing company and its exhibitors."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..account.models import Organization
from ..dbtypes import UTCDateTime, utcnow
from ..extensions import db
from ..ids import PublicIdMixin


class Event(PublicIdMixin, db.Model):
    """A conference, career fair or meetup. Owned by the organizing company."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The organizer: the only company that may edit the event and see its exhibitors.
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    #: IANA zone name, e.g. "Europe/Berlin"; dates and times at the event are local to it.
    timezone: Mapped[str] = mapped_column(String(64))
    venue: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    #: What exhibitors type (or follow as a link) to join; rotating it stops new joins.
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    #: Whether attendees may register themselves on the event's public page.
    self_registration_open: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Interest chips the organizer offers every exhibitor's capture sheet, in order.
    interest_tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    organizer: Mapped[Organization] = relationship()
    exhibitors: Mapped[list[Exhibitor]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )


class Exhibitor(PublicIdMixin, db.Model):
    """A company's presence at an event: its booth. Owned by the exhibiting company."""

    __table_args__ = (UniqueConstraint("event_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    booth_name: Mapped[str] = mapped_column(String(120))
    #: Where to find the booth: hall, stand number, table.
    booth_location: Mapped[str] = mapped_column(String(120), default="")
    #: Printed into the booth poster's token; bumping it retires printed posters.
    poster_version: Mapped[int] = mapped_column(Integer, default=1)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event: Mapped[Event] = relationship(back_populates="exhibitors")
    organization: Mapped[Organization] = relationship()
