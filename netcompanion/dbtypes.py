"""Column types that behave the same on SQLite and PostgreSQL."""

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class OutOfRange(ValueError):
    """A date and time whose UTC equivalent falls outside years 1 to 9999."""


def parse_instant(text: str) -> datetime:
    """``text``, an ISO 8601 date and time with a UTC offset, as an instant in UTC.

    ``ValueError`` when it is not one; ``OutOfRange`` when it is one that UTC cannot hold,
    which is how both databases store instants: the first hours of year 1 east of Greenwich
    are still year 0 there, and the last of 9999 west of it are already year 10000.
    """
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("a date and time without a UTC offset")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise OutOfRange(text) from None


class UTCDateTime(TypeDecorator):
    """Store instants as naive UTC and hand them back timezone-aware.

    SQLite has no timezone type; without this, comparisons between stored and current times
    would mix naive and aware datetimes depending on the backend.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def text_enum(kind: type[enum.Enum], name: str) -> Enum:
    """Store a Python enum as its values in a short text column with a CHECK constraint.

    Text, not a native PostgreSQL enum type, so adding a value is a plain migration everywhere.
    """
    return Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
