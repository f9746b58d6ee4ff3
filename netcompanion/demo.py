"""A demo a newcomer can try at once: a recruiting team, an event, its exhibitors, attendees.

Loading it twice changes nothing: every object is looked up by a natural key first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from .account.models import Organization, Role, User
from .account.passwords import hash_password
from .attendee.models import Attendee, Availability, Source
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
    db.session.flush()
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
