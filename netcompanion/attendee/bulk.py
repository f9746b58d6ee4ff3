"""Write an import's plan: thousands of attendees in a few statements.

The caller commits once: an import is all or nothing. ``lock`` is called before the plan that
will be written is worked out, so no other writer can change what it read in between.
"""

from __future__ import annotations

from sqlalchemy import insert, text, update

from ..dbtypes import utcnow
from ..extensions import db
from ..ids import new_public_id
from .changes import FIELDS, Plan
from .models import Attendee, Source, new_badge_code
from .service import reissued

CHUNK = 1000


def lock() -> None:
    """Hold SQLite's write lock from here to the commit (PostgreSQL locks the rows it reads).

    pysqlite opens a transaction only at the first write, so without this a writer committing
    between the plan's reads and its writes would be overwritten.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("BEGIN IMMEDIATE"))


def apply(event_id: int, organization_id: int, plan: Plan) -> None:
    """Insert the plan's new attendees, update its changed ones and reissue their badges."""
    now = utcnow()
    inserts = [
        {
            **{name: row.values[name] for name in FIELDS},
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
        for row in plan.new
    ]
    # Bulk updates by primary key take one statement per set of columns.
    updates: dict[tuple[str, ...], list[dict]] = {}
    for change in plan.changed:
        values = {
            "id": change.attendee_id,
            **{name: new for name, (_old, new) in change.fields.items()},
            "updated_at": now,
            **(reissued(change.badge_version) if change.reissue else {}),
        }
        updates.setdefault(tuple(sorted(values)), []).append(values)
    for batch in _chunks(inserts):
        db.session.execute(insert(Attendee), batch)
    for group in updates.values():
        for batch in _chunks(group):
            db.session.execute(update(Attendee), batch)


def _chunks(rows: list[dict]):
    return (rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK))
