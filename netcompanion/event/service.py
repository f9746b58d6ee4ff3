"""Event rules: who organizes, who exhibits, who sees what.

An event belongs to its organizer. Other companies join it as exhibitors with the event's join
code. A company sees an event when it organizes it or exhibits at it; only the organizer sees the
list of exhibitors, and each exhibitor sees its own booth only.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from zoneinfo import available_timezones

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, exists, or_, select
from sqlalchemy.exc import IntegrityError

from .. import tokens as canonical
from ..account.models import User
from ..exceptions import Rejected
from ..extensions import db
from ..scoping import scoped
from .models import Event, Exhibitor

#: Unambiguous when read aloud or typed from a slide: no 0/O, 1/I/L, U.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
JOIN_CODE_LENGTH = 8  # 30^8 ≈ 6.6e11 codes; joining is rate-limited per client


@dataclass
class EventAccess:
    """An event as one company may see it."""

    event: Event
    #: The company's own booth at the event, if it exhibits.
    booth: Exhibitor | None
    is_organizer: bool


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def read_join_code(text: str) -> str | None:
    """The one join code a person typed loosely (``abcd ef23``), or None if it cannot be one."""
    return canonical.typed_code(text, JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH)


def format_join_code(code: str) -> str:
    """``XXXX-XXXX``: how the code is shown, and the one spelling join links carry."""
    return f"{code[:4]}-{code[4:]}"


def timezones() -> list[str]:
    return sorted(tz for tz in available_timezones() if "/" in tz or tz == "UTC")


def visible_events(org_id: int) -> Select[tuple[Event]]:
    """Events the company organizes or exhibits at."""
    exhibiting = scoped(Exhibitor, org_id).where(Exhibitor.event_id == Event.id)
    return select(Event).where(or_(Event.organization_id == org_id, exists(exhibiting)))


def access(org_id: int, public_id: str) -> EventAccess:
    """Return the company's view of an event, or answer 404 when it may not see it."""
    event = db.session.scalars(visible_events(org_id).where(Event.public_id == public_id)).first()
    if event is None:
        abort(404)
    booth = db.session.scalars(
        scoped(Exhibitor, org_id).where(Exhibitor.event_id == event.id)
    ).first()
    return EventAccess(event, booth, event.organization_id == org_id)


def organizer_access(org_id: int, public_id: str) -> EventAccess:
    """Like ``access``, for pages only the organizer may open: others who see the event get 403."""
    ev = access(org_id, public_id)
    if not ev.is_organizer:
        abort(403)
    return ev


def list_for(org_id: int) -> list[EventAccess]:
    """Every event the company sees, upcoming first, then past ones newest first."""
    events = list(db.session.scalars(visible_events(org_id)))
    booths = {
        b.event_id: b
        for b in db.session.scalars(
            scoped(Exhibitor, org_id).where(Exhibitor.event_id.in_([e.id for e in events]))
        )
    }
    today = date.today()
    upcoming = sorted((e for e in events if e.ends_on >= today), key=lambda e: e.starts_on)
    past = sorted((e for e in events if e.ends_on < today), key=lambda e: e.starts_on, reverse=True)
    return [EventAccess(e, booths.get(e.id), e.organization_id == org_id) for e in upcoming + past]


def _require_event_manager(actor: User) -> None:
    if not actor.role.can_manage_events:
        raise Rejected(_l("Only owners and admins can manage events."))


def _check_details(details: dict) -> None:
    if details["ends_on"] < details["starts_on"]:
        raise Rejected(_l("The event cannot end before it starts."), "ends_on")
    if details["timezone"] not in available_timezones():
        raise Rejected(_l("Choose a time zone from the list."), "timezone")


EVENT_FIELDS = ("name", "starts_on", "ends_on", "timezone", "venue", "description")


def create_event(actor: User, details: dict, with_booth: bool = True) -> Event:
    """Create an event organized by the actor's company, with its own booth unless declined."""
    _require_event_manager(actor)
    _check_details(details)
    event = Event(organization_id=actor.organization_id, join_code=new_join_code())
    for field in EVENT_FIELDS:
        setattr(event, field, details[field])
    db.session.add(event)
    if with_booth:
        db.session.add(
            Exhibitor(
                event=event,
                organization_id=actor.organization_id,
                booth_name=actor.organization.name,
            )
        )
    db.session.flush()
    return event


def update_event(actor: User, ev: EventAccess, details: dict) -> None:
    _require_organizer(actor, ev)
    _check_details(details)
    for field in EVENT_FIELDS:
        setattr(ev.event, field, details[field])
    db.session.flush()


def _require_organizer(actor: User, ev: EventAccess) -> None:
    if not ev.is_organizer:
        abort(403)
    _require_event_manager(actor)


def rotate_join_code(actor: User, ev: EventAccess) -> None:
    """Issue a new join code; the old one stops working at once."""
    _require_organizer(actor, ev)
    ev.event.join_code = new_join_code()
    db.session.flush()


def exhibitors(ev: EventAccess) -> list[Exhibitor]:
    """The event's exhibitors; for the organizer's eyes only."""
    if not ev.is_organizer:
        abort(403)
    query = (
        select(Exhibitor).where(Exhibitor.event_id == ev.event.id).order_by(Exhibitor.booth_name)
    )
    return list(db.session.scalars(query))


def remove_exhibitor(actor: User, ev: EventAccess, exhibitor_public_id: str) -> Exhibitor:
    _require_organizer(actor, ev)
    exhibitor = db.session.scalars(
        select(Exhibitor).where(
            Exhibitor.event_id == ev.event.id, Exhibitor.public_id == exhibitor_public_id
        )
    ).first()
    if exhibitor is None:
        abort(404)
    db.session.delete(exhibitor)
    db.session.flush()
    return exhibitor


def add_own_booth(actor: User, ev: EventAccess) -> Exhibitor:
    """Let the organizer exhibit at its own event after having declined at creation."""
    _require_organizer(actor, ev)
    if ev.booth is None:
        ev.booth = Exhibitor(
            event=ev.event,
            organization_id=actor.organization_id,
            booth_name=actor.organization.name,
        )
        db.session.add(ev.booth)
        db.session.flush()
    return ev.booth


def event_for_join_code(code: str) -> Event | None:
    code = read_join_code(code)
    if code is None:
        return None
    return db.session.scalars(select(Event).where(Event.join_code == code)).first()


def join(actor: User, code: str, booth_name: str, booth_location: str = "") -> Exhibitor:
    """Make the actor's company an exhibitor; joining twice returns the existing booth."""
    _require_event_manager(actor)
    event = event_for_join_code(code)
    if event is None:
        raise Rejected(_l("No event has this join code. Check it with the organizer."), "code")
    booth = db.session.scalars(
        scoped(Exhibitor, actor.organization_id).where(Exhibitor.event_id == event.id)
    ).first()
    if booth is not None:
        return booth
    booth = Exhibitor(
        event_id=event.id,
        organization_id=actor.organization_id,
        booth_name=booth_name.strip() or actor.organization.name,
        booth_location=booth_location.strip(),
    )
    try:
        with db.session.begin_nested():  # two teammates joining at once: the second finds the first
            db.session.add(booth)
    except IntegrityError:
        booth = db.session.scalars(
            scoped(Exhibitor, actor.organization_id).where(Exhibitor.event_id == event.id)
        ).one()
    return booth


def update_booth(booth: Exhibitor, name: str, location: str) -> None:
    booth.booth_name = name.strip()
    booth.booth_location = location.strip()
    db.session.flush()
