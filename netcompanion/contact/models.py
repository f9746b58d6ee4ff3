"""What happens to a contact after the event: touches, merges and suggested duplicates.

The contact itself lives with the captures (``netcompanion.capture.models.Contact``), which
create it. Touches are append-only history; a merge records what it moved so that it can be
undone exactly; a suggestion is a possible duplicate that is never merged without a person.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..account.models import User
from ..capture.models import Contact
from ..dbtypes import UTCDateTime, text_enum, utcnow
from ..extensions import db
from ..ids import PublicIdMixin


class TouchKind(enum.StrEnum):
    EMAIL = "email"
    CALL = "call"
    MEETING = "meeting"
    MESSAGE = "message"
    REPLY = "reply"

    @property
    def label(self) -> str:
        return str(
            {
                "email": _l("Email sent"),
                "call": _l("Call"),
                "meeting": _l("Meeting"),
                "message": _l("Message"),
                "reply": _l("Reply received"),
            }[self.value]
        )


class Touch(PublicIdMixin, db.Model):
    """One contact with the person after the event. Logging one resets their cadences."""

    __table_args__ = (Index("ix_touch_contact_id_happened_at", "contact_id", "happened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    kind: Mapped[TouchKind] = mapped_column(text_enum(TouchKind, "touch_kind"))
    #: How an email left: "smtp" (sent by the app), "mailto" (the recruiter's own mail app);
    #: "" for a touch logged by hand.
    via: Mapped[str] = mapped_column(String(16), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    #: The message sent, or what was said: kept as written.
    body: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contact: Mapped[Contact] = relationship()
    by: Mapped[User | None] = relationship()


class ContactMerge(PublicIdMixin, db.Model):
    """One contact folded into another, with everything it moved, so it can be undone."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    merged_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    #: What undoing needs: the survivor's fields before the merge, and the ids of the captures,
    #: touches and list entries that moved or were set aside.
    undo: Mapped[dict] = mapped_column(JSON, default=dict)
    merged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    survivor: Mapped[Contact] = relationship(foreign_keys=[survivor_id])
    merged: Mapped[Contact] = relationship(foreign_keys=[merged_id])
    merged_by: Mapped[User | None] = relationship(foreign_keys=[merged_by_id])


class MatchReason(enum.StrEnum):
    """Why two contacts may be one person."""

    EMAIL = "email"
    PHONE = "phone"
    LINKEDIN = "linkedin"

    @property
    def label(self) -> str:
        return str(
            {
                "email": _l("Same email"),
                "phone": _l("Same phone number"),
                "linkedin": _l("Same LinkedIn profile"),
            }[self.value]
        )


class MatchSuggestion(PublicIdMixin, db.Model):
    """Two contacts that may be the same person: offered for review, never merged silently."""

    __table_args__ = (UniqueConstraint("contact_id", "other_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    #: The newer contact, whose capture raised the question.
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    reason: Mapped[MatchReason] = mapped_column(text_enum(MatchReason, "match_reason"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: "merged" or "dismissed" once a recruiter decided; None while open.
    resolution: Mapped[str | None] = mapped_column(String(16))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    contact: Mapped[Contact] = relationship(foreign_keys=[contact_id])
    other: Mapped[Contact] = relationship(foreign_keys=[other_id])


class ContactUid(db.Model):
    """A card's UID seen in an import, and the contact it made or matched: the card's identity.

    Importing the same card again (or a later version of it, as CRMs and phones write) finds
    this contact whatever else changed, even when the card has no email, phone or LinkedIn.
    """

    __table_args__ = (UniqueConstraint("organization_id", "uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    #: The UID as the card wrote it (``urn:uuid:…``, a phone's own id, a CRM's record id).
    uid: Mapped[str] = mapped_column(String(255))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PointKind(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"

    @property
    def label(self) -> str:
        return str({"email": _l("email"), "phone": _l("phone")}[self.value])


class ContactPoint(db.Model):
    """A further email address or phone number of a contact, beyond ``Contact.email``/``phone``.

    A person has several (work and private, a mobile and a desk line); a card that brings one
    the contact lacks keeps it here, and matching finds the contact by it too.
    """

    __table_args__ = (
        UniqueConstraint("contact_id", "kind", "key"),
        Index("ix_contact_point_organization_id_kind_key", "organization_id", "kind", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    kind: Mapped[PointKind] = mapped_column(text_enum(PointKind, "point_kind"))
    #: The address or number as the card wrote it.
    value: Mapped[str] = mapped_column(String(254))
    #: What it is matched on: the address lower-cased, the number's E.164 digits.
    key: Mapped[str] = mapped_column(String(254))
    #: The card's TYPE labels, lower-cased and comma-separated ("work", "cell,pref"); "" if none.
    label: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ContactNote(PublicIdMixin, db.Model):
    """Free text about a contact rather than one encounter: what an imported card said that has
    no field of its own (its NOTE, its categories, a company that differs). Never edited."""

    __table_args__ = (UniqueConstraint("contact_id", "card_digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    #: The digest of the imported card the note comes from: importing it again adds no note.
    card_digest: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship()
