"""A capture as the scanner's sync answers carry it; the full shape is ``api.serialize.capture``."""

from __future__ import annotations

from flask import url_for

from .models import Capture


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
