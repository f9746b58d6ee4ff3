"""Schemathesis against /api/v1/openapi.json, with a real token on real data: the document and
the server cannot drift apart (no 5xx, and every answer's status and body are as documented)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from netcompanion.api import openapi

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


schema = schemathesis.openapi.from_dict(openapi.document())


@schema.parametrize()
@settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_its_document_says(case, app, world, make_token):
    secret = make_token(world[1])
    response = case.call(
        base_url="http://netcompanion.test" + openapi.PREFIX,
        headers={"Authorization": f"Bearer {secret}"},
        app=app,
    )
    case.validate_response(response, checks=CHECKS)
