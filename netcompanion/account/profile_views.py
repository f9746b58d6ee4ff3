"""A member's own profile: name, time zone, signature, daily digest and calendar feed."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..event.service import timezones
from ..extensions import db
from ..formhelpers import form_status
from ..outreach import calendar
from ..webform import BaseForm
from .forms import ConfirmForm, strip

bp = Blueprint("profile", __name__)

MAX_SIGNATURE = 2000


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _valid_zone(form, field) -> None:
    if field.data not in _zones():
        raise ValidationError(
            _("“%(zone)s” is not a time zone we know. Pick one from the list.", zone=field.data)
        )


class ProfileForm(BaseForm):
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(), Length(max=120)],
        filters=[strip],
        render_kw={"autocomplete": "name"},
    )
    timezone = SelectField(
        _l("Time zone"),
        choices=lambda: timezones(),
        validate_choice=False,  # _valid_zone says what is wrong in plain words
        validators=[DataRequired(), _valid_zone],
        description=_l("What “today” means for your follow-ups, digest and calendar."),
    )
    signature = TextAreaField(
        _l("Signature"),
        validators=[Length(max=MAX_SIGNATURE)],
        render_kw={"rows": 4},
        description=_l("Ends your messages where a template writes {{ recruiter.signature }}."),
    )
    digest_enabled = BooleanField(_l("Email me each morning what is due today"))


def _page(form: ProfileForm, *, feed_url: str | None = None, status: int = 200):
    return (
        render_template(
            "account/profile.html",
            form=form,
            confirm_form=ConfirmForm(),
            feed_on=current_user.calendar_key_hash is not None,
            feed_url=feed_url,
            webcal_url=feed_url and "webcal://" + feed_url.split("://", 1)[1],
        ),
        status,
    )


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def edit():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.name = form.name.data
        current_user.timezone = form.timezone.data
        current_user.signature = (form.signature.data or "").strip()
        current_user.digest_enabled = form.digest_enabled.data
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("profile.edit"))
    return _page(form, status=form_status(form))


@bp.post("/account/profile/calendar")
@login_required
def calendar_key():
    """Make a calendar feed link, or a new one in place of the current; show it this once."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    key = calendar.new_key(current_user)
    db.session.commit()
    url = current_app.config["BASE_URL"] + url_for("calendar.feed", key=key)
    response = current_app.make_response(_page(ProfileForm(obj=current_user), feed_url=url))
    response.headers["Cache-Control"] = "no-store"  # the page holds the secret link
    return response


@bp.post("/account/profile/calendar/revoke")
@login_required
def revoke_calendar():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    calendar.revoke(current_user)
    db.session.commit()
    flash(_("The calendar feed is off; its link no longer works."), "success")
    return redirect(url_for("profile.edit"))
