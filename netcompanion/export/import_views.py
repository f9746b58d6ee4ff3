"""Upload a .vcf into an event's captures or a follow-up list: check, preview, import, report.

As the attendee CSV import: the upload is read whole and checked first; a malformed file is
refused with the reason and nothing is kept. A readable one waits in the jobs folder (its name
carries the company's public id; removed once imported, or after ``JOB_FILE_TTL``) while a preview
says what will happen to each card. Confirming imports it and answers with the per-card report.
The confirmation claims the waiting file by renaming it, so a double click or a reload of the
report finds it gone and imports nothing twice; choosing the same file again reports its cards as
already imported (event) or already in the list.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.file import FileField, FileRequired

from ..account.forms import ConfirmForm
from ..errors import error_response
from ..event import service as events
from ..exceptions import Rejected
from ..extensions import db
from ..followup.models import FollowupList
from ..job import runner
from ..scoping import current_org_id, get_or_404
from ..webform import BaseForm
from . import vcard_import, vcard_reading
from .import_report import Report

bp = Blueprint("vcard_import", __name__)

UPLOAD_NAME = re.compile(r"^vcards-[\w-]{16}-[\w-]{22}\.vcf$")


class UploadForm(BaseForm):
    file = FileField(_l("vCard file (.vcf)"), validators=[FileRequired(_l("Choose a .vcf file."))])


@dataclass
class _Target:
    """Where the cards go, as the pages need it."""

    into: str  # "event" or "list"
    name: str
    back_url: str
    upload_url: str
    confirm_url: str
    #: Why nothing can be imported here now (no booth at the event, an archived list).
    refusal: str | None
    run: Callable[[list[vcard_reading.Card], bool], Report]


def _event_target(event_id: str) -> _Target:
    ev = events.access(current_org_id(), event_id)
    try:
        vcard_import.check_event(ev)
        refusal = None
    except Rejected as error:
        refusal = error.message
    return _Target(
        into="event",
        name=ev.event.name,
        back_url=url_for("capture.index", event_id=event_id),
        upload_url=url_for("vcard_import.event_upload", event_id=event_id),
        confirm_url=url_for("vcard_import.event_confirm", event_id=event_id),
        refusal=refusal,
        run=lambda cards, dry_run: vcard_import.into_event(current_user, ev, cards, dry_run),
    )


def _list_target(list_id: str) -> _Target:
    lst = get_or_404(FollowupList, list_id)
    try:
        vcard_import.check_list(lst)
        refusal = None
    except Rejected as error:
        refusal = error.message
    return _Target(
        into="list",
        name=lst.name,
        back_url=url_for("followup.show", list_id=list_id),
        upload_url=url_for("vcard_import.list_upload", list_id=list_id),
        confirm_url=url_for("vcard_import.list_confirm", list_id=list_id),
        refusal=refusal,
        run=lambda cards, dry_run: vcard_import.into_list(current_user, lst, cards, dry_run),
    )


@bp.route("/events/<event_id>/captures/import", methods=["GET", "POST"])
@login_required
def event_upload(event_id: str):
    return _upload(_event_target(event_id))


@bp.post("/events/<event_id>/captures/import/confirm")
@login_required
def event_confirm(event_id: str):
    return _confirm(_event_target(event_id))


@bp.route("/lists/<list_id>/import", methods=["GET", "POST"])
@login_required
def list_upload(list_id: str):
    return _upload(_list_target(list_id))


@bp.post("/lists/<list_id>/import/confirm")
@login_required
def list_confirm(list_id: str):
    return _confirm(_list_target(list_id))


@bp.errorhandler(413)
def too_large(error):
    """Above MAX_CONTENT_LENGTH the upload is refused before any view runs: say what to do."""
    megabytes = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    return error_response(
        413,
        _(
            "This file is larger than %(size)d MB, the most one upload can be. Export fewer "
            "contacts per file, or without photos, and import the files one by one.",
            size=megabytes,
        ),
    )


def _max_cards() -> int:
    return int(current_app.config["VCARD_IMPORT_MAX_CARDS"])


def _read(data: bytes) -> list[vcard_reading.Card]:
    max_properties = int(current_app.config["VCARD_IMPORT_MAX_PROPERTIES"])
    return vcard_reading.read(data, _max_cards(), max_properties)


def _upload(target: _Target):
    form = UploadForm()
    if target.refusal is None and form.validate_on_submit():
        data = form.file.data.read()
        try:
            report = target.run(_read(data), True)
        except Rejected as error:
            db.session.rollback()
            form.file.errors = [*form.file.errors, error.message]
        else:
            return render_template(
                "export/import_report.html",
                target=target,
                report=report,
                upload=_store(data),
                form=ConfirmForm(),
            )
    status = 200
    if request.method == "POST":
        status = 409 if target.refusal else 422
    return _upload_page(target, form), status


def _upload_page(target: _Target, form: UploadForm) -> str:
    return render_template(
        "export/import_upload.html",
        target=target,
        form=form,
        max_cards=_max_cards(),
        max_megabytes=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
    )


def _confirm(target: _Target):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if target.refusal is not None:
        return _upload_page(target, UploadForm(formdata=None)), 409
    claimed = _claim(request.form.get("upload", ""))
    if claimed is None:
        flash(
            _(
                "This upload is no longer waiting: it was imported already, or it expired. "
                "Choose the file again to see what it holds; cards imported before are not "
                "added twice."
            ),
            "info",
        )
        return redirect(target.upload_url)
    waiting, path = claimed
    try:
        report = target.run(_read(path.read_bytes()), False)
    except Rejected as error:  # the event or list changed since the preview
        db.session.rollback()
        path.rename(waiting)
        flash(error.message, "error")
        return redirect(target.upload_url)
    db.session.commit()
    path.unlink(missing_ok=True)
    return render_template("export/import_report.html", target=target, report=report)


# The waiting upload -------------------------------------------------------------------------


def _prefix() -> str:
    return f"vcards-{current_user.organization.public_id}-"


def _store(data: bytes) -> str:
    """Keep the checked file for the confirmation; drop uploads nobody confirmed in time."""
    folder = runner.jobs_dir()
    cutoff = time.time() - current_app.config["JOB_FILE_TTL"].total_seconds()
    for old in folder.glob("vcards-*"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    name = f"{_prefix()}{secrets.token_urlsafe(16)}.vcf"
    (folder / name).write_bytes(data)
    return name


def _claim(name: str) -> tuple[Path, Path] | None:
    """Take the company's waiting upload for this request alone: (its name, where it is now)."""
    if not UPLOAD_NAME.match(name) or not name.startswith(_prefix()):
        return None
    waiting = runner.jobs_dir() / name
    claimed = waiting.with_name(f"{name}.importing-{secrets.token_hex(8)}")
    try:
        waiting.rename(claimed)  # atomic: of two confirmations, one gets the file
    except FileNotFoundError:
        return None
    return waiting, claimed
