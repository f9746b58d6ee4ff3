"""What attendees leave at a booth: the details they type on the poster's page, or their card.

The page behind a booth poster's QR is public. What it records belongs to the booth's company
only (never the organizer, never another exhibitor), with the person's consent in the words
they were shown. A person who leaves their details twice at the same booth (the same email,
or the same badge-holder) lands on one capture with two notes, by the same rules as scans.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import vobject
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..attendee.models import Attendee, Availability
from ..contact import matching
from ..contact.models import MatchSuggestion
from ..dbtypes import utcnow
from ..event.models import Event, Exhibitor
from ..exceptions import Rejected
from ..extensions import db
from ..followup import service as followups
from ..ids import new_public_id
from ..inserts import insert_skipping_duplicates
from ..webhook import changes as webhooks
from . import items, recording
from .models import Capture, CaptureSource, Contact

MAX_MESSAGE = 2000
MAX_INTERESTS = items.MAX_TAGS
DETAIL_FIELDS = ("name", "email", "company", "title", "phone", "linkedin_url", "website_url")


@dataclass
class _Encounter:
    """What ``recording.existing_captures`` reads of an upload."""

    event: Event
    attendee: Attendee | None
    details: dict[str, str]


def consent_wording(company: str) -> str:
    """The consent sentence shown (and stored) for a booth, in the visitor's language."""
    return _(
        "I agree that %(company)s may store these details and contact me about jobs. "
        "I can ask them to delete my data at any time.",
        company=company,
    )


def clean_email(value: str) -> str:
    """Normalised and lower-cased; raise Rejected on the email field when not an address."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise Rejected(_l("Enter a valid email address."), "email") from error


def clean_url(value: str, field: str) -> str:
    """People type "linkedin.com/in/ana": add https://, refuse what is not a web address."""
    value = value.strip()
    if not value:
        return ""
    if not value.lower().startswith(("http://", "https://")):
        if "://" in value or " " in value:
            raise Rejected(_l("Enter a web address starting with https://."), field)
        value = "https://" + value
    host = value.split("/")[2] if value.count("/") >= 2 else ""
    if "." not in host or " " in value:
        raise Rejected(_l("Enter a web address, e.g. https://example.com."), field)
    return value


def clean_details(raw: dict) -> dict[str, str]:
    """The typed details, trimmed and checked; Rejected names the first field at fault."""
    details = {}
    for key in DETAIL_FIELDS:
        value = raw.get(key) or ""
        value = value.strip() if isinstance(value, str) else ""
        if len(value) > items.CONTACT_FIELDS[key]:
            raise Rejected(
                _l("At most %(limit)d characters.", limit=items.CONTACT_FIELDS[key]), key
            )
        details[key] = value
    if not details["name"]:
        raise Rejected(_l("Enter your name."), "name")
    if not details["email"]:
        raise Rejected(_l("Enter your email address."), "email")
    details["email"] = clean_email(details["email"])
    for key in ("linkedin_url", "website_url"):
        details[key] = clean_url(details[key], key)
    return details


def shared_details(attendee: Attendee) -> dict[str, str]:
    """Everything on the attendee's record: tapping "Share my card" at a booth gives it all."""
    return {key: getattr(attendee, key) or "" for key in DETAIL_FIELDS}


def clean_interests(chosen: list[str], typed: str = "") -> list[str]:
    """The ticked chips, then the typed ones (comma-separated), without repeats."""
    interests = items.clean_tags([*chosen, *typed.split(",")])
    if len(interests) > MAX_INTERESTS:
        raise Rejected(_l("At most %(limit)d interests.", limit=MAX_INTERESTS), "other_interests")
    if any(len(tag) > items.MAX_TAG for tag in interests):
        raise Rejected(
            _l("An interest has at most %(limit)d characters.", limit=items.MAX_TAG),
            "other_interests",
        )
    return interests


def record_booth(
    booth: Exhibitor,
    details: dict,
    interests: list[str],
    availability: Availability | None,
    message: str,
    consent_text: str,
    locale: str,
    attendee: Attendee | None = None,
) -> Capture:
    """Record what a person left at a booth for the booth's company; flush, do not commit.

    With ``attendee`` (they tapped "Share my card"), the details come from their record and
    ``details`` is ignored; the attendee must be registered for the booth's event.
    ``locale`` is the language the consent was shown in, kept with its wording.
    """
    if not consent_text.strip():
        raise Rejected(_l("Tick the box to agree, or your details cannot be sent."), "consent")
    event = booth.event
    if attendee is not None:
        if attendee.event_id != booth.event_id:
            raise Rejected(_l("Your badge is for another event. Fill in the form instead."))
        details = shared_details(attendee)
    else:
        details = clean_details(details)
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise Rejected(_l("At most %(limit)d characters.", limit=MAX_MESSAGE), "message")
    now = utcnow()
    item = items.Item(
        client_id=str(uuid.uuid4()),
        event=event.public_id,
        captured_at=now,
        tags=clean_interests(interests),
        availability=availability,
        note=message,
    )
    capture, created, doubts = _find_or_create(booth, event, attendee, details, now)
    recording.merge(capture, item, details, {}, None, attendee)
    # The latest consent is the one that counts: it names what they agreed to most recently.
    capture.consent_text = consent_text
    capture.consent_locale = locale
    capture.consent_at = now
    capture.contact.last_met_at = now
    db.session.flush()
    suggestions = [
        {
            "public_id": new_public_id(),
            "organization_id": booth.organization_id,
            "contact_id": capture.contact_id,
            "other_id": other.id,
            "reason": reason,
            "created_at": now,
        }
        for other, reason in doubts
        if other.id != capture.contact_id
    ]
    if suggestions:  # possible duplicates, for a recruiter to review; asked once per pair
        statement = insert_skipping_duplicates(
            MatchSuggestion.__table__, ["contact_id", "other_id"]
        )
        db.session.connection().execute(statement, suggestions)
    webhooks.capture_recorded(capture, created)
    if created:  # the event's rules put every new capture in their lists
        for lst in followups.rule_lists(booth.organization_id, {event.id}).get(event.id, []):
            followups.add_entries(lst, [followups.candidate_from_capture(capture)], None)
    db.session.flush()
    return capture


def _find_or_create(
    booth: Exhibitor, event: Event, attendee: Attendee | None, details: dict, now
) -> tuple[Capture, bool, list]:
    """The company's capture of this person at the event (same badge-holder or email), or a
    new one on the contact they match; with whether it is new, and possible duplicates."""
    org_id = booth.organization_id
    encounter = [_Encounter(event, attendee, details)]
    by_attendee, by_email = recording.existing_captures(org_id, encounter)
    email = details.get("email", "")
    capture = by_attendee.get((event.id, attendee.id)) if attendee else None
    if capture is None and email:
        capture = by_email.get((event.id, email))
    if capture is not None:
        if attendee is not None and capture.attendee_id is None:
            capture.attendee = attendee  # they told us who they are
        return capture, False, []
    match = matching.find(org_id, [details])[0]
    contact = match.contact
    if contact is None:
        contact = Contact(organization_id=org_id, **{k: details.get(k, "") for k in DETAIL_FIELDS})
        db.session.add(contact)
    else:
        for key in DETAIL_FIELDS:  # what they typed fills what the company lacked
            if details.get(key) and not getattr(contact, key):
                setattr(contact, key, details[key])
    capture = Capture(
        organization_id=org_id,
        event=event,
        contact=contact,
        attendee=attendee,
        source=CaptureSource.BOOTH,
        captured_by_id=None,
        captured_at=now,
        answers={},
        tags=[],
        notes=[],
        **{k: details.get(k, "") for k in DETAIL_FIELDS},
    )
    db.session.add(capture)
    return capture, True, match.doubts


def booth_card(booth: Exhibitor) -> str:
    """The booth as a vCard 3.0 for the attendee's phone: the company, the booth's name, and
    where they met. No recruiter's personal address: a booth has no contact email of its own
    yet, and the people behind it are not the attendee's to keep."""
    card = vobject.vCard()
    card.add("fn").value = booth.booth_name
    card.add("n").value = vobject.vcard.Name(given=booth.booth_name)
    card.add("org").value = [booth.organization.name]
    if booth.booth_location:
        note = _(
            "Met at %(event)s, %(location)s",
            event=booth.event.name,
            location=booth.booth_location,
        )
    else:
        note = _("Met at %(event)s", event=booth.event.name)
    card.add("note").value = note
    return card.serialize()
