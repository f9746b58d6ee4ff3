"""Contacts through the API: the contacts list's filters (plus ``updated_since`` for an
incremental CRM sync), one contact with its encounters and lists, detail edits, and touches.

A contact merged into another is no longer one: reading it redirects (307) to the contact it
became, and changing it answers 409 ``merged``, as the contact page refuses the change.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..account.models import User
from ..attendee.models import Availability
from ..capture.models import Capture, Contact, Rating
from ..contact import merging
from ..contact import queries as contact_queries
from ..contact.forms import EARLIEST_TOUCH, MAX_TOUCH_BODY, ContactForm
from ..contact.models import TouchKind
from ..contact.views import survivor_of
from ..dbtypes import utcnow
from ..errors import error_response
from ..event import service as events
from ..event.models import Event
from ..extensions import db
from ..followup import service as followups
from ..followup.models import EntryState, FollowupList, ListEntry
from ..scoping import current_org_id, get_or_404, scoped
from ..webhook import changes as webhooks
from . import inputs, paging, serialize
from .views import bp, form_errors

CONTACT_KEYS = (
    paging.Key(Contact.last_met_at, lambda c: c.last_met_at, datetime, descending=True),
    paging.Key(Contact.id, lambda c: c.id, descending=True),
)
DETAILS = merging.DETAIL_FIELDS
MAX_SUBJECT = 300


def _pick(model, public_id: str | None, key: str, fields: dict, org_id: int, message: str):
    """The company's row with this public id, for a filter; None (and a reason) otherwise."""
    if not public_id:
        return None
    if model is Event:
        query = events.visible_events(org_id).where(Event.public_id == public_id)
    else:
        query = scoped(model, org_id).where(model.public_id == public_id)
    row = db.session.scalars(query).first()
    if row is None:
        fields[key] = message
    return row


def filters_from_args(org_id: int, fields: dict) -> contact_queries.Filters:
    """The contacts page's filters from the query string. Unlike the page, which ignores a
    value it does not offer, an id that is not the company's is refused (422): an
    integration must not silently sync everyone because of a typo."""
    args = request.args
    event = _pick(Event, args.get("event"), "event", fields, org_id, _("No such event."))
    lst = _pick(FollowupList, args.get("list"), "list", fields, org_id, _("No such list."))
    owner = _pick(User, args.get("owner"), "owner", fields, org_id, _("No such member."))
    rating_message = _("Choose hot, warm or cold.")
    return contact_queries.Filters(
        search=inputs.text(args, "q", fields, 100) or "",
        event_id=event.id if event else None,
        tag=inputs.text(args, "tag", fields, 60) or "",
        rating=inputs.choice(Rating, args.get("rating"), "rating", fields, rating_message),
        rating_min=inputs.choice(
            Rating, args.get("rating_min"), "rating_min", fields, rating_message
        ),
        availability=inputs.choice(
            Availability,
            args.get("availability"),
            "availability",
            fields,
            _("Choose one of the availability options."),
        ),
        list_id=lst.id if lst else None,
        owner_id=owner.id if owner else None,
    )


@bp.get("/contacts")
def list_contacts():
    """The company's contacts, most recently met first; filters as on the contacts page."""
    org_id = current_org_id()
    fields: dict = {}
    limit = paging.limit_arg(fields)
    filters = filters_from_args(org_id, fields)
    since = inputs.instant(request.args.get("updated_since"), "updated_since", fields)
    inputs.check(fields, _("Some filters are not valid."))
    query = contact_queries.contacts(org_id, filters)
    if since is not None:
        query = query.where(Contact.updated_at >= since)
    found = paging.page("contacts", query, CONTACT_KEYS, limit)
    return jsonify(contacts=[serialize.contact(c) for c in found.rows], next=found.next)


def _contact(contact_id: str) -> Contact:
    """The company's contact; 307 to the survivor for a merged one (raised as a response)."""
    contact = get_or_404(Contact, contact_id)
    if contact.merged_into_id is None:
        return contact
    survivor = survivor_of(contact)
    if survivor is None:
        abort(404)
    abort(redirect(url_for(request.endpoint, contact_id=survivor.public_id), 307))


def _live_for_change(contact_id: str) -> Contact:
    contact = get_or_404(Contact, contact_id)
    if contact.merged_into_id is not None:
        message = _("This contact was merged into another; nothing was changed. Change that one.")
        response, status = error_response(409, message, code="merged")
        response.status_code = status
        abort(response)
    return contact


def detail(contact: Contact) -> dict:
    """A contact with its encounters (latest first) and its list entries: three queries."""
    captures = db.session.scalars(
        select(Capture)
        .where(Capture.contact_id == contact.id)
        .options(
            joinedload(Capture.event),
            joinedload(Capture.captured_by),
            selectinload(Capture.tags),
        )
        .order_by(Capture.captured_at.desc(), Capture.id.desc())
    )
    entries = db.session.scalars(
        select(ListEntry)
        .join(FollowupList, FollowupList.id == ListEntry.list_id)
        .where(ListEntry.contact_id == contact.id, ListEntry.state != EntryState.MERGED)
        .options(
            joinedload(ListEntry.list),
            joinedload(ListEntry.stage),
            joinedload(ListEntry.owner),
            joinedload(ListEntry.contact),
        )
        .order_by(func.lower(FollowupList.name), FollowupList.id)
    )
    return {
        **serialize.contact(contact),
        "captures": [serialize.capture_summary(c) for c in captures],
        "entries": [serialize.entry(e) for e in entries],
    }


@bp.get("/contacts/<contact_id>")
def read_contact(contact_id: str):
    return jsonify(contact=detail(_contact(contact_id)))


@bp.patch("/contacts/<contact_id>")
def update_contact(contact_id: str):
    """Change the person's details, with the contact page's rules; fields left out stay."""
    contact = _live_for_change(contact_id)
    data = inputs.body()
    fields: dict = {}
    inputs.only(data, DETAILS, fields)
    for key in DETAILS:
        inputs.text(data, key, fields, Contact.__table__.c[key].type.length, one_line=True)
    inputs.check(fields)
    wanted = {key: getattr(contact, key) for key in DETAILS}
    wanted.update({key: data[key] for key in DETAILS if key in data})
    form = ContactForm(formdata=inputs.form_data(wanted), meta={"csrf": False})
    if not form.validate():
        inputs.check(form_errors(form))
    for name in DETAILS:
        setattr(contact, name, getattr(form, name).data or "")
    contact.email = contact.email.lower()
    if db.session.is_modified(contact):  # as on the contact page: a real change is reported
        webhooks.contact_updated(contact)
    db.session.commit()
    return jsonify(contact=detail(contact))


@bp.post("/contacts/<contact_id>/touches")
def log_touch(contact_id: str):
    """Log a touch from the CRM (an email, a call): restarts the person's cadences."""
    contact = _live_for_change(contact_id)
    data = inputs.body()
    fields: dict = {}
    inputs.only(data, ("kind", "subject", "body", "happened_at"), fields)
    raw_kind = data.get("kind")
    kinds = {kind.value for kind in TouchKind}
    kind = TouchKind(raw_kind) if isinstance(raw_kind, str) and raw_kind in kinds else None
    if kind is None:
        fields["kind"] = _("Required: one of %(kinds)s.", kinds=", ".join(TouchKind))
    subject = inputs.text(data, "subject", fields, MAX_SUBJECT) or ""
    body = inputs.text(data, "body", fields, MAX_TOUCH_BODY) or ""
    at = inputs.instant(data.get("happened_at"), "happened_at", fields)
    if at is not None and at > utcnow():
        fields["happened_at"] = _("A touch cannot be logged for a future time.")
    elif at is not None and at.date() < EARLIEST_TOUCH:
        fields["happened_at"] = _("Give a date in 1970 or later.")
    inputs.check(fields)
    touch = followups.log_touch(
        current_user,
        contact,
        kind,
        subject=subject,
        body=body,
        via="api",
        happened_at=(at or utcnow()).astimezone(UTC),
    )
    db.session.commit()
    return jsonify(touch=serialize.touch(touch)), 201
