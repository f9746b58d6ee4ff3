"""Reading a company's contacts: the contacts list's search and filters, and each row's extras.

Shared by the contacts page and ``bench/``. Every filter is a subquery of contact ids, so a
contact appears once however many captures or list entries match, and the page query stays a
scan of ``contact`` in its index's order whatever is combined. Filters on what happened at an
encounter (event, interest, rating, availability) must all hold for *one* capture: "hot at the
Berlin fair" means a hot capture at that fair, not a hot capture somewhere and a visit to
Berlin.
Likewise list and owner must hold for one entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import joinedload

from ..attendee.models import Availability
from ..capture import queries as capture_queries
from ..capture.models import Capture, CaptureTag, Contact, Rating
from ..event.models import Event
from ..extensions import db
from ..followup.models import EntryState, FollowupList, ListEntry
from ..scoping import scoped
from .matching import fold
from .models import MatchSuggestion

#: Ratings from the warmest down: "at least warm" is warm or hot.
RATING_ORDER = (Rating.HOT, Rating.WARM, Rating.COLD)


@dataclass
class Filters:
    """What the contacts list is narrowed to; ids are primary keys, already scoped by the caller."""

    search: str = ""
    event_id: int | None = None
    tag: str = ""
    #: Exactly this rating at an encounter.
    rating: Rating | None = None
    #: This rating or a warmer one at an encounter.
    rating_min: Rating | None = None
    availability: Availability | None = None
    list_id: int | None = None
    owner_id: int | None = None

    @property
    def any(self) -> bool:
        return any(
            (
                self.search,
                self.event_id,
                self.tag,
                self.rating,
                self.rating_min,
                self.availability,
                self.list_id,
                self.owner_id,
            )
        )


def at_least(rating: Rating) -> list[Rating]:
    return list(RATING_ORDER[: RATING_ORDER.index(rating) + 1])


def live(org_id: int) -> Select[tuple[Contact]]:
    """The company's contacts that are not merged into another."""
    return select(Contact).where(
        Contact.organization_id == org_id, Contact.merged_into_id.is_(None)
    )


def contacts(org_id: int, filters: Filters) -> Select[tuple[Contact]]:
    """The company's live contacts matching the filters, most recently met first.

    Each filter is a set of contact ids (``IN (SELECT …)``), worked out once per query from its
    own index, rather than a condition tried on each of the company's contacts in turn: with
    100,000 contacts, that keeps a selective filter from walking the whole list.
    """
    query = live(org_id)
    search = filters.search.strip()
    if search:
        query = query.where(_searched(org_id, search))
    met = _capture_conditions(filters)
    if met:
        encounters = select(Capture.contact_id).where(Capture.organization_id == org_id, *met)
        if filters.tag.strip():
            encounters = encounters.join(CaptureTag, CaptureTag.capture_id == Capture.id).where(
                CaptureTag.key == filters.tag.strip().casefold()
            )
        query = query.where(Contact.id.in_(encounters))
    listed = _entry_conditions(filters)
    if listed:
        entries = select(ListEntry.contact_id).where(ListEntry.organization_id == org_id, *listed)
        query = query.where(Contact.id.in_(entries))
    return query.order_by(Contact.last_met_at.desc(), Contact.id.desc())


def _searched(org_id: int, search: str):
    """A whole email address is looked up by its index; anything else is found in the folded
    name, email, company and title."""
    address = search.lower()
    local, at, domain = address.partition("@")
    if at and local and "." in domain and " " not in address:
        return Contact.email == address
    found = select(Contact.id).where(
        Contact.organization_id == org_id,
        Contact.search_text.contains(fold(search), autoescape=True),
    )
    return Contact.id.in_(found)


def _capture_conditions(filters: Filters) -> list:
    conditions = []
    if filters.event_id is not None:
        conditions.append(Capture.event_id == filters.event_id)
    if filters.rating is not None:
        conditions.append(Capture.rating == filters.rating)
    if filters.rating_min is not None:
        conditions.append(Capture.rating.in_(at_least(filters.rating_min)))
    if filters.availability is not None:
        conditions.append(Capture.availability == filters.availability)
    if filters.tag.strip() and not conditions:
        conditions.append(Capture.id.is_not(None))  # the tag's join is the condition
    return conditions


def _entry_conditions(filters: Filters) -> list:
    if filters.list_id is None and filters.owner_id is None:
        return []
    # An entry set aside by a merge belongs to the merge's undo, not to the person's lists.
    conditions = [ListEntry.state != EntryState.MERGED]
    if filters.list_id is not None:
        conditions.append(ListEntry.list_id == filters.list_id)
    if filters.owner_id is not None:
        conditions.append(ListEntry.owner_id == filters.owner_id)
    return conditions


def by_id(contact_ids) -> dict[int, Contact]:
    """The page's contacts by primary key."""
    return {c.id: c for c in db.session.scalars(select(Contact).where(Contact.id.in_(contact_ids)))}


# Each row's extras ---------------------------------------------------------------------------


@dataclass
class RowExtras:
    """What a row of the contacts list shows beside the contact's own columns."""

    event_name: str = ""
    event_timezone: str = "UTC"
    met_at: datetime | None = None
    rating: Rating | None = None
    list_names: list[str] = field(default_factory=list)


def row_extras(contact_ids: list[int]) -> dict[int, RowExtras]:
    """Each contact's latest encounter and list names: two queries for the whole page."""
    out = {contact_id: RowExtras() for contact_id in contact_ids}
    if not contact_ids:
        return out
    ranked = (
        select(
            Capture.contact_id,
            Capture.captured_at,
            Capture.rating,
            Capture.event_id,
            func.row_number()
            .over(
                partition_by=Capture.contact_id,
                order_by=(Capture.captured_at.desc(), Capture.id.desc()),
            )
            .label("rank"),
        )
        .where(Capture.contact_id.in_(contact_ids))
        .subquery()
    )
    latest = (
        select(
            ranked.c.contact_id, ranked.c.captured_at, ranked.c.rating, Event.name, Event.timezone
        )
        .join(Event, Event.id == ranked.c.event_id)
        .where(ranked.c.rank == 1)
    )
    for contact_id, met_at, rating, event_name, timezone in db.session.execute(latest):
        extras = out[contact_id]
        extras.met_at = met_at
        extras.rating = Rating(rating) if rating else None
        extras.event_name, extras.event_timezone = event_name, timezone
    names = (
        select(ListEntry.contact_id, FollowupList.name)
        .join(FollowupList, FollowupList.id == ListEntry.list_id)
        .where(
            ListEntry.contact_id.in_(contact_ids),
            ListEntry.state != EntryState.MERGED,
            FollowupList.archived_at.is_(None),
        )
        .order_by(func.lower(FollowupList.name), FollowupList.id)
    )
    for contact_id, name in db.session.execute(names):
        out[contact_id].list_names.append(name)
    return out


# Choices of the filters ----------------------------------------------------------------------


def events_met_at(org_id: int) -> list[Event]:
    """Events where the company met someone, latest first: the event filter's choices."""
    met = exists().where(Capture.event_id == Event.id, Capture.organization_id == org_id)
    return list(
        db.session.scalars(select(Event).where(met).order_by(Event.starts_on.desc(), Event.id))
    )


def suggested_tags(events: list[Event]) -> list[str]:
    """The interests those events offer: suggestions for the interest filter, with no query.

    Counting the tags actually used would aggregate every capture on every page view.
    """
    return sorted({tag for ev in events for tag in (ev.interest_tags or [])}, key=str.casefold)


# Possible duplicates --------------------------------------------------------------------------


def open_suggestions(org_id: int, contact_id: int | None = None) -> Select[tuple[MatchSuggestion]]:
    """Undecided suggestions whose two contacts are both live (optionally: involving one)."""
    mine = Contact.__table__.alias("mine")
    theirs = Contact.__table__.alias("theirs")
    query = (
        select(MatchSuggestion)
        .join(mine, mine.c.id == MatchSuggestion.contact_id)
        .join(theirs, theirs.c.id == MatchSuggestion.other_id)
        .where(
            MatchSuggestion.organization_id == org_id,
            MatchSuggestion.resolution.is_(None),
            mine.c.merged_into_id.is_(None),
            theirs.c.merged_into_id.is_(None),
        )
    )
    if contact_id is not None:
        query = query.where(
            or_(MatchSuggestion.contact_id == contact_id, MatchSuggestion.other_id == contact_id)
        )
    return query.order_by(MatchSuggestion.created_at.desc(), MatchSuggestion.id.desc())


def with_pair(query: Select[tuple[MatchSuggestion]]) -> Select[tuple[MatchSuggestion]]:
    """Load both contacts of each suggestion with it, whatever the number of suggestions."""
    return query.options(joinedload(MatchSuggestion.contact), joinedload(MatchSuggestion.other))


def count_open_suggestions(org_id: int, contact_id: int | None = None) -> int:
    inner = (
        open_suggestions(org_id, contact_id).order_by(None).with_only_columns(MatchSuggestion.id)
    )
    return db.session.scalar(select(func.count()).select_from(inner.subquery())) or 0


def between(a_id: int, b_id: int):
    """The condition for suggestions linking these two contacts, in either direction."""
    return or_(
        and_(MatchSuggestion.contact_id == a_id, MatchSuggestion.other_id == b_id),
        and_(MatchSuggestion.contact_id == b_id, MatchSuggestion.other_id == a_id),
    )


def pick(rows, public_id: str | None):
    return next((row for row in rows if row.public_id == public_id), None) if public_id else None


def _enum(kind, value: str | None):
    return kind(value) if value in {member.value for member in kind} else None


def filters_from(org_id: int, args) -> tuple[Filters, dict]:
    """The contacts list's filters from a query string, and what the page shows beside them:
    the choices offered (``events``, ``lists``, ``team``) and the ``event``, ``lst`` and
    ``owner`` picked. A value that matches no choice narrows nothing. The exports read the
    same query string through this function, so an export holds what the list shows."""
    events = events_met_at(org_id)
    lists = list(
        db.session.scalars(
            scoped(FollowupList, org_id)
            .where(FollowupList.archived_at.is_(None))
            .order_by(FollowupList.name, FollowupList.id)
        )
    )
    team = capture_queries.recruiters(org_id)
    event = pick(events, args.get("event"))
    lst = pick(lists, args.get("list"))
    owner = pick(team, args.get("owner"))
    filters = Filters(
        search=args.get("q", "").strip()[:100],
        event_id=event.id if event else None,
        tag=args.get("tag", "").strip()[:60],
        rating=_enum(Rating, args.get("rating")),
        rating_min=_enum(Rating, args.get("rating_min")),
        availability=_enum(Availability, args.get("availability")),
        list_id=lst.id if lst else None,
        owner_id=owner.id if owner else None,
    )
    shown = {"events": events, "lists": lists, "team": team}
    return filters, {**shown, "event": event, "lst": lst, "owner": owner}
