"""JSON bodies: decoded once, nesting limited before decoding, lone surrogates named by their
path, and pages (whose forms Flask-WTF would otherwise fill from JSON) refusing JSON outright."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netcompanion import json_body
from netcompanion.api import openapi
from tests.api.test_text_refusals import OPERATIONS
from tests.conftest import login
from tests.hostile_text import nested_json, row_counts
from tests.test_isolation_sweep import path_for

DEEP = {
    "array": "[" * 1000 + "]" * 1000,
    "object": '{"a":' * 1000 + "1" + "}" * 1000,
    "mixed": '{"captures": [' + '{"a": [' * 500 + "]}" * 500 + "]}",
}


def _nest(depth: int) -> str:
    return "[" * (depth - 1) + '{"note": "x"}' + "]" * (depth - 1)


def test_nesting_up_to_the_limit_is_decoded_and_one_more_level_is_refused():
    assert json_body.decode(_nest(json_body.MAX_DEPTH).encode()) is not None
    with pytest.raises(json_body.TooDeep):
        json_body.decode(_nest(json_body.MAX_DEPTH + 1).encode())


def test_brackets_inside_strings_do_not_count():
    text = json.dumps({"note": "[" * 500 + '"\\' + "{" * 500, "tags": ["a]]]", "b\\"]})
    assert not json_body.too_deep(text)
    assert json_body.decode(text.encode())["tags"] == ["a]]]", "b\\"]


def test_a_body_that_is_not_json_is_left_to_the_decoder():
    assert not json_body.too_deep('"' + "[" * 100)  # one unterminated string
    assert not json_body.too_deep("]" * 100 + "[" * 10)
    with pytest.raises(ValueError):
        json_body.decode(b'"' + b"[" * 100)


@given(nested_json())
def test_the_scan_measures_nesting_as_the_decoder_does(case):
    text, depth = case
    assert json_body.too_deep(text) == (depth > json_body.MAX_DEPTH)
    if depth <= json_body.MAX_DEPTH:
        json.loads(text)


def _api_send(api, method, template, ids, raw: bytes):
    url = template
    for name, value in ids.items():
        url = url.replace("{" + name + "}", value)
    return api.open(
        method, openapi.PREFIX + url, data=raw, headers={"Content-Type": "application/json"}
    )


JSON_OPERATIONS = [(m, t) for m, t, _q, _p, body in OPERATIONS if body]


def test_every_operation_taking_a_body_is_covered():
    assert len(JSON_OPERATIONS) >= 9


def test_deep_bodies_answer_422_naming_the_body_on_every_operation(world, api_as):
    subjects, owner, _org = world
    api, before = api_as(owner), row_counts()
    for method, template in JSON_OPERATIONS:
        for kind, raw in DEEP.items():
            response = _api_send(api, method, template, subjects.a, raw.encode())
            assert response.status_code == 422, (method, template, kind)
            error = response.json["error"]
            assert error["code"] == "invalid"
            assert "32" in error["fields"]["body"]
    assert row_counts() == before


def test_a_lone_surrogate_escape_is_refused_by_its_json_path_on_every_operation(world, api_as):
    subjects, owner, _org = world
    api, before = api_as(owner), row_counts()
    raw = b'{"name": "\\ud800", "contact": {"notes": ["ok", "x\\udfff"]}}'
    for method, template in JSON_OPERATIONS:
        response = _api_send(api, method, template, subjects.a, raw)
        assert response.status_code == 422, (method, template)
        assert set(response.json["error"]["fields"]) == {"name", "contact.notes[1]"}
    assert row_counts() == before


def _page_routes(app):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and not rule.rule.startswith("/api/"):
            yield rule


def test_no_page_takes_a_json_body(app, client, world):
    """Every page a form posts to answers 415 to JSON, whatever it holds, and writes nothing."""
    subjects, owner, _org = world
    login(client, owner)
    headers = {"Content-Type": "application/json", "X-CSRFToken": client.csrf_token()}
    bodies = [b'{"name": "\\ud800", "email": 5}', DEEP["array"].encode(), b'{"name": ["a"]}']
    before, checked = row_counts(), 0
    for rule in _page_routes(app):
        url = path_for(app, rule.endpoint, {a: subjects.a.get(a, "x") for a in rule.arguments})
        for raw in bodies:
            response = client.post(url, data=raw, headers=headers)
            assert response.status_code == 415, (rule.endpoint, response.status_code)
            assert b"not a JSON body" in response.data
            checked += 1
    assert checked > 150
    assert row_counts() == before


def test_a_page_read_without_a_body_is_not_refused_for_its_content_type(client, make_company):
    login(client, make_company())
    response = client.get("/contacts", headers={"Content-Type": "application/json"})
    assert response.status_code == 200


@given(st.sampled_from(sorted(DEEP)))
def test_deep_bodies_are_refused_before_decoding(kind):
    with pytest.raises(json_body.TooDeep):
        json_body.decode(DEEP[kind].encode())
