"""OpenAPI schemas of what clients send (the inputs of writes, the scanner's uploads) and of
the scanner's sync answers. Input objects are closed too: the API refuses unknown fields.
"""

from __future__ import annotations

from ..attendee.models import Availability
from ..capture.models import Rating
from ..contact.models import TouchKind
from .openapi_schemas import (
    array,
    availability,
    day,
    details,
    enum,
    instant,
    nullable,
    obj,
    public_id,
    ref,
    text,
)


def schemas() -> dict:
    return {**scanner(), **inputs()}


def scanner() -> dict:
    """What the scanner (and any client that records captures) sends and gets back."""
    result = obj(
        {
            "client_id": nullable(text("The upload's UUID, as sent.")),
            "status": text(
                "created, merged (into the capture of the same person at the event), "
                "already_synced (a replay), or error.",
                "created",
                enum=["created", "merged", "already_synced", "error"],
            ),
            "capture": ref("CaptureSummary"),
            "error": ref("ErrorBody"),
            "follow_up": text(
                "unknown_list when the list asked for is gone; the capture is kept.",
                enum=["unknown_list"],
            ),
        },
        "What happened to one uploaded capture.",
        optional=("capture", "error", "follow_up"),
    )
    upload = {
        "type": "object",
        "description": (
            "One capture as a device records it. Give exactly one of badge (the scanned QR "
            "token or URL), badge_code (typed from the badge), vcard (a scanned contact card) "
            "or contact (details typed by hand)."
        ),
        "required": ["client_id", "event", "captured_at"],
        "example": {
            "client_id": "5f0c6a4e-8d1b-4b7e-9a51-2f3c9e7d1a20",
            "event": "q8R2vX0bLm4aZt9w",
            "captured_at": "2030-05-14T09:30:00+02:00",
            "contact": {"name": "Lucía Fernández", "company": "Initech"},
            "rating": "hot",
            "tags": ["Backend"],
            "note": "Wants to lead a platform team.",
        },
        "properties": {
            "client_id": text(
                "A UUID made by the device: replays are recorded once.",
                "5f0c6a4e-8d1b-4b7e-9a51-2f3c9e7d1a20",
            ),
            "event": public_id("event"),
            "captured_at": instant("The device's time, with a UTC offset."),
            "recruiter": text("Your member id; captures of others are refused."),
            "badge": text(),
            "badge_code": text(example="K7QM-3XTP"),
            "vcard": text(),
            "contact": {"type": "object", "properties": details(), "required": ["name"]},
            "rating": enum(Rating),
            "availability": enum(Availability),
            "tags": array(text()),
            "answers": {"type": "object"},
            "note": text(maxLength=5000),
            "follow_up": text("A list's id: queue the person for follow-up there."),
        },
    }
    return {
        "CaptureResult": result,
        "CaptureUpload": upload,
        "CaptureBatch": obj({"captures": array(ref("CaptureUpload"), "1 to 500 captures.")}),
        "BatchResults": obj({"results": array(ref("CaptureResult"), "One per capture, in order.")}),
        "Session": obj(
            {
                "user": ref("Person"),
                "organization": ref("CompanyRef"),
                "csrf_token": text("Send as X-CSRFToken with session writes."),
            },
            "Who is calling.",
        ),
        "BadgeLookup": obj(
            {
                "attendee": obj(
                    {
                        "id": public_id("attendee"),
                        "name": text("", "Lucía Fernández"),
                        "company": text("", "Initech"),
                        "title": text("", "Backend engineer"),
                        "availability": availability(),
                        "badge_code": text("Printed under the QR code.", "K7QM-3XTP"),
                    },
                    "What the badge shows.",
                ),
                "capture": nullable(ref("Capture")),
            },
            "A scanned badge's person, and your capture of them at the event if any.",
        ),
        "BadgeCodeLookup": obj(
            {
                "badge": obj(
                    {
                        "code": text("As printed.", "K7QM-3XTP"),
                        "name": text("", "Anna Schmidt"),
                        "company": text("", "Zalando"),
                    },
                    "What is printed on the badge, and nothing else.",
                )
            },
            "Who a typed badge code is printed for.",
        ),
    }


def inputs() -> dict:
    detail_inputs = {key: text() for key in details()}
    return {
        "AttendeeInput": {
            "type": "object",
            "example": {
                "name": "Lucía Fernández",
                "email": "lucia@example.com",
                "company": "Initech",
                "title": "Backend engineer",
            },
            "required": ["name", "email"],
            "properties": {
                **{key: {**schema, "type": ["string", "null"]} for key, schema in details().items()}
            },
            "additionalProperties": False,
        },
        "CapturePatch": {
            "type": "object",
            "example": {"rating": "hot", "tags": ["Backend", "Rust"]},
            "description": 'Only the fields given change. answers: null or "" clears one.',
            "properties": {
                **detail_inputs,
                "rating": nullable(enum(Rating, '"" or null: not rated.')),
                "availability": nullable(enum(Availability)),
                "tags": array(text(maxLength=60), "Replaces the tags; at most 20."),
                "answers": {"type": "object"},
            },
            "additionalProperties": False,
        },
        "NoteInput": {
            "type": "object",
            "required": ["body"],
            "properties": {"body": text(maxLength=5000, example="Followed up by phone.")},
            "additionalProperties": False,
        },
        "ContactPatch": {
            "type": "object",
            "example": {"title": "Engineering manager", "company": "Initech"},
            "description": "Only the fields given change; the contact page's rules apply.",
            "properties": detail_inputs,
            "additionalProperties": False,
        },
        "TouchInput": {
            "type": "object",
            "example": {"kind": "call", "body": "Talked about the platform role."},
            "required": ["kind"],
            "properties": {
                "kind": enum(TouchKind, example="call"),
                "subject": text(maxLength=300),
                "body": text(maxLength=5000),
                "happened_at": instant("Not in the future; now when left out."),
            },
            "additionalProperties": False,
        },
        "EntryInput": {
            "type": "object",
            "example": {"contact": "q8R2vX0bLm4aZt9w"},
            "required": ["contact"],
            "properties": {
                "contact": public_id("contact"),
                "owner": text("A member's id; by default whoever captured the person."),
            },
            "additionalProperties": False,
        },
        "EntryPatch": {
            "type": "object",
            "example": {"stage": "Xk3mQ9pL2vN7wR4t", "snooze_until": "2030-05-14"},
            "description": "Applied in this order: state, stage, owner, snooze_until.",
            "properties": {
                "state": text(example="paused", enum=["active", "paused", "closed"]),
                "stage": public_id("stage"),
                "owner": nullable(text("A member's id; null for nobody.")),
                "snooze_until": nullable(day("A date after today; null wakes it.")),
            },
            "additionalProperties": False,
        },
    }
