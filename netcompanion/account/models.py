"""Companies, their members and the invitations that bring members in."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, text_enum, utcnow
from ..extensions import db
from ..ids import PublicIdMixin


class Role(enum.StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    RECRUITER = "recruiter"

    @property
    def label(self) -> str:
        return str({"owner": _l("Owner"), "admin": _l("Admin"), "recruiter": _l("Recruiter")}[self])

    @property
    def can_manage_team(self) -> bool:
        return self in (Role.OWNER, Role.ADMIN)

    @property
    def can_manage_events(self) -> bool:
        return self in (Role.OWNER, Role.ADMIN)


role_type = text_enum(Role, "role")


class Organization(PublicIdMixin, db.Model):
    """A recruiting team: the unit that owns data and is isolated from every other team."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="organization")


class User(PublicIdMixin, UserMixin, db.Model):
    """A person who signs in; belongs to exactly one organization."""

    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    #: Stored lower-cased so sign-in and invitations match however the address was typed.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    #: Argon2id hash in PHC string format.
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(role_type)
    #: Part of the session identifier; bumping it ends every session of this user.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    #: Set when the member is removed from the company: they can no longer sign in.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: IANA zone: what "today" means for this member's follow-ups, digest and calendar.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    #: Appended to outreach messages as ``recruiter.signature``.
    signature: Mapped[str] = mapped_column(Text, default="")
    #: Whether the daily digest of due follow-ups is mailed to this member.
    digest_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The member's local date of the last digest sent: a second cron run that day sends none.
    digest_sent_on: Mapped[date | None] = mapped_column(Date)
    #: SHA-256 of the secret in the member's calendar feed URL; None when no feed is on.
    calendar_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="members")

    @property
    def is_active(self) -> bool:
        return self.removed_at is None

    def get_id(self) -> str:
        return f"{self.public_id}.{self.session_version}"

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.name


class Invitation(PublicIdMixin, db.Model):
    """A single-use, expiring link that lets someone join an organization with a role."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(role_type)
    #: SHA-256 of the secret in the link; the secret itself is only ever in the email.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organization: Mapped[Organization] = relationship()
    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id])

    def is_pending(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now
