"""JSON API under /api/v1/: what the scanner syncs through, and what integrations read.

Signed-in sessions authenticate it; POSTs carry the CSRF token in ``X-CSRFToken``. Every error
has one shape (see ``errors.py``); a batch answers per item, so one bad capture never blocks
the other 499.
"""

from __future__ import annotations

import base64
import binascii

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ..errors import error_response
from ..event import service as events
from ..extensions import db
from ..scoping import current_org_id
from . import queries, serialize
from .items import ItemError
from .models import Capture, Rating
from .recording import MAX_BATCH, lookup_badge, record

bp = Blueprint("capture_api", __name__, url_prefix="/api/v1")

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise _Invalid(_("Send a JSON object with the Content-Type application/json."), {})
    return body


class _Invalid(Exception):
    def __init__(self, message: str, fields: dict):
        self.message, self.fields = message, fields


@bp.errorhandler(_Invalid)
def _invalid(error: _Invalid):
    return error_response(422, error.message, error.fields or None)


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
    outcome = record(current_user, [_body()])[0]
    if outcome.error is not None:
        return _item_error(outcome.error)
    return jsonify(outcome.as_json()), 201 if outcome.status == "created" else 200


def _item_error(error: ItemError):
    return jsonify(error=error.as_json()), 422


@bp.post("/captures/batch")
def create_batch():
    current_org_id()
    items = _body().get("captures")
    if not isinstance(items, list) or not items:
        raise _Invalid(
            _("Send the captures as a non-empty list."),
            {"captures": _("Must be a list of 1 to %(limit)d captures.", limit=MAX_BATCH)},
        )
    if len(items) > MAX_BATCH:
        raise _Invalid(
            _("Too many captures in one batch."),
            {"captures": _("Must be a list of 1 to %(limit)d captures.", limit=MAX_BATCH)},
        )
    outcomes = record(current_user, items)
    return jsonify(results=[outcome.as_json() for outcome in outcomes])


def _cursor(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        message = _("This page link is damaged.")
        raise _Invalid(message, {"cursor": _("Not a cursor we issued.")}) from None


def _make_cursor(capture_id: int) -> str:
    return base64.urlsafe_b64encode(str(capture_id).encode()).decode().rstrip("=")


@bp.get("/captures")
def list_captures():
    org_id = current_org_id()
    args = request.args
    filters = queries.Filters(
        tag=args.get("tag", ""),
        search=args.get("q", ""),
        attendee_public_id=args.get("attendee", ""),
    )
    fields = {}
    if args.get("event"):
        filters.event_id = events.access(org_id, args["event"]).event.id
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
    try:
        limit = int(args.get("limit", PAGE_SIZE))
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise ValueError
    except ValueError:
        fields["limit"] = _("A number from 1 to %(limit)d.", limit=MAX_PAGE_SIZE)
        limit = PAGE_SIZE
    if fields:
        raise _Invalid(_("Some filters are not valid."), fields)
    query = queries.captures(org_id, filters)
    after = _cursor(args.get("cursor"))
    if after is not None:
        query = query.where(Capture.id < after)
    page = list(db.session.scalars(queries.with_everything(query.limit(limit + 1))).unique())
    more = len(page) > limit
    page = page[:limit]
    return jsonify(
        captures=[serialize.full(c) for c in page],
        next=_make_cursor(page[-1].id) if more else None,
    )


@bp.get("/captures/<capture_id>")
def read_capture(capture_id: str):
    capture = queries.capture_or_none(current_org_id(), capture_id)
    if capture is None:
        return error_response(404)
    return jsonify(capture=serialize.full(capture))


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
        },
        capture=serialize.full(capture) if capture else None,
    )
