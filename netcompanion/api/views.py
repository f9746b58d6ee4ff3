"""The integrations API's resources under /api/v1/, for company API tokens and sessions alike.

Who may see what is the web app's rule, unchanged: a company sees the events it organizes or
exhibits at; only the organizer lists and registers an event's attendees (an exhibitor gets
403, a company that does not see the event 404); captures, contacts, lists and entries are the
company's own. Writes need a read and write token, or a session with its CSRF token.

This module holds events and attendees; the other resources attach to the same blueprint from
``capture_views``, ``contact_views`` and ``list_views``.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..attendee import service as attendees
from ..attendee.forms import AttendeeDetailsForm
from ..attendee.models import DETAIL_LIMITS, Attendee
from ..event import service as events
from ..event.models import Event
from ..extensions import db
from ..scoping import current_org_id
from . import inputs, paging, serialize
from .auth import token_limit

bp = Blueprint("api", __name__, url_prefix="/api/v1")
inputs.install(bp)
token_limit(bp)

EVENT_KEYS = (
    paging.Key(Event.starts_on, lambda e: e.starts_on, date, descending=True),
    paging.Key(Event.id, lambda e: e.id, descending=True),
)
ATTENDEE_KEYS = (
    paging.Key(Attendee.created_at, lambda a: a.created_at, datetime),
    paging.Key(Attendee.id, lambda a: a.id),
)


@bp.get("/events")
def list_events():
    """Events the company organizes or exhibits at, latest start first."""
    org_id = current_org_id()
    fields: dict = {}
    limit = paging.limit_arg(fields)
    inputs.check(fields)
    query = events.visible_events(org_id).options(joinedload(Event.organizer))
    found = paging.page("events", query, EVENT_KEYS, limit)
    return jsonify(events=[serialize.event(e) for e in found.rows], next=found.next)


@bp.get("/events/<event_id>")
def read_event(event_id: str):
    ev = events.access(current_org_id(), event_id)
    return jsonify(event=serialize.event(ev.event))


@bp.get("/events/<event_id>/attendees")
def list_attendees(event_id: str):
    """The event's registrations, oldest first; for its organizer only."""
    ev = events.organizer_access(current_org_id(), event_id)
    fields: dict = {}
    limit = paging.limit_arg(fields)
    search = inputs.text(request.args, "q", fields, 100) or ""
    inputs.check(fields)
    query = attendees.attendees_query(ev, search).options(joinedload(Attendee.event))
    found = paging.page(f"attendees:{ev.event.public_id}", query, ATTENDEE_KEYS, limit)
    return jsonify(attendees=[serialize.attendee(a) for a in found.rows], next=found.next)


@bp.get("/events/<event_id>/attendees/<attendee_id>")
def read_attendee(event_id: str, attendee_id: str):
    ev = events.organizer_access(current_org_id(), event_id)
    return jsonify(attendee=serialize.attendee(attendees.attendee_or_404(ev, attendee_id)))


@bp.post("/events/<event_id>/attendees")
def create_attendee(event_id: str):
    """Register an attendee, e.g. from a ticketing system; the badge is issued as on the page."""
    ev = events.organizer_access(current_org_id(), event_id)
    data = inputs.body()
    fields: dict = {}
    inputs.only(data, DETAIL_LIMITS, fields)
    for key, limit in DETAIL_LIMITS.items():
        inputs.text(
            data,
            key,
            fields,
            limit,
            required=key in ("name", "email"),
            one_line=key in inputs.ONE_LINE,
        )
    inputs.check(fields)
    form = AttendeeDetailsForm(formdata=inputs.form_data(data), meta={"csrf": False})
    if not form.validate():
        inputs.check(form_errors(form))
    attendee = attendees.add(current_user, ev, form.details())
    db.session.commit()
    location = url_for(
        ".read_attendee", event_id=ev.event.public_id, attendee_id=attendee.public_id
    )
    return jsonify(attendee=serialize.attendee(attendee)), 201, {"Location": location}


def form_errors(form) -> dict[str, str]:
    """A web form's errors as the API's ``fields``."""
    return {name: " ".join(str(e) for e in errors) for name, errors in form.errors.items()}


from . import capture_views, contact_views, list_views, openapi_views  # noqa: E402, F401
