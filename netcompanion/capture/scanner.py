"""The recruiter's scanner page, and ``/scan``: the installed app's start page."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..attendee.models import Availability
from ..event import service as events
from ..extensions import db
from ..followup import service as followups
from ..scoping import current_org_id
from .models import EventQuestion, Rating

bp = Blueprint("scanner", __name__)


def scanner_config(ev: events.EventAccess) -> dict:
    """Everything the scanner needs to work without a network, embedded in its page."""
    event = ev.event
    questions = db.session.scalars(
        select(EventQuestion)
        .where(EventQuestion.event_id == event.id)
        .order_by(EventQuestion.position, EventQuestion.id)
    )
    scan_url = url_for("scanner.scan", event_id=event.public_id)
    lists = db.session.scalars(followups.lists_query(current_user.organization_id))
    automatic = followups.rule_lists(current_user.organization_id, {event.id})
    return {
        "event": {"id": event.public_id, "name": event.name, "timezone": event.timezone},
        "booth": {"name": ev.booth.booth_name, "location": ev.booth.booth_location},
        "user": {"id": current_user.public_id, "name": current_user.name},
        "organization": {
            "id": current_user.organization.public_id,
            "name": current_user.organization.name,
        },
        "tags": list(event.interest_tags or []),
        # "Queue for follow-up": the lists to offer, and those that take every capture anyway.
        "lists": [{"id": lst.public_id, "name": lst.name} for lst in lists],
        "automatic_lists": [lst.name for lst in automatic.get(event.id, [])],
        "questions": [
            {"id": q.public_id, "kind": q.kind.value, "prompt": q.prompt, "options": q.options}
            for q in questions
        ],
        "ratings": [{"value": r.value, "label": r.label} for r in Rating],
        "availability": [{"value": a.value, "label": a.label} for a in Availability],
        "urls": {
            "session": url_for("capture_api.session"),
            "batch": url_for("capture_api.create_batch"),
            "captures": url_for("capture_api.list_captures"),
            # The scanner appends the token.
            "badge_lookup": url_for(
                "capture_api.badge_lookup",
                event_id=event.public_id,
                token="-",  # noqa: S106
            ).removesuffix("-"),
            "badge_code_lookup": url_for(
                "capture_api.badge_code_lookup", event_id=event.public_id, badge_code="-"
            ).removesuffix("-"),
            "login": url_for("account.login", next=scan_url),
            "list": url_for("capture.index", event_id=event.public_id),
            "scan": scan_url,
        },
        "badge_prefix": f"{current_app.config['BASE_URL']}/b/",
    }


@bp.route("/events/<event_id>/scan")
@login_required
def scan(event_id: str):
    ev = events.access(current_org_id(), event_id)
    if ev.booth is None:
        return render_template("capture/no_booth.html", ev=ev), 403
    return render_template("capture/scan.html", event=ev.event, config=scanner_config(ev))


@bp.route("/scan")
@login_required
def start():
    """Open the scanner of the event on today (or the next one) where the company exhibits."""
    today = date.today()
    exhibiting = [ev for ev in events.list_for(current_org_id()) if ev.booth is not None]
    current = [ev for ev in exhibiting if ev.event.ends_on >= today]
    if not current:
        return redirect(url_for("event.index"))
    return redirect(url_for("scanner.scan", event_id=current[0].event.public_id))
