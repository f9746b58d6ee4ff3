"""Random public identifiers: what URLs carry instead of integer primary keys."""

import secrets

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column


def new_public_id() -> str:
    """Return 96 random bits as 16 URL-safe characters: not guessable, not enumerable."""
    return secrets.token_urlsafe(12)


class PublicIdMixin:
    #: Random identifier used in URLs and the API; the integer id never leaves the server.
    public_id: Mapped[str] = mapped_column(
        String(22), unique=True, nullable=False, default=new_public_id
    )
