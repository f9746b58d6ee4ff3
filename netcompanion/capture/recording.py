"""Recording uploaded captures: one or a batch of 500 in a handful of queries, exactly once.

Order of work, per batch:
1. check every item on its own (no database);
2. resolve events, booths, badges and typed badge codes in one query each;
3. claim each item's client UUID by inserting its receipt (``ON CONFLICT DO NOTHING``): an item
   whose receipt already exists was synced before and is answered ``already_synced``;
4. find the person's existing capture at the event (same badge, or same email) and merge into it,
   or create the contact and capture; notes are appended, never replaced;
5. point the receipts at their captures.
Two uploads racing for the same badge meet at the unique constraint on (company, event, attendee);
the loser retries once and merges. Steps 3–5 share one transaction, so nothing is half-written.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..account.models import User
from ..attendee.models import Attendee
from ..badge import token as tokens
from ..dbtypes import utcnow
from ..event.models import Event, Exhibitor
from ..event.service import EventAccess
from ..extensions import db
from ..ids import new_public_id
from . import items as checks
from . import queries, serialize
from .items import Item, ItemError
from .models import Capture, CaptureReceipt, CaptureSource, CaptureTag, Contact, EventQuestion, Note

MAX_BATCH = 500
RETRIES = 3

#: What an answer shows of an existing capture, loaded with it rather than one by one.
_SHOWN = (
    joinedload(Capture.event),
    joinedload(Capture.contact),
    joinedload(Capture.attendee),
    selectinload(Capture.tags),
)


@dataclass
class Outcome:
    client_id: str | None
    status: str  # created, merged, already_synced or error
    capture: Capture | None = None
    error: ItemError | None = None
    #: The capture as JSON, taken before the commit expires what the session loaded.
    summary: dict | None = None

    def as_json(self) -> dict:
        body = {"client_id": self.client_id, "status": self.status}
        if self.error is not None:
            body["error"] = self.error.as_json()
        elif self.summary is not None:
            body["capture"] = self.summary
        return body


@dataclass
class _Resolved:
    index: int
    item: Item
    event: Event
    attendee: Attendee | None
    source: CaptureSource
    details: dict[str, str]
    answers: dict


def record(user: User, raw_items: list) -> list[Outcome]:
    """Record uploaded items for the user's company; one outcome per item, in order."""
    for attempt in range(RETRIES):
        try:
            outcomes = _record(user, raw_items)
            for outcome in outcomes:
                if outcome.capture is not None:
                    outcome.summary = serialize.summary(outcome.capture)
            db.session.commit()
            return outcomes
        except IntegrityError:
            # Someone else created the same person's capture a moment ago: merge into theirs.
            db.session.rollback()
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _record(user: User, raw_items: list) -> list[Outcome]:
    outcomes: list[Outcome | None] = [None] * len(raw_items)
    parsed: list[tuple[int, Item]] = []
    first_index: dict[str, int] = {}
    repeats: list[tuple[int, str]] = []
    for index, raw in enumerate(raw_items):
        try:
            item = checks.parse(raw)
        except ItemError as error:
            client_id = raw.get("client_id") if isinstance(raw, dict) else None
            outcomes[index] = Outcome(
                client_id if isinstance(client_id, str) else None, "error", error=error
            )
            continue
        if item.recruiter and item.recruiter != user.public_id:
            outcomes[index] = Outcome(
                item.client_id,
                "error",
                error=ItemError(
                    "wrong_recruiter",
                    _("Another recruiter made this capture; they need to sign in to sync it."),
                ),
            )
        elif item.client_id in first_index:
            repeats.append((index, item.client_id))  # twice in one batch: answered as a replay
        else:
            first_index[item.client_id] = index
            parsed.append((index, item))

    resolved = _resolve(user, parsed, outcomes)
    claimed = _claim(user, resolved)
    fresh = [r for r in resolved if r.item.client_id in claimed]
    replays = [r for r in resolved if r.item.client_id not in claimed]
    _apply(user, fresh, claimed, outcomes)
    _answer_replays(user, replays, outcomes)
    for index, client_id in repeats:
        first = outcomes[first_index[client_id]]
        status = "already_synced" if first.capture else "error"
        outcomes[index] = Outcome(client_id, status, first.capture, first.error)
    db.session.flush()
    return outcomes  # type: ignore[return-value]


# Step 2: events, booths, badges -----------------------------------------------------------


def _resolve(user: User, parsed: list[tuple[int, Item]], outcomes: list) -> list[_Resolved]:
    org_id = user.organization_id
    event_ids = {item.event for _, item in parsed}
    booths: dict[str, tuple[Event, Exhibitor | None]] = {}
    if event_ids:
        rows = db.session.execute(
            select(Event, Exhibitor)
            .outerjoin(
                Exhibitor, and_(Exhibitor.event_id == Event.id, Exhibitor.organization_id == org_id)
            )
            .where(
                Event.public_id.in_(event_ids),
                or_(Event.organization_id == org_id, Exhibitor.id.is_not(None)),
            )
        )
        booths = {event.public_id: (event, booth) for event, booth in rows}
    questions: dict[int, list[EventQuestion]] = {}
    if booths:
        for question in db.session.scalars(
            select(EventQuestion).where(
                EventQuestion.event_id.in_([event.id for event, _ in booths.values()])
            )
        ):
            questions.setdefault(question.event_id, []).append(question)

    claims: dict[int, tokens.Claims | ItemError] = {}
    for index, item in parsed:
        if item.badge:
            claims[index] = _claims(item.badge)
    attendees_by_id = _attendees_by_public_id(
        {c.subject_public_id for c in claims.values() if isinstance(c, tokens.Claims)}
    )
    attendees_by_code = _attendees_by_code(
        [
            (booths[item.event][0].id, item.badge_code)
            for _, item in parsed
            if item.badge_code and item.event in booths
        ]
    )

    resolved = []
    for index, item in parsed:
        try:
            event, booth = booths.get(item.event, (None, None))
            if event is None:
                raise ItemError("unknown_event", _("This event does not exist or is not yours."))
            if booth is None:
                raise ItemError(
                    "not_exhibiting",
                    _("Your company has no booth at this event. Join it as an exhibitor first."),
                )
            attendee, source, details = None, CaptureSource.WALK_IN, item.contact or {}
            if item.badge:
                attendee = _badge_attendee(claims[index], event, attendees_by_id)
                source, details = CaptureSource.BADGE, _badge_details(attendee)
            elif item.badge_code:
                attendee = attendees_by_code.get((event.id, item.badge_code))
                if attendee is None:
                    raise ItemError(
                        "unknown_badge_code",
                        _("No badge of this event has the code %(code)s.", code=item.badge_code),
                        {"badge_code": _("Check the code on the badge.")},
                    )
                source, details = CaptureSource.BADGE, _badge_details(attendee)
            elif item.from_card:
                source = CaptureSource.VCARD
            answers = checks.check_answers(item.answers, questions.get(event.id, []))
            resolved.append(_Resolved(index, item, event, attendee, source, details, answers))
        except ItemError as error:
            outcomes[index] = Outcome(item.client_id, "error", error=error)
    return resolved


def _claims(token: str) -> tokens.Claims | ItemError:
    if "/" in token:  # the whole URL from the QR code
        token = token.rstrip("/").rsplit("/", 1)[-1]
    try:
        return tokens.decode(token, tokens.Kind.BADGE)
    except tokens.InvalidToken:
        return ItemError("invalid_token", _("This is not a genuine badge of ours."))


def _attendees_by_public_id(public_ids: set[str]) -> dict[str, Attendee]:
    if not public_ids:
        return {}
    query = select(Attendee).where(Attendee.public_id.in_(public_ids))
    return {a.public_id: a for a in db.session.scalars(query)}


def _attendees_by_code(keys: list[tuple[int, str]]) -> dict[tuple[int, str], Attendee]:
    if not keys:
        return {}
    query = select(Attendee).where(
        Attendee.badge_code.in_({code for _, code in keys}),
        Attendee.event_id.in_({event_id for event_id, _ in keys}),
    )
    return {(a.event_id, a.badge_code): a for a in db.session.scalars(query)}


def _badge_attendee(claims, event: Event, attendees: dict[str, Attendee]) -> Attendee:
    if isinstance(claims, ItemError):
        raise claims
    if claims.event_public_id != event.public_id:
        raise ItemError("wrong_event", _("This badge is for another event."))
    attendee = attendees.get(claims.subject_public_id)
    if (
        attendee is None
        or attendee.event_id != event.id
        or attendee.badge_version != claims.version
    ):
        raise ItemError(
            "revoked",
            _("This badge is no longer valid: it was replaced or the registration was removed."),
        )
    return attendee


def _badge_details(attendee: Attendee) -> dict[str, str]:
    """What a badge scan may keep: what is printed, plus contact details the attendee shares."""
    details = {"name": attendee.name, "company": attendee.company, "title": attendee.title}
    if attendee.consent_share_contact:
        details.update(
            email=attendee.email,
            phone=attendee.phone,
            linkedin_url=attendee.linkedin_url,
            website_url=attendee.website_url,
        )
    return details


# Step 3: claiming client UUIDs ------------------------------------------------------------


def _insert_ignoring_conflicts(model):
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(model).on_conflict_do_nothing(index_elements=["organization_id", "client_id"])


def _claim(user: User, resolved: list[_Resolved]) -> dict[str, int]:
    """Insert a receipt per item; return client id → receipt id for the ones new here."""
    if not resolved:
        return {}
    now = utcnow()
    rows = [
        {
            "organization_id": user.organization_id,
            "client_id": r.item.client_id,
            "outcome": "created",
            "received_at": now,
        }
        for r in resolved
    ]
    # One statement per batch, compiled once and cached: rows that conflict come back as none.
    statement = _insert_ignoring_conflicts(CaptureReceipt).returning(
        CaptureReceipt.id, CaptureReceipt.client_id
    )
    result = db.session.connection().execute(statement, rows)
    return {client_id: receipt_id for receipt_id, client_id in result}


# Step 4: merge or create --------------------------------------------------------------------


def _apply(user: User, fresh: list[_Resolved], claimed: dict[str, int], outcomes: list) -> None:
    if not fresh:
        return
    org_id = user.organization_id
    by_attendee, by_email = existing_captures(org_id, fresh)
    contacts = contacts_by_email(org_id, fresh)
    drafts: list[_Draft] = []
    new_contacts: list[SimpleNamespace] = []
    receipts = []
    for r in fresh:
        capture = by_attendee.get((r.event.id, r.attendee.id)) if r.attendee else None
        email = r.details.get("email", "")
        if capture is None and email:
            capture = by_email.get((r.event.id, email))
        status = "merged" if capture is not None else "created"
        if capture is None:
            contact = contacts.get(email) if email else None
            if contact is None:
                contact = SimpleNamespace(
                    id=None,
                    public_id=new_public_id(),
                    organization_id=org_id,
                    **_contact_fields(r.details),
                )
                new_contacts.append(contact)
                if email:
                    contacts[email] = contact
            capture = _Draft(org_id, r, contact, user)
            drafts.append(capture)
            if r.attendee is not None:
                by_attendee[(r.event.id, r.attendee.id)] = capture
            if email:
                by_email[(r.event.id, email)] = capture
        merge(capture, r.item, r.details, r.answers, user, r.attendee)
        outcomes[r.index] = Outcome(r.item.client_id, status, capture)
        receipts.append((claimed[r.item.client_id], capture, status))
    _insert_drafts(new_contacts, drafts)
    db.session.flush()  # merges into captures that existed before this batch
    db.session.connection().execute(
        update(CaptureReceipt.__table__)
        .where(CaptureReceipt.__table__.c.id == bindparam("receipt_id"))
        .values(capture_id=bindparam("capture_id"), outcome=bindparam("status")),
        [
            {"receipt_id": rid, "capture_id": capture.id, "status": status}
            for rid, capture, status in receipts
        ],
    )


class _Draft:
    """A capture new in this batch. Written with one bulk insert per table instead of an ORM
    object each, which makes a 500-capture batch several times faster; ``merge`` treats it
    like a Capture."""

    id = None

    def __init__(self, org_id: int, r: _Resolved, contact, user: User):
        self.public_id = new_public_id()
        self.organization_id = org_id
        self.event = r.event
        self.attendee = r.attendee
        self.contact = contact
        self.source = r.source
        self.captured_by_id = user.id
        self.captured_at = r.item.captured_at
        self.rating = self.availability = None
        self.answers: dict = {}
        self.tags: list[CaptureTag] = []
        self.notes: list[Note] = []
        self.consent_text, self.consent_locale, self.consent_at = "", "", None
        if r.attendee is not None and r.attendee.consent_share_contact:
            self.consent_text = r.attendee.consent_text
            self.consent_locale = r.attendee.consent_locale
            self.consent_at = r.attendee.consent_at
        for key, value in _contact_fields(r.details).items():
            setattr(self, key, value)

    tag_names = Capture.tag_names

    def row(self) -> dict:
        return {
            "public_id": self.public_id,
            "organization_id": self.organization_id,
            "event_id": self.event.id,
            "contact_id": self.contact.id,
            "attendee_id": self.attendee.id if self.attendee else None,
            "source": self.source,
            "rating": self.rating,
            "availability": self.availability,
            "answers": self.answers,
            "consent_text": self.consent_text,
            "consent_locale": self.consent_locale,
            "consent_at": self.consent_at,
            "captured_by_id": self.captured_by_id,
            "captured_at": self.captured_at,
            **{key: getattr(self, key) for key in checks.CONTACT_FIELDS},
        }


def _insert_returning_ids(table, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [row_id for (row_id,) in db.session.connection().execute(statement, rows)]


def _insert_drafts(new_contacts: list[SimpleNamespace], drafts: list[_Draft]) -> None:
    now = utcnow()
    contact_rows = [
        {**vars(contact), "created_at": now, "updated_at": now} for contact in new_contacts
    ]
    for row in contact_rows:
        del row["id"]
    for contact, contact_id in zip(
        new_contacts, _insert_returning_ids(Contact.__table__, contact_rows), strict=True
    ):
        contact.id = contact_id
    rows = [{**draft.row(), "created_at": now, "updated_at": now} for draft in drafts]
    for draft, capture_id in zip(
        drafts, _insert_returning_ids(Capture.__table__, rows), strict=True
    ):
        draft.id = capture_id
    connection = db.session.connection()
    tags = [
        {"capture_id": draft.id, "name": tag.name, "key": tag.key}
        for draft in drafts
        for tag in draft.tags
    ]
    if tags:
        connection.execute(insert(CaptureTag.__table__), tags)
    notes = [
        {
            "public_id": new_public_id(),
            "organization_id": note.organization_id,
            "capture_id": draft.id,
            "author_id": note.author_id,
            "body": note.body,
            "written_at": note.written_at,
            "created_at": now,
        }
        for draft in drafts
        for note in draft.notes
    ]
    if notes:
        connection.execute(insert(Note.__table__), notes)


def existing_captures(org_id: int, fresh: list[_Resolved]):
    """The company's captures at these events of these badges, or of these emails."""
    attendee_ids = {r.attendee.id for r in fresh if r.attendee}
    emails = {r.details["email"] for r in fresh if r.details.get("email")}
    event_ids = {r.event.id for r in fresh}
    conditions = []
    if attendee_ids:
        conditions.append(Capture.attendee_id.in_(attendee_ids))
    if emails:
        conditions.append(Capture.email.in_(emails))
    by_attendee, by_email = {}, {}
    if conditions:
        query = (
            select(Capture)
            .where(
                Capture.organization_id == org_id, Capture.event_id.in_(event_ids), or_(*conditions)
            )
            .options(*_SHOWN)
            .order_by(Capture.id)
        )
        for capture in db.session.scalars(query):
            if capture.attendee_id:
                by_attendee[(capture.event_id, capture.attendee_id)] = capture
            if capture.email:
                by_email.setdefault((capture.event_id, capture.email), capture)
    return by_attendee, by_email


def contacts_by_email(org_id: int, fresh: list[_Resolved]) -> dict[str, Contact]:
    emails = {r.details["email"] for r in fresh if r.details.get("email")}
    if not emails:
        return {}
    query = (
        select(Contact)
        .where(Contact.organization_id == org_id, Contact.email.in_(emails))
        .order_by(Contact.id)
    )
    found: dict[str, Contact] = {}
    for contact in db.session.scalars(query):
        found.setdefault(contact.email, contact)
    return found


def _contact_fields(details: dict[str, str]) -> dict[str, str]:
    return {key: details.get(key, "") for key in checks.CONTACT_FIELDS}


def merge(
    capture: Capture,
    item: Item,
    details: dict,
    answers: dict,
    author: User | None,
    attendee: Attendee | None = None,
) -> None:
    """Fold one more encounter into a capture: fill gaps, keep every note and tag.

    A rating or availability given now replaces the earlier one (the latest conversation is
    the best judge); blanks never erase. Details fill empty fields only.
    """
    for key in checks.CONTACT_FIELDS:
        if details.get(key) and not getattr(capture, key):
            setattr(capture, key, details[key])
    if capture.id is not None:
        capture.updated_at = utcnow()
    if item.rating:
        capture.rating = item.rating
    if item.availability:
        capture.availability = item.availability
    elif capture.availability is None and attendee is not None and attendee.availability:
        capture.availability = attendee.availability  # the attendee's own answer
    if answers:
        capture.answers = {**(capture.answers or {}), **answers}
    have = {tag.key for tag in capture.tags}
    for name in item.tags:
        if name.casefold() not in have:
            have.add(name.casefold())
            capture.tags.append(CaptureTag(name=name, key=name.casefold()))
    if item.note:
        note = Note(
            organization_id=capture.organization_id,
            author_id=author.id if author else None,
            body=item.note,
            written_at=item.captured_at,
        )
        if capture.id is None:  # a capture new in this batch
            capture.notes.append(note)
        else:  # appended without loading the earlier notes
            note.capture_id = capture.id
            db.session.add(note)


# Replays ------------------------------------------------------------------------------------


def _answer_replays(user: User, replays: list[_Resolved], outcomes: list) -> None:
    if not replays:
        return
    query = (
        select(CaptureReceipt.client_id, Capture)
        .join(Capture, Capture.id == CaptureReceipt.capture_id)
        .where(
            CaptureReceipt.organization_id == user.organization_id,
            CaptureReceipt.client_id.in_([r.item.client_id for r in replays]),
        )
        .options(*_SHOWN)
    )
    found = {client_id: capture for client_id, capture in db.session.execute(query)}
    for r in replays:
        outcomes[r.index] = Outcome(r.item.client_id, "already_synced", found.get(r.item.client_id))


# Looking a badge up before capturing -------------------------------------------------------


def lookup_badge(ev: EventAccess, token: str) -> tuple[Attendee, Capture | None]:
    """The attendee a scanned badge names, and the company's capture of them at the event."""
    if ev.booth is None:
        raise ItemError(
            "not_exhibiting",
            _("Your company has no booth at this event. Join it as an exhibitor first."),
        )
    claims = _claims(token)
    attendees = {}
    if isinstance(claims, tokens.Claims):
        attendees = _attendees_by_public_id({claims.subject_public_id})
    attendee = _badge_attendee(claims, ev.event, attendees)
    capture = db.session.scalars(
        queries.with_everything(
            queries.captures(ev.booth.organization_id, queries.Filters(event_id=ev.event.id))
        ).where(Capture.attendee_id == attendee.id)
    ).first()
    return attendee, capture
