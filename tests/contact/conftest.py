"""Contact fixtures: a company with an event, and a builder for contacts with encounters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from netcompanion.capture.models import Capture, CaptureSource, CaptureTag, Contact, Note
from netcompanion.extensions import db
from tests.capture import conftest as capture_fixtures

# The capture tests' fixtures, for the tests that record through the scanner API.
fair = capture_fixtures.fair
api = capture_fixtures.api

#: A fixed past instant, so that "latest met first" does not depend on the clock.
T0 = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


def meet(
    event, *, at=None, rating=None, availability=None, tags=(), answers=None, notes=(), by=None
):
    """One encounter for ``make_contact``: where, when, how it went, and the notes taken."""
    return {
        "event": event,
        "at": at or T0,
        "rating": rating,
        "availability": availability,
        "tags": list(tags),
        "answers": answers or {},
        "notes": list(notes),
        "by": by,
    }


@pytest.fixture
def booth(make_company, make_event):
    """A company running its own fair; returns (owner, event)."""
    owner = make_company("Acme Talent")
    fair = make_event(owner, name="Berlin Tech Careers Fair")
    return owner, fair


@pytest.fixture
def make_contact(app):
    """Create a contact of ``owner``'s company with encounters (see :func:`meet`)."""

    def build(owner, *, met=(), **details) -> Contact:
        contact = Contact(organization_id=owner.organization_id, **details)
        db.session.add(contact)
        db.session.flush()
        for encounter in met:
            author = encounter["by"] or owner
            capture = Capture(
                organization_id=owner.organization_id,
                event_id=encounter["event"].id,
                contact_id=contact.id,
                source=CaptureSource.WALK_IN,
                name=contact.name,
                email=contact.email,
                rating=encounter["rating"],
                availability=encounter["availability"],
                answers=encounter["answers"],
                captured_by_id=author.id,
                captured_at=encounter["at"],
            )
            capture.tags = [CaptureTag(name=t, key=t.casefold()) for t in encounter["tags"]]
            capture.notes = [
                Note(
                    organization_id=owner.organization_id,
                    author_id=author.id,
                    body=body,
                    written_at=encounter["at"] + timedelta(minutes=i),
                )
                for i, body in enumerate(encounter["notes"])
            ]
            db.session.add(capture)
        if met:
            contact.last_met_at = max(m["at"] for m in met)
        db.session.commit()
        return contact

    return build


@pytest.fixture
def count_queries(app):
    """Run a callable and return how many SQL statements it sent."""

    def run(action) -> int:
        seen = []

        def count(conn, cursor, statement, parameters, context, executemany):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            action()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    return run


def names_on(html: str, contacts: list[Contact]) -> set[str]:
    """Which of these contacts' names a page shows."""
    return {c.name for c in contacts if c.name in html}


def captures_of(contact: Contact) -> list[int]:
    return sorted(db.session.scalars(select(Capture.id).where(Capture.contact_id == contact.id)))


@pytest.fixture
def fair_with_api(fair, api, login_as):
    """The capture tests' fair, its exhibitor signed in on the scanner API."""
    organizer, event, exhibitor = fair
    login_as(exhibitor)
    return api, event, exhibitor, capture_fixtures.item
