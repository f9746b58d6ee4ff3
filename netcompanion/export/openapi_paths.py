"""The export routes in OpenAPI terms: merged into /api/v1/openapi.json by ``api.openapi``.

Paths are relative to the API's server (``/api/v1``). ``tests/export/test_api.py`` checks that
every export route is here and nothing else is; error responses refer to the components the
API document defines.
"""

from __future__ import annotations

from ..attendee.models import Availability
from ..capture.models import Rating
from .cards import VERSIONS
from .presets import PRESETS

_ERRORS = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "404": {"$ref": "#/components/responses/NotFound"},
    "422": {"$ref": "#/components/responses/Invalid"},
    "429": {"$ref": "#/components/responses/RateLimited"},
}
_TEXT = {"type": "string"}
_BINARY = {"type": "string", "format": "binary"}
_DISPOSITION = {
    "Content-Disposition": {
        "description": "attachment, with the file name in filename and, for any language, "
        "filename* (RFC 6266).",
        "schema": {"type": "string"},
    }
}
_FORMATS = {
    "vcf": (
        "text/vcard",
        _TEXT,
        "vCards, UTF-8, CRLF, folded at 75 octets; one card per live contact, with a NOTE "
        "holding every encounter, answer and note, CATEGORIES from interests and lists, REV "
        "and a UID that stays the same on every export.",
    ),
    "zip": ("application/zip", _BINARY, "One vCard per file, named after the person."),
    "csv": (
        "text/csv",
        _TEXT,
        "UTF-8 CSV (RFC 4180, CRLF) in the layout of `preset`; cells that a spreadsheet "
        "would run as a formula start with a single quote.",
    ),
}


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _path(name: str, description: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string"},
    }


_RATINGS = {"type": "string", "enum": [r.value for r in Rating]}
FILTERS = [
    _query("q", "Words in the name, email, company or job title; or a whole email address."),
    _query("event", "An event's id: met there."),
    _query("tag", "An interest noted at an encounter (any case)."),
    _query("rating", "This rating at an encounter.", _RATINGS),
    _query("rating_min", "This rating or a warmer one at an encounter.", _RATINGS),
    _query(
        "availability",
        "Gave this availability at an encounter.",
        {"type": "string", "enum": [a.value for a in Availability]},
    ),
    _query("list", "A follow-up list's id: in that list."),
    _query("owner", "A member's id: followed up by them in some list."),
]
VERSION = _query(
    "version", "vCard version.", {"type": "string", "enum": list(VERSIONS), "default": "3.0"}
)
PRESET = _query(
    "preset",
    "CSV layout: generic (every column; one row per capture for an event), or the import "
    "template of HubSpot (contacts), Salesforce (leads), Google Contacts or Greenhouse "
    "(prospects).",
    {"type": "string", "enum": list(PRESETS), "default": "generic"},
)
CAPTURE_FILTERS = [
    _query("q", "Words in the name, email, company or job title captured."),
    _query("tag", "An interest noted at the capture (any case)."),
    _query("rating", "This rating.", _RATINGS),
    _query("rating_min", "This rating or a warmer one.", _RATINGS),
    _query("recruiter", "A member's id: captured by them."),
]
CONTACT = _path("contact_id", "The contact's id.")
LIST = _path("list_id", "The follow-up list's id.")
EVENT = _path("event_id", "The event's id (the company organizes it or exhibits at it).")


def _operation(fmt: str, operation_id: str, summary: str, description: str, params: list):
    media, schema, what = _FORMATS[fmt]
    option = [VERSION] if fmt in ("vcf", "zip") else [PRESET]
    responses = {
        "200": {
            "description": what,
            "headers": _DISPOSITION,
            "content": {media: {"schema": schema}},
        },
        **_ERRORS,
    }
    if operation_id == "exportContactVcard":
        responses["302"] = {
            "description": "The contact was merged into another: the survivor's export.",
            "headers": {"Location": {"schema": {"type": "string"}}},
        }
    return {
        "get": {
            "tags": ["Exports"],
            "operationId": operation_id,
            "summary": summary,
            "description": description,
            "parameters": [*params, *option],
            "responses": dict(sorted(responses.items())),
        }
    }


def _paths() -> dict:
    paths = {
        "/exports/contacts/{contact_id}.vcf": _operation(
            "vcf",
            "exportContactVcard",
            "Export one contact as a vCard",
            "One live contact of the company.",
            [CONTACT],
        )
    }
    names = {"vcf": "Vcards", "zip": "Zip", "csv": "Csv"}
    for fmt in _FORMATS:
        paths[f"/exports/contacts.{fmt}"] = _operation(
            fmt,
            f"exportContacts{names[fmt]}",
            f"Export contacts ({fmt})",
            "The company's live contacts, narrowed by the contacts list's filters; a filter "
            "value that matches nothing answers 422 rather than exporting everyone.",
            FILTERS,
        )
        paths[f"/exports/lists/{{list_id}}.{fmt}"] = _operation(
            fmt,
            f"exportList{names[fmt]}",
            f"Export a follow-up list ({fmt})",
            "The live contacts in the list; each person's lists name this one first.",
            [LIST],
        )
        paths[f"/exports/events/{{event_id}}/captures.{fmt}"] = _operation(
            fmt,
            f"exportEventCaptures{names[fmt]}",
            f"Export an event's captures ({fmt})",
            "The people the company met at the event (its own captures only), narrowed by the "
            "capture list's filters; a filter value that matches nothing answers 422. The "
            "generic CSV has one row per capture and a column per organizer question.",
            [EVENT, *CAPTURE_FILTERS],
        )
    return paths


PATHS: dict = _paths()
