"""Whether the company may write to a person, and the evidence for it.

Rule: outreach needs consent on record and no "do not contact". Consent is either captured
from the person themselves (the booth form, or a badge whose holder agreed to share their
details with exhibitors), or recorded by a recruiter with the words the person used. "Do not
contact" wins over any consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from ..capture.models import Capture, Contact
from ..dbtypes import utcnow
from ..followup import service as followups
from ..webhook import changes as webhooks


@dataclass
class Evidence:
    """One record of consent: the words, when, and where it came from."""

    text: str
    at: datetime
    locale: str
    #: The event where it was captured; None for consent a recruiter recorded.
    capture: Capture | None


def evidence(contact: Contact, captures: list[Capture] | None = None) -> list[Evidence]:
    """Every consent on record for the contact, newest first."""
    found = [
        Evidence(c.consent_text, c.consent_at, c.consent_locale, c)
        for c in (contact.captures if captures is None else captures)
        if c.consent_at is not None
    ]
    if contact.consent_at is not None:
        found.append(Evidence(contact.consent_text, contact.consent_at, "", None))
    return sorted(found, key=lambda e: e.at, reverse=True)


def blocked_reason(contact: Contact, captures: list[Capture] | None = None) -> str | None:
    """Why the company may not write to this person now, or None when it may."""
    if contact.do_not_contact:
        return _("%(name)s asked not to be contacted.", name=contact.name or contact.email)
    if not contact.email:
        return _("There is no email address for this contact.")
    if not evidence(contact, captures):
        return _(
            "There is no consent on record: the person did not agree to be contacted. "
            "Record their consent on the contact page when they give it."
        )
    return None


def mark_do_not_contact(contact: Contact, by, reason: str) -> None:
    """Refuse outreach to the person; nothing of theirs falls due any more. Flushes."""
    if not contact.do_not_contact:
        contact.do_not_contact_at = utcnow()
    contact.do_not_contact_reason = reason
    contact.do_not_contact_by_id = by.id
    followups.reschedule_contact(contact)
    webhooks.contact_updated(contact)


def lift_do_not_contact(contact: Contact) -> None:
    """The person agreed to hear from the company again: their follow-ups fall due again."""
    contact.do_not_contact_at = None
    contact.do_not_contact_reason = ""
    contact.do_not_contact_by_id = None
    followups.reschedule_contact(contact)
    webhooks.contact_updated(contact)
