"""What an import would do to an event's attendees, worked out before anything is written.

Rows match attendees by email, in lower case. Values are compared the way the import stores
them (csvimport.clean_text: NFC, one line, single spaces), so a file saved by another program
(accents as combining marks, double spaces) changes nothing. A blank cell keeps the stored
value: a partial export must not wipe what the organizer has; a field is cleared by editing the
attendee. A change to a field the badge prints (PRINTED_FIELDS) reissues the badge, so printed
copies with the old name stop verifying.

The digest covers every write and every value it replaces. An import is applied only if the
plan worked out at confirmation has the digest of the preview the organizer saw, so a preview
that another import or an edit made stale is refused instead of applied.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from ..badge.printing import PRINTED_FIELDS
from ..extensions import db
from .csvimport import ParsedRow, clean_text
from .models import Attendee

#: What an import writes, in the order the preview lists a person's changes.
FIELDS = ("name", "email", "company", "title", "phone", "linkedin_url", "website_url")
#: Compared and updated; the email is what rows are matched by, so it never changes.
COMPARED = tuple(name for name in FIELDS if name != "email")


@dataclass
class Change:
    """One attendee the import would update: each changed field as (old, new)."""

    row: int
    attendee_id: int
    public_id: str
    email: str
    #: The stored name, to say who changes.
    name: str
    badge_version: int
    fields: dict[str, tuple[str, str]]

    @property
    def reissue(self) -> bool:
        return any(name in PRINTED_FIELDS for name in self.fields)


@dataclass
class Plan:
    new: list[ParsedRow] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0

    @property
    def reissued(self) -> list[Change]:
        return [change for change in self.changed if change.reissue]

    def digest(self) -> str:
        """A fingerprint of every write and every value it replaces."""
        writes = {
            "new": sorted([row.values[name] for name in FIELDS] for row in self.new),
            "changed": sorted(
                [change.attendee_id, sorted(change.fields.items())] for change in self.changed
            ),
            "unchanged": self.unchanged,
        }
        return hashlib.sha256(json.dumps(writes, ensure_ascii=False).encode()).hexdigest()


def plan(event_id: int, rows: Sequence[ParsedRow], for_update: bool = False) -> Plan:
    """Sort valid rows into new, changed and unchanged attendees of the event.

    ``for_update`` locks the attendees read (PostgreSQL) until the caller's transaction ends.
    """
    query = select(Attendee.id, Attendee.public_id, Attendee.badge_version, *_columns()).where(
        Attendee.event_id == event_id
    )
    existing = {
        current.email.lower(): current
        for current in db.session.execute(query.with_for_update() if for_update else query)
    }
    result, seen = Plan(), set()
    for row in rows:
        email = row.values["email"]
        if email in seen:
            continue  # the parser reports in-file duplicates; never write one twice
        seen.add(email)
        current = existing.get(email)
        if current is None:
            result.new.append(row)
            continue
        changed = {
            name: (getattr(current, name), row.values[name])
            for name in COMPARED
            if row.values[name] and row.values[name] != clean_text(getattr(current, name))
        }
        if changed:
            result.changed.append(
                Change(
                    row.row,
                    current.id,
                    current.public_id,
                    current.email,
                    current.name,
                    current.badge_version,
                    changed,
                )
            )
        else:
            result.unchanged += 1
    return result


def _columns():
    return [getattr(Attendee, name) for name in FIELDS]
