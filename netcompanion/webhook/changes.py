"""What the services report to webhooks: one call where a change is made, in its transaction.

Each function snapshots the changed objects as the API shows them (``api.serialize``) and
records one event per object through the outbox. When no endpoint of the company subscribes
to the topic, each costs at most the outbox's one cached query per transaction and builds no
payload. Internal bookkeeping (search keys, last met, due dates) reports nothing.

Callers: ``capture.recording`` and ``capture.booth`` (captures created, or merged into an
existing one: updated), ``capture.editing`` (edits and notes), the contact page and
``contact.consent`` (details, consent, do not contact), ``contact.merging`` (merge and undo:
both contacts), ``followup.service`` (entries added, stage moves) and ``followup.entries``
(people moved off a deleted stage).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..capture.models import Capture, Contact, Note
from ..extensions import db
from ..followup.models import ListEntry
from .models import Topic
from .outbox import emit_many, subscribers

#: Rows loaded per query when a bulk change is reported.
CHUNK = 500


def _chunks(ids: list, size: int = CHUNK):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# Captures ---------------------------------------------------------------------------------


def captures_recorded(org_id: int, outcomes: Iterable[tuple[int, str]]) -> None:
    """Captures an upload created (``"created"``) or merged into (``"merged"``: an update).

    A capture created and merged into within one upload is reported once, as created, with
    what it holds at the end.
    """
    wants_created = bool(subscribers(org_id, Topic.CAPTURE_CREATED))
    wants_updated = bool(subscribers(org_id, Topic.CAPTURE_UPDATED))
    if not (wants_created or wants_updated):
        return
    created: dict[int, None] = {}
    updated: dict[int, None] = {}
    for capture_id, status in outcomes:
        if status == "created":
            created[capture_id] = None
        elif status == "merged":
            updated[capture_id] = None
    updated = {capture_id: None for capture_id in updated if capture_id not in created}
    wanted = [*(created if wants_created else ()), *(updated if wants_updated else ())]
    captures = _captures(wanted)
    for topic, ids in ((Topic.CAPTURE_CREATED, created), (Topic.CAPTURE_UPDATED, updated)):
        items = [_capture_item(captures[i]) for i in ids if i in captures]
        emit_many(org_id, topic, items)


def capture_recorded(capture: Capture, created: bool) -> None:
    """One capture recorded: new, or an existing one extended (an update)."""
    captures_recorded(capture.organization_id, [(capture.id, "created" if created else "merged")])


def capture_updated(capture: Capture) -> None:
    """A capture edited after the event, or given a note."""
    captures_recorded(capture.organization_id, [(capture.id, "merged")])


def _captures(ids: list[int]) -> dict[int, Capture]:
    """Captures with everything their JSON shows, read afresh (after the change was flushed)."""
    if not ids:
        return {}
    db.session.flush()
    found: dict[int, Capture] = {}
    for chunk in _chunks(ids):
        query = (
            select(Capture)
            .where(Capture.id.in_(chunk))
            .options(
                # One query per relationship: a batch's captures share their event and
                # recruiter, which a join would repeat on every row.
                selectinload(Capture.event),
                selectinload(Capture.contact),
                selectinload(Capture.attendee),
                selectinload(Capture.captured_by),
                selectinload(Capture.tags),
                selectinload(Capture.notes).selectinload(Note.author),
            )
            .execution_options(populate_existing=True)
        )
        found.update((capture.id, capture) for capture in db.session.scalars(query))
    return found


def _capture_item(capture: Capture) -> tuple[dict, int]:
    from ..api import serialize  # here, not above: it imports most of the app

    return serialize.capture(capture), capture.contact_id


# Contacts ---------------------------------------------------------------------------------


def contact_payload(contact: Contact) -> dict:
    """The contact as the API shows it, and whom it was merged into (null while it is live)."""
    from ..api import serialize

    payload = serialize.contact(contact)
    if "merged_into" not in payload:
        merged_into = (
            db.session.get(Contact, contact.merged_into_id) if contact.merged_into_id else None
        )
        payload["merged_into"] = merged_into.public_id if merged_into else None
    return payload


def contact_updated(*contacts: Contact) -> None:
    """Contacts whose details, consent or "do not contact" changed, or that were merged."""
    if not contacts:
        return
    org_id = contacts[0].organization_id
    if not subscribers(org_id, Topic.CONTACT_UPDATED):
        return
    db.session.flush()
    for contact in contacts:
        db.session.refresh(contact)  # merges write with bulk updates the session did not see
    emit_many(org_id, Topic.CONTACT_UPDATED, [(contact_payload(c), c.id) for c in contacts])


# List entries -----------------------------------------------------------------------------


def _entries(where) -> list[ListEntry]:
    db.session.flush()
    query = (
        select(ListEntry)
        .where(where)
        .options(
            joinedload(ListEntry.list),
            joinedload(ListEntry.stage),
            joinedload(ListEntry.contact),
            joinedload(ListEntry.owner),
        )
        .order_by(ListEntry.id)
        .execution_options(populate_existing=True)
    )
    return list(db.session.scalars(query))


def _emit_entries(org_id: int, topic: Topic, entries: list[ListEntry]) -> None:
    from ..api import serialize

    emit_many(org_id, topic, [(serialize.entry(e), e.contact_id) for e in entries])


def entries_added(org_id: int, list_id: int, public_ids: list[str]) -> None:
    """Entries a bulk insert tried to add: those it really added are reported (the others
    were there already, and their public ids were never stored)."""
    if not public_ids or not subscribers(org_id, Topic.ENTRY_ADDED):
        return
    for chunk in _chunks(public_ids):
        found = _entries((ListEntry.list_id == list_id) & ListEntry.public_id.in_(chunk))
        _emit_entries(org_id, Topic.ENTRY_ADDED, found)


def entry_moved(entry: ListEntry) -> None:
    """An entry moved to another stage of its list."""
    entries_moved(entry.organization_id, [entry.id])


def entries_in_stages(org_id: int, list_id: int, stage_ids: list[int]) -> list[int]:
    """Ids of the list's entries in these stages, before they are moved off them in bulk;
    empty when nobody subscribes to moves."""
    if not stage_ids or not subscribers(org_id, Topic.ENTRY_MOVED):
        return []
    return list(
        db.session.scalars(
            select(ListEntry.id).where(
                ListEntry.list_id == list_id, ListEntry.stage_id.in_(stage_ids)
            )
        )
    )


def entries_moved(org_id: int, entry_ids: list[int]) -> None:
    if not entry_ids or not subscribers(org_id, Topic.ENTRY_MOVED):
        return
    for chunk in _chunks(entry_ids):
        _emit_entries(org_id, Topic.ENTRY_MOVED, _entries(ListEntry.id.in_(chunk)))
