"""A job's page, its progress as JSON for the page's script, and its file."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, send_file
from flask_login import login_required

from .. import filenames
from ..scoping import get_or_404
from .models import Job, Status
from .runner import file_path

bp = Blueprint("job", __name__, url_prefix="/jobs")


@bp.route("/<job_id>")
@login_required
def show(job_id: str):
    return render_template("job/show.html", job=get_or_404(Job, job_id))


@bp.route("/<job_id>/status")
@login_required
def status(job_id: str):
    job = get_or_404(Job, job_id)
    return jsonify(
        status=job.status.value,
        done=job.done,
        total=job.total,
        percent=job.percent,
        message=job.message,
    )


@bp.route("/<job_id>/download")
@login_required
def download(job_id: str):
    job = get_or_404(Job, job_id)
    if job.status is not Status.DONE or not job.file_name:
        abort(404)
    path = file_path(job)
    if not path.exists():
        abort(404)
    name = filenames.download_name(job.download_name or "", path.name)
    response = send_file(path, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"  # a company's file: kept nowhere
    return response
