"""The OpenAPI 3.1 document of /api/v1/, served at /api/v1/openapi.json and rendered as the
API page.

It is written beside the code it describes and checked against it: ``tests/api/`` validate the
document, fail when a route and the document disagree (either way), and validate every API
response the tests receive against it. The exports' paths come from
``netcompanion.export.openapi_paths.PATHS``.
"""

from __future__ import annotations

import copy

from flask_babel import lazy_gettext as _l

from . import openapi_bodies
from .openapi_operations import PARAMETERS, operations
from .openapi_schemas import ref, schemas

VERSION = "3.1.0"
#: Path prefix of every operation (the document's server).
PREFIX = "/api/v1"

#: Error codes, documented in ``info.description`` and on the API page. The rest of the
#: document is the API's contract and stays in English; these sentences are also page prose.
ERROR_CODES = {
    "invalid_token": _l("401: no token, a malformed one, or one that was revoked."),
    "unauthorized": _l("401: no token and no signed-in session."),
    "insufficient_scope": _l("403: a read token tried to change something."),
    "forbidden": _l(
        "403: the company may see the object but not do this (e.g. an exhibitor asking for "
        "an event's attendees)."
    ),
    "not_found": _l("404: no such object, or another company's (the two are not told apart)."),
    "method_not_allowed": _l("405: the path does not take this method."),
    "merged": _l("409: the contact was merged into another; change that one."),
    "csrf_failed": _l("400: a session write without a valid X-CSRFToken header."),
    "invalid_json": _l("422: the body is not a JSON object sent as application/json."),
    "invalid": _l(
        "422: some inputs are wrong; fields says which and why. Text holding NUL, another "
        "control character other than tab and line breaks, or a lone surrogate is refused so."
    ),
    "rate_limited": _l("429: too many requests with this token; wait Retry-After seconds."),
}


def _error(description: str, headers: dict | None = None) -> dict:
    response = {
        "description": description,
        "content": {"application/json": {"schema": ref("Error")}},
    }
    if headers:
        response["headers"] = headers
    return response


RESPONSES = {
    "Unauthorized": _error(
        "No valid token or session (invalid_token, unauthorized).",
        {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}},
    ),
    "Forbidden": _error("Not allowed (insufficient_scope, forbidden)."),
    "NotFound": _error("No such object for this company (not_found)."),
    "Invalid": _error(
        "Inputs are wrong (invalid with fields, invalid_json), e.g. text with a NUL character."
    ),
    "RateLimited": _error(
        "Too many requests with this token (rate_limited).",
        {
            "Retry-After": {
                "schema": {"type": "integer"},
                "description": "Seconds to wait before trying again.",
            }
        },
    ),
    "CsrfFailed": _error("A session write without its CSRF token (csrf_failed)."),
    "Merged": _error("The contact was merged into another (merged)."),
}


def _export_paths() -> dict:
    try:
        from ..export.openapi_paths import PATHS
    except ImportError:  # the exports' document is not written yet
        return {}
    paths = copy.deepcopy(PATHS)
    return {
        (path[len(PREFIX) :] if path.startswith(PREFIX + "/") else path): item
        for path, item in paths.items()
    }


def _description() -> str:
    codes = "\n".join(f"- `{code}`: {meaning}" for code, meaning in ERROR_CODES.items())
    return (
        "The NetCompanion API for integrations: events, attendees, captures, contacts, "
        "follow-up lists and exports.\n\n"
        "Authenticate with a company API token: `Authorization: Bearer nct_…`. Lists are "
        'paged with `limit` and `cursor` and answer `{"<items>": [...], "next": cursor|null}`. '
        'Errors answer `{"error": {"code", "message", "fields"?}}` with these codes:\n\n' + codes
    )


def document(server_url: str = PREFIX) -> dict:
    """The whole document; ``server_url`` is the absolute API root where one is known."""
    return {
        "openapi": VERSION,
        "info": {
            "title": "NetCompanion API",
            "version": "1",
            "description": _description(),
        },
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}, {"session": []}],
        "tags": [
            {"name": name}
            for name in (
                "Session",
                "Events",
                "Attendees",
                "Captures",
                "Contacts",
                "Lists",
                "Exports",
            )
        ],
        "paths": {**operations(), **_export_paths()},
        "components": {
            "schemas": {**schemas(), **openapi_bodies.schemas()},
            "responses": copy.deepcopy(RESPONSES),
            "parameters": copy.deepcopy(PARAMETERS),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A company API token, nct_ followed by 43 letters and "
                    "digits. Created by owners and admins under API tokens in the account menu.",
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "A signed-in browser session (the scanner). Writes also "
                    "need the X-CSRFToken header from GET /session.",
                },
            },
        },
    }
