"""Company API tokens.

Format: ``nct_`` followed by 43 base62 characters (256 random bits). Only a SHA-256 of the
whole token is stored, so a database leak gives no usable token; the first characters are kept
for display, so admins can tell tokens apart. A token is shown once, when it is created.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..account.models import User
from ..dbtypes import UTCDateTime, text_enum, utcnow
from ..extensions import db
from ..ids import PublicIdMixin


class TokenScope(enum.StrEnum):
    READ = "read"
    READ_WRITE = "read_write"

    @property
    def label(self) -> str:
        return str({"read": _l("Read"), "read_write": _l("Read and write")}[self.value])

    @property
    def can_write(self) -> bool:
        return self is TokenScope.READ_WRITE


class ApiToken(PublicIdMixin, db.Model):
    """A company's credential for an integration, e.g. the CRM sync."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    #: What the admin called it: "HubSpot sync".
    name: Mapped[str] = mapped_column(String(80))
    scope: Mapped[TokenScope] = mapped_column(text_enum(TokenScope, "token_scope"))
    #: SHA-256 (hex) of the whole token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The token's first characters, e.g. ``nct_4Fq9``, to recognise it in the list.
    prefix: Mapped[str] = mapped_column(String(16))
    #: The admin who created it; writes through the token are recorded as theirs.
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Updated at most once a minute, so a busy integration does not write on every request.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
