"""What a badge QR opens, the attendee's own badge page, and QR images.

A booth poster's QR opens ``capture/booth_views.py``.

These pages are public: the token in the URL is the credential. A forged, damaged or revoked
token gets the same 404 page as one that never existed, so nothing about other attendees leaks.
"""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..attendee import service as attendees
from ..attendee.forms import ConsentForm
from ..dbtypes import utcnow
from ..event.models import Exhibitor
from ..extensions import db, limiter
from ..ratelimits import configured, per_link
from . import qr
from . import vcard as vcards
from .service import badge_token, badge_url, resolve_badge
from .vcard import public_card

bp = Blueprint("badge", __name__)

#: QR images never change for a given token, so clients may keep them.
IMMUTABLE = "public, max-age=31536000, immutable"


_badge_limit = configured("BADGE_RATE_LIMIT")


def _per_badge(view_arg: str):
    """One budget per badge and requester across its pages: a client hammering one badge stops
    there, while the hall behind the same address keeps its own budget."""
    return limiter.shared_limit(
        configured("LINK_RATE_LIMIT"), scope="badge-link", key_func=per_link(view_arg)
    )


def _exhibiting_booth(attendee) -> Exhibitor | None:
    """The signed-in user's booth at the attendee's event, if their company exhibits there."""
    if not current_user.is_authenticated:
        return None
    return db.session.scalars(
        select(Exhibitor).where(
            Exhibitor.event_id == attendee.event_id,
            Exhibitor.organization_id == current_user.organization_id,
        )
    ).first()


def invalid_badge():
    return render_template("badge/invalid.html"), 404


@bp.route("/b/<token>")
@limiter.limit(_badge_limit)
@_per_badge("token")
def card(token: str):
    attendee = resolve_badge(token)
    if attendee is None:
        return invalid_badge()
    return render_template(
        "badge/card.html",
        attendee=attendee,
        token=token,
        booth=_exhibiting_booth(attendee),
    )


@bp.route("/b/<token>/contact.vcf")
@limiter.limit(_badge_limit)
@_per_badge("token")
def vcard(token: str):
    attendee = resolve_badge(token)
    if attendee is None:
        return invalid_badge()
    note = _("Met at %(event)s", event=attendee.event.name)
    return vcards.download(public_card(attendee, note), attendee.name)


def _qr_response(data: str, kind: str) -> Response:
    etag = hashlib.sha256(f"{kind}:{data}".encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    elif kind == "svg":
        response = Response(qr.svg(data), mimetype="image/svg+xml")
    else:
        response = Response(qr.png(data), mimetype="image/png")
    response.set_etag(etag)
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.route("/b/<token>/qr.<any(svg, png):kind>")
@limiter.limit(_badge_limit)
@_per_badge("token")
def badge_qr(token: str, kind: str):
    attendee = resolve_badge(token)
    if attendee is None:
        abort(404)
    return _qr_response(badge_url(attendee), kind)


# The attendee's own badge page ---------------------------------------------------------------


def _mine_or_404(key: str):
    attendee = attendees.attendee_for_access_key(key)
    if attendee is None:
        abort(404)
    return attendee


@bp.route("/me/<key>", methods=["GET", "POST"])
@limiter.limit(_badge_limit)
@_per_badge("key")
def mine(key: str):
    attendee = _mine_or_404(key)
    form = ConsentForm(obj=attendee, share_contact=attendee.consent_share_contact)
    if form.validate_on_submit():
        if form.share_contact.data != attendee.consent_share_contact:
            attendee.consent_share_contact = form.share_contact.data
            attendee.consent_text = str(form.share_contact.label.text)
            attendee.consent_locale = str(get_locale())
            attendee.consent_at = utcnow()
        attendee.show_linkedin = form.show_linkedin.data
        attendee.show_website = form.show_website.data
        db.session.commit()
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("badge.mine", key=key))
    response = Response(
        render_template(
            "badge/mine.html", attendee=attendee, token=badge_token(attendee), form=form, key=key
        )
    )
    # Private, but the phone may keep it to show at the door without a network.
    response.headers["Cache-Control"] = "private, max-age=0, must-revalidate"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/me/sw.js")
def mine_service_worker():
    """Served from /me/ so its scope covers the badge pages and nothing else."""
    response = send_from_directory(current_app.static_folder, "badge/sw.js")
    response.headers["Cache-Control"] = "no-cache"
    return response
