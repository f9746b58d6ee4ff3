"""Reading a company's captures: the capture list's filters, shared by pages and the API."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..account.models import User
from ..attendee.models import Attendee
from ..extensions import db
from ..scoping import scoped
from .models import Capture, CaptureTag, Note, Rating


@dataclass
class Filters:
    event_id: int | None = None
    rating: Rating | None = None
    #: This rating or better: hot > warm > cold.
    rating_min: Rating | None = None
    tag: str = ""
    recruiter_id: int | None = None
    attendee_public_id: str = ""
    search: str = ""


def filters_from(values, event_id: int, team: list) -> tuple[Filters, object]:
    """The capture list's filters from a query string or a form (the bulk add to a list posts
    them), and the recruiter filtered by. Junk values are ignored, never an error."""
    filters = Filters(
        event_id=event_id,
        tag=values.get("tag", "").strip()[:60],
        search=values.get("q", "").strip()[:100],
    )
    ratings = {r.value for r in Rating}
    if values.get("rating") in ratings:
        filters.rating = Rating(values["rating"])
    if values.get("rating_min") in ratings:
        filters.rating_min = Rating(values["rating_min"])
    recruiter = next((u for u in team if u.public_id == values.get("recruiter")), None)
    if recruiter is not None:
        filters.recruiter_id = recruiter.id
    return filters, recruiter


def captures(org_id: int, filters: Filters) -> Select[tuple[Capture]]:
    """The company's captures matching the filters, newest first."""
    query = scoped(Capture, org_id)
    if filters.event_id is not None:
        query = query.where(Capture.event_id == filters.event_id)
    if filters.rating is not None:
        query = query.where(Capture.rating == filters.rating)
    if filters.rating_min is not None:
        query = query.where(Capture.rating.in_(at_least(filters.rating_min)))
    if filters.tag:
        query = query.where(
            exists().where(
                CaptureTag.capture_id == Capture.id,
                CaptureTag.key == filters.tag.strip().casefold(),
            )
        )
    if filters.recruiter_id is not None:
        # Whoever captured first, or added a note since.
        query = query.where(
            or_(
                Capture.captured_by_id == filters.recruiter_id,
                exists().where(
                    Note.capture_id == Capture.id, Note.author_id == filters.recruiter_id
                ),
            )
        )
    if filters.attendee_public_id:
        query = query.join(Attendee, Attendee.id == Capture.attendee_id).where(
            Attendee.public_id == filters.attendee_public_id
        )
    if filters.search:
        pattern = f"%{filters.search.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Capture.name).like(pattern),
                func.lower(Capture.company).like(pattern),
                Capture.email.like(pattern),
            )
        )
    return query.order_by(Capture.id.desc())  # ids grow with time: newest first, stable pages


#: Ratings from best to worst.
RATING_ORDER = (Rating.HOT, Rating.WARM, Rating.COLD)


def at_least(rating: Rating) -> list[Rating]:
    """The ratings as good as ``rating`` or better."""
    return list(RATING_ORDER[: RATING_ORDER.index(rating) + 1])


def with_everything(query: Select[tuple[Capture]]) -> Select[tuple[Capture]]:
    """Load what a page or JSON answer shows in a fixed number of queries, whatever the count."""
    return query.options(
        joinedload(Capture.event),
        joinedload(Capture.contact),
        joinedload(Capture.attendee),
        joinedload(Capture.captured_by),
        selectinload(Capture.tags),
        selectinload(Capture.notes).joinedload(Note.author),
    )


def recruiters(org_id: int) -> list[User]:
    return list(db.session.scalars(scoped(User, org_id).order_by(func.lower(User.name))))


def capture_or_none(org_id: int, public_id: str) -> Capture | None:
    return db.session.scalars(
        with_everything(scoped(Capture, org_id).where(Capture.public_id == public_id))
    ).first()


def event_tags(org_id: int, event_id: int) -> list[str]:
    """Tags the company used at the event, most used first: the filter's choices."""
    rows = db.session.execute(
        select(CaptureTag.name, func.count())
        .join(Capture, Capture.id == CaptureTag.capture_id)
        .where(Capture.organization_id == org_id, Capture.event_id == event_id)
        .group_by(CaptureTag.name)
        .order_by(func.count().desc(), CaptureTag.name)
    )
    return [name for name, _count in rows]
