"""The integrations API's resources as JSON: one shape per resource, shared by every endpoint and
by webhook payloads (``data``), and described by the OpenAPI schemas in ``api.openapi``.

Pure functions of the rows: no request needed, so a webhook worker (CLI, app context only) can
call them. Identifiers are public ids, never integer keys; instants are ISO 8601 with their UTC
offset, dates ``YYYY-MM-DD``; enums are their values; absent text is ``""``, absent values
``null``. ``url`` fields are absolute links to the page in NetCompanion (``BASE_URL``), for a CRM
record's "open in NetCompanion" link.

Callers load the relationships they serialise in bulk (see ``api.loading``); these functions
only read attributes.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app

from ..account.models import User
from ..attendee.models import Attendee
from ..badge.service import badge_url
from ..capture.models import Capture, Contact, Note
from ..contact.models import Touch
from ..event.models import Event
from ..followup.models import FollowupList, ListEntry, ListStage

DETAILS = ("name", "email", "company", "title", "phone", "linkedin_url", "website_url")


def _when(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def _enum(value) -> str | None:
    return None if value is None else value.value


def web_url(endpoint: str, **values) -> str:
    """Absolute link to a NetCompanion page; works without a request (webhook worker)."""
    adapter = current_app.url_map.bind("", url_scheme="https")
    return current_app.config["BASE_URL"].rstrip("/") + adapter.build(endpoint, values)


def person(user: User | None) -> dict | None:
    """A member of the team: who captured, wrote, owns or created something."""
    return None if user is None else {"id": user.public_id, "name": user.name}


def _details(row) -> dict:
    return {key: getattr(row, key) for key in DETAILS}


def event(ev: Event) -> dict:
    return {
        "id": ev.public_id,
        "name": ev.name,
        "starts_on": _when(ev.starts_on),
        "ends_on": _when(ev.ends_on),
        "timezone": ev.timezone,
        "venue": ev.venue,
        "description": ev.description,
        "organizer": {"id": ev.organizer.public_id, "name": ev.organizer.name},
        "interest_tags": list(ev.interest_tags or []),
        "self_registration_open": ev.self_registration_open,
        "created_at": _when(ev.created_at),
        "updated_at": _when(ev.updated_at),
    }


def attendee(a: Attendee) -> dict:
    """A registration as its organizer sees it (exhibitors never get this shape).

    ``badge_url`` is what the badge's QR code encodes, for a ticketing system printing its own
    badges; ``badge_code`` is printed under it for typing when a camera fails.
    """
    return {
        "id": a.public_id,
        "event": a.event.public_id,
        **_details(a),
        "availability": _enum(a.availability),
        "show_linkedin": a.show_linkedin,
        "show_website": a.show_website,
        "consent_share_contact": a.consent_share_contact,
        "consent": {"text": a.consent_text, "locale": a.consent_locale, "at": _when(a.consent_at)}
        if a.consent_at
        else None,
        "source": a.source.value,
        "badge_code": a.formatted_badge_code,
        "badge_url": badge_url(a),
        "created_at": _when(a.created_at),
        "updated_at": _when(a.updated_at),
    }


def note(n: Note) -> dict:
    return {
        "id": n.public_id,
        "author": person(n.author),
        "body": n.body,
        "written_at": _when(n.written_at),
    }


def capture(c: Capture) -> dict:
    """One meeting at an event, complete: details as captured, rating, tags, answers, notes."""
    return {
        "id": c.public_id,
        "event": c.event.public_id,
        "contact": c.contact.public_id,
        "attendee": c.attendee.public_id if c.attendee else None,
        "source": c.source.value,
        **_details(c),
        "rating": _enum(c.rating),
        "availability": _enum(c.availability),
        "tags": c.tag_names,
        "answers": c.answers or {},
        "consent": {"text": c.consent_text, "locale": c.consent_locale, "at": _when(c.consent_at)}
        if c.consent_at
        else None,
        "captured_at": _when(c.captured_at),
        "captured_by": person(c.captured_by),
        "created_at": _when(c.created_at),
        "updated_at": _when(c.updated_at),
        "notes": [note(n) for n in c.notes],
        "url": web_url("capture.detail", capture_id=c.public_id),
    }


def contact(c: Contact) -> dict:
    """A person as the company knows them across events (the contact page's header)."""
    return {
        "id": c.public_id,
        **_details(c),
        "last_met_at": _when(c.last_met_at),
        "do_not_contact": c.do_not_contact,
        "do_not_contact_reason": c.do_not_contact_reason if c.do_not_contact else "",
        "consent": {"text": c.consent_text, "at": _when(c.consent_at)} if c.consent_at else None,
        "created_at": _when(c.created_at),
        "updated_at": _when(c.updated_at),
        "url": web_url("contact.show", contact_id=c.public_id),
    }


def contact_summary(c: Contact) -> dict:
    """Enough to recognise the person inside another resource (a list entry)."""
    return {"id": c.public_id, "name": c.name, "company": c.company, "email": c.email}


def capture_summary(c: Capture) -> dict:
    """One encounter on a contact's record; the full capture is at /captures/<id>."""
    return {
        "id": c.public_id,
        "event": {"id": c.event.public_id, "name": c.event.name},
        "rating": _enum(c.rating),
        "availability": _enum(c.availability),
        "tags": c.tag_names,
        "captured_at": _when(c.captured_at),
        "captured_by": person(c.captured_by),
    }


def stage(s: ListStage) -> dict:
    return {"id": s.public_id, "name": s.name, "position": s.position, "is_final": s.is_final}


def list_(lst: FollowupList) -> dict:
    return {
        "id": lst.public_id,
        "name": lst.name,
        "description": lst.description,
        "keep_in_touch_days": lst.keep_in_touch_days,
        "archived": lst.archived_at is not None,
        "stages": [stage(s) for s in lst.stages],
        "created_at": _when(lst.created_at),
        "url": web_url("followup.show", list_id=lst.public_id),
    }


def entry(e: ListEntry) -> dict:
    """One contact in one list: stage, owner, state and what is due next."""
    return {
        "id": e.public_id,
        "list": {"id": e.list.public_id, "name": e.list.name},
        "stage": stage(e.stage),
        "contact": contact_summary(e.contact),
        "owner": person(e.owner),
        "state": e.state.value,
        "next_due_on": _when(e.next_due_on),
        "due_reason": _enum(e.due_reason),
        "snoozed_until": _when(e.snoozed_until),
        "revisit_on": _when(e.revisit_on),
        "last_touch_at": _when(e.last_touch_at),
        "added_at": _when(e.added_at),
        "updated_at": _when(e.updated_at),
    }


def touch(t: Touch) -> dict:
    """One contact with the person after the event (an email, a call): restarts cadences."""
    return {
        "id": t.public_id,
        "contact": t.contact.public_id,
        "kind": t.kind.value,
        "subject": t.subject,
        "body": t.body,
        "happened_at": _when(t.happened_at),
        "by": person(t.by),
    }
