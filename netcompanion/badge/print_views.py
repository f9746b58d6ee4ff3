"""Printing: badge sheets for an event, one attendee's badge, a booth's poster."""

from __future__ import annotations

import io

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import Length, Optional

from .. import filenames
from ..attendee import service as attendees
from ..attendee.importing import reissued_by_import
from ..event import service as events
from ..exceptions import Rejected
from ..extensions import db
from ..formhelpers import form_status, show_rejection
from ..scoping import current_org_id
from ..webform import BaseForm
from . import pdf, printing
from .service import booth_url

bp = Blueprint("printing", __name__)


class PrintForm(BaseForm):
    layout = SelectField(_l("Layout"), choices=lambda: list(printing.LAYOUT_LABELS.items()))
    q = StringField(_l("Only attendees matching"), validators=[Optional(), Length(max=100)])
    #: An attendee import's job: print only the badges it reissued.
    reissued = HiddenField(validators=[Optional(), Length(max=32)])


def _pdf_response(write, download_name: str):
    buffer = io.BytesIO()
    write(buffer)
    buffer.seek(0)
    response = send_file(
        buffer,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=filenames.download_name(download_name),
    )
    response.headers["Cache-Control"] = "private, no-store"  # attendees' names: kept nowhere
    return response


@bp.route("/events/<event_id>/badges", methods=["GET", "POST"])
@login_required
def badges(event_id: str):
    ev = events.organizer_access(current_org_id(), event_id)
    form = PrintForm(reissued=request.args.get("reissued", ""))
    only = reissued_by_import(ev, form.reissued.data) if form.reissued.data else None
    if form.validate_on_submit():
        try:
            job = printing.start_badge_job(
                current_user,
                ev,
                form.layout.data,
                (form.q.data or "").strip(),
                return_url=url_for("attendee.index", event_id=event_id),
                only=only,
            )
        except Rejected as error:
            db.session.rollback()
            show_rejection(form, error)
        else:
            return redirect(url_for("job.show", job_id=job.public_id))
    total = printing.count(ev, only=only)
    return render_template(
        "badge/print.html", ev=ev, form=form, total=total, only=only
    ), form_status(form)


@bp.route("/events/<event_id>/attendees/<attendee_id>/badge.pdf")
@login_required
def one_badge(event_id: str, attendee_id: str):
    ev = events.organizer_access(current_org_id(), event_id)
    attendee = attendees.attendee_or_404(ev, attendee_id)
    layout = request.args.get("layout", "badge-54x90mm")
    if layout not in pdf.LAYOUTS:
        abort(400)
    return _pdf_response(
        lambda out: pdf.write_badges([printing.face(attendee)], layout, out),
        f"badge-{attendee.name[:60]}.pdf",
    )


@bp.route("/events/<event_id>/booth/poster.pdf")
@login_required
def poster(event_id: str):
    ev = events.access(current_org_id(), event_id)
    if ev.booth is None:
        abort(404)
    paper = request.args.get("paper", "a4")
    if paper not in printing.POSTER_PAPERS:
        abort(400)
    booth = ev.booth
    return _pdf_response(
        lambda out: pdf.write_poster(
            event_name=ev.event.name,
            booth_name=booth.booth_name,
            location=booth.booth_location,
            url=booth_url(booth),
            paper=paper,
            out=out,
            headline=_("Scan to leave your details"),
        ),
        f"poster-{booth.booth_name[:60]}.pdf",
    )
