"""The attendee import, in two background jobs: a preview that writes nothing, then the apply.

The preview parses the stored upload and works out the plan (changes.py); the organizer reads
it and confirms. The apply job parses the same upload again and works the plan out again, under
a lock, and writes it only if it is the plan the preview showed (same digest); otherwise it
stops and writes nothing, and the organizer checks the changes again.

An import that reissues badges (it changes a printed field) is applied only by an owner or an
admin (``account.permissions``); a recruiter may apply one that reissues none. The digest
covers every changed field, so the apply job reissues exactly what the preview said.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from flask import abort
from flask_babel import force_locale, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..account.models import User
from ..account.permissions import can_manage, require_can_manage
from ..event.service import EventAccess
from ..extensions import db
from ..job import runner
from ..job.models import Job, Status
from ..scoping import get_or_404
from . import bulk, changes, csvimport
from .service import require_organizer

PREVIEW = "attendee-import-preview"
APPLY = "attendee-import"

_STALE = _l(
    "The attendees changed since this preview (another import or an edit), so nothing was "
    "imported. Check the changes again."
)


def check_mapping(mapping: dict[int, str | None]) -> None:
    """Refuse a mapping the import cannot work with, before any work starts."""
    chosen = {field for field in mapping.values() if field}
    if "email" not in chosen:
        raise csvimport.ImportFileError(str(_l("Choose which column holds the email address.")))
    if "name" not in chosen and not chosen & {"first_name", "last_name"}:
        raise csvimport.ImportFileError(str(_l("Choose which column holds the name.")))


def start_preview(
    actor: User, ev: EventAccess, upload: Path, mapping: dict[int, str | None], locale: str
) -> Job:
    """Work out what importing the upload would change; nothing is written but the job."""
    require_organizer(ev)
    check_mapping(mapping)
    inputs = {
        "event": ev.event.public_id,
        "upload": upload.name,
        "mapping": {str(index): key for index, key in mapping.items()},
        "locale": locale,
    }
    job = _job(actor, PREVIEW, inputs)
    event_id = ev.event.id

    def work(job: Job, progress) -> None:
        with force_locale(locale):
            parsed = _parse(upload, mapping, progress)
            plan = changes.plan(event_id, parsed.rows)
            job.result = {**inputs, **_report(parsed, plan), "digest": plan.digest()}
            job.message = _summary(parsed, plan)

    runner.start(job, work)
    return job


def start_apply(actor: User, ev: EventAccess, preview: Job, upload: Path) -> Job:
    """Write the plan the organizer confirmed, if it still is what the import would do."""
    require_organizer(ev)
    if reissues_badges(preview):
        require_can_manage(actor)
    mapping = saved_mapping(preview)
    locale, digest = preview.result["locale"], preview.result["digest"]
    job = _job(actor, APPLY, {"event": ev.event.public_id, "preview": preview.public_id})
    preview.result = {**preview.result, "applied": job.public_id}
    event_id, organization_id = ev.event.id, ev.event.organization_id

    def work(job: Job, progress) -> None:
        with force_locale(locale):
            parsed = _parse(upload, mapping, progress)
            bulk.lock()
            plan = changes.plan(event_id, parsed.rows, for_update=True)
            if plan.digest() != digest:
                raise runner.JobFailed(str(_STALE))
            try:
                bulk.apply(event_id, organization_id, plan)
            except IntegrityError as error:  # an attendee registered since the plan was read
                raise runner.JobFailed(str(_STALE)) from error
            job.result = {**job.result, **_report(parsed, plan)}
            job.message = _summary(parsed, plan, applied=True)
        upload.unlink(missing_ok=True)

    runner.start(job, work)
    return job


def reissues_badges(preview: Job) -> bool:
    """Whether applying the preview's plan would reissue any badge."""
    return bool((preview.result or {}).get("reissued"))


def may_apply(actor: User, preview: Job) -> bool:
    """Whether the actor may apply the preview; one that reissues badges is for managers."""
    return can_manage(actor) or not reissues_badges(preview)


def saved_mapping(preview: Job) -> dict[int, str | None]:
    """The column choices a preview was made with (JSON keys are strings)."""
    return {int(index): key for index, key in preview.result["mapping"].items()}


def import_job(ev: EventAccess, job_id: str, kind: str) -> Job:
    """The company's import job of this kind for this event, or 404."""
    job = get_or_404(Job, job_id, ev.event.organization_id)
    if job.kind != kind or (job.result or {}).get("event") != ev.event.public_id:
        abort(404)
    return job


def reissued_by_import(ev: EventAccess, job_id: str) -> list[str]:
    """Public ids of the attendees whose badges an import reissued, for printing just those."""
    job = import_job(ev, job_id, APPLY)
    if job.status is not Status.DONE:
        abort(404)
    return [change["public_id"] for change in job.result["changed"] if change["reissue"]]


def _job(actor: User, kind: str, result: dict) -> Job:
    job = Job(
        organization_id=actor.organization_id, created_by_id=actor.id, kind=kind, result=result
    )
    db.session.add(job)
    db.session.flush()
    return job


def _parse(upload: Path, mapping, progress) -> csvimport.ParseResult:
    if not upload.exists():
        raise runner.JobFailed(str(_l("The uploaded file has expired. Upload it again.")))
    try:
        return csvimport.parse(upload.read_bytes(), mapping, progress=progress)
    except csvimport.ImportFileError as error:
        raise runner.JobFailed(error.message) from error


def _report(parsed: csvimport.ParseResult, plan: changes.Plan) -> dict:
    """What the pages show: counts, each new and changed person, each row left out or cleaned."""
    return {
        "created": len(plan.new),
        "updated": len(plan.changed),
        "unchanged": plan.unchanged,
        "skipped": len({error.row for error in parsed.errors}),
        "new": [
            {"row": row.row, "name": row.values["name"], "email": row.values["email"]}
            for row in plan.new
        ],
        "changed": [
            {
                "row": change.row,
                "public_id": change.public_id,
                "email": change.email,
                "name": change.name,
                "fields": {name: list(values) for name, values in change.fields.items()},
                "reissue": change.reissue,
            }
            for change in plan.changed
        ],
        "reissued": len(plan.reissued),
        "errors": [asdict(error) for error in parsed.errors],
        "cleaned": [asdict(note) for note in parsed.cleaned],
    }


def _summary(parsed: csvimport.ParseResult, plan: changes.Plan, applied: bool = False) -> str:
    counts = {
        "created": len(plan.new),
        "updated": len(plan.changed),
        "unchanged": plan.unchanged,
        "bad": len({error.row for error in parsed.errors}),
    }
    if not applied:
        text = _l(
            "%(created)d attendees to add, %(updated)d to update, %(unchanged)d unchanged, "
            "%(bad)d rows not imported.",
            **counts,
        )
        return str(text)
    text = str(
        _l(
            "%(created)d attendees added, %(updated)d updated, %(unchanged)d unchanged, "
            "%(bad)d rows not imported.",
            **counts,
        )
    )
    if plan.reissued:
        text += " " + reissue_notice(len(plan.reissued), applied=True)
    return text


def reissue_notice(count: int, applied: bool) -> str:
    """The sentence that tells the organizer which printed badges no longer work."""
    if applied:
        return ngettext(
            "%(num)d badge was reissued: reprint it.",
            "%(num)d badges were reissued: reprint them.",
            count,
        )
    return ngettext(
        "%(num)d badge will be reissued: reprint it.",
        "%(num)d badges will be reissued: reprint them.",
        count,
    )
