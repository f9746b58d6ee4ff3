"""CSV import of attendees: upload, check the column mapping, import in the background."""

from __future__ import annotations

import re
import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.file import FileField, FileRequired

from ..event import service as events
from ..job import runner
from ..scoping import current_org_id
from ..webform import BaseForm
from . import csvimport
from .importing import start_import

bp = Blueprint("attendee_import", __name__)

UPLOAD_NAME = re.compile(r"^upload-[\w-]{16}-[\w-]{22}\.csv$")


class UploadForm(BaseForm):
    file = FileField(_l("CSV file (UTF-8)"), validators=[FileRequired(_l("Choose a CSV file."))])


class ConfirmImportForm(BaseForm):
    """Carries the CSRF token; the column choices are read from the request directly."""


def _upload_path(name: str):
    """The stored upload, only if it is this company's: the name carries its public id."""
    prefix = f"upload-{current_user.organization.public_id}-"
    if not UPLOAD_NAME.match(name) or not name.startswith(prefix):
        abort(404)
    path = runner.jobs_dir() / name
    if not path.exists():
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


@bp.route("/events/<event_id>/attendees/import/confirm", methods=["POST"])
@login_required
def confirm(event_id: str):
    ev = events.organizer_access(current_org_id(), event_id)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    path = _upload_path(request.form.get("upload", ""))
    mapping: dict[int, str | None] = {}
    for key, value in request.form.items():
        if key.startswith("column-") and key[7:].isdigit():
            if value and value not in csvimport.FIELDS:
                abort(400)
            mapping[int(key[7:])] = value or None
    try:
        job = start_import(
            current_user,
            ev,
            path,
            mapping,
            str(get_locale()),
            return_url=url_for("attendee.index", event_id=event_id),
        )
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
    return redirect(url_for("job.show", job_id=job.public_id))
