"""Attendee rules: registration by the organizer or the attendee, consent, badge links, reissue.

Attendee rows belong to the organizing company. Exhibitors never read them directly: what an
exhibitor learns about a person comes from scanning their badge (later: captures), and only with
the attendee's consent beyond what the badge shows.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import tokens as canonical
from ..account.models import User
from ..account.permissions import require_can_manage
from ..dbtypes import utcnow
from ..event.models import Event
from ..event.service import EventAccess
from ..exceptions import Rejected
from ..extensions import db
from ..scoping import scoped
from .models import Attendee, Availability, Source, new_badge_code

#: Fields an organizer or an attendee fills in.
DETAIL_FIELDS = ("name", "email", "company", "title", "phone", "linkedin_url", "website_url")


@dataclass
class Consent:
    """What the attendee agreed to, in the words they were shown."""

    share_contact: bool
    text: str
    locale: str


def normalise_email(email: str) -> str:
    return email.strip().lower()


#: Random bytes in the key of an attendee's badge-page link (192 bits).
ACCESS_KEY_BYTES = 24


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def require_organizer(ev: EventAccess) -> None:
    if not ev.is_organizer:
        raise Rejected(_l("Only the organizer registers attendees for this event."))


def attendees_query(ev: EventAccess, search: str = ""):
    """The event's attendees, for its organizer, by name."""
    query = scoped(Attendee, ev.event.organization_id).where(Attendee.event_id == ev.event.id)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            func.lower(Attendee.name).like(pattern)
            | Attendee.email.like(pattern)
            | func.lower(Attendee.company).like(pattern)
        )
    return query.order_by(func.lower(Attendee.name), Attendee.id)


def attendee_or_404(ev: EventAccess, public_id: str) -> Attendee:
    attendee = db.session.scalars(
        attendees_query(ev).where(Attendee.public_id == public_id)
    ).first()
    if attendee is None:
        abort(404)
    return attendee


def count(ev: EventAccess) -> int:
    query = select(func.count()).select_from(Attendee).where(Attendee.event_id == ev.event.id)
    return db.session.scalar(query)


def _apply(attendee: Attendee, details: dict) -> None:
    for field in DETAIL_FIELDS:
        if field in details:
            value = (details[field] or "").strip()
            setattr(attendee, field, normalise_email(value) if field == "email" else value)


def _insert(attendee: Attendee) -> Attendee:
    """Insert, turning a duplicate email into a clear refusal instead of an error page."""
    try:
        with db.session.begin_nested():
            db.session.add(attendee)
    except IntegrityError as error:
        raise Rejected(_l("This email is already registered for this event."), "email") from error
    return attendee


def add(actor: User, ev: EventAccess, details: dict) -> Attendee:
    """Register an attendee on the organizer's side."""
    require_organizer(ev)
    attendee = Attendee(
        organization_id=ev.event.organization_id, event_id=ev.event.id, source=Source.ORGANIZER
    )
    _apply(attendee, details)
    return _insert(attendee)


def update(actor: User, ev: EventAccess, attendee: Attendee, details: dict) -> None:
    require_organizer(ev)
    _apply(attendee, details)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        raise Rejected(_l("This email is already registered for this event."), "email") from error


def reissued(badge_version: int) -> dict:
    """The badge columns of a reissued badge: a new version and code void every older copy."""
    return {"badge_version": badge_version + 1, "badge_code": new_badge_code()}


def reissue_badge(actor: User, ev: EventAccess, attendee: Attendee) -> None:
    """Void every printed or shown copy of the badge: the next one carries a new version."""
    require_can_manage(actor)
    require_organizer(ev)
    for column, value in reissued(attendee.badge_version).items():
        setattr(attendee, column, value)
    db.session.flush()


def delete(actor: User, ev: EventAccess, attendee: Attendee) -> None:
    """Remove the registration; its badge stops working (see ``badge.token``)."""
    require_can_manage(actor)
    require_organizer(ev)
    db.session.delete(attendee)
    db.session.flush()


def register_self(
    event: Event,
    details: dict,
    availability: Availability | None,
    consent: Consent,
    show_linkedin: bool,
    show_website: bool,
) -> tuple[Attendee | None, str | None]:
    """Register an attendee from the public page; return it with its private badge-page key.

    An email that is already registered changes nothing (a stranger must not be able to rewrite
    someone's registration) and returns ``(existing, None)``: the caller mails that person their
    link instead of showing it.
    """
    if not event.self_registration_open:
        raise Rejected(_l("Registration for this event is closed."))
    email = normalise_email(details["email"])
    existing = db.session.scalars(
        select(Attendee).where(Attendee.event_id == event.id, Attendee.email == email)
    ).first()
    if existing:
        return existing, None
    attendee = Attendee(
        organization_id=event.organization_id,
        event_id=event.id,
        source=Source.SELF,
        availability=availability,
        show_linkedin=show_linkedin,
        show_website=show_website,
        consent_share_contact=consent.share_contact,
        consent_text=consent.text,
        consent_locale=consent.locale,
        consent_at=utcnow(),
    )
    _apply(attendee, details)
    _insert(attendee)
    return attendee, new_access_key(attendee)


def new_access_key(attendee: Attendee) -> str:
    """Issue the secret for the attendee's private badge-page link; older links stop working."""
    key = secrets.token_urlsafe(ACCESS_KEY_BYTES)
    attendee.access_key_hash = _hash(key)
    db.session.flush()
    return key


def attendee_for_access_key(key: str) -> Attendee | None:
    if not canonical.is_secret(key, ACCESS_KEY_BYTES):
        return None
    return db.session.scalars(
        select(Attendee).where(Attendee.access_key_hash == _hash(key))
    ).first()
