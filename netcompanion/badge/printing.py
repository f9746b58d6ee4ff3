"""Badge and poster PDFs for an event: which faces to print, and the background job for many."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..account.models import User
from ..attendee import service as attendees
from ..attendee.models import Attendee
from ..event.service import EventAccess
from ..exceptions import Rejected
from ..extensions import db
from ..job import runner
from ..job.models import Job
from . import pdf
from .service import badge_url

#: Offered in the print form, in this order.
LAYOUT_LABELS = {
    "a4": _l("A4 sheets, several badges per page, with cut marks"),
    "letter": _l("US Letter sheets, several badges per page, with cut marks"),
    "badge-4x3in": _l("Badge printer, 4 × 3 in, one per page"),
    "badge-54x90mm": _l("Badge printer, 54 × 90 mm, one per page"),
}
POSTER_PAPERS = ("a4", "letter")
NO_MATCH = _l("No attendee matches this filter.")
NO_ATTENDEES = _l("No attendee is registered for this event yet.")
#: Rows fetched from the database at a time, so memory stays flat for any number of badges.
BATCH = 500


#: The attendee's details a badge shows (face() and the token): a change to one needs a new badge.
PRINTED_FIELDS = ("name", "company", "title")


def face(attendee: Attendee) -> pdf.BadgeFace:
    return pdf.BadgeFace(
        name=attendee.name,
        company=attendee.company,
        title=attendee.title,
        url=badge_url(attendee),
        event_name=attendee.event.name,
        code=attendee.formatted_badge_code,
    )


def _query(ev: EventAccess, search: str, only: Sequence[str] | None):
    """The attendees to print: matching ``search``, and among ``only`` (public ids) if given."""
    query = attendees.attendees_query(ev, search)
    return query if only is None else query.where(Attendee.public_id.in_(only))


def faces(
    ev: EventAccess, search: str = "", only: Sequence[str] | None = None
) -> Iterator[pdf.BadgeFace]:
    query = _query(ev, search, only).execution_options(yield_per=BATCH)
    for attendee in db.session.scalars(query):
        yield face(attendee)


def count(ev: EventAccess, search: str = "", only: Sequence[str] | None = None) -> int:
    inner = _query(ev, search, only).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(inner))


def start_badge_job(
    actor: User,
    ev: EventAccess,
    layout: str,
    search: str,
    return_url: str,
    only: Sequence[str] | None = None,
) -> Job:
    """Build the event's badges in the background; the job page offers the PDF when ready.

    A filter that matches nobody is refused here; if the last match goes while the job
    waits, the job fails with the same sentence and leaves no file (an empty PDF is no PDF).
    """
    attendees.require_organizer(ev)
    total = count(ev, search, only)
    if not total:
        raise Rejected(str(NO_MATCH), field="q") if search else Rejected(str(NO_ATTENDEES))
    job = Job(
        organization_id=actor.organization_id,
        created_by_id=actor.id,
        kind="badges",
        total=total,
        return_url=return_url,
    )
    db.session.add(job)
    db.session.flush()
    job.file_name = f"{job.public_id}.pdf"
    job.download_name = f"badges-{ev.event.name[:60]}-{layout}.pdf"
    runner.start(job, badge_work(ev, layout, search, total, only))
    return job


def badge_work(
    ev: EventAccess, layout: str, search: str, total: int, only: Sequence[str] | None = None
) -> runner.Work:
    """The job's work: write the badges that ``search`` and ``only`` match at run time."""
    event_id, organizer_id = ev.event.id, ev.event.organization_id

    def work(job: Job, progress) -> None:
        from ..event.models import Event
        from ..event.service import access  # a fresh view of the event inside the job's thread

        event = db.session.get(Event, event_id)
        current = access(organizer_id, event.public_id)
        try:
            with open(runner.file_path(job), "wb") as out:
                written = pdf.write_badges(
                    faces(current, search, only), layout, out, progress=lambda n: progress(n, total)
                )
        except pdf.NothingToPrint as error:
            raise runner.JobFailed(str(NO_MATCH if search else NO_ATTENDEES)) from error
        job.message = str(_l("%(count)d badges ready to print.", count=written))

    return work
