"""Run a job in a background thread of the web process, recording progress as it goes.

A thread keeps the request fast and needs no extra service for a single host. Files land in the
instance folder's ``jobs/`` (set ``JOBS_DIR`` to a shared folder when several hosts serve the
app). Finished files older than ``JOB_FILE_TTL`` are removed when a new job starts.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from flask import current_app

from ..dbtypes import utcnow
from ..extensions import db
from .models import Job, Status

#: Progress is written at most this often, so a fast job does not spend its time on updates.
PROGRESS_INTERVAL = 0.5

Work = Callable[[Job, Callable[[int, int], None]], None]


class JobFailed(Exception):
    """Raised by a job's work to stop with a message for the person who started it."""


def jobs_dir() -> Path:
    path = Path(current_app.config["JOBS_DIR"] or os.path.join(current_app.instance_path, "jobs"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_path(job: Job) -> Path:
    return jobs_dir() / job.file_name


def _remove_old_files() -> None:
    cutoff = time.time() - current_app.config["JOB_FILE_TTL"].total_seconds()
    for path in jobs_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def start(job: Job, work: Work) -> threading.Thread:
    """Commit the job and run ``work(job, progress)`` in the background."""
    db.session.commit()
    _remove_old_files()
    app = current_app._get_current_object()
    job_id = job.id

    def run() -> None:
        with app.app_context():
            current = db.session.get(Job, job_id)
            current.status = Status.RUNNING
            db.session.commit()
            last = 0.0

            def progress(done: int, total: int) -> None:
                nonlocal last
                now = time.monotonic()
                if now - last >= PROGRESS_INTERVAL or done >= total:
                    last = now
                    current.done, current.total = done, total
                    db.session.commit()

            try:
                work(current, progress)
            except Exception as error:
                if not isinstance(error, JobFailed):
                    app.logger.exception("job %s (%s) failed", current.public_id, current.kind)
                db.session.rollback()
                current = db.session.get(Job, job_id)
                current.status = Status.FAILED
                if current.file_name:  # a failed job offers nothing: no half-written file
                    file_path(current).unlink(missing_ok=True)
                    current.file_name = None
                current.message = (
                    str(error)
                    if isinstance(error, JobFailed)
                    else "The job stopped because of an error; nothing was saved."
                )
            else:
                current.status = Status.DONE
            current.finished_at = utcnow()
            db.session.commit()
            db.session.remove()

    thread = threading.Thread(target=run, name=f"job-{job.public_id}", daemon=True)
    thread.start()
    return thread
