"""Dates and times whose UTC equivalent is outside years 1 to 9999 are a field's error, in every
date-time input of the API: filters, touches and captures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from netcompanion.capture.models import Capture
from netcompanion.contact.models import Touch
from netcompanion.dbtypes import OutOfRange, parse_instant
from netcompanion.extensions import db
from tests.api.test_text_refusals import DOCUMENT, _resolve
from tests.capture.conftest import item
from tests.hostile_text import edge_dates, edge_instants, instants, overflowing_instants, row_counts

#: Valid ISO 8601 text that UTC cannot hold.
OVERFLOWING = [
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "0001-01-01T00:59:59.999999+01:00",
    "9999-12-31T23:00:00-23:59",
]


@pytest.mark.parametrize("text", OVERFLOWING)
def test_an_instant_that_utc_cannot_hold_is_out_of_range(text):
    with pytest.raises(OutOfRange):
        parse_instant(text)


def test_the_edges_that_utc_holds_are_instants():
    assert parse_instant("0001-01-01T01:00:00+01:00") == datetime(1, 1, 1, tzinfo=UTC)
    assert parse_instant("9999-12-31T22:59:59-01:00").year == 9999


@given(overflowing_instants())
def test_every_overflowing_instant_is_out_of_range(text):
    with pytest.raises(OutOfRange):
        parse_instant(text)


def test_list_filters_refuse_overflowing_instants(fair, api_as):
    organizer, event, exhibitor = fair
    api = api_as(exhibitor, "read")
    for path in ("/contacts", "/captures"):
        for text in OVERFLOWING:
            answer = api.get(path, query_string={"updated_since": text})
            assert answer.status_code == 422, (path, text)
            assert "1 and 9999" in answer.json["error"]["fields"]["updated_since"]


def test_a_touch_at_an_overflowing_instant_is_refused_and_logs_nothing(fair, make_capture, api_as):
    organizer, event, exhibitor = fair
    contact = make_capture(exhibitor, event, "Ana").contact
    api, before = api_as(exhibitor), row_counts()
    for text in OVERFLOWING:
        answer = api.post(
            f"/contacts/{contact.public_id}/touches", {"kind": "call", "happened_at": text}
        )
        assert answer.status_code == 422, text
        assert set(answer.json["error"]["fields"]) == {"happened_at"}
    assert row_counts() == before
    assert db.session.scalars(select(Touch)).all() == []


def test_a_capture_at_an_overflowing_instant_is_refused_and_writes_nothing(fair, api_as):
    organizer, event, exhibitor = fair
    api, before = api_as(exhibitor), row_counts()
    for text in OVERFLOWING:
        body = item(event, contact={"name": "Ana"}, captured_at=text)
        one = api.post("/captures", body)
        assert one.status_code == 422, text
        assert set(one.json["error"]["fields"]) == {"captured_at"}
        batch = api.post("/captures/batch", {"captures": [body]})
        assert batch.status_code == 200, text
        assert set(batch.json["results"][0]["error"]["fields"]) == {"captured_at"}
    assert row_counts() == before
    assert db.session.scalars(select(Capture)).all() == []


@given(instants)
def test_any_instant_text_is_parsed_or_refused_never_raised_otherwise(text):
    try:
        value = parse_instant(text)
    except ValueError:
        return
    assert value.tzinfo is UTC


DATE_INPUTS = {
    ("GET", "/captures", "?updated_since"),
    ("GET", "/contacts", "?updated_since"),
    ("POST", "/captures", "captured_at"),
    ("POST", "/captures/batch", "captures[0].captured_at"),
    ("POST", "/contacts/{contact_id}/touches", "happened_at"),
    ("PATCH", "/entries/{entry_id}", "snooze_until"),
}


def _dated(schema: dict, prefix: str = "", depth: int = 0):
    """Paths of the date and date-time inputs in ``schema``, as errors name them."""
    schema = _resolve(schema)
    if schema.get("format") in ("date", "date-time"):
        yield prefix
    for sub in schema.get("anyOf", []) + schema.get("oneOf", []):
        yield from _dated(sub, prefix, depth)
    for name, sub in schema.get("properties", {}).items():
        yield from _dated(sub, f"{prefix}.{name}" if prefix else name, depth + 1)
    if schema.get("type") == "array" and depth < 4:
        yield from _dated(schema.get("items", {}), prefix + "[0]", depth + 1)


def test_the_fuzzed_date_inputs_are_every_date_input_of_the_document():
    found = set()
    for template, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for parameter in map(_resolve, operation.get("parameters", [])):
                for _path in _dated(parameter["schema"]):
                    found.add((method.upper(), template, "?" + parameter["name"]))
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            for path in _dated(body["schema"]) if body else ():
                found.add((method.upper(), template, path))
    assert found == DATE_INPUTS


def _date_requests(event, contact_id: str, entry_id: str, text: str):
    """(method, path, query, body, the field an error names) with ``text`` in each input."""
    capture = item(event, contact={"name": "Ana"}, captured_at=text)
    return [
        ("GET", "/captures", {"updated_since": text}, None, "updated_since"),
        ("GET", "/contacts", {"updated_since": text}, None, "updated_since"),
        ("POST", "/captures", None, capture, "captured_at"),
        ("POST", "/captures/batch", None, {"captures": [capture]}, "captured_at"),
        (
            "POST",
            f"/contacts/{contact_id}/touches",
            None,
            {"kind": "call", "happened_at": text},
            "happened_at",
        ),
        ("PATCH", f"/entries/{entry_id}", None, {"snooze_until": text}, "snooze_until"),
    ]


DATES = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_any_date_text_in_any_date_input_is_taken_or_refused_by_name(
    fair, make_capture, make_list, enlist, api_as
):
    """Years 1 and 9999 with any offset, fractions, 'Z', offsets ISO 8601 has no room for:
    stored and read back, or a 422 ``invalid`` naming the input; never a server error."""
    organizer, event, exhibitor = fair
    capture = make_capture(exhibitor, event, "Ana")
    entry = enlist(make_list(exhibitor, "Pool"), [capture], by=exhibitor)[0]
    api = api_as(exhibitor)

    @DATES
    @given(st.one_of(instants, edge_instants(), edge_dates))
    def send_all(text):
        for method, path, query, body, field in _date_requests(
            event, capture.contact.public_id, entry.public_id, text
        ):
            answer = api.open(method, path, query_string=query, json=body)
            assert answer.status_code < 500, (method, path, text)
            if method == "POST" and path.endswith("batch"):
                answer = answer.json["results"][0]
                if "error" not in answer:
                    continue
                error = answer["error"]
            elif answer.status_code == 422:
                error = answer.json["error"]
            else:
                assert answer.status_code in (200, 201), (method, path, text)
                continue
            assert error["code"] == "invalid", (method, path, text, error)
            assert set(error["fields"]) == {field}, (method, path, text, error)

    send_all()
