"""Dates and times whose UTC equivalent is outside years 1 to 9999 are a field's error, in every
date-time input of the API: filters, touches and captures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from sqlalchemy import select

from netcompanion.capture.models import Capture
from netcompanion.contact.models import Touch
from netcompanion.dbtypes import OutOfRange, parse_instant
from netcompanion.extensions import db
from tests.capture.conftest import item
from tests.hostile_text import instants, overflowing_instants, row_counts

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
