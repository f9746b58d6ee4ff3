"""Contacts, captures, notes, and the receipts that make replayed uploads harmless.

A *contact* is a person as one company knows them, across events. A *capture* is one meeting
of that company with the person at one event: the details as captured, a rating, interests,
availability and answers. Notes hang off the capture and are append-only, each with its
author, so two recruiters who talk to the same person both keep what they wrote.

Every upload carries a client-generated UUID. A *receipt* per (company, UUID) is inserted under
a unique constraint before anything else, so replaying an upload any number of times records
it exactly once, whatever the timing.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..account.models import User
from ..attendee.models import Attendee, Availability
from ..dbtypes import UTCDateTime, text_enum, utcnow
from ..event.models import Event
from ..extensions import db
from ..ids import PublicIdMixin


class Rating(enum.StrEnum):
    HOT = "hot"
    WARM = "warm"
    COLD = "cold"

    @property
    def label(self) -> str:
        return str({"hot": _l("Hot"), "warm": _l("Warm"), "cold": _l("Cold")}[self.value])


class CaptureSource(enum.StrEnum):
    """How the person's details reached the company."""

    BADGE = "badge"
    VCARD = "vcard"
    WALK_IN = "walk_in"
    BOOTH = "booth"

    @property
    def label(self) -> str:
        return str(
            {
                "badge": _l("Badge scan"),
                "vcard": _l("Contact card scan"),
                "walk_in": _l("Entered by hand"),
                "booth": _l("Booth form"),
            }[self.value]
        )


class QuestionKind(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TEXT = "text"

    @property
    def label(self) -> str:
        return str(
            {
                "single": _l("Single choice"),
                "multiple": _l("Multiple choice"),
                "text": _l("Short text"),
            }[self.value]
        )


class EventQuestion(PublicIdMixin, db.Model):
    """A short question the organizer asks every exhibitor's recruiters to answer per capture."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The organizer.
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[QuestionKind] = mapped_column(text_enum(QuestionKind, "question_kind"))
    prompt: Mapped[str] = mapped_column(String(200))
    #: The choices of single- and multiple-choice questions, in order.
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Contact(PublicIdMixin, db.Model):
    """A person as one company knows them, across events.

    Captures of the same person land on one contact, matched by badge, email, phone or LinkedIn
    profile (``netcompanion.contact.matching``). A contact merged into another keeps its row,
    pointing at the survivor, so the merge can be undone.
    """

    __table_args__ = (
        Index("ix_contact_organization_id_email", "organization_id", "email"),
        Index("ix_contact_organization_id_phone_key", "organization_id", "phone_key"),
        Index("ix_contact_organization_id_linkedin_key", "organization_id", "linkedin_key"),
        # The contacts list, most recently met first: read backwards along this index
        # (PostgreSQL), or along the next one, which also counts live contacts without
        # visiting the table (both; SQLite orders along it too).
        Index("ix_contact_organization_id_last_met_at", "organization_id", "last_met_at", "id"),
        Index(
            "ix_contact_organization_id_merged_into_id_last_met_at",
            "organization_id",
            "merged_into_id",
            "last_met_at",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    name: Mapped[str] = mapped_column(String(200), default="")
    #: Lower-cased, "" when unknown; with the attendee link, what identifies the person.
    email: Mapped[str] = mapped_column(String(254), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    linkedin_url: Mapped[str] = mapped_column(String(500), default="")
    website_url: Mapped[str] = mapped_column(String(500), default="")
    #: The phone number's digits, country code first; "" when unknown. Kept by ``matching``.
    phone_key: Mapped[str] = mapped_column(String(20), default="")
    #: The LinkedIn profile as "in/<slug>", lower-cased; "" when unknown. Kept by ``matching``.
    linkedin_key: Mapped[str] = mapped_column(String(120), default="")
    #: Name, email, company and title, case- and accent-folded: what contact search reads.
    search_text: Mapped[str] = mapped_column(String(900), default="")
    #: The latest encounter, by the device's clock; for a contact never met at an event (added
    #: by hand or imported), when it was added. Never empty, so one index serves the order.
    last_met_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The person asked not to be contacted (or must not be): outreach refuses while set.
    do_not_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    do_not_contact_reason: Mapped[str] = mapped_column(String(500), default="")
    do_not_contact_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    #: Consent to be contacted that a recruiter recorded (said at the booth, given by email),
    #: beside the consent captured with the booth form or the badge.
    consent_text: Mapped[str] = mapped_column(Text, default="")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    #: Set when this contact was merged into another: it is hidden until the merge is undone.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    #: Every encounter, latest first: the contact page's timeline.
    captures: Mapped[list[Capture]] = relationship(
        order_by="(Capture.captured_at.desc(), Capture.id.desc())", viewonly=True
    )

    @property
    def do_not_contact(self) -> bool:
        return self.do_not_contact_at is not None

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else ""


class Capture(PublicIdMixin, db.Model):
    """One company meeting one person at one event."""

    __table_args__ = (
        # Scanning the same badge again finds this capture instead of making a second one.
        UniqueConstraint("organization_id", "event_id", "attendee_id"),
        Index(
            "ix_capture_organization_id_event_id_created_at",
            "organization_id",
            "event_id",
            "created_at",
        ),
        # The same email at the same event is the same person: found without a scan.
        Index("ix_capture_organization_id_event_id_email", "organization_id", "event_id", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by the composite indexes above, which lead with them.
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    #: The badge scanned, when it was one; None for walk-ins, contact cards and unknown people.
    attendee_id: Mapped[int | None] = mapped_column(
        ForeignKey("attendee.id", ondelete="SET NULL"), index=True
    )
    source: Mapped[CaptureSource] = mapped_column(text_enum(CaptureSource, "capture_source"))
    # The details as captured at the event.
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    linkedin_url: Mapped[str] = mapped_column(String(500), default="")
    website_url: Mapped[str] = mapped_column(String(500), default="")
    rating: Mapped[Rating | None] = mapped_column(text_enum(Rating, "rating"))
    availability: Mapped[Availability | None] = mapped_column(
        text_enum(Availability, "capture_availability")
    )
    #: Answers to the event's questions: question public id → text, or list of choices.
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The person's own consent, in the words they agreed to (booth form, badge page).
    consent_text: Mapped[str] = mapped_column(Text, default="")
    consent_locale: Mapped[str] = mapped_column(String(16), default="")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Who captured first, and when by the device's clock (captures may sync hours later).
    captured_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    contact: Mapped[Contact] = relationship()
    attendee: Mapped[Attendee | None] = relationship()
    captured_by: Mapped[User | None] = relationship()
    tags: Mapped[list[CaptureTag]] = relationship(
        cascade="all, delete-orphan", order_by="CaptureTag.name"
    )
    notes: Mapped[list[Note]] = relationship(
        cascade="all, delete-orphan", order_by="(Note.written_at, Note.id)"
    )

    @property
    def tag_names(self) -> list[str]:
        return sorted((tag.name for tag in self.tags), key=str.casefold)


class CaptureTag(db.Model):
    """An interest chip on a capture: one of the event's tags, or a free one."""

    capture_id: Mapped[int] = mapped_column(
        ForeignKey("capture.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    #: Lower-cased, for filtering without caring about case.
    key: Mapped[str] = mapped_column(String(60), index=True)


class Note(PublicIdMixin, db.Model):
    """Free text about a capture. Never edited or overwritten: a correction is a new note."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Notes are read through their capture; this is for isolation, not lookups.
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    capture_id: Mapped[int] = mapped_column(
        ForeignKey("capture.id", ondelete="CASCADE"), index=True
    )
    #: The recruiter; None when the person wrote it themselves (the booth form's message).
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    #: When it was written, by the device's clock.
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship()


class CaptureReceipt(db.Model):
    """One upload of a capture, by its client UUID: the guard against double syncing."""

    __table_args__ = (UniqueConstraint("organization_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    client_id: Mapped[str] = mapped_column(String(36))
    capture_id: Mapped[int | None] = mapped_column(
        ForeignKey("capture.id", ondelete="CASCADE"), index=True
    )
    #: "created" or "merged": what the first upload did, reported again on replays.
    outcome: Mapped[str] = mapped_column(String(16), default="created")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The device's time as sent, when it ran more than a day ahead: the capture then carries
    #: the time the server received it, and this keeps what the phone said.
    device_time: Mapped[datetime | None] = mapped_column(UTCDateTime())
