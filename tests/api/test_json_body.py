"""JSON bodies: decoded once, nesting limited before decoding, lone surrogates named by their
path, and pages (whose forms Flask-WTF would otherwise fill from JSON) refusing JSON outright."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from netcompanion import json_body
from netcompanion.api import openapi
from tests.api.test_text_refusals import OPERATIONS, _put
from tests.conftest import login
from tests.hostile_text import (
    SURROGATE_ESCAPES,
    deep_json,
    nested_json,
    row_counts,
    surrogate_strings,
)
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


def _deepest(text: str) -> int:
    """How deep ``text`` nests, read one character at a time: what the scan must agree with.

    A backslash escapes a backslash or a quote after it (in a JSON string the other escapes
    hold neither a quote nor a bracket); an unterminated string runs to the end.
    """
    depth = deepest = 0
    inside = escaped = False
    for char in text:
        if escaped:
            escaped = False
            if char in '\\"':
                continue
        if char == "\\":
            escaped = True
        elif char == '"':
            inside = not inside
        elif not inside and char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif not inside and char in "]}":
            depth -= 1
    return deepest


@given(st.text(st.sampled_from('[]{}"\\ a\ud800é'), max_size=120), st.integers(0, 6))
def test_the_scan_agrees_with_a_reading_one_character_at_a_time(text, limit):
    """Any text, JSON or not: balanced or not, strings left open, quotes and backslashes
    anywhere, so that each of the scan's shortcuts is taken and checked."""
    assert json_body.too_deep(text, limit) == (_deepest(text) > limit)


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        ('["\\\\"' + ", [" * 40 + "]" * 40 + "]", True),  # an escaped backslash ends the string
        ('["\\\\\\"' + "[" * 40 + "]" * 40 + '"]', False),  # then an escaped quote: still text
        ('{"' + "[{" * 40 + '": 1}', False),  # brackets in a key
        ('["\\u005b' + "\\u007b" * 40 + '"]', False),  # brackets escaped as \\u
        ('["\\ud800' + "[" * 40 + '"]', False),
        ('["é😀' + "{" * 40 + '", ' + "[" * 33 + "]" * 33 + "]", True),
        ('"' + "[" * 40, False),  # one unterminated string
        ("[" * 33 + '"' + "]" * 33, True),  # too deep before an unterminated string
        ("[" * 33 + "]" * 33, True),
        ("[]" * 1000 + "[" * 32 + "]" * 32, False),  # halved, then exactly at the limit
        ("[" * 31 + "[]" * 1000 + "]" * 31 + "[" * 33, True),  # ends deeper than the limit
        ("]" * 100 + "[" * 100 + "]" * 100, False),  # below zero first
        ("[[]" * 40 + "]" * 40, True),  # each "[]" round removes little
    ],
)
def test_the_scan_at_its_edges(text, deep):
    assert _deepest(text) > json_body.MAX_DEPTH if deep else _deepest(text) <= json_body.MAX_DEPTH
    assert json_body.too_deep(text) is deep


def test_large_bodies_are_scanned_as_a_whole():
    strings = json.dumps(["[[{" + '\\"' * 3 + "}]]" * 20] * 130_000)
    assert len(strings) > 10_000_000 and not json_body.too_deep(strings)
    assert json_body.too_deep("[" * 1_000_000)
    assert json_body.too_deep(strings[:-1] + ", " + _nest(32) + "]")  # in the outer array
    assert not json_body.too_deep(strings[:-1] + ", " + _nest(31) + "]")
    with pytest.raises(json_body.TooDeep):
        json_body.decode(("[" * 1_000_000).encode("utf-16"))


def test_bodies_in_utf_16_and_32_are_measured_alike():
    for encoding in ("utf-16", "utf-16-le", "utf-32-be"):
        assert json_body.decode(_nest(32).encode(encoding)) is not None
        with pytest.raises(json_body.TooDeep):
            json_body.decode(_nest(33).encode(encoding))


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


BODIES = settings(
    max_examples=3,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # a failure names its input; shrinking is slow
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_MARK = "\x00mark\x00"


def _with(field: str, literal: str) -> str:
    """A body with the JSON text ``literal`` as the value at ``field`` (``captures[0].note``)."""
    return json.dumps(_put(field, _MARK)).replace(json.dumps(_MARK), literal)


def _body_error(response) -> dict:
    assert response.status_code == 422, response.status_code
    error = response.json["error"]
    assert error["code"] == "invalid" and error["message"], error
    return error["fields"]


def test_hostile_bodies_are_refused_naming_what_is_wrong_on_every_operation(world, api_as):
    """Generated bodies too deep at the top or inside any field, lone surrogate escapes at any
    text field, in UTF-8, as UTF-8 bytes or in UTF-16: a 422 ``invalid`` naming ``body`` or
    the field, never a server error, and nothing written."""
    subjects, owner, _org = world
    api, before = api_as(owner), row_counts()
    operations = [(m, t, fields) for m, t, _q, _p, fields in OPERATIONS if fields]

    @BODIES
    @given(data=st.data())
    def send_all(data):
        for method, template, fields in operations:
            deep = data.draw(deep_json(), label="deep")
            field = data.draw(st.sampled_from(fields), label="field")
            for raw in (deep, _with(field, deep)):
                response = _api_send(api, method, template, subjects.a, raw.encode())
                assert set(_body_error(response)) == {"body"}, (method, template, field)
            literal = data.draw(surrogate_strings(), label="surrogate")
            text = _with(field, literal)
            encoded = data.draw(st.sampled_from(["escape", "utf-8 bytes", "utf-16"]))
            if encoded == "utf-8 bytes":
                raw = json.dumps(json.loads(text), ensure_ascii=False).encode(
                    "utf-8", "surrogatepass"
                )
            else:
                raw = text.encode("utf-16" if encoded == "utf-16" else "ascii")
            response = _api_send(api, method, template, subjects.a, raw)
            named = str(_body_error(response))
            assert field.replace(".key", "") in named, (method, template, field, encoded, named)

    send_all()
    assert row_counts() == before


def test_a_surrogate_pair_escape_is_one_character_and_not_refused():
    assert json_body.decode(b'{"name": "\\ud83d\\ude00"}') == {"name": "\U0001f600"}
    for escape in SURROGATE_ESCAPES:
        value = json_body.decode(f'{{"name": "{escape}"}}'.encode())["name"]
        assert any("\ud800" <= c <= "\udfff" for c in value), escape
