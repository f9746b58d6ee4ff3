"""Who's coming: people the company follows up who are registered for an event it attends.

Rule: for events that have not ended, which the company organizes or exhibits at, an attendee
counts when their email equals the email of one of the company's live (unmerged) contacts that
is active or paused in one of its lists that is not archived. Both emails are stored
lower-cased, so the match is a plain, indexed equality.

Privacy: the attendee row belongs to the organizer. An exhibitor learns only that a person it
already knows is registered; the answer carries the company's own contact (its name as the
company knows it) and the event, never a column of the attendee row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, func, or_, select

from ..attendee.models import Attendee
from ..capture.models import Contact
from ..event.models import Event, Exhibitor
from ..extensions import db
from .models import EntryState, FollowupList, ListEntry


@dataclass
class Registered:
    """A contact of the company who is registered for an upcoming event."""

    event: Event
    contact: Contact
    #: Names of the company's lists the contact is followed up in.
    lists: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.contact.name or self.contact.email


def coming(org_id: int, today: date, event_id: int | None = None) -> list[Registered]:
    """Registered contacts, next events first, then by name: one query.

    One row per (event, contact, list); rows of one person at one event fold into one answer.
    """
    exhibiting = exists().where(Exhibitor.event_id == Event.id, Exhibitor.organization_id == org_id)
    query = (
        select(Event, Contact, FollowupList.name)
        .join(Attendee, Attendee.event_id == Event.id)
        .join(Contact, Contact.email == Attendee.email)
        .join(ListEntry, ListEntry.contact_id == Contact.id)
        .join(FollowupList, FollowupList.id == ListEntry.list_id)
        .where(
            Event.ends_on >= today,
            or_(Event.organization_id == org_id, exhibiting),
            Contact.organization_id == org_id,
            Contact.email != "",
            Contact.merged_into_id.is_(None),
            ListEntry.organization_id == org_id,
            ListEntry.state.in_([EntryState.ACTIVE, EntryState.PAUSED]),
            FollowupList.archived_at.is_(None),
        )
        .order_by(
            Event.starts_on,
            Event.id,
            func.lower(Contact.name),
            Contact.id,
            func.lower(FollowupList.name),
        )
    )
    if event_id is not None:
        query = query.where(Event.id == event_id)
    found: dict[tuple[int, int], Registered] = {}
    for event, contact, list_name in db.session.execute(query):
        registered = found.setdefault((event.id, contact.id), Registered(event, contact))
        if list_name not in registered.lists:
            registered.lists.append(list_name)
    return list(found.values())


def by_event(registered: list[Registered]) -> list[tuple[Event, list[Registered]]]:
    """The same people grouped by event, keeping the order (next events first)."""
    groups: dict[int, tuple[Event, list[Registered]]] = {}
    for person in registered:
        groups.setdefault(person.event.id, (person.event, []))[1].append(person)
    return list(groups.values())
