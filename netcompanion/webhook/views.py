"""Admins register webhook endpoints, read the delivery log and redeliver.

Every page is for owners and admins only (403 for others), and reads the company's rows only:
another company's endpoint or delivery answers 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..exceptions import Rejected
from ..extensions import db, login_manager
from ..formhelpers import perform, show_rejection
from ..paging import page_number
from ..scoping import current_org_id, get_or_404
from . import schedule, service, signing
from .forms import ConfirmForm, EndpointForm
from .models import DeliveryState, WebhookEndpoint

bp = Blueprint("webhooks", __name__)

PAGE_SIZE = 50


@bp.before_request
def admins_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.role.can_manage_team:
        abort(403)
    return None


def _details(form: EndpointForm) -> service.Details:
    return service.Details(form.url.data or "", form.description.data or "", form.topics.data or [])


@bp.get("/settings/webhooks")
@login_required
def index():
    endpoints = service.endpoints(current_org_id())
    return render_template(
        "webhook/index.html",
        endpoints=endpoints,
        health=service.health(current_org_id(), [e.id for e in endpoints]),
    )


@bp.route("/settings/webhooks/new", methods=["GET", "POST"])
@login_required
def create():
    form = EndpointForm()
    if request.method == "GET":
        form.topics.data = [choice for choice, _label in form.topics.choices]
    elif form.validate_on_submit():
        try:
            endpoint = service.create(current_user, _details(form))
        except Rejected as error:
            db.session.rollback()
            show_rejection(form, error)
        else:
            db.session.commit()
            flash(
                _("Endpoint added. Give its signing secret to the receiver to check deliveries."),
                "success",
            )
            return redirect(url_for("webhooks.show", endpoint_id=endpoint.public_id))
    status = 422 if request.method == "POST" else 200
    return render_template("webhook/new.html", form=form), status


def _render_show(endpoint: WebhookEndpoint, form: EndpointForm | None = None, status: int = 200):
    wanted = request.args.get("state", "")
    state = DeliveryState(wanted) if wanted in {s.value for s in DeliveryState} else None
    page = page_number(request.args)
    pagination = db.paginate(
        service.deliveries(endpoint, state), page=page, per_page=PAGE_SIZE, error_out=False
    )
    if form is None:
        form = EndpointForm(formdata=None, obj=endpoint)
    return render_template(
        "webhook/show.html",
        endpoint=endpoint,
        form=form,
        confirm_form=ConfirmForm(),
        pagination=pagination,
        state=state,
        states=list(DeliveryState),
        grace_hours=int(signing.PREVIOUS_SECRET_GRACE.total_seconds() // 3600),
        max_attempts=schedule.MAX_ATTEMPTS,
    ), status


@bp.get("/settings/webhooks/<endpoint_id>")
@login_required
def show(endpoint_id: str):
    return _render_show(get_or_404(WebhookEndpoint, endpoint_id))


@bp.post("/settings/webhooks/<endpoint_id>")
@login_required
def update(endpoint_id: str):
    endpoint = get_or_404(WebhookEndpoint, endpoint_id)
    form = EndpointForm()
    if form.validate_on_submit():
        try:
            service.update_endpoint(current_user, endpoint, _details(form))
        except Rejected as error:
            db.session.rollback()
            show_rejection(form, error)
        else:
            db.session.commit()
            flash(_("The endpoint is saved."), "success")
            return redirect(url_for("webhooks.show", endpoint_id=endpoint.public_id))
    return _render_show(get_or_404(WebhookEndpoint, endpoint_id), form, 422)


def _button(endpoint_id: str, action, success: str, anchor: str = ""):
    """A button's POST: check the CSRF token, run the action, flash, back to the endpoint."""
    endpoint = get_or_404(WebhookEndpoint, endpoint_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    perform(lambda: action(current_user, endpoint), success)
    return redirect(url_for("webhooks.show", endpoint_id=endpoint.public_id) + anchor)


@bp.post("/settings/webhooks/<endpoint_id>/pause")
@login_required
def pause(endpoint_id: str):
    return _button(
        endpoint_id,
        lambda user, endpoint: service.set_enabled(user, endpoint, False),
        _("Paused: new events are kept for this endpoint and go out when you resume it."),
    )


@bp.post("/settings/webhooks/<endpoint_id>/resume")
@login_required
def resume(endpoint_id: str):
    return _button(
        endpoint_id,
        lambda user, endpoint: service.set_enabled(user, endpoint, True),
        _("Resumed: waiting deliveries go out now."),
    )


@bp.post("/settings/webhooks/<endpoint_id>/secret")
@login_required
def roll_secret(endpoint_id: str):
    return _button(
        endpoint_id,
        service.roll_secret,
        _(
            "New signing secret made. For %(hours)d hours, deliveries are signed with the old "
            "one too: update the receiver within that time.",
            hours=int(signing.PREVIOUS_SECRET_GRACE.total_seconds() // 3600),
        ),
        "#secret",
    )


@bp.post("/settings/webhooks/<endpoint_id>/test")
@login_required
def send_test(endpoint_id: str):
    return _button(
        endpoint_id,
        service.send_test,
        _("Test event queued: it appears in the delivery log below once sent."),
        "#deliveries",
    )


@bp.post("/settings/webhooks/<endpoint_id>/delete")
@login_required
def delete(endpoint_id: str):
    endpoint = get_or_404(WebhookEndpoint, endpoint_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    perform(lambda: service.remove(current_user, endpoint), _("The endpoint is deleted."))
    return redirect(url_for("webhooks.index"))


def _delivery_or_404(endpoint_id: str, delivery_id: str):
    endpoint = get_or_404(WebhookEndpoint, endpoint_id)
    delivery = service.delivery_or_none(endpoint, delivery_id)
    if delivery is None:
        abort(404)
    return endpoint, delivery


@bp.get("/settings/webhooks/<endpoint_id>/deliveries/<delivery_id>")
@login_required
def delivery(endpoint_id: str, delivery_id: str):
    endpoint, found = _delivery_or_404(endpoint_id, delivery_id)
    return render_template(
        "webhook/delivery.html",
        endpoint=endpoint,
        delivery=found,
        body=service.sent_body(found).decode(),
        confirm_form=ConfirmForm(),
        user_agent=signing.USER_AGENT,
    )


@bp.post("/settings/webhooks/<endpoint_id>/deliveries/<delivery_id>/redeliver")
@login_required
def redeliver(endpoint_id: str, delivery_id: str):
    endpoint, found = _delivery_or_404(endpoint_id, delivery_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    perform(
        lambda: service.redeliver(current_user, found),
        _("Redelivery queued: it is sent within moments, with the same webhook-id."),
    )
    return redirect(
        url_for("webhooks.delivery", endpoint_id=endpoint.public_id, delivery_id=found.public_id)
    )
