"""CSV import of attendees: upload, map the columns, preview the changes, confirm or cancel."""

from __future__ import annotations

import re
import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.file import FileField, FileRequired

from ..badge.printing import PRINTED_FIELDS
from ..event import service as events
from ..extensions import db
from ..job import runner
from ..job.models import Status
from ..scoping import current_org_id
from ..webform import BaseForm
from . import csvimport
from . import service as attendees
from .importing import (
    APPLY,
    PREVIEW,
    import_job,
    may_apply,
    reissue_notice,
    reissued_by_import,
    saved_mapping,
    start_apply,
    start_preview,
)
from .models import Attendee

bp = Blueprint("attendee_import", __name__)

UPLOAD_NAME = re.compile(r"^upload-[\w-]{16}-[\w-]{22}\.csv$")
#: People listed per section of the preview; the counts always cover everyone.
SHOWN = 500


class UploadForm(BaseForm):
    file = FileField(_l("CSV file (UTF-8)"), validators=[FileRequired(_l("Choose a CSV file."))])


class ConfirmImportForm(BaseForm):
    """Carries the CSRF token; the column choices are read from the request directly."""


def _upload_path(name: str, must_exist: bool = True):
    """The stored upload, only if it is this company's: the name carries its public id.

    A job given an upload that has expired since says so itself (``must_exist=False``).
    """
    prefix = f"upload-{current_user.organization.public_id}-"
    if not UPLOAD_NAME.match(name) or not name.startswith(prefix):
        abort(404)
    path = runner.jobs_dir() / name
    if must_exist and not path.exists():
        abort(404)
    return path


@bp.route("/events/<event_id>/attendees/import", methods=["GET", "POST"])
@login_required
def upload(event_id: str):
    ev = events.organizer_access(current_org_id(), event_id)
    form = UploadForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            preview = csvimport.preview(data)
        except csvimport.ImportFileError as error:
            form.file.errors = [*form.file.errors, error.message]
        else:
            name = f"upload-{current_user.organization.public_id}-{secrets.token_urlsafe(16)}.csv"
            (runner.jobs_dir() / name).write_bytes(data)
            return render_template(
                "attendee/import_mapping.html",
                ev=ev,
                preview=preview,
                upload=name,
                fields=csvimport.FIELDS,
                form=ConfirmImportForm(),
            )
    status = 422 if request.method == "POST" else 200
    return render_template("attendee/import_upload.html", ev=ev, form=form), status


def _mapping_from_form() -> dict[int, str | None]:
    mapping: dict[int, str | None] = {}
    for key, value in request.form.items():
        if key.startswith("column-") and key[7:].isdigit():
            if value and value not in csvimport.FIELDS:
                abort(400)
            mapping[int(key[7:])] = value or None
    return mapping


@bp.route("/events/<event_id>/attendees/import/check", methods=["POST"])
@login_required
def check(event_id: str):
    ev = events.organizer_access(current_org_id(), event_id)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    path = _upload_path(request.form.get("upload", ""))
    mapping = _mapping_from_form()
    try:
        job = start_preview(current_user, ev, path, mapping, str(get_locale()))
    except csvimport.ImportFileError as error:
        flash(error.message, "error")
        preview = csvimport.preview(path.read_bytes())
        preview.mapping = {i: mapping.get(i) for i in range(len(preview.headers))}
        return render_template(
            "attendee/import_mapping.html",
            ev=ev,
            preview=preview,
            upload=path.name,
            fields=csvimport.FIELDS,
            form=form,
        ), 422
    return redirect(url_for("attendee_import.review", event_id=event_id, job_id=job.public_id))


@bp.route("/events/<event_id>/attendees/import/<job_id>")
@login_required
def review(event_id: str, job_id: str):
    ev = events.organizer_access(current_org_id(), event_id)
    job = import_job(ev, job_id, PREVIEW)
    if job.result.get("applied"):
        return redirect(
            url_for("attendee_import.outcome", event_id=event_id, job_id=job.result["applied"])
        )
    return render_template(
        "attendee/import_review.html",
        ev=ev,
        job=job,
        fields=csvimport.FIELDS,
        printed=PRINTED_FIELDS,
        limit=SHOWN,
        reissue_notice=reissue_notice,
        may_apply=may_apply(current_user, job),
        form=ConfirmImportForm(),
    )


def _posted_preview(event_id: str, job_id: str):
    """The event and the preview job a confirm, cancel or recheck button was pressed on."""
    ev = events.organizer_access(current_org_id(), event_id)
    preview = import_job(ev, job_id, PREVIEW)
    if not ConfirmImportForm().validate_on_submit():
        abort(400)
    return ev, preview


@bp.route("/events/<event_id>/attendees/import/<job_id>/apply", methods=["POST"])
@login_required
def apply(event_id: str, job_id: str):
    ev, preview = _posted_preview(event_id, job_id)
    if preview.status is not Status.DONE or preview.result.get("cancelled"):
        return redirect(url_for("attendee_import.review", event_id=event_id, job_id=job_id))
    if not preview.result.get("applied"):
        start_apply(
            current_user, ev, preview, _upload_path(preview.result["upload"], must_exist=False)
        )
    return redirect(url_for("attendee_import.review", event_id=event_id, job_id=job_id))


@bp.route("/events/<event_id>/attendees/import/<job_id>/cancel", methods=["POST"])
@login_required
def cancel(event_id: str, job_id: str):
    _ev, preview = _posted_preview(event_id, job_id)
    if not preview.result.get("applied"):
        preview.result = {**preview.result, "cancelled": True}
        db.session.commit()
        (runner.jobs_dir() / preview.result["upload"]).unlink(missing_ok=True)
        flash(_("The import was cancelled; nothing was changed."), "success")
    return redirect(url_for("attendee.index", event_id=event_id))


@bp.route("/events/<event_id>/attendees/import/<job_id>/recheck", methods=["POST"])
@login_required
def recheck(event_id: str, job_id: str):
    """Work the changes out again from the same file and columns, after a stale preview."""
    ev, preview = _posted_preview(event_id, job_id)
    upload = _upload_path(preview.result["upload"], must_exist=False)
    job = start_preview(current_user, ev, upload, saved_mapping(preview), str(get_locale()))
    return redirect(url_for("attendee_import.review", event_id=event_id, job_id=job.public_id))


@bp.route("/events/<event_id>/attendees/import/<job_id>/result")
@login_required
def outcome(event_id: str, job_id: str):
    ev = events.organizer_access(current_org_id(), event_id)
    job = import_job(ev, job_id, APPLY)
    reissued = []
    if job.status is Status.DONE:
        ids = reissued_by_import(ev, job_id)
        reissued = db.session.scalars(
            attendees.attendees_query(ev).where(Attendee.public_id.in_(ids))
        ).all()
    return render_template(
        "attendee/import_result.html",
        ev=ev,
        job=job,
        reissued=reissued,
        fields=csvimport.FIELDS,
        reissue_notice=reissue_notice,
        form=ConfirmImportForm(),
    )
