"""Folding one contact into another, and undoing it exactly.

Merge rules:
- Two live contacts of the company of the person merging, never a contact with itself.
- Everything the merged contact has moves to the survivor: its captures (with their notes),
  its touches, its own notes, its further emails and phones (those the survivor lacks; matching
  passes merged contacts by, so they must move to keep finding the person), and its list
  entries. In a list where both are, the survivor's entry stays and the other is *set aside*
  (state MERGED, nothing due), kept for an undo.
- The survivor's details are only completed, never overwritten: each empty detail takes the
  merged contact's value. "Last met" becomes the later of the two. If either person asked not
  to be contacted, the survivor is marked so (the earliest request is kept). Consent recorded
  by a recruiter: the survivor's, else the merged contact's.
- The merged contact keeps its row, pointing at the survivor: hidden, and its old address
  leads to the survivor. Open duplicate suggestions between the two are resolved as merged.
- :class:`ContactMerge.undo` records the ids of what moved or was set aside, each entry's
  state before, and each changed field's value before and after.

Undo rule: merges into a contact are undone newest first, like a stack. A merge can be undone
while it is the latest merge into its survivor not yet undone, and the survivor has not been
merged into another contact since (undo that merge first). Within this rule an undo is exact:
what the merge moved goes back, set-aside entries return to the state they had, and each field
the merge filled gets its earlier value back, but only while it still holds the merged-in
value, so an edit made after the merge is kept. What happened since (touches logged, people
met again) stays with the survivor.

Both operations first lock the two contacts (in id order, so two opposite merges cannot
deadlock) and then claim them with conditional updates, so that two people acting at once
cannot merge a contact twice or undo a merge twice; the loser gets a clear refusal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ..account.models import User
from ..attendee.models import DETAIL_LIMITS
from ..capture.models import Capture, Contact
from ..dbtypes import utcnow
from ..exceptions import Rejected
from ..extensions import db
from ..followup import cadence
from ..followup import service as followups
from ..followup.models import EntryState, FollowupList, ListEntry
from ..webhook import changes as webhooks
from . import points
from .models import ContactMerge, ContactNote, ContactPoint, MatchSuggestion, PointKind, Touch
from .queries import between

DETAIL_FIELDS = tuple(DETAIL_LIMITS)
DNC_FIELDS = ("do_not_contact_at", "do_not_contact_reason", "do_not_contact_by_id")
CONSENT_FIELDS = ("consent_text", "consent_at", "consent_by_id")
#: Fields restored together or not at all: a do-not-contact without its reason makes no sense.
FIELD_GROUPS = tuple((name,) for name in (*DETAIL_FIELDS, "last_met_at")) + (
    DNC_FIELDS,
    CONSENT_FIELDS,
)
_DATETIMES = {"last_met_at", "do_not_contact_at", "consent_at"}


def display_name(contact: Contact) -> str:
    return contact.name or contact.email or _("Unnamed contact")


@dataclass
class Plan:
    """What merging ``merged`` into ``survivor`` would do; the confirm page shows it."""

    survivor: Contact
    merged: Contact
    captures: list[int] = field(default_factory=list)
    touches: list[int] = field(default_factory=list)
    entries_moved: list[ListEntry] = field(default_factory=list)
    entries_set_aside: list[ListEntry] = field(default_factory=list)
    #: Field → the value the survivor takes.
    fields: dict[str, object] = field(default_factory=dict)


def check(user: User, survivor: Contact, merged: Contact) -> None:
    """Refuse a merge the rules forbid, with a sentence for the recruiter."""
    if survivor.id == merged.id:
        raise Rejected(_("A contact cannot be merged with itself."))
    org_id = user.organization_id
    if survivor.organization_id != org_id or merged.organization_id != org_id:
        raise Rejected(_("Only contacts of your company can be merged."))
    for contact in (survivor, merged):
        if contact.merged_into_id is not None:
            raise Rejected(
                _(
                    "%(name)s was already merged into another contact.",
                    name=display_name(contact),
                )
            )


def plan(survivor: Contact, merged: Contact) -> Plan:
    """Work out the merge without writing anything."""
    out = Plan(survivor, merged)
    out.captures = list(
        db.session.scalars(
            select(Capture.id).where(Capture.contact_id == merged.id).order_by(Capture.id)
        )
    )
    out.touches = list(
        db.session.scalars(select(Touch.id).where(Touch.contact_id == merged.id).order_by(Touch.id))
    )
    taken = set(
        db.session.scalars(select(ListEntry.list_id).where(ListEntry.contact_id == survivor.id))
    )
    for entry in _entries(ListEntry.contact_id == merged.id):
        (out.entries_set_aside if entry.list_id in taken else out.entries_moved).append(entry)
    out.fields = _field_changes(survivor, merged)
    return out


def _entries(*where) -> list[ListEntry]:
    query = (
        select(ListEntry)
        .where(*where)
        .options(
            selectinload(ListEntry.list).selectinload(FollowupList.stages),
            selectinload(ListEntry.list).selectinload(FollowupList.steps),
        )
        .order_by(ListEntry.id)
    )
    return list(db.session.scalars(query))


def _field_changes(survivor: Contact, merged: Contact) -> dict[str, object]:
    changes: dict[str, object] = {}
    for name in DETAIL_FIELDS:
        if not getattr(survivor, name) and getattr(merged, name):
            changes[name] = getattr(merged, name)
    if merged.last_met_at is not None and (
        survivor.last_met_at is None or merged.last_met_at > survivor.last_met_at
    ):
        changes["last_met_at"] = merged.last_met_at
    if merged.do_not_contact and (
        not survivor.do_not_contact or merged.do_not_contact_at < survivor.do_not_contact_at
    ):
        changes.update(_differing(survivor, merged, DNC_FIELDS))
    if survivor.consent_at is None and merged.consent_at is not None:
        changes.update(_differing(survivor, merged, CONSENT_FIELDS))
    return changes


def _differing(survivor: Contact, merged: Contact, names: tuple[str, ...]) -> dict[str, object]:
    return {n: getattr(merged, n) for n in names if getattr(survivor, n) != getattr(merged, n)}


def _dump(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _load(name: str, value):
    if name in _DATETIMES and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def _lock(*contact_ids: int) -> None:
    """Lock the contacts' rows in id order (PostgreSQL; SQLite has one writer anyway)."""
    db.session.execute(
        select(Contact.id).where(Contact.id.in_(contact_ids)).order_by(Contact.id).with_for_update()
    )


def merge(user: User, survivor: Contact, merged: Contact) -> ContactMerge:
    """Fold ``merged`` into ``survivor``; returns the record an undo needs."""
    check(user, survivor, merged)
    _lock(survivor.id, merged.id)
    # The first writes claim both contacts: if either was merged meanwhile, nothing happens.
    claimed = db.session.execute(
        update(Contact)
        .where(Contact.id == merged.id, Contact.merged_into_id.is_(None))
        .values(merged_into_id=survivor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    kept = db.session.execute(
        update(Contact)
        .where(Contact.id == survivor.id, Contact.merged_into_id.is_(None))
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1 or kept != 1:
        raise Rejected(_("One of these contacts was just merged by someone else. Reload the page."))
    db.session.refresh(survivor)
    db.session.refresh(merged)

    todo = plan(survivor, merged)
    db.session.execute(
        update(Capture)
        .where(Capture.id.in_(todo.captures))
        .values(contact_id=survivor.id)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Touch)
        .where(Touch.id.in_(todo.touches))
        .values(contact_id=survivor.id)
        .execution_options(synchronize_session=False)
    )
    notes, moved_points = _notes_and_points(survivor, merged)
    _move(ContactNote, notes, merged, survivor)
    _move(ContactPoint, moved_points, merged, survivor)
    for entry in todo.entries_moved:
        entry.contact_id = survivor.id
        cadence.schedule(entry, entry.list)
    states = {}
    for entry in todo.entries_set_aside:
        states[str(entry.id)] = entry.state.value
        entry.state = EntryState.MERGED
        cadence.schedule(entry, entry.list)  # nothing is due for a set-aside entry
    before = {name: _dump(getattr(survivor, name)) for name in todo.fields}
    for name, value in todo.fields.items():
        setattr(survivor, name, value)

    now = utcnow()
    suggestions = list(
        db.session.scalars(
            select(MatchSuggestion).where(
                between(survivor.id, merged.id), MatchSuggestion.resolution.is_(None)
            )
        )
    )
    for suggestion in suggestions:
        suggestion.resolution, suggestion.resolved_at = "merged", now
        suggestion.resolved_by_id = user.id

    record = ContactMerge(
        organization_id=survivor.organization_id,
        survivor_id=survivor.id,
        merged_id=merged.id,
        merged_by_id=user.id,
        merged_at=now,
        undo={
            "fields": before,
            "merged_in": {name: _dump(value) for name, value in todo.fields.items()},
            "captures": todo.captures,
            "touches": todo.touches,
            "contact_notes": notes,
            "points": moved_points,
            "entries_moved": [entry.id for entry in todo.entries_moved],
            "entries_set_aside": [entry.id for entry in todo.entries_set_aside],
            "set_aside_states": states,
            "suggestions": [suggestion.id for suggestion in suggestions],
        },
    )
    db.session.add(record)
    db.session.flush()
    followups.reschedule_contact(survivor)  # "do not contact" may have come with the merge
    webhooks.contact_updated(survivor, merged)
    db.session.expire(survivor, ["captures"])
    db.session.expire(merged, ["captures"])
    return record


def _notes_and_points(survivor: Contact, merged: Contact) -> tuple[list[int], list[int]]:
    """The merged contact's notes, and its further emails and phones the survivor lacks: what
    moves, so the survivor is found by them (matching passes merged contacts by)."""
    notes = db.session.scalars(select(ContactNote.id).where(ContactNote.contact_id == merged.id))
    taken = points.existing({survivor.id})[survivor.id]
    taken |= {(str(kind), points.primary_key(survivor, kind)) for kind in PointKind}
    theirs = db.session.execute(
        select(ContactPoint.id, ContactPoint.kind, ContactPoint.key).where(
            ContactPoint.contact_id == merged.id
        )
    )
    moved = [point_id for point_id, kind, key in theirs if (str(kind), key) not in taken]
    return list(notes), moved


def _move(model, ids: list[int], source: Contact, target: Contact) -> None:
    """Give these rows of ``source`` to ``target`` (those still on ``source``)."""
    if ids:
        db.session.execute(
            update(model)
            .where(model.id.in_(ids), model.contact_id == source.id)
            .values(contact_id=target.id)
            .execution_options(synchronize_session=False)
        )


def blocker(merge: ContactMerge) -> str | None:
    """Why this merge cannot be undone now, or None when it can."""
    if merge.undone_at is not None:
        return _("This merge was already undone.")
    return _out_of_order(merge)


def _out_of_order(merge: ContactMerge) -> str | None:
    survivor, merged = merge.survivor, merge.merged
    if merged.merged_into_id != survivor.id:
        return _(
            "%(name)s is no longer merged into %(survivor)s.",
            name=display_name(merged),
            survivor=display_name(survivor),
        )
    if survivor.merged_into_id is not None:
        return _(
            "%(survivor)s was merged into another contact since: undo that merge first.",
            survivor=display_name(survivor),
        )
    later = db.session.scalars(
        select(ContactMerge)
        .where(
            ContactMerge.survivor_id == survivor.id,
            ContactMerge.undone_at.is_(None),
            ContactMerge.id > merge.id,
        )
        .order_by(ContactMerge.id.desc())
        .options(selectinload(ContactMerge.merged))
    ).first()
    if later is not None:
        return _(
            "Undo the later merge of %(name)s into this contact first: merges are undone "
            "newest first.",
            name=display_name(later.merged),
        )
    return None


def undo(user: User, merge: ContactMerge) -> None:
    """Separate the two contacts again, as they were before the merge (see the module rule)."""
    if merge.organization_id != user.organization_id:
        raise Rejected(_("Only merges of your company can be undone."))
    _lock(merge.survivor_id, merge.merged_id)
    claimed = db.session.execute(
        update(ContactMerge)
        .where(ContactMerge.id == merge.id, ContactMerge.undone_at.is_(None))
        .values(undone_at=utcnow(), undone_by_id=user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise Rejected(_("This merge was already undone."))
    db.session.refresh(merge)
    survivor, merged = merge.survivor, merge.merged
    db.session.refresh(survivor)
    db.session.refresh(merged)
    reason = _out_of_order(merge)
    if reason is not None:
        raise Rejected(reason)

    record = merge.undo or {}
    db.session.execute(
        update(Capture)
        .where(Capture.id.in_(record.get("captures", [])), Capture.contact_id == survivor.id)
        .values(contact_id=merged.id)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Touch)
        .where(Touch.id.in_(record.get("touches", [])), Touch.contact_id == survivor.id)
        .values(contact_id=merged.id)
        .execution_options(synchronize_session=False)
    )
    _move(ContactNote, record.get("contact_notes", []), survivor, merged)
    _move(ContactPoint, record.get("points", []), survivor, merged)
    occupied = set(
        db.session.scalars(select(ListEntry.list_id).where(ListEntry.contact_id == merged.id))
    )
    for entry in _entries(
        ListEntry.id.in_(record.get("entries_moved", [])), ListEntry.contact_id == survivor.id
    ):
        if entry.list_id not in occupied:
            entry.contact_id = merged.id
            cadence.schedule(entry, entry.list)
    states = record.get("set_aside_states", {})
    for entry in _entries(
        ListEntry.id.in_(record.get("entries_set_aside", [])),
        ListEntry.contact_id == merged.id,
        ListEntry.state == EntryState.MERGED,
    ):
        entry.state = EntryState(states.get(str(entry.id), EntryState.ACTIVE.value))
        cadence.schedule(entry, entry.list)
    _restore_fields(survivor, record.get("fields", {}), record.get("merged_in", {}))

    reopened = record.get("suggestions", [])
    if reopened:
        db.session.execute(
            update(MatchSuggestion)
            .where(MatchSuggestion.id.in_(reopened), MatchSuggestion.resolution == "merged")
            .values(resolution=None, resolved_at=None, resolved_by_id=None)
            .execution_options(synchronize_session=False)
        )
    merged.merged_into_id = None
    db.session.flush()
    followups.reschedule_contact(survivor)
    followups.reschedule_contact(merged)
    webhooks.contact_updated(survivor, merged)
    db.session.expire(survivor, ["captures"])
    db.session.expire(merged, ["captures"])


def _restore_fields(survivor: Contact, before: dict, merged_in: dict) -> None:
    """Give back each field group's earlier value while it still holds the merged-in value."""
    for group in FIELD_GROUPS:
        names = [name for name in group if name in before]
        if not names:
            continue
        untouched = all(
            name in merged_in and getattr(survivor, name) == _load(name, merged_in[name])
            for name in names
        )
        if untouched:
            for name in names:
                setattr(survivor, name, _load(name, before[name]))
