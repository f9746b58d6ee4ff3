"""Dashboard: my events and the next steps that matter today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from ..account.service import active_members
from ..attendee.models import Attendee
from ..event import service as events
from ..extensions import db
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
    registered = _attendee_counts([ev.event.id for ev in upcoming[:3] if ev.is_organizer])
    for ev in upcoming[:3]:
        if ev.is_organizer and not registered.get(ev.event.id):
            steps.append(
                NextStep(
                    _("Register attendees for %(event)s", event=ev.event.name),
                    _("Import a CSV file, add people, or share the self-registration link."),
                    url_for("attendee.index", event_id=ev.event.public_id),
                    _("Attendees"),
                )
            )
        elif ev.is_organizer:
            steps.append(
                NextStep(
                    _("Print badges for %(event)s", event=ev.event.name),
                    ngettext(
                        "%(num)d attendee registered.",
                        "%(num)d attendees registered.",
                        registered[ev.event.id],
                    ),
                    url_for("printing.badges", event_id=ev.event.public_id),
                    _("Print badges"),
                )
            )
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


def _attendee_counts(event_ids: list[int]) -> dict[int, int]:
    if not event_ids:
        return {}
    query = (
        select(Attendee.event_id, func.count())
        .where(Attendee.event_id.in_(event_ids))
        .group_by(Attendee.event_id)
    )
    return dict(db.session.execute(query).all())


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
