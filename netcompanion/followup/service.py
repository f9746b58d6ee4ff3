"""Follow-up rules: creating lists, putting contacts in them, and what touches and snoozes do.

Callable without a request (recording, CLI, tests); functions flush, callers commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..account.models import User
from ..attendee.models import Availability
from ..capture.models import Capture, Contact
from ..contact.models import Touch, TouchKind
from ..dbtypes import utcnow
from ..extensions import db
from ..ids import new_public_id
from ..inserts import insert_skipping_duplicates
from ..webhook import changes as webhooks
from . import cadence
from .models import (
    CadenceStep,
    EntryState,
    EventListRule,
    FollowupList,
    ListEntry,
    ListStage,
    StepAction,
)

#: A new list's pipeline; the last two are final: nothing is due for people in them.
DEFAULT_STAGES = (
    (_l("New"), False),
    (_l("Contacted"), False),
    (_l("Engaged"), False),
    (_l("Interviewing"), False),
    (_l("Hired"), True),
    (_l("Not now"), True),
)
#: A new list's cadence: (days into the relationship, action).
DEFAULT_STEPS = ((2, StepAction.THANK_YOU), (30, StepAction.CHECK_IN), (90, StepAction.SHARE))
#: After the cadence, a new list keeps in touch this often.
DEFAULT_KEEP_IN_TOUCH_DAYS = 90


def create_list(
    user: User,
    name: str,
    description: str = "",
    *,
    stages: list[tuple[str, bool]] | None = None,
    steps: list[tuple[int, StepAction]] | None = None,
    keep_in_touch_days: int | None = DEFAULT_KEEP_IN_TOUCH_DAYS,
) -> FollowupList:
    lst = FollowupList(
        organization_id=user.organization_id,
        name=name,
        description=description,
        keep_in_touch_days=keep_in_touch_days,
        created_by_id=user.id,
    )
    for position, (stage_name, final) in enumerate(stages or DEFAULT_STAGES):
        lst.stages.append(ListStage(position=position, name=str(stage_name), is_final=final))
    for position, (offset, action) in enumerate(DEFAULT_STEPS if steps is None else steps):
        lst.steps.append(CadenceStep(position=position, offset_days=offset, action=action))
    db.session.add(lst)
    db.session.flush()
    return lst


def lists_query(org_id: int, *, archived: bool = False):
    """The company's lists, by name; with their stages and steps loaded."""
    query = (
        select(FollowupList)
        .where(FollowupList.organization_id == org_id)
        .options(selectinload(FollowupList.stages), selectinload(FollowupList.steps))
        .order_by(FollowupList.name, FollowupList.id)
    )
    if not archived:
        query = query.where(FollowupList.archived_at.is_(None))
    return query


# Adding people ---------------------------------------------------------------------------


@dataclass
class Candidate:
    """A contact about to join a list, with what its cadence starts from."""

    contact_id: int
    #: When they were met: the cadence counts from here. None: from now.
    met_at: datetime | None = None
    availability: Availability | str | None = None
    capture_id: int | None = None
    #: Whose Today view they land in; None: whoever adds them.
    owner_id: int | None = None


def candidate_from_capture(capture) -> Candidate:
    return Candidate(
        # A capture new in this upload has no contact_id yet, only its contact.
        contact_id=getattr(capture, "contact_id", None) or capture.contact.id,
        met_at=capture.captured_at,
        availability=capture.availability,
        capture_id=capture.id,
        owner_id=capture.captured_by_id,
    )


def latest_captures(contact_ids: list[int]) -> dict[int, Capture]:
    """Each contact's most recent capture, in one query."""
    if not contact_ids:
        return {}
    query = (
        select(Capture)
        .where(Capture.contact_id.in_(contact_ids))
        .order_by(Capture.contact_id, Capture.captured_at, Capture.id)
    )
    return {capture.contact_id: capture for capture in db.session.scalars(query)}


def candidates_for_contacts(contact_ids: list[int]) -> list[Candidate]:
    """Candidates whose cadence starts from their latest meeting, when there was one."""
    latest = latest_captures(contact_ids)
    out = []
    for contact_id in contact_ids:
        capture = latest.get(contact_id)
        out.append(candidate_from_capture(capture) if capture else Candidate(contact_id))
    return out


def add_entries(lst: FollowupList, candidates: list[Candidate], added_by_id: int | None) -> int:
    """Put contacts in the list; ones already in it stay as they are. Returns how many joined.

    One query to see who is there and one insert, whatever the count; two requests adding the
    same person at once meet the (list, contact) constraint, and the loser's insert is skipped.
    """
    unique: dict[int, Candidate] = {}
    for candidate in candidates:
        unique.setdefault(candidate.contact_id, candidate)
    if not unique:
        return 0
    present = set(
        db.session.scalars(
            select(ListEntry.contact_id).where(
                ListEntry.list_id == lst.id, ListEntry.contact_id.in_(list(unique))
            )
        )
    )
    blocked = set(
        db.session.scalars(
            select(Contact.id).where(
                Contact.id.in_(list(unique)), Contact.do_not_contact_at.is_not(None)
            )
        )
    )
    first_stage = lst.stages[0]
    now = utcnow()
    rows = []
    for contact_id, candidate in unique.items():
        if contact_id in present:
            continue
        met_at = candidate.met_at or now
        entry = SimpleNamespace(
            state=EntryState.ACTIVE,
            step=0,
            anchor_at=met_at,
            revisit_on=cadence.revisit_date(candidate.availability, met_at.date()),
            snoozed_until=None,
            stage_id=first_stage.id,
        )
        due_on, reason = cadence.next_due(entry, lst, first_stage.is_final, contact_id in blocked)
        rows.append(
            {
                "public_id": new_public_id(),
                "organization_id": lst.organization_id,
                "list_id": lst.id,
                "contact_id": contact_id,
                "stage_id": first_stage.id,
                "owner_id": candidate.owner_id or added_by_id,
                "state": EntryState.ACTIVE,
                "step": 0,
                "anchor_at": met_at,
                "revisit_on": entry.revisit_on,
                "snoozed_until": None,
                "next_due_on": due_on,
                "due_reason": reason,
                "capture_id": candidate.capture_id,
                "added_by_id": added_by_id,
                "added_at": now,
                "updated_at": now,
            }
        )
    if not rows:
        return 0
    statement = insert_skipping_duplicates(ListEntry.__table__, ["list_id", "contact_id"])
    result = db.session.connection().execute(statement, rows)
    webhooks.entries_added(lst.organization_id, lst.id, [row["public_id"] for row in rows])
    return result.rowcount if result.rowcount >= 0 else len(rows)


def rule_lists(org_id: int, event_ids: set[int]) -> dict[int, list[FollowupList]]:
    """Event id → the lists that take every new capture there."""
    if not event_ids:
        return {}
    query = (
        select(EventListRule.event_id, FollowupList)
        .join(FollowupList, FollowupList.id == EventListRule.list_id)
        .where(
            EventListRule.organization_id == org_id,
            EventListRule.event_id.in_(event_ids),
            FollowupList.archived_at.is_(None),
        )
        .options(selectinload(FollowupList.stages), selectinload(FollowupList.steps))
    )
    out: dict[int, list[FollowupList]] = {}
    for event_id, lst in db.session.execute(query):
        out.setdefault(event_id, []).append(lst)
    return out


# Touches and entry actions ------------------------------------------------------------------


def log_touch(
    user: User,
    contact: Contact,
    kind: TouchKind,
    *,
    subject: str = "",
    body: str = "",
    via: str = "",
    happened_at: datetime | None = None,
) -> Touch:
    """Record a touch and restart the cadence of every list the person is active in."""
    at = happened_at or utcnow()
    touch = Touch(
        organization_id=contact.organization_id,
        contact_id=contact.id,
        kind=kind,
        subject=subject,
        body=body,
        via=via,
        by_id=user.id,
        happened_at=at,
    )
    db.session.add(touch)
    for entry in active_entries(contact.id):
        cadence.touched(entry, entry.list, at)
    db.session.flush()
    return touch


def active_entries(contact_id: int) -> list[ListEntry]:
    query = (
        select(ListEntry)
        .where(ListEntry.contact_id == contact_id, ListEntry.state == EntryState.ACTIVE)
        .options(
            selectinload(ListEntry.list).selectinload(FollowupList.stages),
            selectinload(ListEntry.list).selectinload(FollowupList.steps),
        )
    )
    return list(db.session.scalars(query))


def snooze(entry: ListEntry, until: date) -> None:
    entry.snoozed_until = until
    cadence.schedule(entry, entry.list)


def pause(entry: ListEntry) -> None:
    entry.state = EntryState.PAUSED
    cadence.schedule(entry, entry.list)


def resume(entry: ListEntry) -> None:
    """Back to active; a snooze that has passed no longer holds it."""
    entry.state = EntryState.ACTIVE
    entry.snoozed_until = None
    cadence.schedule(entry, entry.list)


def close(entry: ListEntry) -> None:
    entry.state = EntryState.CLOSED
    cadence.schedule(entry, entry.list)


def move_to_stage(entry: ListEntry, stage: ListStage) -> None:
    if stage.list_id != entry.list_id:
        raise ValueError("stage of another list")
    entry.stage_id = stage.id
    entry.stage = stage
    cadence.schedule(entry, entry.list)
    webhooks.entry_moved(entry)


def next_stage(entry: ListEntry) -> ListStage | None:
    """The stage after the entry's, for "move on"; None at the last."""
    stages = entry.list.stages
    for index, stage in enumerate(stages):
        if stage.id == entry.stage_id:
            return stages[index + 1] if index + 1 < len(stages) else None
    return None


def reschedule_contact(contact: Contact) -> None:
    """Recompute the due dates of the person's entries: "do not contact" was set or lifted."""
    query = (
        select(ListEntry)
        .where(ListEntry.contact_id == contact.id)
        .options(
            selectinload(ListEntry.list).selectinload(FollowupList.stages),
            selectinload(ListEntry.list).selectinload(FollowupList.steps),
        )
    )
    for entry in db.session.scalars(query):
        cadence.schedule(entry, entry.list)
    db.session.flush()


def reschedule_list(lst: FollowupList) -> None:
    """Recompute every entry's due date after the cadence or the stages changed."""
    entries = db.session.scalars(
        select(ListEntry)
        .where(ListEntry.list_id == lst.id)
        .options(selectinload(ListEntry.contact))
    )
    for entry in entries:
        entry.step = min(entry.step, len(lst.steps))
        cadence.schedule(entry, lst)
    db.session.flush()
