"""What the contact page and the merge pages show, each loaded in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..account.models import User
from ..capture.models import Capture, Contact, EventQuestion, Note
from ..extensions import db
from ..followup.models import EntryState, FollowupList, ListEntry
from .consent import Evidence, evidence
from .models import ContactMerge, ContactNote, ContactPoint, Touch
from .queries import RowExtras, count_open_suggestions, row_extras

# One contact's page --------------------------------------------------------------------------


@dataclass
class TimelineItem:
    """One line of the timeline: an encounter (a capture) or a touch."""

    at: datetime
    capture: Capture | None = None
    touch: Touch | None = None


@dataclass
class MergeRow:
    """A merge into the contact, and why it cannot be undone now (None: it can)."""

    merge: ContactMerge
    blocked: str | None


@dataclass
class ContactPage:
    """Everything the contact page shows, loaded in a fixed number of queries."""

    captures: list[Capture]
    touches: list[Touch]
    timeline: list[TimelineItem]
    #: Question public id → its prompt, for the answers in the timeline.
    prompts: dict[str, str]
    entries: list[ListEntry]
    addable_lists: list[FollowupList]
    merges: list[MergeRow]
    evidence: list[Evidence]
    #: Member id → name: who recorded consent or "do not contact".
    names: dict[int, str]
    suggestions: int
    #: Further emails and phones, and notes about the contact rather than an encounter.
    points: list[ContactPoint] = field(default_factory=list)
    notes: list[ContactNote] = field(default_factory=list)


def contact_page(contact: Contact) -> ContactPage:
    captures = list(
        db.session.scalars(
            select(Capture)
            .where(Capture.contact_id == contact.id)
            .options(
                joinedload(Capture.event),
                joinedload(Capture.captured_by),
                selectinload(Capture.tags),
                selectinload(Capture.notes).joinedload(Note.author),
            )
            .order_by(Capture.captured_at.desc(), Capture.id.desc())
        )
    )
    touches = list(
        db.session.scalars(
            select(Touch)
            .where(Touch.contact_id == contact.id)
            .options(joinedload(Touch.by))
            .order_by(Touch.happened_at.desc(), Touch.id.desc())
        )
    )
    timeline = [TimelineItem(c.captured_at, capture=c) for c in captures] + [
        TimelineItem(t.happened_at, touch=t) for t in touches
    ]
    timeline.sort(key=lambda item: item.at, reverse=True)
    asked = {key for c in captures for key in (c.answers or {})}
    prompts = (
        dict(
            db.session.execute(
                select(EventQuestion.public_id, EventQuestion.prompt).where(
                    EventQuestion.public_id.in_(asked)
                )
            ).all()
        )
        if asked
        else {}
    )
    entries = list(
        db.session.scalars(
            select(ListEntry)
            .join(FollowupList, FollowupList.id == ListEntry.list_id)
            .where(ListEntry.contact_id == contact.id, ListEntry.state != EntryState.MERGED)
            .options(
                joinedload(ListEntry.list).selectinload(FollowupList.stages),
                joinedload(ListEntry.stage),
                joinedload(ListEntry.owner),
            )
            .order_by(func.lower(FollowupList.name), FollowupList.id)
        ).unique()
    )
    addable = addable_lists(contact, {entry.list_id for entry in entries})
    merges = list(
        db.session.scalars(
            select(ContactMerge)
            .where(ContactMerge.survivor_id == contact.id)
            .options(joinedload(ContactMerge.merged), joinedload(ContactMerge.merged_by))
            .order_by(ContactMerge.id.desc())
        )
    )
    people = {contact.consent_by_id, contact.do_not_contact_by_id} - {None}
    names = (
        {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(people)))}
        if people
        else {}
    )
    return ContactPage(
        captures=captures,
        touches=touches,
        timeline=timeline,
        prompts=prompts,
        entries=entries,
        addable_lists=addable,
        merges=_merge_rows(contact, merges),
        evidence=evidence(contact, captures),
        names=names,
        suggestions=count_open_suggestions(contact.organization_id, contact.id),
        points=list(
            db.session.scalars(
                select(ContactPoint)
                .where(ContactPoint.contact_id == contact.id)
                .order_by(ContactPoint.kind, ContactPoint.id)
            )
        ),
        notes=list(
            db.session.scalars(
                select(ContactNote)
                .where(ContactNote.contact_id == contact.id)
                .options(joinedload(ContactNote.author))
                .order_by(ContactNote.created_at.desc(), ContactNote.id.desc())
            )
        ),
    )


def addable_lists(contact: Contact, taken: set[int] | None = None) -> list[FollowupList]:
    """The company's lists in use that the contact is not in yet: "Add to list" choices."""
    if taken is None:
        taken = set(
            db.session.scalars(select(ListEntry.list_id).where(ListEntry.contact_id == contact.id))
        )
    query = (
        select(FollowupList)
        .where(
            FollowupList.organization_id == contact.organization_id,
            FollowupList.archived_at.is_(None),
        )
        .order_by(func.lower(FollowupList.name), FollowupList.id)
    )
    return [lst for lst in db.session.scalars(query) if lst.id not in taken]


def _merge_rows(contact: Contact, merges: list[ContactMerge]) -> list[MergeRow]:
    """The merges into a contact, newest first; only the newest one not undone can be undone.

    The same rule as ``merging.blocker``, worked out from rows already loaded.
    """
    rows = []
    newest_open: ContactMerge | None = None
    for merge in merges:
        if merge.undone_at is not None:
            rows.append(MergeRow(merge, _("Undone.")))
        elif newest_open is not None:
            name = newest_open.merged.name or newest_open.merged.email or _("Unnamed contact")
            rows.append(MergeRow(merge, _("Undo the later merge of %(name)s first.", name=name)))
        elif merge.merged.merged_into_id != contact.id:
            rows.append(MergeRow(merge, _("Separated since.")))
        else:
            newest_open = merge
            rows.append(MergeRow(merge, None))
    return rows


# Merging: what each side has -----------------------------------------------------------------


@dataclass
class Side:
    """One of two contacts about to be merged: what it holds."""

    contact: Contact
    captures: int = 0
    touches: int = 0
    extras: RowExtras = field(default_factory=RowExtras)


def merge_sides(contacts: list[Contact]) -> dict[int, Side]:
    """Each contact's counts, latest encounter and lists, in four queries for all of them."""
    ids = list({c.id for c in contacts})
    out = {c.id: Side(c) for c in contacts}
    if not ids:
        return out
    for contact_id, count in db.session.execute(
        select(Capture.contact_id, func.count())
        .where(Capture.contact_id.in_(ids))
        .group_by(Capture.contact_id)
    ):
        out[contact_id].captures = count
    for contact_id, count in db.session.execute(
        select(Touch.contact_id, func.count())
        .where(Touch.contact_id.in_(ids))
        .group_by(Touch.contact_id)
    ):
        out[contact_id].touches = count
    for contact_id, extras in row_extras(ids).items():
        out[contact_id].extras = extras
    return out


def merge_side(contact: Contact) -> Side:
    return merge_sides([contact])[contact.id]
