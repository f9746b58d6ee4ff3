"""Dashboard: my events and the next steps that matter today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..account.service import active_members
from ..event import service as events
from ..scoping import current_org_id

bp = Blueprint("dashboard", __name__)


@dataclass
class NextStep:
    title: str
    detail: str
    url: str
    action: str


def next_steps(event_list: list[events.EventAccess], team_size: int) -> list[NextStep]:
    """Suggest what to do next, most useful first."""
    steps: list[NextStep] = []
    manager = current_user.role.can_manage_events
    upcoming = [e for e in event_list if e.event.ends_on >= date.today()]
    if not event_list and manager:
        steps.append(
            NextStep(
                _("Create your first event"),
                _("A career fair, a conference booth or your own meetup."),
                url_for("event.create"),
                _("Create event"),
            )
        )
        steps.append(
            NextStep(
                _("Exhibiting at someone else's event?"),
                _("Enter the join code the organizer gave you."),
                url_for("event.join"),
                _("Join with a code"),
            )
        )
    elif not event_list:
        steps.append(
            NextStep(
                _("No events yet"),
                _("Ask an admin of your team to create or join an event."),
                url_for("account.team"),
                _("See your team"),
            )
        )
    for ev in upcoming[:3]:
        if ev.booth is not None and not ev.booth.booth_location:
            steps.append(
                NextStep(
                    _("Where is your booth at %(event)s?", event=ev.event.name),
                    _("Add the hall or stand number so teammates find it."),
                    url_for("event.booth", event_id=ev.event.public_id),
                    _("Add location"),
                )
            )
    if team_size == 1 and current_user.role.can_manage_team:
        steps.append(
            NextStep(
                _("Invite your team"),
                _("Recruiters at the booth each capture on their own phone."),
                url_for("account.team"),
                _("Invite"),
            )
        )
    return steps


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("account.login"))
    event_list = events.list_for(current_org_id())
    today = date.today()
    return render_template(
        "dashboard/index.html",
        upcoming=[e for e in event_list if e.event.ends_on >= today],
        past=[e for e in event_list if e.event.ends_on < today][:5],
        steps=next_steps(event_list, len(active_members(current_org_id()))),
    )
