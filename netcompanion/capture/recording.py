"""Recording uploaded captures: one or a batch of 500 in a handful of queries, exactly once.

Order of work, per batch:
1. check every item on its own (no database);
2. resolve events, booths, badges and typed badge codes in one query each;
3. find the items whose client UUID has a receipt already: synced before, answered
   ``already_synced`` with their capture;
4. find the person's existing capture at the event (same badge, or same email) and merge into it,
   or create the contact and capture; notes are appended, never replaced;
5. insert a receipt per item, under a unique constraint on (company, client UUID).
Every read comes before the first write, so SQLite's write lock is held for the inserts only.
Whatever raced in between meets a unique constraint: the same upload from another request (the
receipt), or another recruiter's scan of the same badge (company, event, attendee). The loser's
transaction rolls back whole and is retried, then answered as a replay or merged.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import and_, insert, or_, select, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..account.models import User
from ..attendee.models import Attendee
from ..badge import token as tokens
from ..contact import matching
from ..contact.models import MatchReason, MatchSuggestion
from ..dbtypes import utcnow
from ..event.models import Event, Exhibitor
from ..event.service import EventAccess
from ..extensions import db
from ..followup import service as followups
from ..followup.models import FollowupList
from ..ids import new_public_id
from ..inserts import insert_skipping_duplicates
from ..webhook import changes as webhooks
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
    #: "unknown_list" when the follow-up list asked for is gone (archived or deleted while
    #: the phone was offline): the capture is kept all the same.
    follow_up: str | None = None

    def as_json(self) -> dict:
        body = {"client_id": self.client_id, "status": self.status}
        if self.error is not None:
            body["error"] = self.error.as_json()
        elif self.summary is not None:
            body["capture"] = self.summary
        if self.follow_up:
            body["follow_up"] = self.follow_up
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


def record(user: User, raw_items: list, known: dict | None = None) -> list[Outcome]:
    """Record uploaded items for the user's company; one outcome per item, in order.

    ``known``: client id → id of the contact an item is known to be before any matching (an imported
    card's UID, ``contact.identity``); the item goes to that contact and, at an event where it
    has a capture, into that capture.

    A single capture skips the lookup of earlier uploads: replays are rare, and the receipt's
    unique constraint catches one anyway, after which the retry looks.
    """
    look_for_replays = len(raw_items) > 1
    for attempt in range(RETRIES):
        try:
            outcomes = _record(user, raw_items, look_for_replays, known or {})
            for outcome in outcomes:
                if outcome.capture is not None:
                    outcome.summary = serialize.summary(outcome.capture)
            db.session.commit()
            return outcomes
        except IntegrityError:
            # A replay, or someone else created the same person's capture a moment ago: look
            # again, and answer already_synced or merge into theirs.
            db.session.rollback()
            look_for_replays = True
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _record(user: User, raw_items: list, look_for_replays: bool, known: dict) -> list[Outcome]:
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
    synced = _synced_before(user, resolved) if look_for_replays else {}
    for r in resolved:
        if r.item.client_id in synced:
            capture = synced[r.item.client_id]
            outcomes[r.index] = Outcome(r.item.client_id, "already_synced", capture)
    _apply(user, [r for r in resolved if r.item.client_id not in synced], outcomes, known)
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
    claims: dict[int, tokens.Claims | ItemError] = {}
    for index, item in parsed:
        if item.badge:
            claims[index] = _claims(item.badge)
    badge_ids = {c.subject_public_id for c in claims.values() if isinstance(c, tokens.Claims)}

    # Events with the company's booth, and the scanned badges' attendees, in one query.
    booths: dict[str, tuple[Event, Exhibitor | None]] = {}
    attendees_by_id: dict[str, Attendee] = {}
    if event_ids:
        query = (
            select(Event, Exhibitor)
            .outerjoin(
                Exhibitor, and_(Exhibitor.event_id == Event.id, Exhibitor.organization_id == org_id)
            )
            .where(
                Event.public_id.in_(event_ids),
                or_(Event.organization_id == org_id, Exhibitor.id.is_not(None)),
            )
        )
        if badge_ids:
            query = query.add_columns(Attendee).outerjoin(
                Attendee, and_(Attendee.event_id == Event.id, Attendee.public_id.in_(badge_ids))
            )
        for event, booth, *attendee in db.session.execute(query):
            booths[event.public_id] = (event, booth)
            if attendee and attendee[0] is not None:
                attendees_by_id[attendee[0].public_id] = attendee[0]
    questions: dict[int, list[EventQuestion]] = {}
    if booths and any(item.answers for _, item in parsed):
        for question in db.session.scalars(
            select(EventQuestion).where(
                EventQuestion.event_id.in_([event.id for event, _ in booths.values()])
            )
        ):
            questions.setdefault(question.event_id, []).append(question)

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


# Step 3: uploads seen before -------------------------------------------------------------


def _synced_before(user: User, resolved: list[_Resolved]) -> dict[str, Capture]:
    """Client id → capture, for items whose upload was recorded before: replays."""
    if not resolved:
        return {}
    query = select(CaptureReceipt.client_id, CaptureReceipt.capture_id).where(
        CaptureReceipt.organization_id == user.organization_id,
        CaptureReceipt.client_id.in_([r.item.client_id for r in resolved]),
    )
    capture_ids = dict(db.session.execute(query).all())
    captures = _captures_by_id(set(capture_ids.values()))
    return {client_id: captures[capture_id] for client_id, capture_id in capture_ids.items()}


def _captures_by_id(ids: set[int]) -> dict[int, Capture]:
    """Captures with what an answer shows of them. Lookups find ids first, cheaply, and load
    whole captures only for the few that exist: most uploads are of people met for the first
    time."""
    if not ids:
        return {}
    query = select(Capture).where(Capture.id.in_(ids)).options(*_SHOWN)
    return {capture.id: capture for capture in db.session.scalars(query)}


# Step 4: merge or create --------------------------------------------------------------------


def _apply(user: User, fresh: list[_Resolved], outcomes: list, known: dict | None = None) -> None:
    """Read what exists, decide in memory, then write: on SQLite the write lock is held for the
    inserts only, not for the lookups."""
    if not fresh:
        return
    org_id = user.organization_id
    known = _known_contacts(org_id, fresh, known or {})
    by_attendee, by_email = existing_captures(org_id, fresh)
    by_contact = _captures_of(org_id, fresh, known)
    people = _People(org_id, fresh, known)
    lists = _FollowUps(org_id, fresh)
    drafts: list[_Draft] = []
    receipts = []
    for r in fresh:
        capture = by_attendee.get((r.event.id, r.attendee.id)) if r.attendee else None
        email = r.details.get("email", "")
        if capture is None and email:
            capture = by_email.get((r.event.id, email))
        if capture is None and r.item.client_id in known:
            capture = by_contact.get((r.event.id, known[r.item.client_id].id))
        status = "merged" if capture is not None else "created"
        if capture is None:
            capture = _Draft(org_id, r, people.contact_for(r), user)
            drafts.append(capture)
            if r.attendee is not None:
                by_attendee[(r.event.id, r.attendee.id)] = capture
            if email:
                by_email[(r.event.id, email)] = capture
            if r.item.client_id in known:
                by_contact[(r.event.id, known[r.item.client_id].id)] = capture
        merge(capture, r.item, r.details, r.answers, user, r.attendee)
        people.met(capture.contact, r)
        lists.queue(capture, r, created=status == "created")
        outcome = Outcome(r.item.client_id, status, capture)
        if r.item.follow_up and not lists.known(r.item.follow_up):
            outcome.follow_up = "unknown_list"
        outcomes[r.index] = outcome
        receipts.append((r.item.client_id, capture, status))
    _insert_drafts(people.new, drafts)
    db.session.flush()  # merges into captures and contacts that existed before this batch
    webhooks.captures_recorded(org_id, [(c.id, status) for _, c, status in receipts])
    people.insert_suggestions()
    lists.insert(user)
    # Last, under the unique constraint: an upload recorded meanwhile by another request makes
    # this one fail as a whole, and the retry answers it as a replay.
    now = utcnow()
    device_times = {r.item.client_id: r.item.device_time for r in fresh}
    db.session.connection().execute(
        insert(CaptureReceipt.__table__),
        [
            {
                "organization_id": org_id,
                "client_id": client_id,
                "capture_id": capture.id,
                "outcome": status,
                "received_at": now,
                "device_time": device_times[client_id],
            }
            for client_id, capture, status in receipts
        ],
    )


class _People:
    """The contacts of a batch's new captures: matched to the company's contacts in one query
    (``contact.matching``), or new, and shared by uploads of the same person in the batch."""

    def __init__(self, org_id: int, fresh: list[_Resolved], known: dict | None = None):
        self.org_id = org_id
        self.known = known or {}
        # Derived once per upload: normalising phone numbers is the costly part of a batch.
        self.keys = {r.index: matching.keys_for(r.details) for r in fresh}
        found = matching.find(
            org_id, [r.details for r in fresh], [self.keys[r.index] for r in fresh]
        )
        self.matches = dict(zip((r.index for r in fresh), found, strict=True))
        self.new: list[SimpleNamespace] = []
        #: Contacts new in this batch, by each of their keys.
        self.seen: dict[tuple[str, str], SimpleNamespace] = {}
        #: (contact, possible duplicate, why): suggestions for review.
        self.doubts: list[tuple[object, object, MatchReason]] = []

    def contact_for(self, r: _Resolved):
        match = self.matches[r.index]
        doubts = list(match.doubts)
        contact = match.contact
        keys = self.keys[r.index]
        if r.item.client_id in self.known:
            contact = self.known[r.item.client_id]
            if match.contact is not None and match.contact is not contact:
                doubts.insert(0, (match.contact, match.reason))
            doubts = [(other, reason) for other, reason in doubts if other is not contact]
        if contact is None:
            contact, in_batch = self._seen_in_batch(r.details, keys)
            doubts += in_batch
        if contact is None:
            contact = SimpleNamespace(
                id=None,
                public_id=new_public_id(),
                organization_id=self.org_id,
                last_met_at=None,
                **_contact_fields(r.details),
                **keys,
            )
            self.new.append(contact)
            for key in _keys(r.details, keys):
                self.seen.setdefault(key, contact)
        self.doubts += [(contact, other, reason) for other, reason in doubts]
        return contact

    def _seen_in_batch(self, details: dict, keys: dict):
        """A contact new in this batch with the same email, profile or (same-person) phone;
        and the ones that only share a phone line, as doubts."""
        email = details.get("email", "")
        doubts = []
        for kind, value in _keys(details, keys):
            other = self.seen.get((kind, value))
            if other is None:
                continue
            if kind == "phone" and email and other.email and other.email != email:
                doubts.append((other, MatchReason.PHONE))  # a shared line, maybe
                continue
            return other, doubts
        return None, doubts

    def met(self, contact, r: _Resolved) -> None:
        """Note the encounter on the contact: the latest meeting, and details it lacked."""
        when = r.item.captured_at
        if contact.last_met_at is None or when > contact.last_met_at:
            contact.last_met_at = when
        if isinstance(contact, Contact):
            for key, value in _contact_fields(r.details).items():
                if value and not getattr(contact, key):
                    setattr(contact, key, value)

    def insert_suggestions(self) -> None:
        """Possible duplicates, for a recruiter to review: never merged silently."""
        rows = {}
        for contact, other, reason in self.doubts:
            if contact.id != other.id:
                rows.setdefault(
                    (contact.id, other.id),
                    {
                        "public_id": new_public_id(),
                        "organization_id": self.org_id,
                        "contact_id": contact.id,
                        "other_id": other.id,
                        "reason": reason,
                        "created_at": utcnow(),
                    },
                )
        rows = list(rows.values())
        if rows:
            statement = insert_skipping_duplicates(
                MatchSuggestion.__table__, ["contact_id", "other_id"]
            )
            db.session.connection().execute(statement, rows)


def _keys(details: dict, derived: dict) -> list[tuple[str, str]]:
    """The person's match keys, strongest first."""
    keys = [("email", details.get("email", ""))]
    keys += [("linkedin", derived["linkedin_key"]), ("phone", derived["phone_key"])]
    return [key for key in keys if key[1]]


class _FollowUps:
    """ "Queue for follow-up" and the event's rules: which list each capture's contact joins."""

    def __init__(self, org_id: int, fresh: list[_Resolved]):
        self.rules = followups.rule_lists(org_id, {r.event.id for r in fresh})
        wanted = {r.item.follow_up for r in fresh if r.item.follow_up}
        self.chosen: dict[str, FollowupList] = {}
        if wanted:
            query = followups.lists_query(org_id).where(FollowupList.public_id.in_(wanted))
            self.chosen = {lst.public_id: lst for lst in db.session.scalars(query)}
        self.queued: dict[int, tuple[FollowupList, list]] = {}

    def known(self, public_id: str) -> bool:
        return public_id in self.chosen

    def queue(self, capture, r: _Resolved, created: bool) -> None:
        lists = list(self.rules.get(r.event.id, [])) if created else []
        if r.item.follow_up in self.chosen:
            lists.append(self.chosen[r.item.follow_up])
        for lst in lists:
            self.queued.setdefault(lst.id, (lst, []))[1].append(capture)

    def insert(self, user: User) -> None:
        for lst, captures in self.queued.values():
            candidates = [followups.candidate_from_capture(capture) for capture in captures]
            followups.add_entries(lst, candidates, user.id)


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


def _insert_returning_ids(table, rows: list[dict]) -> dict[str, int]:
    """Insert rows; return public id → new id. Matching on the public id rather than asking for
    rows back in order lets SQLite insert them in one statement instead of one each."""
    if not rows:
        return {}
    statement = insert(table).returning(table.c.public_id, table.c.id)
    return {
        public_id: row_id for public_id, row_id in db.session.connection().execute(statement, rows)
    }


def _insert_drafts(new_contacts: list[SimpleNamespace], drafts: list[_Draft]) -> None:
    now = utcnow()
    contact_rows = [
        {**vars(contact), "created_at": now, "updated_at": now} for contact in new_contacts
    ]
    for row in contact_rows:
        del row["id"]
    contact_ids = _insert_returning_ids(Contact.__table__, contact_rows)
    for contact in new_contacts:
        contact.id = contact_ids[contact.public_id]
    rows = [{**draft.row(), "created_at": now, "updated_at": now} for draft in drafts]
    capture_ids = _insert_returning_ids(Capture.__table__, rows)
    for draft in drafts:
        draft.id = capture_ids[draft.public_id]
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


def _known_contacts(org_id: int, fresh: list[_Resolved], known: dict[str, int]) -> dict:
    """Client id → the company's contact, for the items of the batch known to be one."""
    wanted = {known[r.item.client_id] for r in fresh if r.item.client_id in known}
    if not wanted:
        return {}
    query = select(Contact).where(Contact.organization_id == org_id, Contact.id.in_(wanted))
    contacts = {contact.id: contact for contact in db.session.scalars(query)}
    return {
        r.item.client_id: contacts[known[r.item.client_id]]
        for r in fresh
        if known.get(r.item.client_id) in contacts
    }


def _captures_of(org_id: int, fresh: list[_Resolved], known: dict) -> dict:
    """(event id, contact id) → the company's capture of a known contact at the event."""
    contact_ids = {known[r.item.client_id].id for r in fresh if r.item.client_id in known}
    if not contact_ids:
        return {}
    query = select(Capture.id).where(
        Capture.organization_id == org_id,
        Capture.event_id.in_({r.event.id for r in fresh}),
        Capture.contact_id.in_(contact_ids),
    )
    captures = _captures_by_id(set(db.session.scalars(query)))
    found: dict = {}
    for capture in (captures[capture_id] for capture_id in sorted(captures)):  # oldest first
        found.setdefault((capture.event_id, capture.contact_id), capture)
    return found


def existing_captures(org_id: int, fresh: list[_Resolved]):
    """The company's captures at these events of these badges, or of these emails."""
    attendee_ids = {r.attendee.id for r in fresh if r.attendee}
    emails = {r.details["email"] for r in fresh if r.details.get("email")}
    event_ids = {r.event.id for r in fresh}
    # A UNION rather than an OR, so each half uses its own index (SQLite would scan otherwise).
    halves = []
    if attendee_ids:
        halves.append(Capture.attendee_id.in_(attendee_ids))
    if emails:
        halves.append(Capture.email.in_(emails))
    found: set[int] = set()
    if halves:
        query = union(
            *(
                select(Capture.id).where(
                    Capture.organization_id == org_id, Capture.event_id.in_(event_ids), half
                )
                for half in halves
            )
        )
        found.update(db.session.scalars(query))
    by_attendee, by_email = {}, {}
    captures = _captures_by_id(found)
    for capture in (captures[capture_id] for capture_id in sorted(captures)):  # oldest first
        if capture.attendee_id:
            by_attendee[(capture.event_id, capture.attendee_id)] = capture
        if capture.email:
            by_email.setdefault((capture.event_id, capture.email), capture)
    return by_attendee, by_email


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
