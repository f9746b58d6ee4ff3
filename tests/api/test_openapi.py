"""The OpenAPI document is valid, matches the app's routes both ways, catches answers that
stray from it, and the API page is rendered from it."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from netcompanion.api import openapi
from netcompanion.api.docs_views import example

from .conftest import check_response

METHODS = {"get", "post", "put", "patch", "delete"}


def routes(app) -> set[tuple[str, str]]:
    """(method, OpenAPI path) of every /api/v1 route the app serves."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(openapi.PREFIX + "/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len(openapi.PREFIX) :])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method.lower(), path))
    return found


def documented(doc: dict) -> set[tuple[str, str]]:
    return {
        (method, path)
        for path, item in doc["paths"].items()
        for method in item
        if method in METHODS
    }


def test_the_document_is_valid_openapi(app):
    doc = openapi.document()
    validate(doc)
    assert doc["openapi"].startswith("3.1")
    for name in ("Unauthorized", "Forbidden", "NotFound", "Invalid", "RateLimited"):
        assert name in doc["components"]["responses"]
    for name in ("Event", "Attendee", "Capture", "Contact", "List", "Entry", "Error", "Touch"):
        assert name in doc["components"]["schemas"]
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_every_api_route_is_documented_and_every_documented_route_exists(app):
    served, doc = routes(app), documented(openapi.document())
    assert served - doc == set(), "routes missing from the OpenAPI document"
    assert doc - served == set(), "documented operations the app does not serve"


def test_the_exports_paths_are_merged_in(app):
    try:
        from netcompanion.export.openapi_paths import PATHS
    except ImportError:
        pytest.fail("netcompanion.export.openapi_paths is expected to exist")
    doc = openapi.document()
    for path in PATHS:
        assert path.removeprefix(openapi.PREFIX) in doc["paths"]


def test_the_document_is_public_and_served_as_json(api_as):
    answer = api_as(token=None).get("/openapi.json")
    assert answer.status_code == 200
    assert answer.json["paths"] == json.loads(json.dumps(openapi.document()))["paths"]


def _answer(path: str, status: int, body: dict, method: str = "GET"):
    request = Request(EnvironBuilder(path=path, method=method).get_environ())
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.request = request
    return response


def test_the_checker_rejects_answers_that_stray_from_the_document(spec):
    good = {"error": {"code": "not_found", "message": "No."}}
    check_response(spec, _answer("/api/v1/events/abc", 404, good))
    strays = [
        _answer("/api/v1/events/abc", 404, {"error": {"code": "x", "message": "y", "z": 1}}),
        _answer("/api/v1/events/abc", 418, good),
        _answer("/api/v1/events", 200, {"events": [{"id": "x"}], "next": None}),
        _answer("/api/v1/events", 200, {"events": [], "next": None, "total": 0}),
    ]
    for stray in strays:
        with pytest.raises(Exception):  # noqa: B017 - any validation error will do
            check_response(spec, stray)


def test_the_examples_on_the_api_page_fit_their_schemas(app):
    doc = openapi.document()
    for name, schema in doc["components"]["schemas"].items():
        if name.endswith(("Input", "Patch", "Upload", "Batch")):
            continue
        # The document as the root schema, so that its references resolve.
        validator = OAS31Validator({**doc, "$ref": f"#/components/schemas/{name}"})
        errors = list(validator.iter_errors(example(schema, doc["components"])))
        assert errors == [], (name, [e.message for e in errors])


def test_the_api_page_is_rendered_from_the_document(client):
    page = client.get("/developers/api")
    assert page.status_code == 200
    html = unescape(page.get_data(as_text=True))
    for anchor in ("authentication", "pagination", "errors", "rate-limits", "webhooks"):
        assert f'id="{anchor}"' in html
    assert 'href="/settings/webhooks"' in html
    assert "nct_" in html and "Authorization: Bearer" in html
    doc = openapi.document()
    for item in doc["paths"].values():
        for method, operation in item.items():
            if method in METHODS:
                assert f'id="{operation["operationId"]}"' in html
    for code in openapi.ERROR_CODES:
        assert f"<code>{code}</code>" in html
    assert "600 requests a minute" in html  # the configured limit, in words
    assert "curl -X PATCH" in html
    assert '"next": "eyJ…"' in html  # an example page answer


def test_the_api_page_works_for_members_too(make_company, login_as, client):
    login_as(make_company())
    page = client.get("/developers/api")
    assert page.status_code == 200 and b"Manage API tokens" in page.data
