"""What an export writes about each person, read in keyset chunks so memory stays flat.

An export of 100,000 contacts never holds them all: contacts come 500 at a time in id order
(``WHERE id > last ORDER BY id LIMIT 500``, along the primary key, stable even while people
are being captured), and each chunk's encounters, interests, notes and list entries come in
four more queries. Events, members and the organizer's questions are few, so they are cached
for the whole export. Rows are read as plain columns, not ORM objects: an export is read-only
and the identity map would only cost time.

Several values in one cell (the choices of a multiple-choice answer, interests, lists) keep
their boundaries: :func:`join_values` quotes a value that holds the separator, as CSV does
(``"Remote, only", 東京``), so ``Remote, only`` and ``東京`` never read as three values.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Select, func, select

from ..account.models import User
from ..attendee.models import Availability
from ..capture.models import (
    Capture,
    CaptureSource,
    CaptureTag,
    Contact,
    EventQuestion,
    Note,
    Rating,
)
from ..contact.models import ContactPoint
from ..event.models import Event
from ..extensions import db
from ..followup.models import EntryState, FollowupList, ListEntry, ListStage


def join_values(values, separator: str = ", ") -> str:
    """Values in one text, each that holds the separator's mark or a quote in double quotes."""
    mark = separator.strip() or separator
    return separator.join(
        '"' + value.replace('"', '""') + '"' if mark in value or '"' in value else value
        for value in values
    )


#: Contacts (or captures) per chunk: a few queries each, and a few hundred kilobytes of rows.
CHUNK = 500

CONTACT_COLUMNS = (
    Contact.id,
    Contact.public_id,
    Contact.name,
    Contact.email,
    Contact.company,
    Contact.title,
    Contact.phone,
    Contact.linkedin_url,
    Contact.website_url,
    Contact.updated_at,
    Contact.do_not_contact_at,
    Contact.do_not_contact_reason,
)

CAPTURE_COLUMNS = (
    Capture.id,
    Capture.public_id,
    Capture.contact_id,
    Capture.event_id,
    Capture.source,
    Capture.name,
    Capture.email,
    Capture.company,
    Capture.title,
    Capture.phone,
    Capture.linkedin_url,
    Capture.website_url,
    Capture.rating,
    Capture.availability,
    Capture.answers,
    Capture.captured_by_id,
    Capture.captured_at,
)


@dataclass(slots=True)
class NoteRecord:
    #: The recruiter's name; "" when the person wrote it themselves (the booth form).
    author: str
    written_on: date
    body: str


@dataclass(slots=True)
class Encounter:
    """One capture: where and when the person was met, by whom, and what was noted."""

    id: int
    public_id: str
    contact_id: int
    event_name: str
    #: The date met, in the event's own time zone.
    met_on: date
    #: When, in the event's own time zone.
    met_at: datetime
    recruiter: str
    source: CaptureSource
    rating: Rating | None
    availability: Availability | None
    tags: list[str]
    #: (prompt, answer) in the organizer's order.
    answers: list[tuple[str, str]]
    #: Question public id → answer text, for one column per question.
    answer_by_question: dict[str, str] = field(default_factory=dict)
    #: Question public id → the answer's values: the choices of a multiple choice, else one.
    answer_values: dict[str, list[str]] = field(default_factory=dict)
    notes: list[NoteRecord] = field(default_factory=list)
    #: The details as captured: (name, email, company, title, phone, linkedin, website).
    details: tuple = ()
    #: The contact's public id (event capture exports link rows to contacts).
    contact_public_id: str = ""
    #: The contact's do-not-contact mark and lists (event capture exports only).
    do_not_contact_at: datetime | None = None
    do_not_contact_reason: str = ""
    lists: list[Membership] = field(default_factory=list)


@dataclass(slots=True)
class Membership:
    """One live entry of the person in a list that is not archived."""

    list_id: int
    list_name: str
    stage: str
    next_due_on: date | None
    state: EntryState


@dataclass(slots=True)
class ContactRecord:
    id: int
    public_id: str
    name: str
    email: str
    company: str
    title: str
    phone: str
    linkedin_url: str
    website_url: str
    updated_at: datetime
    do_not_contact_at: datetime | None
    do_not_contact_reason: str
    #: Every encounter, latest first.
    encounters: list[Encounter] = field(default_factory=list)
    lists: list[Membership] = field(default_factory=list)
    #: Further emails and phones (``ContactPoint``): (kind, value, TYPE labels), in order.
    points: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def tags(self) -> list[str]:
        """Interests from every encounter, once each (first spelling wins), latest first."""
        seen: dict[str, str] = {}
        for encounter in self.encounters:
            for tag in encounter.tags:
                seen.setdefault(tag.casefold(), tag)
        return list(seen.values())


class Reader:
    """Reads one company's contacts or captures for one export, with per-export caches."""

    def __init__(self, org_id: int, chunk: int = CHUNK):
        self.org_id = org_id
        self.chunk = chunk
        self._events: dict[int, tuple[str, ZoneInfo]] = {}
        self._questions: dict[int, list[tuple[str, str]]] = {}
        self._users: dict[int, str] = {}

    # Contacts ---------------------------------------------------------------------------

    def contacts(self, selection: Select) -> Iterator[ContactRecord]:
        """Every contact ``selection`` matches, by id, with encounters and lists.

        ``selection`` selects ``Contact`` rows (its ORDER BY is replaced): the company's live
        contacts narrowed by whatever the export asks.
        """
        base = selection.with_only_columns(*CONTACT_COLUMNS).order_by(None)
        last = 0
        while True:
            rows = db.session.execute(
                base.where(Contact.id > last).order_by(Contact.id).limit(self.chunk)
            ).all()
            if not rows:
                return
            last = rows[-1][0]
            yield from self.contact_chunk(rows)
            if len(rows) < self.chunk:
                return

    def contact_chunk(self, rows) -> list[ContactRecord]:
        records = {row[0]: ContactRecord(*row) for row in rows}
        ids = list(records)
        captures = select(*CAPTURE_COLUMNS).where(
            Capture.organization_id == self.org_id, Capture.contact_id.in_(ids)
        )
        for encounter in self._encounters(captures):
            records[encounter.contact_id].encounters.append(encounter)
        for record in records.values():
            record.encounters.sort(key=lambda e: (e.met_at, e.id), reverse=True)
        for contact_id, membership in self._memberships(ids):
            records[contact_id].lists.append(membership)
        points = select(
            ContactPoint.contact_id, ContactPoint.kind, ContactPoint.value, ContactPoint.label
        ).where(ContactPoint.organization_id == self.org_id, ContactPoint.contact_id.in_(ids))
        for contact_id, kind, value, label in db.session.execute(points.order_by(ContactPoint.id)):
            records[contact_id].points.append((str(kind), value, label))
        return list(records.values())

    def _memberships(self, contact_ids: list[int]):
        rows = db.session.execute(
            select(
                ListEntry.contact_id,
                ListEntry.list_id,
                FollowupList.name,
                ListStage.name,
                ListEntry.next_due_on,
                ListEntry.state,
            )
            .join(FollowupList, FollowupList.id == ListEntry.list_id)
            .join(ListStage, ListStage.id == ListEntry.stage_id)
            .where(
                ListEntry.organization_id == self.org_id,
                ListEntry.contact_id.in_(contact_ids),
                ListEntry.state != EntryState.MERGED,
                FollowupList.archived_at.is_(None),
            )
            .order_by(func.lower(FollowupList.name), FollowupList.id)
        )
        for contact_id, list_id, name, stage, due, state in rows:
            yield contact_id, Membership(list_id, name, stage, due, EntryState(state))

    # Captures ---------------------------------------------------------------------------

    def event_captures(self, event_id: int, only: Select | None = None) -> Iterator[Encounter]:
        """The company's captures at one event (those ``only`` selects the ids of, when
        given), oldest first, with the contact's public id; a detail left empty at the
        capture is the contact's (added or corrected since)."""
        base = (
            select(
                *CAPTURE_COLUMNS,
                Contact.public_id,
                *CONTACT_COLUMNS[2:9],
                Contact.do_not_contact_at,
                Contact.do_not_contact_reason,
            )
            .join(Contact, Contact.id == Capture.contact_id)
            .where(Capture.organization_id == self.org_id, Capture.event_id == event_id)
        )
        if only is not None:
            base = base.where(Capture.id.in_(only))
        last = 0
        while True:
            chunk = base.where(Capture.id > last).order_by(Capture.id).limit(self.chunk)
            encounters = self._encounters(chunk, with_contact=True)
            if not encounters:
                return
            last = encounters[-1].id
            by_contact: dict[int, list[Encounter]] = {}
            for encounter in encounters:
                by_contact.setdefault(encounter.contact_id, []).append(encounter)
            for contact_id, membership in self._memberships(list(by_contact)):
                for encounter in by_contact[contact_id]:
                    encounter.lists.append(membership)
            yield from encounters
            if len(encounters) < self.chunk:
                return

    def questions(self, event_id: int) -> list[tuple[str, str]]:
        """The organizer's questions of the event: (public id, prompt), in order."""
        if event_id not in self._questions:
            rows = db.session.execute(
                select(EventQuestion.public_id, EventQuestion.prompt)
                .where(EventQuestion.event_id == event_id)
                .order_by(EventQuestion.position, EventQuestion.id)
            )
            self._questions[event_id] = [(public_id, prompt) for public_id, prompt in rows]
        return self._questions[event_id]

    def _encounters(self, query: Select, with_contact: bool = False) -> list[Encounter]:
        rows = db.session.execute(query).all()
        if not rows:
            return []
        capture_ids = [row[0] for row in rows]
        tags: dict[int, list[str]] = {}
        for capture_id, name in db.session.execute(
            select(CaptureTag.capture_id, CaptureTag.name).where(
                CaptureTag.capture_id.in_(capture_ids)
            )
        ):
            tags.setdefault(capture_id, []).append(name)
        notes: dict[int, list[tuple]] = {}
        for capture_id, author_id, body, written_at in db.session.execute(
            select(Note.capture_id, Note.author_id, Note.body, Note.written_at)
            .where(Note.capture_id.in_(capture_ids))
            .order_by(Note.written_at, Note.id)
        ):
            notes.setdefault(capture_id, []).append((author_id, body, written_at))
        self._load_events({row[3] for row in rows})
        self._load_users(
            {row[15] for row in rows if row[15]}
            | {author for found in notes.values() for author, _b, _w in found if author}
        )
        out = []
        for row in rows:
            (capture_id, public_id, contact_id, event_id, source, *details) = row[:12]
            rating, availability, answers, by_id, captured_at = row[12:17]
            event_name, zone = self._events[event_id]
            local = captured_at.astimezone(zone)
            values = self._answers(event_id, answers)
            by_question = {key: join_values(found) for key, found in values.items()}
            encounter = Encounter(
                id=capture_id,
                public_id=public_id,
                contact_id=contact_id,
                event_name=event_name,
                met_on=local.date(),
                met_at=local,
                recruiter=self._users.get(by_id, "") if by_id else "",
                source=CaptureSource(source),
                rating=Rating(rating) if rating else None,
                availability=Availability(availability) if availability else None,
                tags=sorted(tags.get(capture_id, ()), key=str.casefold),
                answers=[
                    (prompt, by_question[public_id])
                    for public_id, prompt in self.questions(event_id)
                    if public_id in by_question
                ],
                answer_by_question=by_question,
                answer_values=values,
                details=tuple(
                    (mine or theirs for mine, theirs in zip(details, row[18:25], strict=True))
                    if with_contact
                    else details
                ),
                contact_public_id=row[17] if with_contact else "",
            )
            if with_contact:
                encounter.do_not_contact_at, encounter.do_not_contact_reason = row[25:27]
            encounter.notes = [
                NoteRecord(
                    self._users.get(author, "") if author else "",
                    written_at.astimezone(zone).date(),
                    body,
                )
                for author, body, written_at in notes.get(capture_id, ())
            ]
            out.append(encounter)
        return out

    def _answers(self, event_id: int, answers: dict | None) -> dict[str, list[str]]:
        """Question public id → the answer's values (a choice each), for the event's questions."""
        if not answers:
            return {}
        out = {}
        for public_id, _prompt in self.questions(event_id):
            value = answers.get(public_id)
            found = [str(v) for v in value if v] if isinstance(value, list) else [str(value or "")]
            if any(found):
                out[public_id] = found
        return out

    def _load_events(self, event_ids: set[int]) -> None:
        missing = event_ids - self._events.keys()
        if not missing:
            return
        for event_id, name, timezone in db.session.execute(
            select(Event.id, Event.name, Event.timezone).where(Event.id.in_(missing))
        ):
            self._events[event_id] = (name, _zone(timezone))

    def _load_users(self, user_ids: set[int]) -> None:
        missing = user_ids - self._users.keys()
        if not missing:
            return
        for user_id, name in db.session.execute(
            select(User.id, User.name).where(User.id.in_(missing))
        ):
            self._users[user_id] = name


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
