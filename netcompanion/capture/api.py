"""JSON API under /api/v1/: what the scanner syncs through, and what integrations read.

Signed-in sessions authenticate it (POSTs carry the CSRF token in ``X-CSRFToken``), and so do
company API tokens (``api.auth``), each within its rate limit. Every error has one shape (see
``errors.py``); a batch answers per item, so one bad capture never blocks the other 499.
Captures read here have the integrations API's shape (``api.serialize.capture``); the
scanner's sync answers carry the shorter ``serialize.summary``.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ..api import inputs, paging
from ..api import serialize as api_serialize
from ..api.auth import token_limit
from ..errors import error_response
from ..event import service as events
from ..event.models import Event
from ..extensions import db, limiter
from ..ratelimits import configured
from ..scoping import current_org_id
from . import badge_codes, queries
from .items import ItemError
from .models import Capture, Rating
from .recording import MAX_BATCH, lookup_badge, record

bp = Blueprint("capture_api", __name__, url_prefix="/api/v1")
inputs.install(bp)
token_limit(bp)

#: Newest first: ids grow with time, so the id alone is a stable order.
CAPTURE_KEYS = (paging.Key(Capture.id, lambda c: c.id, descending=True),)


@bp.get("/session")
def session():
    """Who is signed in, and a fresh CSRF token: the scanner asks before every sync."""
    current_org_id()
    return jsonify(
        user={"id": current_user.public_id, "name": current_user.name},
        organization={
            "id": current_user.organization.public_id,
            "name": current_user.organization.name,
        },
        csrf_token=generate_csrf(),
    )


@bp.post("/captures")
def create_capture():
    current_org_id()
    outcome = record(current_user, [inputs.body()])[0]
    if outcome.error is not None:
        return _item_error(outcome.error)
    return jsonify(outcome.as_json()), 201 if outcome.status == "created" else 200


def _item_error(error: ItemError):
    return jsonify(error=error.as_json()), 422


@bp.post("/captures/batch")
def create_batch():
    current_org_id()
    items = inputs.body().get("captures")
    if not isinstance(items, list) or not items:
        raise inputs.Invalid(
            _("Send the captures as a non-empty list."),
            {"captures": _("Must be a list of 1 to %(limit)d captures.", limit=MAX_BATCH)},
        )
    if len(items) > MAX_BATCH:
        raise inputs.Invalid(
            _("Too many captures in one batch."),
            {"captures": _("Must be a list of 1 to %(limit)d captures.", limit=MAX_BATCH)},
        )
    outcomes = record(current_user, items)
    return jsonify(results=[outcome.as_json() for outcome in outcomes])


@bp.get("/captures")
def list_captures():
    org_id = current_org_id()
    args = request.args
    fields = {}
    filters = queries.Filters(
        tag=inputs.text(args, "tag", fields, 60) or "",
        search=inputs.text(args, "q", fields, 100) or "",
        attendee_public_id=args.get("attendee", ""),
    )
    if args.get("event"):
        event = db.session.scalars(
            events.visible_events(org_id).where(Event.public_id == args["event"])
        ).first()
        if event is None:
            fields["event"] = _("No such event.")
        else:
            filters.event_id = event.id
    if args.get("rating"):
        try:
            filters.rating = Rating(args["rating"])
        except ValueError:
            fields["rating"] = _("Choose hot, warm or cold.")
    if args.get("recruiter"):
        recruiter = next(
            (u for u in queries.recruiters(org_id) if u.public_id == args["recruiter"]), None
        )
        if recruiter is None:
            fields["recruiter"] = _("No such member of your team.")
        else:
            filters.recruiter_id = recruiter.id
    since = inputs.instant(args.get("updated_since"), "updated_since", fields)
    limit = paging.limit_arg(fields)
    if fields:
        raise inputs.Invalid(_("Some filters are not valid."), fields)
    query = queries.with_everything(queries.captures(org_id, filters))
    if since is not None:
        query = query.where(Capture.updated_at >= since)
    found = paging.page("captures", query, CAPTURE_KEYS, limit)
    return jsonify(
        captures=[api_serialize.capture(c) for c in found.rows],
        next=found.next,
    )


@bp.get("/captures/<capture_id>")
def read_capture(capture_id: str):
    capture = queries.capture_or_none(current_org_id(), capture_id)
    if capture is None:
        return error_response(404)
    return jsonify(capture=api_serialize.capture(capture))


@bp.get("/events/<event_id>/badges/<token>")
def badge_lookup(event_id: str, token: str):
    """Check a scanned badge and find the company's capture of that person, if any."""
    ev = events.access(current_org_id(), event_id)
    try:
        attendee, capture = lookup_badge(ev, token)
    except ItemError as error:
        return _item_error(error)
    return jsonify(
        attendee={
            "id": attendee.public_id,
            "name": attendee.name,
            "company": attendee.company,
            "title": attendee.title,
            "availability": attendee.availability.value if attendee.availability else None,
            # Printed under the QR code: the phone then knows the code if it is typed later.
            "badge_code": attendee.formatted_badge_code,
        },
        capture=api_serialize.capture(capture) if capture else None,
    )


@bp.get("/events/<event_id>/badge-codes/<badge_code>")
@limiter.limit(configured("BADGE_CODE_RATE_LIMIT"))
def badge_code_lookup(event_id: str, badge_code: str):
    """Who a typed badge code is printed for: name and company, as on the badge; else 404."""
    ev = events.access(current_org_id(), event_id)
    attendee = badge_codes.attendee_by_code(ev.event, badge_code)
    if attendee is None:
        return error_response(404, _("No badge of this event has this code."))
    return jsonify(
        badge={
            "code": attendee.formatted_badge_code,
            "name": attendee.name,
            "company": attendee.company,
        }
    )
