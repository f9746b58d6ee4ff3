"""Attendees of an event, owned by the organizing company."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import tokens as canonical
from ..dbtypes import UTCDateTime, text_enum, utcnow
from ..event.models import Event
from ..extensions import db
from ..ids import PublicIdMixin


class Availability(enum.StrEnum):
    """When a person said they could move: what recruiters of passive candidates need most."""

    NOW = "now"
    IN_3_MONTHS = "3_months"
    IN_6_MONTHS = "6_months"
    IN_12_MONTHS = "12_months"
    NOT_LOOKING = "not_looking"

    @property
    def label(self) -> str:
        return str(
            {
                "now": _l("Open to opportunities now"),
                "3_months": _l("Open in about 3 months"),
                "6_months": _l("Open in about 6 months"),
                "12_months": _l("Open in about 12 months"),
                "not_looking": _l("Not looking"),
            }[self.value]
        )


#: Unambiguous when read off a badge: no 0/O, 1/I/L, U.
BADGE_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
BADGE_CODE_LENGTH = 8


def new_badge_code() -> str:
    """Eight characters (30^8 ≈ 6.6e11): unique per event, typed by hand when a camera fails."""
    return "".join(secrets.choice(BADGE_CODE_ALPHABET) for _ in range(BADGE_CODE_LENGTH))


def read_badge_code(text: str) -> str | None:
    """The one badge code a person typed loosely (``k7qm 3xtp``), or None if it cannot be one."""
    return canonical.typed_code(text, BADGE_CODE_ALPHABET, BADGE_CODE_LENGTH)


def format_badge_code(code: str) -> str:
    """``XXXX-XXXX``: two short groups are easier to read off a badge and type than eight."""
    return f"{code[:4]}-{code[4:]}" if code else ""


#: A person's details and their longest allowed values, in form order: what an attendee row, a
#: CSV import and a capture keep.
DETAIL_LIMITS = {
    "name": 200,
    "email": 254,
    "company": 200,
    "title": 200,
    "phone": 50,
    "linkedin_url": 500,
    "website_url": 500,
}


class Source(enum.StrEnum):
    ORGANIZER = "organizer"
    IMPORT = "import"
    SELF = "self"


class Attendee(PublicIdMixin, db.Model):
    """A person registered for one event, holding a badge."""

    __table_args__ = (
        UniqueConstraint("event_id", "email"),
        Index("ix_attendee_event_id_badge_code", "event_id", "badge_code", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The organizer: registration data belongs to the company that runs the event.
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    #: The name printed on the badge.
    name: Mapped[str] = mapped_column(String(200))
    #: Lower-cased; one registration per email and event, so re-imports update instead of duplicate.
    email: Mapped[str] = mapped_column(String(254))
    company: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    linkedin_url: Mapped[str] = mapped_column(String(500), default="")
    website_url: Mapped[str] = mapped_column(String(500), default="")
    #: Links the attendee chose to show on their public card (the page behind the badge).
    show_linkedin: Mapped[bool] = mapped_column(Boolean, default=False)
    show_website: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The attendee's own answer; None when they were registered by someone else.
    availability: Mapped[Availability | None] = mapped_column(
        text_enum(Availability, "availability")
    )
    #: "Share my contact details with exhibitors who scan my badge". Off unless they said yes.
    consent_share_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The exact wording the attendee saw when choosing, in their language.
    consent_text: Mapped[str] = mapped_column(Text, default="")
    consent_locale: Mapped[str] = mapped_column(String(16), default="")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    source: Mapped[Source] = mapped_column(text_enum(Source, "attendee_source"))
    #: Printed into the badge token; bumping it (reissue) invalidates every older badge.
    badge_version: Mapped[int] = mapped_column(Integer, default=1)
    #: Printed under the QR for typing when a camera fails; replaced on reissue like the token.
    badge_code: Mapped[str] = mapped_column(String(12), default=new_badge_code)
    #: SHA-256 of the secret in the attendee's private badge-page link.
    access_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()

    @property
    def formatted_badge_code(self) -> str:
        return format_badge_code(self.badge_code)
