"""Reading follow-up lists and what is due: the queries behind the list pages and Today.

Each page loads in a fixed number of queries whatever its size: rows come with their contact,
list, stage and owner joined in, and the context of the last encounter of every row on a page
comes from one more query (``last_encounters``). ``bench/followup.py`` times ``due_entries``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from ..account.models import User
from ..attendee.models import Availability
from ..capture.models import Capture, CaptureTag, Contact, Note, Rating
from ..contact.matching import fold
from ..event.models import Event
from ..extensions import db
from ..scoping import scoped
from .models import EntryState, EventListRule, FollowupList, ListEntry

#: How many interests and how much of the last note a one-line context shows.
CONTEXT_TAGS = 3
CONTEXT_NOTE_CHARS = 120


def user_today(user: User) -> date:
    """The member's own date: what "due today" means for them (their profile's time zone)."""
    try:
        zone = ZoneInfo(user.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.now(zone).date()


# Today ----------------------------------------------------------------------------------------


def _due_base(user: User, *, everyone: bool) -> Select[tuple[ListEntry]]:
    """Active entries of live contacts in live lists: mine, or the whole company's."""
    query = (
        select(ListEntry)
        .join(FollowupList, FollowupList.id == ListEntry.list_id)
        .join(Contact, Contact.id == ListEntry.contact_id)
        .where(
            ListEntry.organization_id == user.organization_id,
            ListEntry.state == EntryState.ACTIVE,
            FollowupList.archived_at.is_(None),
            Contact.merged_into_id.is_(None),
        )
    )
    if not everyone:
        query = query.where(ListEntry.owner_id == user.id)
    return query


def due_entries(user: User, today: date, *, everyone: bool = False) -> Select[tuple[ListEntry]]:
    """The Today view: entries due on or before ``today``, oldest due first, then oldest added.

    Served by the (owner_id, next_due_on) index; contact, list, stage and owner are loaded in
    the same statement.
    """
    return (
        _due_base(user, everyone=everyone)
        .where(ListEntry.next_due_on <= today)
        .options(
            contains_eager(ListEntry.list),
            contains_eager(ListEntry.contact),
            joinedload(ListEntry.stage),
            joinedload(ListEntry.owner),
        )
        .order_by(ListEntry.next_due_on, ListEntry.id)
    )


def due_count(user: User, until: date, *, after: date | None = None, everyone: bool = False):
    """How many entries ``due_entries`` finds (due by ``until``; after ``after`` if given).

    Counted without joining the contacts (see ``_live_contact``).
    """
    query = (
        select(func.count())
        .select_from(ListEntry)
        .join(FollowupList, FollowupList.id == ListEntry.list_id)
        .where(
            ListEntry.organization_id == user.organization_id,
            ListEntry.state == EntryState.ACTIVE,
            ListEntry.next_due_on <= until,
            FollowupList.archived_at.is_(None),
            _live_contact(),
        )
    )
    if after is not None:
        query = query.where(ListEntry.next_due_on > after)
    if not everyone:
        query = query.where(ListEntry.owner_id == user.id)
    return db.session.scalar(query) or 0


def upcoming_count(user: User, today: date, *, everyone: bool = False, days: int = 7) -> int:
    """How many entries fall due after today and within ``days``."""
    return due_count(user, today + timedelta(days=days), after=today, everyone=everyone)


def _live_contact():
    """The entry's contact was not merged into another.

    Checked against the few merged contacts (read once through their index) rather than
    by joining every entry's contact: ten times faster on 100,000 contacts.
    """
    merged = select(Contact.id).where(Contact.merged_into_id.is_not(None))
    return ListEntry.contact_id.not_in(merged)


def page_of(query: Select, page: int, per_page: int, total: int):
    """One page of ``query``, with a total counted by a cheaper query than the page's own."""
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False, count=False)
    pagination.total = total
    return pagination


@dataclass
class Encounter:
    """The last time the company met a person, as one line of context."""

    event_name: str
    event_timezone: str
    met_at: datetime
    rating: Rating | None
    availability: Availability | None
    tags: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def met_on(self) -> date:
        """The day of the meeting, at the event."""
        try:
            return self.met_at.astimezone(ZoneInfo(self.event_timezone)).date()
        except (ZoneInfoNotFoundError, ValueError):
            return self.met_at.date()


@dataclass
class Encounters:
    #: Contact id → its latest encounter.
    latest: dict[int, Encounter]
    #: Capture id → the availability given then: what a "revisit" entry was timed by.
    availability: dict[int, Availability | None]


def last_encounters(org_id: int, contact_ids: list[int], capture_ids: list[int]) -> Encounters:
    """Each contact's latest encounter, and the availability of the given captures: one query.

    A window function ranks each contact's captures; the latest of each (and the captures that
    put entries in their lists) come back with one row per interest and the last note's start.
    """
    if not contact_ids:
        return Encounters({}, {})
    ranked = (
        select(
            Capture.id.label("capture_id"),
            func.row_number()
            .over(
                partition_by=Capture.contact_id,
                order_by=(Capture.captured_at.desc(), Capture.id.desc()),
            )
            .label("rank"),
        )
        .where(Capture.organization_id == org_id, Capture.contact_id.in_(contact_ids))
        .subquery()
    )
    last_note = (
        select(func.substr(Note.body, 1, CONTEXT_NOTE_CHARS + 1))
        .where(Note.capture_id == Capture.id)
        .order_by(Note.written_at.desc(), Note.id.desc())
        .limit(1)
        .correlate(Capture)
        .scalar_subquery()
    )
    wanted = ranked.c.rank == 1
    if capture_ids:
        wanted = or_(wanted, Capture.id.in_(capture_ids))
    rows = db.session.execute(
        select(
            Capture.id,
            Capture.contact_id,
            ranked.c.rank,
            Event.name,
            Event.timezone,
            Capture.captured_at,
            Capture.rating,
            Capture.availability,
            CaptureTag.name,
            last_note,
        )
        .join(ranked, ranked.c.capture_id == Capture.id)
        .join(Event, Event.id == Capture.event_id)
        .outerjoin(CaptureTag, CaptureTag.capture_id == Capture.id)
        .where(wanted)
        .order_by(Capture.id, CaptureTag.name)
    )
    latest: dict[int, Encounter] = {}
    availability: dict[int, Availability | None] = {}
    for capture_id, contact_id, rank, event_name, zone, met_at, rating, avail, tag, note in rows:
        availability[capture_id] = avail
        if rank != 1:
            continue
        encounter = latest.get(contact_id)
        if encounter is None:
            encounter = latest[contact_id] = Encounter(
                event_name, zone, met_at, rating, avail, note=_excerpt(note or "")
            )
        if tag and len(encounter.tags) < CONTEXT_TAGS:
            encounter.tags.append(tag)
    return Encounters(latest, availability)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CONTEXT_NOTE_CHARS else text[: CONTEXT_NOTE_CHARS - 1] + "…"


# Lists ----------------------------------------------------------------------------------------


def list_choices(org_id: int) -> list[tuple[str, str]]:
    """(public id, name) of the company's lists that are not archived: for menus."""
    rows = db.session.execute(
        select(FollowupList.public_id, FollowupList.name)
        .where(FollowupList.organization_id == org_id, FollowupList.archived_at.is_(None))
        .order_by(func.lower(FollowupList.name), FollowupList.id)
    )
    return [(public_id, name) for public_id, name in rows]


def rule_list_names(org_id: int, event_id: int) -> list[str]:
    """Names of the company's lists that take every new capture of the event."""
    return list(
        db.session.scalars(
            select(FollowupList.name)
            .join(EventListRule, EventListRule.list_id == FollowupList.id)
            .where(
                EventListRule.organization_id == org_id,
                EventListRule.event_id == event_id,
                FollowupList.archived_at.is_(None),
            )
            .order_by(func.lower(FollowupList.name))
        )
    )


@dataclass
class ListCounts:
    #: Stage id → entries in it (merged-away entries aside).
    by_stage: dict[int, int] = field(default_factory=dict)
    #: Entries due today or overdue, whoever owns them.
    due: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_stage.values())


def list_counts(lists: list[FollowupList], today: date) -> dict[int, ListCounts]:
    """List id → its counts per stage and due today, for these lists of one company.

    One pass over the company's entries, grouped by stage alone (a stage belongs to one list):
    grouping by list too makes SQLite walk the (list, stage) index and fetch every row by it,
    several times slower than scanning the table once.
    """
    if not lists:
        return {}
    list_of_stage = {stage.id: lst.id for lst in lists for stage in lst.stages}
    due = case(
        (and_(ListEntry.state == EntryState.ACTIVE, ListEntry.next_due_on <= today), 1), else_=0
    )
    rows = db.session.execute(
        select(ListEntry.stage_id, func.count(), func.sum(due))
        .where(
            ListEntry.organization_id == lists[0].organization_id,
            ListEntry.state != EntryState.MERGED,
        )
        .group_by(ListEntry.stage_id)
    )
    counts: dict[int, ListCounts] = {}
    for stage_id, count, due_count in rows:
        list_id = list_of_stage.get(stage_id)
        if list_id is not None:
            found = counts.setdefault(list_id, ListCounts())
            found.by_stage[stage_id] = count
            found.due += due_count or 0
    return counts


#: Entries per list page.
LIST_PAGE_SIZE = 50
#: The list page's "due" filter.
DUE_FILTERS = ("overdue", "today", "week")


@dataclass
class EntryFilters:
    stage_id: int | None = None
    #: A member's id; 0 for entries nobody owns.
    owner_id: int | None = None
    due: str = ""
    search: str = ""


def entries(lst: FollowupList, filters: EntryFilters, today: date) -> Select[tuple[int]]:
    """Ids of a list's entries matching the filters, next due first (nothing due last).

    Ids only: sorting narrow rows and then loading one page (``entry_page``) is several times
    faster than sorting every entry with its contact joined, on SQLite above all.
    """
    query = _entries_base(lst, filters, today).with_only_columns(ListEntry.id)
    if filters.stage_id is not None:
        query = query.where(ListEntry.stage_id == filters.stage_id)
    return query.order_by(ListEntry.next_due_on.asc().nulls_last(), ListEntry.id)


def entry_page(lst: FollowupList, filters: EntryFilters, today: date, page: int, total: int):
    """One page of the list's entries, with contact, stage and owner: two queries."""
    pagination = page_of(entries(lst, filters, today), page, LIST_PAGE_SIZE, total)
    if pagination.items:
        rows = db.session.scalars(
            select(ListEntry)
            .where(ListEntry.id.in_(pagination.items))
            .options(
                joinedload(ListEntry.contact),
                joinedload(ListEntry.stage),
                joinedload(ListEntry.owner),
            )
        )
        by_id = {entry.id: entry for entry in rows}
        pagination.items = [by_id[i] for i in pagination.items if i in by_id]
    return pagination


def stage_counts(lst: FollowupList, filters: EntryFilters, today: date) -> dict[int, int]:
    """Stage id → entries matching every filter but the stage: the tabs' numbers, and the
    page's total."""
    query = _entries_base(lst, filters, today).with_only_columns(ListEntry.stage_id, func.count())
    rows = db.session.execute(query.group_by(ListEntry.stage_id))
    return {stage_id: count for stage_id, count in rows}


def _entries_base(lst: FollowupList, filters: EntryFilters, today: date):
    query = scoped(ListEntry, lst.organization_id).where(
        ListEntry.list_id == lst.id, ListEntry.state != EntryState.MERGED, _live_contact()
    )
    if filters.owner_id == 0:
        query = query.where(ListEntry.owner_id.is_(None))
    elif filters.owner_id is not None:
        query = query.where(ListEntry.owner_id == filters.owner_id)
    if filters.due == "overdue":
        query = query.where(ListEntry.next_due_on < today)
    elif filters.due == "today":
        query = query.where(ListEntry.next_due_on == today)
    elif filters.due == "week":
        query = query.where(ListEntry.next_due_on <= today + timedelta(days=7))
    if filters.search:
        found = select(Contact.id).where(
            Contact.organization_id == lst.organization_id,
            Contact.search_text.like(_contains(fold(filters.search)), escape="\\"),
        )
        query = query.where(ListEntry.contact_id.in_(found))
    return query


def _contains(text: str) -> str:
    """A LIKE pattern for text anywhere; % and _ typed into a search box match themselves."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def members(org_id: int) -> list[User]:
    """The company's current members, by name: who may own an entry."""
    return list(
        db.session.scalars(
            scoped(User, org_id).where(User.removed_at.is_(None)).order_by(func.lower(User.name))
        )
    )
