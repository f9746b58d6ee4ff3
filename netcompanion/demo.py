"""A demo a newcomer can try at once: a recruiting team, an event, its exhibitors, attendees,
and (``demo_relationships``) the follow-up work that came out of an earlier meetup.

Loading it twice changes nothing: every object is looked up by a natural key first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from .account.models import Organization, Role, User
from .account.passwords import hash_password
from .attendee.models import Attendee, Availability, Source
from .capture.models import (
    Capture,
    CaptureSource,
    CaptureTag,
    Contact,
    EventQuestion,
    Note,
    QuestionKind,
    Rating,
)
from .dbtypes import utcnow
from .demo_relationships import add_relationships
from .event.models import Event, Exhibitor
from .event.service import new_join_code
from .extensions import db

DEMO_PASSWORD = "netcompanion-demo"  # noqa: S105 (public demo login)
DEMO_EVENT = "Berlin Tech Careers Fair"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    company: str


LOGINS = [
    DemoLogin("owner@acme-talent.example.com", "owner", "Acme Talent"),
    DemoLogin("recruiter@acme-talent.example.com", "recruiter", "Acme Talent"),
    DemoLogin("owner@northwind.example.com", "owner", "Northwind Labs"),
    DemoLogin("owner@globex.example.com", "owner", "Globex Systems"),
]
NAMES = {
    "owner@acme-talent.example.com": "Alex Morgan",
    "recruiter@acme-talent.example.com": "Sam Rivera",
    "owner@northwind.example.com": "Nora Lindqvist",
    "owner@globex.example.com": "Kenji Watanabe",
}
#: Attendees from around the world, so badges print in several scripts.
ATTENDEES = [
    ("Lucía Fernández", "lucia.fernandez@example.com", "Acme Ibérica", "Data engineer", "3_months"),
    ("Jonas Weber", "jonas.weber@example.com", "Bergmann GmbH", "Backend developer", "now"),
    ("Αλεξάνδρα Παππά", "alexandra.pappa@example.com", "Hellas Cloud", "SRE", "6_months"),
    ("Дмитрий Иванов", "dmitry.ivanov@example.com", "Sever Systems", "ML engineer", None),
    ("王芳", "wang.fang@example.com", "Shenzhen Robotics", "Product manager", "12_months"),
    ("佐藤 健", "ken.sato@example.com", "Tokyo Mobility", "iOS engineer", "not_looking"),
    ("김민준", "minjun.kim@example.com", "Seoul Fintech", "Security engineer", "3_months"),
    ("ليلى حداد", "layla.haddad@example.com", "Cedar Analytics", "Data scientist", "now"),
]

#: The organizer's interest chips and questions on every exhibitor's capture sheet.
INTERESTS = ["Backend", "Data", "ML / AI", "Mobile", "Security", "Leadership", "Remote"]
QUESTIONS = [
    (QuestionKind.SINGLE, "Seniority", ["Junior", "Mid", "Senior", "Lead"]),
    (QuestionKind.MULTIPLE, "Would relocate to", ["Berlin", "Munich", "Remote only"]),
    (QuestionKind.TEXT, "Salary expectation", []),
]
#: What Acme's recruiters captured already: (attendee email, rating, interests, note).
CAPTURES = [
    ("jonas.weber@example.com", Rating.HOT, ["Backend", "Leadership"],
     "Leads a team of 5 on payments. Curious about our platform team; wants remote Fridays."),
    ("lucia.fernandez@example.com", Rating.WARM, ["Data"],
     "Built their streaming pipeline (Kafka, Flink). Open in spring after her bonus."),
    ("minjun.kim@example.com", Rating.COLD, ["Security"], "Happy where he is; keep in touch."),
]  # fmt: skip

BOOTHS = {
    "Acme Talent": "Hall 2, stand B14",
    "Northwind Labs": "Hall 2, stand B20",
    "Globex Systems": "Hall 1, stand A03",
}


def _organization(name: str) -> Organization:
    org = db.session.scalars(select(Organization).where(Organization.name == name)).first()
    if org is None:
        org = Organization(name=name)
        db.session.add(org)
        db.session.flush()
    return org


def load_demo() -> list[DemoLogin]:
    """Create the demo data where missing and return the logins it offers."""
    orgs = {login.company: _organization(login.company) for login in LOGINS}
    for login in LOGINS:
        exists = db.session.scalars(select(User).where(User.email == login.email)).first()
        if exists is None:
            db.session.add(
                User(
                    organization=orgs[login.company],
                    email=login.email,
                    name=NAMES[login.email],
                    password_hash=hash_password(DEMO_PASSWORD),
                    role=Role(login.role),
                )
            )
    organizer = orgs["Acme Talent"]
    event = db.session.scalars(
        select(Event).where(Event.organization_id == organizer.id, Event.name == DEMO_EVENT)
    ).first()
    if event is None:
        starts = date.today() + timedelta(days=14)
        event = Event(
            organization_id=organizer.id,
            name=DEMO_EVENT,
            starts_on=starts,
            ends_on=starts + timedelta(days=1),
            timezone="Europe/Berlin",
            venue="Station Berlin, Luckenwalder Str. 4-6, Berlin",
            description="Two days of talks and booths for software engineers and data people.",
            join_code=new_join_code(),
        )
        db.session.add(event)
        db.session.flush()
    for company, location in BOOTHS.items():
        org = orgs[company]
        booth = db.session.scalars(
            select(Exhibitor).where(
                Exhibitor.event_id == event.id, Exhibitor.organization_id == org.id
            )
        ).first()
        if booth is None:
            db.session.add(
                Exhibitor(
                    event_id=event.id,
                    organization_id=org.id,
                    booth_name=company,
                    booth_location=location,
                )
            )
    _add_attendees(event)
    _add_capture_sheet(event)
    db.session.flush()
    add_relationships(orgs["Acme Talent"], event)
    _add_captures(event, orgs["Acme Talent"])
    return LOGINS


def _add_attendees(event: Event) -> None:
    known = set(db.session.scalars(select(Attendee.email).where(Attendee.event_id == event.id)))
    for name, email, company, title, availability in ATTENDEES:
        if email not in known:
            db.session.add(
                Attendee(
                    organization_id=event.organization_id,
                    event_id=event.id,
                    name=name,
                    email=email,
                    company=company,
                    title=title,
                    availability=Availability(availability) if availability else None,
                    source=Source.ORGANIZER,
                )
            )


def _add_capture_sheet(event: Event) -> None:
    if not event.interest_tags:
        event.interest_tags = INTERESTS
    if db.session.scalars(select(EventQuestion).where(EventQuestion.event_id == event.id)).first():
        return
    for position, (kind, prompt, options) in enumerate(QUESTIONS):
        db.session.add(
            EventQuestion(
                organization_id=event.organization_id,
                event_id=event.id,
                position=position,
                kind=kind,
                prompt=prompt,
                options=options,
            )
        )


def _add_captures(event: Event, org: Organization) -> None:
    """A few conversations Acme's recruiter already captured, so the capture list is not empty."""
    if db.session.scalars(
        select(Capture).where(Capture.organization_id == org.id, Capture.event_id == event.id)
    ).first():
        return
    recruiter = db.session.scalars(
        select(User).where(User.email == "recruiter@acme-talent.example.com")
    ).one()
    attendees = {
        a.email: a
        for a in db.session.scalars(select(Attendee).where(Attendee.event_id == event.id))
    }
    when = utcnow()
    for email, rating, interests, note in CAPTURES:
        attendee = attendees[email]
        # Someone the company met before (at the meetup) is the same contact.
        contact = db.session.scalars(
            select(Contact).where(Contact.organization_id == org.id, Contact.email == email)
        ).first() or Contact(
            organization_id=org.id,
            name=attendee.name,
            company=attendee.company,
            title=attendee.title,
        )
        contact.last_met_at = when
        capture = Capture(
            organization_id=org.id,
            event=event,
            contact=contact,
            attendee=attendee,
            source=CaptureSource.BADGE,
            name=attendee.name,
            company=attendee.company,
            title=attendee.title,
            rating=rating,
            availability=attendee.availability,
            answers={},
            captured_by_id=recruiter.id,
            captured_at=when,
        )
        capture.tags = [CaptureTag(name=tag, key=tag.casefold()) for tag in interests]
        capture.notes = [
            Note(organization_id=org.id, author_id=recruiter.id, body=note, written_at=when)
        ]
        db.session.add(capture)
