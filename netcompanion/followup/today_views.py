"""The Today view: what a recruiter should follow up now, oldest first, with one-tap actions.

"Today" is the recruiter's own date (their profile's time zone). A page is a fixed number of
queries: the due entries with their contact, list, stage and owner; their count; the last
encounter of every person on the page; the count due in the coming week; who is coming to
events.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ..paging import page_number
from . import coming, queries

bp = Blueprint("today", __name__)

PAGE_SIZE = 50
#: How many registered people the Today view names per event; the event page lists them all.
COMING_PER_EVENT = 10


@bp.route("/today")
@login_required
def index():
    user = current_user._get_current_object()
    everyone = request.args.get("who") == "team" and user.role.can_manage_team
    today = queries.user_today(user)
    pagination = queries.page_of(
        queries.due_entries(user, today, everyone=everyone),
        page=page_number(request.args),
        per_page=PAGE_SIZE,
        total=queries.due_count(user, today, everyone=everyone),
    )
    rows = pagination.items
    encounters = queries.last_encounters(
        user.organization_id,
        [entry.contact_id for entry in rows],
        [entry.capture_id for entry in rows if entry.capture_id],
    )
    return render_template(
        "followup/today.html",
        pagination=pagination,
        encounters=encounters,
        today=today,
        everyone=everyone,
        upcoming=queries.upcoming_count(user, today, everyone=everyone),
        coming=coming.by_event(coming.coming(user.organization_id, today)),
        coming_per_event=COMING_PER_EVENT,
    )
