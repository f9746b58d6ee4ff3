"""The demo's relationships: a past meetup, a talent pool with people due, message templates.

So a newcomer signed in as Acme's recruiter finds the Today view with work in it, a contact met
at two events, a list with a cadence, and templates that fill in what was said at the booth.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from .account.models import Organization, User
from .capture.models import Capture, CaptureSource, CaptureTag, Contact, Note, Rating
from .contact.models import TouchKind
from .dbtypes import utcnow
from .event.models import Event, Exhibitor
from .event.service import new_join_code
from .extensions import db
from .followup import service as followups
from .followup.models import FollowupList
from .outreach.models import MessageTemplate

MEETUP = "Berlin Backend Meetup"
LIST_NAME = "Backend engineers — nurture"
CONSENT = (
    "I agree that Acme Talent may store these details and contact me about jobs. "
    "I can ask them to delete my data at any time."
)
#: People Acme met at the meetup: (name, email, company, title, availability, rating, tags, note).
MET_AT_MEETUP = [
    ("Jonas Weber", "jonas.weber@example.com", "Bergmann GmbH", "Backend developer", "now",
     Rating.HOT, ["Backend", "Go"], "Asked about our payments platform; open to a lead role."),
    ("ليلى حداد", "layla.haddad@example.com", "Cedar Analytics", "Data scientist", "3_months",
     Rating.WARM, ["Data", "Python"], "Finishing a big migration; open after the summer."),
    ("Tomás Ribeiro", "tomas.ribeiro@example.com", "Lisboa Pay", "Staff engineer", "6_months",
     Rating.WARM, ["Backend", "Leadership"], "Runs the platform guild. Prefers hybrid work."),
]  # fmt: skip
TEMPLATES = [
    (
        "Thank you after the event",
        "Great to meet you at {{ event.name }}, {{ contact.first_name }}",
        "Hi {{ contact.first_name }},\n\n"
        "thank you for stopping by our booth at {{ event.name }} on {{ event.date }}."
        "{% if interests %} You mentioned {{ interests | join(', ') }}: that is exactly what "
        "our teams work on.{% endif %}\n\n"
        "I would be glad to keep in touch and let you know when something fits.\n\n"
        "{{ recruiter.signature or recruiter.name }}",
    ),
    (
        "Check-in when they are available",
        "{{ contact.first_name }}, is now a good time?",
        "Hi {{ contact.first_name }},\n\n"
        "when we met at {{ event.name }} you said: {{ availability }}. "
        "I wanted to check in and see whether a conversation about a new role would be "
        "welcome now.\n\n{{ recruiter.signature or recruiter.name }}",
    ),
]


def add_relationships(acme: Organization, fair: Event) -> None:
    """Create the past meetup, its captures, the list and the templates, once."""
    recruiter = db.session.scalars(
        select(User).where(User.email == "recruiter@acme-talent.example.com")
    ).one()
    if recruiter.signature == "":
        recruiter.signature = "Sam Rivera\nTalent Partner, Acme Talent"
    exists = db.session.scalars(
        select(FollowupList).where(
            FollowupList.organization_id == acme.id, FollowupList.name == LIST_NAME
        )
    ).first()
    if exists is not None:
        return
    meetup = _past_meetup(acme)
    met = datetime.combine(meetup.starts_on, time(19, 30), tzinfo=UTC)
    captures = [_booth_capture(acme, meetup, recruiter, met, row) for row in MET_AT_MEETUP]
    db.session.flush()
    nurture = followups.create_list(
        recruiter,
        LIST_NAME,
        "Senior backend people met at meetups and fairs: keep warm until they can move.",
    )
    followups.add_entries(
        nurture, [followups.candidate_from_capture(c) for c in captures], recruiter.id
    )
    # Sam thanked Jonas two days after the meetup: his check-in is what is due now.
    followups.log_touch(
        recruiter,
        captures[0].contact,
        TouchKind.EMAIL,
        subject="Great to meet you at the Berlin Backend Meetup",
        via="mailto",
        happened_at=met + timedelta(days=2),
    )
    for name, subject, body in TEMPLATES:
        db.session.add(
            MessageTemplate(
                organization_id=acme.id,
                name=name,
                subject=subject,
                body=body,
                created_by_id=recruiter.id,
            )
        )
    db.session.flush()


def _past_meetup(acme: Organization) -> Event:
    starts = utcnow().date() - timedelta(days=40)
    meetup = Event(
        organization_id=acme.id,
        name=MEETUP,
        starts_on=starts,
        ends_on=starts,
        timezone="Europe/Berlin",
        venue="Factory Görlitzer Park, Berlin",
        description="An evening of talks on distributed systems.",
        join_code=new_join_code(),
    )
    meetup.exhibitors.append(
        Exhibitor(organization_id=acme.id, booth_name="Acme Talent", booth_location="Foyer")
    )
    db.session.add(meetup)
    db.session.flush()
    return meetup


def _booth_capture(acme, meetup, recruiter, met, row) -> Capture:
    name, email, company, title, availability, rating, tags, note = row
    details = {"name": name, "email": email, "company": company, "title": title}
    contact = db.session.scalars(
        select(Contact).where(Contact.organization_id == acme.id, Contact.email == email)
    ).first() or Contact(organization_id=acme.id, **details)
    contact.last_met_at = max(filter(None, [contact.last_met_at, met]))
    capture = Capture(
        organization_id=acme.id,
        event=meetup,
        contact=contact,
        source=CaptureSource.BOOTH,
        rating=rating,
        availability=availability,
        answers={},
        consent_text=CONSENT,
        consent_locale="en",
        consent_at=met,
        captured_by_id=recruiter.id,
        captured_at=met,
        **details,
    )
    capture.tags = [CaptureTag(name=tag, key=tag.casefold()) for tag in tags]
    capture.notes = [
        Note(organization_id=acme.id, author_id=recruiter.id, body=note, written_at=met)
    ]
    db.session.add(capture)
    return capture
