"""API fixtures: companies with tokens, and a client whose every /api/v1 answer is checked
against the OpenAPI document (status, headers and body), success and error alike."""

from __future__ import annotations

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound

from netcompanion.api import openapi, tokens
from netcompanion.api.models import TokenScope
from netcompanion.extensions import db
from tests.followup.conftest import (  # noqa: F401 - fixtures shared with the follow-up tests
    counting_statements,
    enlist,
    make_capture,
    make_list,
)
from tests.test_isolation_sweep import world  # noqa: F401 - the isolation sweep's two companies

#: "The client's own token", as opposed to None (no token) or another one.
DEFAULT = object()
#: (method, path, status) of every answer validated in this run.
CHECKED: set[tuple[str, str, int]] = set()


@pytest.fixture(scope="session")
def spec() -> OpenAPI:
    return OpenAPI.from_dict(openapi.document())


class _SentRequest(WerkzeugOpenAPIRequest):
    """The request as sent; its body was read by the app, and answers are what is checked."""

    @property
    def body(self) -> bytes | None:
        return None


def check_response(spec: OpenAPI, response) -> None:
    """Fail unless the answer is what the document says this operation answers."""
    request = _SentRequest(response.request)
    result = spec.unmarshal_response(request, WerkzeugOpenAPIResponse(response))
    if any(isinstance(e, PathNotFound | OperationNotFound) for e in result.errors):
        return  # not an API route (the tests of 404 and 405 use such paths on purpose)
    result.raise_for_errors()
    CHECKED.add((request.method, response.request.path, response.status_code))


@pytest.fixture
def fair(make_company, make_event, join_event):
    """An organizer's event, and an exhibiting company (its owner)."""
    organizer = make_company("Fair Organizers")
    event = make_event(organizer, name="Berlin Tech Careers Fair")
    exhibitor = make_company("Acme Talent")
    join_event(exhibitor, event, "Acme Talent", "Hall 2, B12")
    return organizer, event, exhibitor


@pytest.fixture
def make_token(app):
    """Create a token for ``user``'s company; returns the secret."""

    def build(user, scope: str = "read_write", name: str = "CRM sync") -> str:
        _token, secret = tokens.create(user, name, TokenScope(scope))
        db.session.commit()
        return secret

    return build


class ApiClient:
    """Calls /api/v1 with a Bearer token (or none), validating every answer."""

    def __init__(self, app, spec: OpenAPI, token: str | None):
        self.client = app.test_client()
        self.spec, self.token = spec, token

    def open(self, method: str, path: str, *, token: object = DEFAULT, **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        token = self.token if token is DEFAULT else token
        if token is not None:
            headers.setdefault("Authorization", f"Bearer {token}")
        url = path if path.startswith("/api/") else openapi.PREFIX + path
        response = self.client.open(url, method=method, headers=headers, **kwargs)
        check_response(self.spec, response)
        return response

    def get(self, path: str, **kwargs):
        return self.open("GET", path, **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.open("POST", path, json=json, **kwargs)

    def patch(self, path: str, json=None, **kwargs):
        return self.open("PATCH", path, json=json, **kwargs)

    def all(self, path: str, key: str, cursor: str | None = None, **kwargs) -> list:
        """Every item of a list endpoint (from ``cursor`` on), following the cursors."""
        items = []
        separator = "&" if "?" in path else "?"
        for _ in range(1000):
            url = path if cursor is None else f"{path}{separator}cursor={cursor}"
            body = self.get(url, **kwargs).json
            items += body[key]
            cursor = body["next"]
            if cursor is None:
                return items
        raise AssertionError("the cursors never ended")


@pytest.fixture
def api_as(app, spec, make_token):
    """``api_as(user, scope)``: a client with a new token of the user's company."""

    def build(user=None, scope: str = "read_write", token: str | None = None) -> ApiClient:
        if token is None and user is not None:
            token = make_token(user, scope)
        return ApiClient(app, spec, token)

    return build
