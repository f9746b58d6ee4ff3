"""Follow-up fixtures: an exhibitor at an organizer's event, captures made straight in the
database (with the meeting date a test needs), lists, and a statement counter."""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from netcompanion.attendee.models import Availability
from netcompanion.capture.models import Capture, CaptureSource, CaptureTag, Contact, Note, Rating
from netcompanion.extensions import db
from netcompanion.followup import service
from netcompanion.followup.models import ListEntry


@pytest.fixture
def fair(make_company, make_event, join_event):
    """An organizer's event, and an exhibiting company (its owner)."""
    organizer = make_company("Fair Organizers")
    event = make_event(organizer, name="Berlin Tech Careers Fair")
    exhibitor = make_company("Acme Talent")
    join_event(exhibitor, event, "Acme Talent", "Hall 2, B12")
    return organizer, event, exhibitor


def days_ago(days: int) -> datetime:
    return datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(
        days=days
    )


@pytest.fixture
def make_capture(app):
    """A capture of a person (a new contact unless one is given) by ``user`` at ``event``."""

    def build(
        user,
        event,
        name: str | None = None,
        *,
        email: str = "",
        company: str = "",
        rating: str | None = None,
        tags: tuple[str, ...] = (),
        availability: str | None = None,
        met_days_ago: int = 0,
        note: str | None = None,
        contact: Contact | None = None,
    ) -> Capture:
        name = name or "Person " + secrets.token_hex(3)
        met_at = days_ago(met_days_ago)
        org_id = user.organization_id
        if contact is None:
            contact = Contact(
                organization_id=org_id, name=name, email=email.lower(), company=company
            )
        capture = Capture(
            organization_id=org_id,
            event=event,
            contact=contact,
            source=CaptureSource.WALK_IN,
            name=name,
            email=email.lower(),
            company=company,
            rating=Rating(rating) if rating else None,
            availability=Availability(availability) if availability else None,
            captured_by_id=user.id,
            captured_at=met_at,
        )
        for tag in tags:
            capture.tags.append(CaptureTag(name=tag, key=tag.casefold()))
        if note:
            capture.notes.append(
                Note(organization_id=org_id, body=note, author_id=user.id, written_at=met_at)
            )
        db.session.add(capture)
        db.session.commit()
        return capture

    return build


@pytest.fixture
def make_list(app):
    def build(user, name: str | None = None, **options):
        lst = service.create_list(user, name or "List " + secrets.token_hex(3), **options)
        db.session.commit()
        return lst

    return build


@pytest.fixture
def enlist(app):
    """Put captures' people in a list; returns their entries, in the captures' order."""

    def add(lst, captures, by=None, owner=None) -> list[ListEntry]:
        candidates = [service.candidate_from_capture(c) for c in captures]
        if owner is not None:
            for candidate in candidates:
                candidate.owner_id = owner.id
        service.add_entries(lst, candidates, by.id if by else None)
        db.session.commit()
        found = {
            e.contact_id: e
            for e in db.session.scalars(select(ListEntry).where(ListEntry.list_id == lst.id))
        }
        return [found[c.contact_id] for c in captures]

    return add


@contextmanager
def counting_statements():
    """Count the SQL statements run inside the block: ``with ... as count: ...; count()``."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        yield lambda: len(statements)
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
