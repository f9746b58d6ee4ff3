"""The calendar feed URL that a member's phone calendar subscribes to.

Public: the secret key in the path is the credential (see ``outreach/calendar.py``). An unknown,
replaced or revoked key, or a removed member's, answers the same plain 404.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort

from ..dbtypes import utcnow
from ..extensions import limiter
from ..ratelimits import configured, per_link
from . import calendar

bp = Blueprint("calendar", __name__)


@bp.get("/calendar/<key>.ics")
# Per feed: calendar services fetch everyone's feeds from a handful of addresses.
@limiter.limit(configured("CALENDAR_RATE_LIMIT"), key_func=per_link("key"))
def feed(key: str):
    user = calendar.user_for_key(key)
    if user is None:
        abort(404)
    response = Response(calendar.feed(user, utcnow()), mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, no-store"
    # Keep the key out of any page a calendar client might follow from here.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
