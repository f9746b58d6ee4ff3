"""Erasing a person: what a company does when someone asks to be forgotten.

Rule: erasing a contact deletes every row about the person the company holds: the contact,
its captures at every event (with their notes, tags, answers and upload receipts), list
entries, touches, further emails and phones, notes about the contact, card UIDs, merge records
and duplicate suggestions, including those of contacts merged into it. Nothing of the person is
kept; a later scan of their badge starts afresh. The attendee registration itself belongs to
the event's organizer and is not touched. Only owners and admins erase
(``account.permissions``).
"""

from __future__ import annotations

from sqlalchemy import delete, or_, select, update

from ..account.models import User
from ..account.permissions import require_can_manage
from ..capture.models import Capture, Contact
from ..extensions import db
from ..followup.models import ListEntry
from .models import ContactMerge, ContactNote, ContactPoint, ContactUid, MatchSuggestion, Touch


def erase(actor: User, contact: Contact) -> int:
    """Delete the contact and everything about the person; return how many captures went."""
    require_can_manage(actor)
    ids = _with_merged(contact.id)
    db.session.execute(
        update(Contact).where(Contact.merged_into_id.in_(ids)).values(merged_into_id=None)
    )
    db.session.execute(
        delete(MatchSuggestion).where(
            or_(MatchSuggestion.contact_id.in_(ids), MatchSuggestion.other_id.in_(ids))
        )
    )
    db.session.execute(
        delete(ContactMerge).where(
            or_(ContactMerge.survivor_id.in_(ids), ContactMerge.merged_id.in_(ids))
        )
    )
    db.session.execute(delete(ListEntry).where(ListEntry.contact_id.in_(ids)))
    db.session.execute(delete(Touch).where(Touch.contact_id.in_(ids)))
    for table in (ContactPoint, ContactNote, ContactUid):
        db.session.execute(delete(table).where(table.contact_id.in_(ids)))
    captures = list(db.session.scalars(select(Capture).where(Capture.contact_id.in_(ids))))
    for capture in captures:  # through the ORM: notes, tags and receipts cascade
        db.session.delete(capture)
    db.session.flush()
    db.session.execute(delete(Contact).where(Contact.id.in_(ids)))
    db.session.flush()
    return len(captures)


def _with_merged(contact_id: int) -> list[int]:
    """The contact and every contact merged into it, however deep."""
    ids, frontier = [contact_id], [contact_id]
    while frontier:
        frontier = list(
            db.session.scalars(select(Contact.id).where(Contact.merged_into_id.in_(frontier)))
        )
        ids.extend(frontier)
    return ids
