"""Outreach fixtures: a recruiter at Acme who met Ana at a fair, a list she is in, a mail server."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from netcompanion.attendee.models import Availability
from netcompanion.capture.models import Capture, CaptureSource, CaptureTag, Contact, Note, Rating
from netcompanion.extensions import db
from netcompanion.followup import service as followups
from netcompanion.followup.models import ListEntry
from netcompanion.outreach.models import MessageTemplate
from tests.conftest import FormClient, login
from tests.smtp import SMTPServer

SIGNATURE = "Rita Recruiter\nAcme Talent · Talent partner"


@pytest.fixture
def smtp():
    with SMTPServer() as server:
        yield server


@pytest.fixture
def recruiter(make_company):
    owner = make_company(name="Acme Talent", owner_email="rita@acme-talent.example.com")
    owner.name = "Rita Recruiter"
    owner.signature = SIGNATURE
    db.session.commit()
    return owner


@pytest.fixture
def fair_event(make_company, make_event, join_event, recruiter):
    organizer = make_company(name="Fair Organizers")
    event = make_event(
        organizer,
        name="Berlin Tech Careers Fair",
        starts_on=date.today() - timedelta(days=10),
        venue="Messe Berlin",
        timezone="Europe/Berlin",
    )
    join_event(recruiter, event, "Acme Talent")
    return event


def days_ago(days: int) -> datetime:
    return datetime.now(UTC).replace(hour=10, minute=30, second=0, microsecond=0) - timedelta(
        days=days
    )


@pytest.fixture
def make_contact(recruiter, fair_event):
    """A contact met at the fair, with interests, notes and (by default) consent."""

    def build(
        name: str = "Ana Souza",
        email: str = "ana.souza@example.com",
        *,
        consent: bool = True,
        interests: tuple[str, ...] = ("Python", "Kubernetes"),
        notes: tuple[str, ...] = ("Loves type hints.", "Open to hybrid work in Berlin."),
        availability: Availability | None = Availability.IN_3_MONTHS,
        rating: Rating | None = Rating.WARM,
        met_at: datetime | None = None,
        owner=None,
        event=None,
        **details,
    ) -> Contact:
        owner = owner or recruiter
        met_at = met_at or days_ago(10)
        contact = Contact(
            organization_id=owner.organization_id,
            name=name,
            email=email,
            company=details.pop("company", "Initech"),
            title=details.pop("title", "Backend engineer"),
            last_met_at=met_at,
            **details,
        )
        capture = Capture(
            organization_id=owner.organization_id,
            event=event or fair_event,
            contact=contact,
            source=CaptureSource.BOOTH,
            name=name,
            email=email,
            captured_at=met_at,
            captured_by_id=owner.id,
            availability=availability,
            rating=rating,
        )
        if consent:
            capture.consent_text = "I agree that Acme Talent may contact me about jobs."
            capture.consent_locale = "en"
            capture.consent_at = met_at
        for tag in interests:
            capture.tags.append(CaptureTag(name=tag, key=tag.lower()))
        for minute, body in enumerate(notes):
            capture.notes.append(
                Note(
                    organization_id=owner.organization_id,
                    author_id=owner.id,
                    body=body,
                    written_at=met_at + timedelta(minutes=minute),
                )
            )
        db.session.add(capture)
        db.session.commit()
        return contact

    return build


@pytest.fixture
def make_list(recruiter):
    def build(name: str = "Backend engineers — nurture", owner=None):
        lst = followups.create_list(owner or recruiter, name)
        db.session.commit()
        return lst

    return build


def add_to_list(lst, contact, owner) -> ListEntry:
    """Put the contact in the list from their latest meeting; returns the entry."""
    [candidate] = followups.candidates_for_contacts([contact.id])
    candidate.owner_id = owner.id
    followups.add_entries(lst, [candidate], owner.id)
    db.session.commit()
    return db.session.scalars(
        select(ListEntry).where(ListEntry.list_id == lst.id, ListEntry.contact_id == contact.id)
    ).one()


@pytest.fixture
def make_template(recruiter):
    def build(name="Thanks", subject="Hello {{ contact.first_name }}", body="Hi!", owner=None):
        owner = owner or recruiter
        template = MessageTemplate(
            organization_id=owner.organization_id,
            name=name,
            subject=subject,
            body=body,
            created_by_id=owner.id,
        )
        db.session.add(template)
        db.session.commit()
        return template

    return build


@pytest.fixture
def mail_client(make_app, smtp, recruiter):
    """A signed-in browser on an app that sends through the loopback SMTP server."""
    mail_app = make_app(**smtp.config)
    mail_app.test_client_class = FormClient
    client = mail_app.test_client()
    login(client, recruiter)
    return client


@pytest.fixture
def signed_in(client, recruiter):
    login(client, recruiter)
    return client


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside the block: ``with count_queries() as n: ...``."""

    @contextlib.contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        sa_event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", record)

    return counting
