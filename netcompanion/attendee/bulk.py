"""Write many attendees at once: an import of thousands of rows in a few statements.

Rows are matched to existing attendees of the event by email, so importing the same file again
updates people instead of duplicating them. The caller commits once: an import is all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import insert, select, update

from ..dbtypes import utcnow
from ..extensions import db
from ..ids import new_public_id
from .csvimport import ParsedRow
from .models import Attendee, Source, new_badge_code

FIELDS = ("name", "email", "company", "title", "phone", "linkedin_url", "website_url")
CHUNK = 1000


def apply_rows(
    event_id: int,
    organization_id: int,
    rows: Sequence[ParsedRow],
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int, int]:
    """Insert new attendees and update changed ones; return (created, updated, unchanged)."""
    existing = {
        row.email: row
        for row in db.session.execute(
            select(Attendee.id, *(getattr(Attendee, f) for f in FIELDS)).where(
                Attendee.event_id == event_id
            )
        )
    }
    now = utcnow()
    inserts, updates, unchanged, new_emails = [], [], 0, set()
    for row in rows:
        values = {field: row.values.get(field, "") for field in FIELDS}
        if values["email"] in new_emails:
            continue  # the parser reports in-file duplicates; never insert one twice
        current = existing.get(values["email"])
        if current is None:
            new_emails.add(values["email"])
            inserts.append(
                {
                    **values,
                    "public_id": new_public_id(),
                    "organization_id": organization_id,
                    "event_id": event_id,
                    "source": Source.IMPORT,
                    "badge_version": 1,
                    "badge_code": new_badge_code(),
                    "show_linkedin": False,
                    "show_website": False,
                    "consent_share_contact": False,
                    "consent_text": "",
                    "consent_locale": "",
                    "created_at": now,
                    "updated_at": now,
                }
            )
        elif any(getattr(current, f) != values[f] for f in FIELDS):
            updates.append({"id": current.id, **values, "updated_at": now})
        else:
            unchanged += 1

    total, done = len(inserts) + len(updates), 0
    for batch in (inserts[i : i + CHUNK] for i in range(0, len(inserts), CHUNK)):
        db.session.execute(insert(Attendee), batch)
        done += len(batch)
        if progress:
            progress(done, total)
    for batch in (updates[i : i + CHUNK] for i in range(0, len(updates), CHUNK)):
        db.session.execute(update(Attendee), batch)
        done += len(batch)
        if progress:
            progress(done, total)
    return len(inserts), len(updates), unchanged
