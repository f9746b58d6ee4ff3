"""Typed badge codes, checked while the recruiter types: who the code is printed for.

The answer holds only what is printed on the badge beside the code (name and company), for
companies that see the event (its organizer and its exhibitors). An unknown code and a code of
another event answer the same, so a lookup tells no more than reading the badge would; the
lookup is rate-limited per member (``BADGE_CODE_RATE_LIMIT``), and 30^8 codes cannot be walked.
"""

from __future__ import annotations

from sqlalchemy import select

from ..attendee.models import BADGE_CODE_ALPHABET, Attendee
from ..event.models import Event
from ..extensions import db
from .items import normalise_badge_code

CODE_LENGTH = 8


def well_formed(code: str) -> bool:
    """Whether a normalised code can be a badge code at all, as the phone checks it too."""
    return len(code) == CODE_LENGTH and all(ch in BADGE_CODE_ALPHABET for ch in code)


def attendee_by_code(event: Event, typed: str) -> Attendee | None:
    """The event's attendee whose badge carries this code, however it was typed."""
    code = normalise_badge_code(typed)
    if not well_formed(code):
        return None
    return db.session.scalars(
        select(Attendee).where(Attendee.event_id == event.id, Attendee.badge_code == code)
    ).first()
