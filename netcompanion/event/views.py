"""Event pages: list, create, edit, exhibitors, booth, and joining with a code."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..account.forms import ConfirmForm
from ..errors import error_response
from ..exceptions import Rejected
from ..extensions import db, limiter
from ..followup.coming import coming
from ..followup.queries import rule_list_names, user_today
from ..formhelpers import form_status, perform, show_rejection
from ..ratelimits import configured, not_posting
from ..scoping import current_org_id
from . import service
from .forms import BoothForm, EventForm, JoinForm, NewEventForm

bp = Blueprint("event", __name__, url_prefix="/events")


@bp.route("/")
@login_required
def index():
    return render_template("event/index.html", events=service.list_for(current_org_id()))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    form = NewEventForm()
    if form.validate_on_submit():
        try:
            event = service.create_event(current_user, form.details(), form.with_booth.data)
        except Rejected as error:
            db.session.rollback()
            show_rejection(form, error)
        else:
            db.session.commit()
            flash(_("Event created. Share the join code with exhibitors."), "success")
            return redirect(url_for("event.show", event_id=event.public_id))
    return render_template("event/form.html", form=form, ev=None), form_status(form)


@bp.route("/<event_id>")
@login_required
def show(event_id: str):
    ev = service.access(current_org_id(), event_id)
    join_link = None
    if ev.is_organizer:
        join_link = current_app.config["BASE_URL"] + url_for(
            "event.join", code=service.format_join_code(ev.event.join_code)
        )
    org_id = current_org_id()
    return render_template(
        "event/show.html",
        ev=ev,
        registered=coming(org_id, user_today(current_user), event_id=ev.event.id),
        rule_lists=rule_list_names(org_id, ev.event.id),
        exhibitors=service.exhibitors(ev) if ev.is_organizer else [],
        join_code=service.format_join_code(ev.event.join_code) if ev.is_organizer else None,
        join_link=join_link,
        confirm_form=ConfirmForm(),
    )


@bp.route("/<event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: str):
    ev = service.access(current_org_id(), event_id)
    if not ev.is_organizer:
        return error_response(403, _("Only the organizer can edit this event."))
    form = EventForm(obj=ev.event)
    if form.validate_on_submit():
        try:
            service.update_event(current_user, ev, form.details())
        except Rejected as error:
            db.session.rollback()
            show_rejection(form, error)
        else:
            db.session.commit()
            flash(_("Event saved."), "success")
            return redirect(url_for("event.show", event_id=event_id))
    return render_template("event/form.html", form=form, ev=ev), form_status(form)


@bp.route("/<event_id>/join-code", methods=["POST"])
@login_required
def rotate_join_code(event_id: str):
    ev = service.access(current_org_id(), event_id)
    if ConfirmForm().validate_on_submit():
        perform(
            lambda: service.rotate_join_code(current_user, ev),
            _("New join code issued. The old one no longer works."),
        )
    return redirect(url_for("event.show", event_id=event_id))


@bp.route("/<event_id>/exhibitors/<exhibitor_id>/remove", methods=["POST"])
@login_required
def remove_exhibitor(event_id: str, exhibitor_id: str):
    ev = service.access(current_org_id(), event_id)
    if ConfirmForm().validate_on_submit():
        perform(
            lambda: service.remove_exhibitor(current_user, ev, exhibitor_id),
            lambda removed: _(
                "%(name)s no longer exhibits at this event.", name=removed.booth_name
            ),
        )
    return redirect(url_for("event.show", event_id=event_id))


@bp.route("/<event_id>/booth", methods=["GET", "POST"])
@login_required
def booth(event_id: str):
    ev = service.access(current_org_id(), event_id)
    if ev.booth is None:
        flash(_("Your company has no booth at this event."), "error")
        return redirect(url_for("event.show", event_id=event_id))
    form = BoothForm(obj=ev.booth)
    if form.validate_on_submit():
        service.update_booth(ev.booth, form.booth_name.data, form.booth_location.data or "")
        db.session.commit()
        flash(_("Booth saved."), "success")
        return redirect(url_for("event.show", event_id=event_id))
    return render_template("event/booth.html", form=form, ev=ev), form_status(form)


@bp.route("/<event_id>/booth/add", methods=["POST"])
@login_required
def add_own_booth(event_id: str):
    ev = service.access(current_org_id(), event_id)
    if ConfirmForm().validate_on_submit():
        perform(
            lambda: service.add_own_booth(current_user, ev),
            _("Your company now has a booth at this event."),
        )
    return redirect(url_for("event.show", event_id=event_id))


@bp.route("/join", methods=["GET", "POST"])
@login_required
@limiter.limit(configured("JOIN_RATE_LIMIT"), exempt_when=not_posting)
def join():
    form = JoinForm()
    if request.method == "GET":
        typed = request.args.get("code", "")
        code = service.read_join_code(typed)
        if code is not None and typed != service.format_join_code(code):
            # A link has one spelling, whatever was typed into the address bar.
            return redirect(url_for("event.join", code=service.format_join_code(code)))
        form.code.data = typed
        form.booth_name.data = current_user.organization.name
    preview = service.event_for_join_code(form.code.data or "")
    if form.validate_on_submit():
        try:
            booth = service.join(
                current_user, form.code.data, form.booth_name.data, form.booth_location.data or ""
            )
        except Rejected as error:
            db.session.rollback()
            show_rejection(form, error)
        else:
            db.session.commit()
            flash(_("You exhibit at %(event)s.", event=booth.event.name), "success")
            return redirect(url_for("event.show", event_id=booth.event.public_id))
    return render_template("event/join.html", form=form, preview=preview), form_status(form)
