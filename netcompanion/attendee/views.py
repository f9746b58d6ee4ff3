"""The organizer's attendee pages, and the public self-registration page of an event."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..account.forms import ConfirmForm
from ..account.permissions import managers_only
from ..badge.service import badge_token, badge_url
from ..event import service as events
from ..event.models import Event
from ..exceptions import Rejected
from ..extensions import db, limiter
from ..formhelpers import form_status, perform, show_rejection
from ..mail import mail_configured, send_mail
from ..paging import page_number
from ..ratelimits import configured, not_posting
from ..scoping import current_org_id
from . import service
from .forms import AttendeeDetailsForm, SelfRegistrationForm
from .models import Availability

bp = Blueprint("attendee", __name__)

PAGE_SIZE = 50


@bp.route("/events/<event_id>/attendees")
@login_required
def index(event_id: str):
    ev = events.organizer_access(current_org_id(), event_id)
    search = request.args.get("q", "").strip()[:100]
    page = page_number(request.args)
    pagination = db.paginate(
        service.attendees_query(ev, search), page=page, per_page=PAGE_SIZE, error_out=False
    )
    return render_template(
        "attendee/index.html",
        ev=ev,
        pagination=pagination,
        search=search,
        total=service.count(ev),
        confirm_form=ConfirmForm(),
        registration_link=current_app.config["BASE_URL"]
        + url_for("attendee.register", event_id=ev.event.public_id),
    )


@bp.route("/events/<event_id>/attendees/new", methods=["GET", "POST"])
@login_required
def create(event_id: str):
    ev = events.organizer_access(current_org_id(), event_id)
    form = AttendeeDetailsForm()
    if form.validate_on_submit():
        try:
            attendee = service.add(current_user, ev, form.details())
        except Rejected as error:
            db.session.rollback()
            show_rejection(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s is registered.", name=attendee.name), "success")
            if request.form.get("then") == "another":
                return redirect(url_for("attendee.create", event_id=event_id))
            return redirect(
                url_for("attendee.show", event_id=event_id, attendee_id=attendee.public_id)
            )
    return render_template("attendee/form.html", form=form, ev=ev, attendee=None), form_status(form)


@bp.route("/events/<event_id>/attendees/<attendee_id>", methods=["GET", "POST"])
@login_required
def show(event_id: str, attendee_id: str):
    ev = events.organizer_access(current_org_id(), event_id)
    attendee = service.attendee_or_404(ev, attendee_id)
    form = AttendeeDetailsForm(obj=attendee)
    if form.validate_on_submit():
        try:
            service.update(current_user, ev, attendee, form.details())
        except Rejected as error:
            db.session.rollback()
            show_rejection(form, error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("attendee.show", event_id=event_id, attendee_id=attendee_id))
    return render_template(
        "attendee/show.html",
        form=form,
        ev=ev,
        attendee=attendee,
        badge_url=badge_url(attendee),
        token=badge_token(attendee),
        confirm_form=ConfirmForm(),
    ), form_status(form)


@bp.route("/events/<event_id>/attendees/<attendee_id>/reissue", methods=["POST"])
@login_required
@managers_only
def reissue(event_id: str, attendee_id: str):
    ev = events.organizer_access(current_org_id(), event_id)
    attendee = service.attendee_or_404(ev, attendee_id)
    if ConfirmForm().validate_on_submit():
        perform(
            lambda: service.reissue_badge(current_user, ev, attendee),
            _("New badge issued. Earlier copies of this badge no longer work."),
        )
    return redirect(url_for("attendee.show", event_id=event_id, attendee_id=attendee_id))


@bp.route("/events/<event_id>/attendees/<attendee_id>/delete", methods=["POST"])
@login_required
@managers_only
def delete(event_id: str, attendee_id: str):
    ev = events.organizer_access(current_org_id(), event_id)
    attendee = service.attendee_or_404(ev, attendee_id)
    if ConfirmForm().validate_on_submit():
        name = attendee.name
        perform(
            lambda: service.delete(current_user, ev, attendee),
            _("%(name)s was removed.", name=name),
        )
    return redirect(url_for("attendee.index", event_id=event_id))


@bp.route("/events/<event_id>/attendees/<attendee_id>/send-badge", methods=["POST"])
@login_required
def send_badge(event_id: str, attendee_id: str):
    ev = events.organizer_access(current_org_id(), event_id)
    attendee = service.attendee_or_404(ev, attendee_id)
    if ConfirmForm().validate_on_submit():
        key = service.new_access_key(attendee)
        db.session.commit()
        mail_badge_link(attendee, key)
        flash(_("Badge link sent to %(email)s.", email=attendee.email), "success")
    return redirect(url_for("attendee.show", event_id=event_id, attendee_id=attendee_id))


@bp.route("/events/<event_id>/registration", methods=["POST"])
@login_required
def toggle_registration(event_id: str):
    ev = events.organizer_access(current_org_id(), event_id)
    if ConfirmForm().validate_on_submit() and current_user.role.can_manage_events:
        ev.event.self_registration_open = not ev.event.self_registration_open
        db.session.commit()
        if ev.event.self_registration_open:
            flash(_("Self-registration is open."), "success")
        else:
            flash(_("Self-registration is closed."), "success")
    return redirect(url_for("attendee.index", event_id=event_id))


def own_badge_link(key: str) -> str:
    return current_app.config["BASE_URL"] + url_for("badge.mine", key=key)


def mail_badge_link(attendee, key: str) -> None:
    send_mail(
        attendee.email,
        _("Your badge for %(event)s", event=attendee.event.name),
        render_template("attendee/badge_email.txt", attendee=attendee, link=own_badge_link(key)),
    )


# Public self-registration -------------------------------------------------------------------


def _public_event(event_id: str) -> Event:
    event = db.session.scalars(db.select(Event).where(Event.public_id == event_id)).first()
    if event is None:
        abort(404)
    return event


@bp.route("/e/<event_id>/register", methods=["GET", "POST"])
@limiter.limit(configured("REGISTRATION_RATE_LIMIT"), exempt_when=not_posting)
def register(event_id: str):
    event = _public_event(event_id)
    if not event.self_registration_open:
        return render_template("attendee/registration_closed.html", event=event), 404
    form = SelfRegistrationForm()
    if form.validate_on_submit():
        if form.website_confirm.data:
            # A bot filled the hidden field: answer as if all went well, store nothing.
            return render_template("attendee/registered.html", event=event, link=None), 200
        consent = service.Consent(
            share_contact=form.share_contact.data,
            text=str(form.share_contact.label.text),
            locale=str(get_locale()),
        )
        availability = Availability(form.availability.data) if form.availability.data else None
        try:
            attendee, key = service.register_self(
                event,
                form.details(),
                availability,
                consent,
                form.show_linkedin.data,
                form.show_website.data,
            )
        except Rejected as error:
            db.session.rollback()
            show_rejection(form, error)
        else:
            if key is None:
                # Already registered: a new link goes to that inbox only, never to this screen.
                # Without mail the old link stays valid, or a stranger could lock them out.
                if mail_configured():
                    mail_badge_link(attendee, service.new_access_key(attendee))
                    db.session.commit()
                return render_template("attendee/registered.html", event=event, link=None)
            db.session.commit()
            mail_badge_link(attendee, key)
            return render_template(
                "attendee/registered.html", event=event, link=own_badge_link(key)
            )
    return render_template("attendee/register.html", form=form, event=event), form_status(form)
