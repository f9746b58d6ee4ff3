"""Typed badge codes, checked while the recruiter types: who the code is printed for.

The answer holds only what is printed on the badge beside the code (name and company), for
companies that see the event (its organizer and its exhibitors). An unknown code and a code of
another event answer the same, so a lookup tells no more than reading the badge would; the
lookup is rate-limited per member (``BADGE_CODE_RATE_LIMIT``), and 30^8 codes cannot be walked.
"""

from __future__ import annotations

from sqlalchemy import select

from ..attendee.models import Attendee, read_badge_code
from ..event.models import Event
from ..extensions import db


def attendee_by_code(event: Event, typed: str) -> Attendee | None:
    """The event's attendee whose badge carries this code, however it was typed."""
    code = read_badge_code(typed)
    if code is None:
        return None
    return db.session.scalars(
        select(Attendee).where(Attendee.event_id == event.id, Attendee.badge_code == code)
    ).first()
