"""The page behind a booth poster's QR: attendees leave their details for the booth's company.

Public: the signed booth token in the URL is the only credential, and a forged, damaged or
retired token gets the same 404 page as one that never existed. Submissions are rate-limited
per address (per member when signed in) generously, since a whole hall shares the venue's
Wi-Fi, and more tightly per booth. A hidden field turns naive bots away: they get the
thank-you page and nothing is written.
"""

from __future__ import annotations

from flask import Blueprint, flash, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..attendee import service as attendees
from ..attendee.models import Availability
from ..badge import vcard as vcards
from ..badge.service import resolve_booth
from ..event.models import Exhibitor
from ..exceptions import Rejected
from ..extensions import db, limiter
from ..formhelpers import form_status, show_rejection
from ..ratelimits import configured, not_posting, per_link
from . import booth as booths
from .booth_forms import BoothForm, ShareForm

bp = Blueprint("booth", __name__)

#: Shared by the details form and "Share my card": one budget per requester for both, across
#: every booth, and a smaller one per booth.
FORM_SCOPE = "booth-form"
BOOTH_SCOPE = "booth-link"


_badge_limit = configured("BADGE_RATE_LIMIT")
_form_limit = configured("BOOTH_FORM_RATE_LIMIT")
_booth_limit = configured("LINK_RATE_LIMIT")


def _invalid():
    return render_template("badge/invalid.html", booth=True), 404


def _page(booth: Exhibitor, token: str, form: BoothForm, share: ShareForm, **extra):
    return render_template(
        "capture/booth_form.html", booth=booth, token=token, form=form, share=share, **extra
    )


def _thanks(booth: Exhibitor, token: str):
    return render_template("capture/booth_thanks.html", booth=booth, token=token)


def _availability(form) -> Availability | None:
    return Availability(form.availability.data) if form.availability.data else None


def _record(booth: Exhibitor, form, details: dict, attendee=None) -> None:
    """Record and commit; a twin submission racing this one is merged into on a retry."""
    for attempt in range(2):
        try:
            booths.record_booth(
                booth,
                details,
                booths.clean_interests(form.interests.data or [], form.other_interests.data or ""),
                _availability(form),
                form.message.data or "",
                str(form.consent.label.text),
                str(get_locale()),
                attendee,
            )
            db.session.commit()
            return
        except IntegrityError:
            db.session.rollback()
            if attempt:
                raise


@bp.route("/j/<token>", methods=["GET", "POST"])
@limiter.limit(_badge_limit)
@limiter.shared_limit(_form_limit, scope=FORM_SCOPE, exempt_when=not_posting)
@limiter.shared_limit(
    _booth_limit, scope=BOOTH_SCOPE, key_func=per_link("token"), exempt_when=not_posting
)
def form(token: str):
    booth = resolve_booth(token)
    if booth is None:
        return _invalid()
    form = BoothForm().for_booth(booth)
    share = ShareForm(prefix="share", formdata=None).for_booth(booth)
    if request.method == "POST" and form.website2.data:
        return _thanks(booth, token)  # a bot: answer as if all went well, store nothing
    if form.validate_on_submit():
        try:
            _record(booth, form, form.details())
        except Rejected as error:
            db.session.rollback()
            show_rejection(form, error)
        else:
            return _thanks(booth, token)
    return _page(booth, token, form, share), form_status(form)


@bp.route("/j/<token>/share", methods=["POST"])
@limiter.limit(_badge_limit)
@limiter.shared_limit(_form_limit, scope=FORM_SCOPE)
@limiter.shared_limit(_booth_limit, scope=BOOTH_SCOPE, key_func=per_link("token"))
def share(token: str):
    """Send the attendee's own card, identified by the badge-page key this phone remembers."""
    booth = resolve_booth(token)
    if booth is None:
        return _invalid()
    share = ShareForm(prefix="share").for_booth(booth)
    # Shown again on a refusal, with the extras that came along in place for the next tap.
    form = BoothForm(formdata=None, data=share.extras()).for_booth(booth)
    attendee = attendees.attendee_for_access_key(share.key.data or "")
    if attendee is None or attendee.event_id != booth.event_id:
        if attendee is None:
            flash(_("We could not find your badge. Fill in the form instead."), "error")
        else:
            flash(_("Your badge is for another event. Fill in the form instead."), "error")
        # The page tells this phone to stop offering the card it remembers.
        return _page(booth, token, form, share, forget_me=True), 422
    if share.validate_on_submit():
        try:
            _record(booth, share, {}, attendee)
        except Rejected as error:
            db.session.rollback()
            show_rejection(share, error)
        else:
            return _thanks(booth, token)
    for key in share.extras():  # these came from the details form: say why there
        form[key].errors = list(share[key].errors)
    return _page(booth, token, form, share, sharer=attendee), 422


@bp.route("/j/<token>/contact.vcf")
@limiter.limit(_badge_limit)
def contact_card(token: str):
    """The booth as a contact card: company, booth, and where and when they met."""
    booth = resolve_booth(token)
    if booth is None:
        return _invalid()
    return vcards.download(booths.booth_card(booth), booth.booth_name)
