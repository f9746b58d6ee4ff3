"""Follow-up lists: talent pools with stages, a cadence, and one entry per contact.

An entry's ``next_due_on`` is stored, not computed on read, so the Today view of a recruiter
with thousands of entries is one indexed range query. ``netcompanion.followup.cadence`` is the
one place that sets it, from the list's cadence, the entry's last touch, the availability the
person gave at the event, and any snooze.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..account.models import User
from ..capture.models import Contact
from ..dbtypes import UTCDateTime, text_enum, utcnow
from ..event.models import Event
from ..extensions import db
from ..ids import PublicIdMixin
from ..outreach.models import MessageTemplate


class StepAction(enum.StrEnum):
    """What a cadence step asks the recruiter to do."""

    THANK_YOU = "thank_you"
    CHECK_IN = "check_in"
    SHARE = "share"
    CALL = "call"
    MESSAGE = "message"

    @property
    def label(self) -> str:
        return str(
            {
                "thank_you": _l("Send a thank-you"),
                "check_in": _l("Check in"),
                "share": _l("Share something relevant"),
                "call": _l("Call"),
                "message": _l("Send a message"),
            }[self.value]
        )


class EntryState(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"
    #: Its contact was merged into another that already had an entry in the list; undoing the
    #: merge makes it active again.
    MERGED = "merged"

    @property
    def label(self) -> str:
        return str(
            {
                "active": _l("Active"),
                "paused": _l("Paused"),
                "closed": _l("Closed"),
                "merged": _l("Merged"),
            }[self.value]
        )


class DueReason(enum.StrEnum):
    """Why an entry is due: shown beside it in the Today view."""

    STEP = "step"
    REVISIT = "revisit"
    SNOOZE = "snooze"
    KEEP_IN_TOUCH = "keep_in_touch"

    @property
    def label(self) -> str:
        return str(
            {
                "step": _l("Cadence step"),
                "revisit": _l("Said they could move by now"),
                "snooze": _l("Snoozed until today"),
                "keep_in_touch": _l("Keep in touch"),
            }[self.value]
        )


class FollowupList(PublicIdMixin, db.Model):
    """A talent pool, e.g. "Backend engineers — nurture"."""

    __tablename__ = "followup_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    #: After the cadence's last step, keep in touch every this many days; None: the cadence ends.
    keep_in_touch_days: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Archived lists keep their entries but leave menus and the Today view.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    stages: Mapped[list[ListStage]] = relationship(
        back_populates="list", cascade="all, delete-orphan", order_by="ListStage.position"
    )
    steps: Mapped[list[CadenceStep]] = relationship(
        back_populates="list", cascade="all, delete-orphan", order_by="CadenceStep.position"
    )


class ListStage(PublicIdMixin, db.Model):
    """A column of a list's pipeline, e.g. Contacted or Interviewing."""

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(
        ForeignKey("followup_list.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(60))
    #: Entries in a final stage (Hired, Not now) are done: nothing is due for them.
    is_final: Mapped[bool] = mapped_column(Boolean, default=False)

    list: Mapped[FollowupList] = relationship(back_populates="stages")


class CadenceStep(PublicIdMixin, db.Model):
    """One step of a list's cadence: do this so many days into the relationship."""

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(
        ForeignKey("followup_list.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: Days after the meeting (first step) or counted on from the previous step; a touch
    #: restarts the count, see ``cadence.next_due``.
    offset_days: Mapped[int] = mapped_column(Integer)
    action: Mapped[StepAction] = mapped_column(text_enum(StepAction, "step_action"))
    #: The message template to prepare for this step, if any.
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("message_template.id", ondelete="SET NULL")
    )

    list: Mapped[FollowupList] = relationship(back_populates="steps")
    template: Mapped[MessageTemplate | None] = relationship()


class ListEntry(PublicIdMixin, db.Model):
    """One contact in one list: its stage, owner and what is due next."""

    __table_args__ = (
        UniqueConstraint("list_id", "contact_id"),
        # The Today view: a recruiter's due entries, oldest first.
        Index("ix_list_entry_owner_id_next_due_on", "owner_id", "next_due_on"),
        Index("ix_list_entry_list_id_stage_id", "list_id", "stage_id"),
        # A list page: its entries, soonest due first.
        Index("ix_list_entry_list_id_next_due_on", "list_id", "next_due_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("followup_list.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    stage_id: Mapped[int] = mapped_column(ForeignKey("list_stage.id"))
    #: The recruiter who follows this person up: whose Today view it appears in.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    state: Mapped[EntryState] = mapped_column(
        text_enum(EntryState, "entry_state"), default=EntryState.ACTIVE
    )
    #: Position of the next cadence step; the number of steps once the cadence is done.
    step: Mapped[int] = mapped_column(Integer, default=0)
    #: Where the cadence counts from: the meeting, then each touch.
    anchor_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: "Revisit when available": the date the person said they could move. Done, and cleared,
    #: by a touch on or after it.
    revisit_on: Mapped[date | None] = mapped_column(Date)
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    #: What is due next and why; None when nothing is (paused, closed, final stage, cadence done).
    next_due_on: Mapped[date | None] = mapped_column(Date)
    due_reason: Mapped[DueReason | None] = mapped_column(text_enum(DueReason, "due_reason"))
    last_touch_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The capture that put the person here, when one did.
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("capture.id", ondelete="SET NULL"))
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    list: Mapped[FollowupList] = relationship()
    contact: Mapped[Contact] = relationship()
    stage: Mapped[ListStage] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])


class EventListRule(PublicIdMixin, db.Model):
    """Every new capture of the company at this event joins this list."""

    __table_args__ = (UniqueConstraint("event_id", "list_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    list_id: Mapped[int] = mapped_column(ForeignKey("followup_list.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event: Mapped[Event] = relationship()
    list: Mapped[FollowupList] = relationship()
