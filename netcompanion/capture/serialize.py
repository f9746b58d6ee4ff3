"""Captures as JSON, for the scanner and for integrations."""

from __future__ import annotations

from flask import url_for

from .models import Capture, Note


def _person(user) -> dict | None:
    return None if user is None else {"id": user.public_id, "name": user.name}


def summary(capture: Capture) -> dict:
    """What a sync answer carries: enough for the device to show and find the capture again."""
    return {
        "id": capture.public_id,
        "event": capture.event.public_id,
        "contact": capture.contact.public_id,
        "attendee": capture.attendee.public_id if capture.attendee else None,
        "source": capture.source.value,
        "name": capture.name,
        "company": capture.company,
        "rating": capture.rating.value if capture.rating else None,
        "availability": capture.availability.value if capture.availability else None,
        "tags": capture.tag_names,
        "url": url_for("capture.detail", capture_id=capture.public_id),
    }


def note(note: Note) -> dict:
    return {
        "id": note.public_id,
        "author": _person(note.author),
        "body": note.body,
        "written_at": note.written_at.isoformat(),
    }


def full(capture: Capture) -> dict:
    return {
        **summary(capture),
        "email": capture.email,
        "title": capture.title,
        "phone": capture.phone,
        "linkedin_url": capture.linkedin_url,
        "website_url": capture.website_url,
        "answers": capture.answers or {},
        "consent": {
            "text": capture.consent_text,
            "locale": capture.consent_locale,
            "at": capture.consent_at.isoformat(),
        }
        if capture.consent_at
        else None,
        "captured_at": capture.captured_at.isoformat(),
        "captured_by": _person(capture.captured_by),
        "created_at": capture.created_at.isoformat(),
        "updated_at": capture.updated_at.isoformat(),
        "notes": [note(n) for n in capture.notes],
    }
