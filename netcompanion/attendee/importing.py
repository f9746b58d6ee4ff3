"""The attendee import job: parse the stored upload, write every valid row, report the rest."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..account.models import User
from ..event.service import EventAccess
from ..extensions import db
from ..job import runner
from ..job.models import Job
from . import bulk, csvimport
from .service import require_organizer


def check_mapping(mapping: dict[int, str | None]) -> None:
    """Refuse a mapping the import cannot work with, before any work starts."""
    chosen = {field for field in mapping.values() if field}
    if "email" not in chosen:
        raise csvimport.ImportFileError(str(_l("Choose which column holds the email address.")))
    if "name" not in chosen and not chosen & {"first_name", "last_name"}:
        raise csvimport.ImportFileError(str(_l("Choose which column holds the name.")))


def start_import(
    actor: User,
    ev: EventAccess,
    upload: Path,
    mapping: dict[int, str | None],
    locale: str,
    return_url: str,
) -> Job:
    require_organizer(ev)
    check_mapping(mapping)
    job = Job(
        organization_id=actor.organization_id,
        created_by_id=actor.id,
        kind="attendee-import",
        return_url=return_url,
    )
    db.session.add(job)
    db.session.flush()
    event_id, organization_id = ev.event.id, ev.event.organization_id

    def work(job: Job, progress) -> None:
        with force_locale(locale):
            data = upload.read_bytes()
            try:
                parsed = csvimport.parse(data, mapping, progress=lambda n, t: progress(n, 2 * t))
            except csvimport.ImportFileError as error:
                raise runner.JobFailed(error.message) from error
            total = parsed.total
            created, updated, unchanged = bulk.apply_rows(
                event_id,
                organization_id,
                parsed.rows,
                progress=lambda n, t: progress(total + n * total // max(t, 1), 2 * total),
            )
            job.result = {
                "created": created,
                "updated": updated,
                "unchanged": unchanged,
                "errors": [asdict(error) for error in parsed.errors],
                "cleaned": [asdict(note) for note in parsed.cleaned],
            }
            job.message = str(
                _l(
                    "%(created)d attendees added, %(updated)d updated, %(unchanged)d unchanged, "
                    "%(bad)d rows not imported.",
                    created=created,
                    updated=updated,
                    unchanged=unchanged,
                    bad=len({error.row for error in parsed.errors}),
                )
            )
        upload.unlink(missing_ok=True)

    runner.start(job, work)
    return job
