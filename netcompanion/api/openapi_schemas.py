"""OpenAPI schemas of the API's JSON: one per shape in ``api.serialize``, the inputs, and the
error. Objects are closed (``additionalProperties: false``), so a field added to a serializer
without its schema fails the conformance tests instead of going undocumented.

Each property may carry an ``example``; ``api.docs_views.example`` builds whole examples from
them for the API page. What clients send is in ``openapi_bodies``.
"""

from __future__ import annotations

from ..attendee.models import Availability, Source
from ..capture.models import CaptureSource, Rating
from ..contact.models import TouchKind
from ..followup.models import DueReason, EntryState


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    out = dict(schema)
    out["type"] = [schema["type"], "null"]
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def text(description: str = "", example=None, **more) -> dict:
    schema = {"type": "string", **more}
    if description:
        schema["description"] = description
    if example is not None:
        schema["example"] = example
    return schema


def enum(kind, description: str = "", example=None) -> dict:
    return text(description, example or list(kind)[0].value, enum=[m.value for m in kind])


def instant(description: str = "", example: str = "2030-05-14T09:30:00+00:00") -> dict:
    return text(description, example, format="date-time")


def day(description: str = "", example: str = "2030-05-14") -> dict:
    return text(description, example, format="date")


def obj(properties: dict, description: str = "", optional: tuple[str, ...] = ()) -> dict:
    schema = {
        "type": "object",
        "properties": properties,
        "required": [key for key in properties if key not in optional],
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def array(items: dict, description: str = "") -> dict:
    schema = {"type": "array", "items": items}
    if description:
        schema["description"] = description
    return schema


def public_id(what: str, example: str = "q8R2vX0bLm4aZt9w") -> dict:
    return text(f"The {what}'s id.", example)


def details(example_name: str = "Lucía Fernández") -> dict:
    """The seven detail fields shared by attendees, captures and contacts ("" when unknown)."""
    return {
        "name": text("", example_name),
        "email": text("Lower-cased.", "lucia@example.com"),
        "company": text("", "Initech"),
        "title": text("", "Backend engineer"),
        "phone": text("", "+49 30 1234567"),
        "linkedin_url": text("", "https://linkedin.com/in/lucia"),
        "website_url": text("", ""),
    }


def rating() -> dict:
    return nullable(enum(Rating, "hot, warm or cold; null when not rated.", "hot"))


def availability() -> dict:
    return nullable(
        enum(Availability, "When the person said they could move; null when unknown.", "3_months")
    )


def _url(what: str) -> dict:
    return text(f"The {what}'s page in NetCompanion.", "https://netcompanion.example/...")


def _page(key: str, item: str, description: str) -> dict:
    return obj(
        {
            key: array(ref(item)),
            "next": nullable(text("Cursor of the next page; null on the last page.", "eyJ…")),
        },
        description,
    )


ITEM_ERROR = obj(
    {
        "code": text("What went wrong, for programs: see the list of codes.", "invalid"),
        "message": text("A sentence for people.", "Some values are not valid."),
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "The inputs at fault, each with its reason.",
            "example": {"rating": "Choose hot, warm or cold."},
        },
    },
    optional=("fields",),
)


def schemas() -> dict:
    person = obj(
        {"id": public_id("member"), "name": text("", "Mara Jensen")},
        "A member of the team.",
    )

    def named(what: str, example: str) -> dict:
        return obj({"id": public_id(what), "name": text("", example)}, f"A {what}, by name.")

    stage = obj(
        {
            "id": public_id("stage"),
            "name": text("", "Contacted"),
            "position": {"type": "integer", "example": 1},
            "is_final": {"type": "boolean", "description": "Nothing is due in a final stage."},
        },
        "A column of a list's pipeline.",
    )
    note = obj(
        {
            "id": public_id("note"),
            "author": nullable(ref("Person")),
            "body": text("", "Wants to lead a platform team."),
            "written_at": instant(),
        },
        "A note on a capture; never edited.",
    )
    consent = obj(
        {
            "text": text("The words the person agreed to."),
            "locale": text("", "en"),
            "at": instant(),
        }
    )
    contact_consent = obj({"text": text("What the person agreed to."), "at": instant()})
    event = obj(
        {
            "id": public_id("event"),
            "name": text("", "Berlin Tech Careers Fair"),
            "starts_on": day(),
            "ends_on": day(example="2030-05-15"),
            "timezone": text("IANA zone name.", "Europe/Berlin"),
            "venue": text("", "Messe Berlin"),
            "description": text(),
            "organizer": ref("CompanyRef"),
            "interest_tags": array(text(example="Backend")),
            "self_registration_open": {"type": "boolean"},
            "created_at": instant(),
            "updated_at": instant(),
        },
        "An event the company organizes or exhibits at.",
    )
    attendee = obj(
        {
            "id": public_id("attendee"),
            "event": public_id("event"),
            **details(),
            "availability": availability(),
            "show_linkedin": {"type": "boolean"},
            "show_website": {"type": "boolean"},
            "consent_share_contact": {
                "type": "boolean",
                "description": "Shares contact details with exhibitors who scan the badge.",
            },
            "consent": nullable(ref("Consent")),
            "source": enum(Source, "Who registered them.", "organizer"),
            "badge_code": text("Printed under the QR code.", "K7QM-3XTP"),
            "badge_url": text("What the badge's QR code encodes.", "https://…/b/…"),
            "created_at": instant(),
            "updated_at": instant(),
        },
        "A registration, as the event's organizer sees it.",
    )
    capture = obj(
        {
            "id": public_id("capture"),
            "event": public_id("event"),
            "contact": public_id("contact"),
            "attendee": nullable(public_id("attendee")),
            "source": enum(CaptureSource, "How the details were captured.", "badge"),
            **details(),
            "rating": rating(),
            "availability": availability(),
            "tags": array(text(example="Backend"), "Interests."),
            "answers": {
                "type": "object",
                "description": "Answers to the event's questions, by question id.",
                "additionalProperties": {
                    "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
                },
                "example": {},
            },
            "consent": nullable(ref("Consent")),
            "captured_at": instant("When, by the device's clock."),
            "captured_by": nullable(ref("Person")),
            "created_at": instant(),
            "updated_at": instant(),
            "notes": array(ref("Note")),
            "url": _url("capture"),
        },
        "One meeting with a person at an event.",
    )
    capture_summary = obj(
        {
            "id": public_id("capture"),
            "event": public_id("event"),
            "contact": public_id("contact"),
            "attendee": nullable(public_id("attendee")),
            "source": enum(CaptureSource, "", "badge"),
            "name": text("", "Lucía Fernández"),
            "company": text("", "Initech"),
            "rating": rating(),
            "availability": availability(),
            "tags": array(text(example="Backend")),
            "url": text("The capture's page, relative.", "/captures/q8R2vX0bLm4aZt9w"),
        },
        "What a sync answer carries about a capture.",
    )
    encounter = obj(
        {
            "id": public_id("capture"),
            "event": ref("EventRef"),
            "rating": rating(),
            "availability": availability(),
            "tags": array(text(example="Backend")),
            "captured_at": instant(),
            "captured_by": nullable(ref("Person")),
        },
        "One meeting on a contact's record; the whole capture is at /captures/{id}.",
    )
    contact_fields = {
        "id": public_id("contact"),
        **details(),
        "last_met_at": instant("The latest encounter (or when added)."),
        "do_not_contact": {"type": "boolean"},
        "do_not_contact_reason": text(),
        "consent": nullable(ref("ContactConsent")),
        "created_at": instant(),
        "updated_at": instant("When the contact's own fields last changed."),
        "url": _url("contact"),
    }
    contact = obj(contact_fields, "A person as the company knows them, across events.")
    contact_detail = obj(
        {
            **contact_fields,
            "captures": array(ref("Encounter"), "Every encounter, latest first."),
            "entries": array(ref("Entry"), "The lists the person is in."),
        },
        "A contact with its encounters and list entries.",
    )
    contact_summary = obj(
        {
            "id": public_id("contact"),
            "name": text("", "Lucía Fernández"),
            "company": text("", "Initech"),
            "email": text("", "lucia@example.com"),
        }
    )
    list_ = obj(
        {
            "id": public_id("list"),
            "name": text("", "Backend engineers — nurture"),
            "description": text(),
            "keep_in_touch_days": nullable(
                {"type": "integer", "description": "After the cadence; null: it ends."}
            ),
            "archived": {"type": "boolean"},
            "stages": array(ref("Stage"), "In pipeline order."),
            "created_at": instant(),
            "url": _url("list"),
        },
        "A follow-up list (talent pool).",
    )
    entry = obj(
        {
            "id": public_id("entry"),
            "list": ref("ListRef"),
            "stage": ref("Stage"),
            "contact": ref("ContactSummary"),
            "owner": nullable(ref("Person")),
            "state": enum(EntryState, "", "active"),
            "next_due_on": nullable(day("What is due next; null when nothing is.")),
            "due_reason": nullable(enum(DueReason, "", "step")),
            "snoozed_until": nullable(day()),
            "revisit_on": nullable(day("When the person said they could move.")),
            "last_touch_at": nullable(instant()),
            "added_at": instant(),
            "updated_at": instant(),
        },
        "One contact in one list.",
    )
    touch = obj(
        {
            "id": public_id("touch"),
            "contact": public_id("contact"),
            "kind": enum(TouchKind, "", "call"),
            "subject": text(),
            "body": text("", "Talked about the platform role."),
            "happened_at": instant(),
            "by": nullable(ref("Person")),
        },
        "One contact with the person after the event.",
    )
    return {
        "Error": obj({"error": ref("ErrorBody")}, "Every error answer."),
        "ErrorBody": ITEM_ERROR,
        "Person": person,
        "CompanyRef": named("company", "Fair Organizers"),
        "EventRef": named("event", "Berlin Tech Careers Fair"),
        "ListRef": named("list", "Backend engineers — nurture"),
        "Consent": consent,
        "ContactConsent": contact_consent,
        "Event": event,
        "Attendee": attendee,
        "Note": note,
        "Capture": capture,
        "CaptureSummary": capture_summary,
        "Encounter": encounter,
        "Contact": contact,
        "ContactDetail": contact_detail,
        "ContactSummary": contact_summary,
        "Stage": stage,
        "List": list_,
        "Entry": entry,
        "Touch": touch,
        **_pages(),
    }


def _pages() -> dict:
    return {
        "EventPage": _page("events", "Event", "A page of events."),
        "AttendeePage": _page("attendees", "Attendee", "A page of attendees."),
        "CapturePage": _page("captures", "Capture", "A page of captures."),
        "ContactPage": _page("contacts", "Contact", "A page of contacts."),
        "ListPage": _page("lists", "List", "A page of lists."),
        "EntryPage": _page("entries", "Entry", "A page of list entries."),
    }
