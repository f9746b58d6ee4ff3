"""The operations of /api/v1/ in OpenAPI terms: what ``api.openapi`` assembles into the document.

One table (``operations``) lists every route of ``api.views`` and ``capture.api`` with its
parameters, body and answers; ``tests/api/test_openapi.py`` fails when it and the routes
disagree. Error answers refer to the reusable responses of ``api.openapi.RESPONSES``.
"""

from __future__ import annotations

from ..attendee.models import Availability
from ..capture.models import Rating
from ..followup.queries import DUE_FILTERS
from . import paging
from .openapi_schemas import ref


def _param(name: str, where: str, description: str, schema: dict | None = None, **more) -> dict:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema or {"type": "string"},
        **more,
    }


PARAMETERS = {
    "limit": _param(
        "limit",
        "query",
        f"Items per page, 1 to {paging.MAX_LIMIT} (default {paging.DEFAULT_LIMIT}).",
        {"type": "integer", "minimum": 1, "maximum": paging.MAX_LIMIT},
    ),
    "cursor": _param("cursor", "query", "The next value of the previous page."),
    **{
        f"{name}_id": _param(f"{name}_id", "path", f"The {name}'s id.")
        for name in ("event", "attendee", "capture", "contact", "list", "entry")
    },
}


def _p(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


def _ok(schema: str, description: str, status: str = "200", headers: dict | None = None):
    response = {
        "description": description,
        "content": {"application/json": {"schema": ref(schema)}},
    }
    if headers:
        response["headers"] = headers
    return {status: response}


def _wrapped(key: str, schema: str, description: str, status: str = "200", **more) -> dict:
    """A response ``{"<key>": <schema>}``."""
    body = {
        "type": "object",
        "properties": {key: ref(schema)},
        "required": [key],
        "additionalProperties": False,
    }
    return {
        status: {
            "description": description,
            "content": {"application/json": {"schema": body}},
            **more,
        }
    }


def _errors(*names: str) -> dict:
    statuses = {
        "Unauthorized": "401",
        "Forbidden": "403",
        "NotFound": "404",
        "Invalid": "422",
        "RateLimited": "429",
        "CsrfFailed": "400",
        "Merged": "409",
    }
    return {statuses[n]: {"$ref": f"#/components/responses/{n}"} for n in names}


#: Any query parameter or body may carry refused text (``text_input``): every operation can 422.
READ = ("Unauthorized", "Invalid", "RateLimited")
WRITE = ("Unauthorized", "Forbidden", "Invalid", "RateLimited", "CsrfFailed")


def _body(schema: str, description: str = "") -> dict:
    return {
        "required": True,
        "description": description,
        "content": {"application/json": {"schema": ref(schema)}},
    }


def _q(name: str, description: str, schema: dict | None = None) -> dict:
    return _param(name, "query", description, schema)


def _enum(kind) -> dict:
    return {"type": "string", "enum": [m.value for m in kind]}


CONTACT_FILTERS = [
    _q("q", "Search name, email, company and title; a whole email address finds it exactly."),
    _q("event", "An event's id: met there."),
    _q("tag", "An interest, any case."),
    _q("rating", "Rated exactly this at an encounter.", _enum(Rating)),
    _q("rating_min", "Rated this or warmer at an encounter.", _enum(Rating)),
    _q("availability", "Gave this availability at an encounter.", _enum(Availability)),
    _q("list", "A list's id: in that list."),
    _q("owner", "A member's id: followed up by them in some list."),
]
LOCATION = {"Location": {"schema": {"type": "string"}, "description": "The new object's URL."}}


def operations() -> dict:
    """Every operation of the API but the exports', in one table: path → method → operation."""
    paths: dict = {}

    def op(where: str, tag: str, summary: str, description: str, responses: dict, **more):
        method, path = where.split(" ", 1)
        paths.setdefault(path, {})[method.lower()] = {
            "tags": [tag],
            "summary": summary,
            "description": description,
            "responses": responses,
            **more,
        }

    # Who is calling -----------------------------------------------------------------------
    op(
        "GET /session",
        "Session",
        "Who is calling",
        "The member the token acts for (its creator) or who is signed in, the company, and a "
        "CSRF token for session writes.",
        {**_ok("Session", "The caller."), **_errors(*READ)},
        operationId="session",
    )
    op(
        "GET /openapi.json",
        "Session",
        "This document",
        "The OpenAPI document of this API. Public: it holds no data.",
        {
            "200": {
                "description": "The document.",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        },
        operationId="openapi",
        security=[],
    )

    # Events and attendees -----------------------------------------------------------------
    op(
        "GET /events",
        "Events",
        "List events",
        "Events the company organizes or exhibits at, latest start first.",
        {**_ok("EventPage", "A page of events."), **_errors(*READ, "Invalid")},
        operationId="listEvents",
        parameters=[_p("limit"), _p("cursor")],
    )
    op(
        "GET /events/{event_id}",
        "Events",
        "Read an event",
        "One event the company organizes or exhibits at.",
        {**_wrapped("event", "Event", "The event."), **_errors(*READ, "NotFound")},
        operationId="readEvent",
        parameters=[_p("event_id")],
    )
    organizer_only = (
        " Only the event's organizer may use it: an exhibitor gets 403, a company that does "
        "not see the event 404."
    )
    op(
        "GET /events/{event_id}/attendees",
        "Attendees",
        "List attendees",
        "The event's registrations, oldest first." + organizer_only,
        {
            **_ok("AttendeePage", "A page of attendees."),
            **_errors(*READ, "Forbidden", "NotFound", "Invalid"),
        },
        operationId="listAttendees",
        parameters=[
            _p("event_id"),
            _q("q", "Search name, email and company."),
            _p("limit"),
            _p("cursor"),
        ],
    )
    op(
        "POST /events/{event_id}/attendees",
        "Attendees",
        "Register an attendee",
        "Register a person, e.g. from a ticketing system, with the attendee form's rules: "
        "name and email required, one registration per email. The badge (code and QR "
        "link) is issued at once; the attendee's own consent is not set." + organizer_only,
        {
            **_wrapped("attendee", "Attendee", "Registered.", "201", headers=LOCATION),
            **_errors(*WRITE, "NotFound"),
        },
        operationId="createAttendee",
        parameters=[_p("event_id")],
        requestBody=_body("AttendeeInput"),
    )
    op(
        "GET /events/{event_id}/attendees/{attendee_id}",
        "Attendees",
        "Read an attendee",
        "One registration." + organizer_only,
        {
            **_wrapped("attendee", "Attendee", "The attendee."),
            **_errors(*READ, "Forbidden", "NotFound"),
        },
        operationId="readAttendee",
        parameters=[_p("event_id"), _p("attendee_id")],
    )
    op(
        "GET /events/{event_id}/badges/{token}",
        "Captures",
        "Look up a scanned badge",
        "The person a badge names (what the badge shows) and the company's capture of them "
        "at the event, if any. The company must exhibit at the event. A badge that is not "
        "genuine, replaced or of another event answers 422 with the code invalid_token, "
        "revoked or wrong_event.",
        {**_ok("BadgeLookup", "The badge's person."), **_errors(*READ, "NotFound", "Invalid")},
        operationId="lookupBadge",
        parameters=[_p("event_id"), _param("token", "path", "The badge's QR token.")],
    )
    op(
        "GET /events/{event_id}/badge-codes/{badge_code}",
        "Captures",
        "Look up a typed badge code",
        "The name and company printed on the event's badge with this code, so a code typed "
        "by hand can be checked before it is saved. Case, spaces and dashes do not matter. An "
        "unknown code answers 404, like a code of another event. Limited per member "
        "(BADGE_CODE_RATE_LIMIT).",
        {
            **_ok("BadgeCodeLookup", "The badge's name and company."),
            **_errors(*READ, "NotFound"),
        },
        operationId="lookupBadgeCode",
        parameters=[
            _p("event_id"),
            _param("badge_code", "path", "The code printed under the QR, e.g. K7QM-3XTP."),
        ],
    )

    # Captures ------------------------------------------------------------------------------
    op(
        "GET /captures",
        "Captures",
        "List captures",
        "The company's captures, newest first.",
        {**_ok("CapturePage", "A page of captures."), **_errors(*READ, "Invalid")},
        operationId="listCaptures",
        parameters=[
            _q("event", "An event's id."),
            _q("rating", "Exactly this rating.", _enum(Rating)),
            _q("tag", "An interest, any case."),
            _q("q", "Search name, company and email."),
            _q("attendee", "An attendee's id: captures of that badge."),
            _q("recruiter", "A member's id: captured by them or with a note of theirs."),
            _q(
                "updated_since",
                "Changed at or after this instant (ISO 8601 with offset).",
                {"type": "string", "format": "date-time"},
            ),
            _p("limit"),
            _p("cursor"),
        ],
    )
    op(
        "POST /captures",
        "Captures",
        "Record a capture",
        "Record one capture as a device does; replaying the same client_id records it "
        "once. 201 when created, 200 when merged into the capture of the same person at "
        "the event or already synced, 422 with an item error otherwise.",
        {
            "201": _ok("CaptureResult", "Created.")["200"],
            **_ok("CaptureResult", "Merged or already synced."),
            **_errors(*WRITE),
        },
        operationId="createCapture",
        requestBody=_body("CaptureUpload"),
    )
    op(
        "POST /captures/batch",
        "Captures",
        "Record captures in a batch",
        "Up to 500 captures; each gets its own result, so one bad capture never blocks the others.",
        {**_ok("BatchResults", "One result per capture."), **_errors(*WRITE)},
        operationId="createCaptures",
        requestBody=_body("CaptureBatch"),
    )
    op(
        "GET /captures/{capture_id}",
        "Captures",
        "Read a capture",
        "One capture with its notes, tags and answers.",
        {**_wrapped("capture", "Capture", "The capture."), **_errors(*READ, "NotFound")},
        operationId="readCapture",
        parameters=[_p("capture_id")],
    )
    op(
        "PATCH /captures/{capture_id}",
        "Captures",
        "Correct a capture",
        "Change details, rating, availability, tags or answers; fields left out stay. The "
        "capture page's rules apply (e.g. links need https://).",
        {
            **_wrapped("capture", "Capture", "The capture, changed."),
            **_errors(*WRITE, "NotFound"),
        },
        operationId="updateCapture",
        parameters=[_p("capture_id")],
        requestBody=_body("CapturePatch"),
    )
    op(
        "POST /captures/{capture_id}/notes",
        "Captures",
        "Add a note",
        "Notes are never edited: a correction is another note.",
        {**_wrapped("note", "Note", "Added.", "201"), **_errors(*WRITE, "NotFound")},
        operationId="addNote",
        parameters=[_p("capture_id")],
        requestBody=_body("NoteInput"),
    )

    # Contacts ------------------------------------------------------------------------------
    op(
        "GET /contacts",
        "Contacts",
        "List contacts",
        "The company's contacts, most recently met first, with the contacts page's "
        "filters. For an incremental CRM sync, pass updated_since: the time your previous "
        "sync started.",
        {**_ok("ContactPage", "A page of contacts."), **_errors(*READ, "Invalid")},
        operationId="listContacts",
        parameters=[
            *CONTACT_FILTERS,
            _q(
                "updated_since",
                "Details changed at or after this instant (ISO 8601, offset).",
                {"type": "string", "format": "date-time"},
            ),
            _p("limit"),
            _p("cursor"),
        ],
    )
    op(
        "GET /contacts/{contact_id}",
        "Contacts",
        "Read a contact",
        "A contact with every encounter and its list entries. A contact merged into "
        "another redirects (307) to that one.",
        {
            **_wrapped("contact", "ContactDetail", "The contact."),
            "307": {"description": "Merged: the contact it became.", "headers": LOCATION},
            **_errors(*READ, "NotFound"),
        },
        operationId="readContact",
        parameters=[_p("contact_id")],
    )
    op(
        "PATCH /contacts/{contact_id}",
        "Contacts",
        "Change a contact's details",
        "Fields left out stay; the contact page's rules apply.",
        {
            **_wrapped("contact", "ContactDetail", "The contact, changed."),
            **_errors(*WRITE, "NotFound", "Merged"),
        },
        operationId="updateContact",
        parameters=[_p("contact_id")],
        requestBody=_body("ContactPatch"),
    )
    op(
        "POST /contacts/{contact_id}/touches",
        "Contacts",
        "Log a touch",
        "Record an email, call, meeting, message or reply, e.g. from your CRM. It restarts "
        "the cadence of every list the person is active in, as a touch logged on the "
        "contact page does.",
        {
            **_wrapped("touch", "Touch", "Logged.", "201"),
            **_errors(*WRITE, "NotFound", "Merged"),
        },
        operationId="logTouch",
        parameters=[_p("contact_id")],
        requestBody=_body("TouchInput"),
    )

    # Lists and entries ---------------------------------------------------------------------
    op(
        "GET /lists",
        "Lists",
        "List follow-up lists",
        "The company's lists by name.",
        {**_ok("ListPage", "A page of lists."), **_errors(*READ, "Invalid")},
        operationId="listLists",
        parameters=[
            _q(
                "archived",
                "true: the archived lists instead.",
                {"type": "string", "enum": ["true", "false"]},
            ),
            _p("limit"),
            _p("cursor"),
        ],
    )
    op(
        "GET /lists/{list_id}",
        "Lists",
        "Read a list",
        "One list with its stages.",
        {**_wrapped("list", "List", "The list."), **_errors(*READ, "NotFound")},
        operationId="readList",
        parameters=[_p("list_id")],
    )
    op(
        "GET /lists/{list_id}/entries",
        "Lists",
        "List a list's entries",
        "Soonest due first, nothing due last. due counts in the token creator's time zone.",
        {**_ok("EntryPage", "A page of entries."), **_errors(*READ, "NotFound", "Invalid")},
        operationId="listEntries",
        parameters=[
            _p("list_id"),
            _q("stage", "A stage's id."),
            _q("owner", "A member's id, or none for entries nobody owns."),
            _q(
                "due",
                "overdue, today, or week (due within 7 days).",
                {"type": "string", "enum": list(DUE_FILTERS)},
            ),
            _q("q", "Search the people's names, emails, companies and titles."),
            _p("limit"),
            _p("cursor"),
        ],
    )
    op(
        "POST /lists/{list_id}/entries",
        "Lists",
        "Add a contact to a list",
        "201 with the new entry; 200 with the entry when the person is already in the list. "
        "The cadence starts from the person's latest encounter.",
        {
            **_wrapped("entry", "Entry", "Added.", "201", headers=LOCATION),
            **_wrapped("entry", "Entry", "Already in the list."),
            **_errors(*WRITE, "NotFound"),
        },
        operationId="addEntry",
        parameters=[_p("list_id")],
        requestBody=_body("EntryInput"),
    )
    op(
        "GET /entries/{entry_id}",
        "Lists",
        "Read a list entry",
        "One contact in one list.",
        {**_wrapped("entry", "Entry", "The entry."), **_errors(*READ, "NotFound")},
        operationId="readEntry",
        parameters=[_p("entry_id")],
    )
    op(
        "PATCH /entries/{entry_id}",
        "Lists",
        "Move a list entry on",
        "Change state (pause, resume, close), stage, owner or snooze; due dates follow the "
        "list's cadence as on the list page. All or nothing.",
        {**_wrapped("entry", "Entry", "The entry, changed."), **_errors(*WRITE, "NotFound")},
        operationId="updateEntry",
        parameters=[_p("entry_id")],
        requestBody=_body("EntryPatch"),
    )
    return paths
