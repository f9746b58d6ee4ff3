"""Cursor pagination: every list endpoint pages in a stable order, ties broken by id, with
cursors that cannot be forged, and a fixed number of queries per page whatever its size."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from netcompanion import text_input
from netcompanion.attendee.models import Attendee
from netcompanion.capture.models import Contact
from netcompanion.extensions import db
from netcompanion.followup.models import ListEntry
from tests.hostile_text import texts

from .conftest import counting_statements

SAME_TIME = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def crowd(fair, make_attendee, make_capture, make_list, enlist):
    """Seven of everything, sharing sort values so that only the id breaks ties."""
    organizer, event, exhibitor = fair
    for n in range(7):
        make_attendee(organizer, event, name=f"Attendee {n}")
    captures = [make_capture(exhibitor, event, f"Person {n}", tags=("Go",)) for n in range(7)]
    pool = make_list(exhibitor, "Pool")
    enlist(pool, captures, by=exhibitor)
    for _ in range(6):
        make_list(exhibitor, "Same name")
    db.session.execute(update(Contact).values(last_met_at=SAME_TIME))
    db.session.execute(update(Attendee).values(created_at=SAME_TIME))
    db.session.execute(
        update(ListEntry)
        .values(next_due_on=date(2030, 1, 5))
        .where(ListEntry.id.in_([e.id for e in db.session.query(ListEntry).limit(4)]))
    )
    db.session.execute(
        update(ListEntry).where(ListEntry.next_due_on != date(2030, 1, 5)).values(next_due_on=None)
    )
    db.session.commit()
    return organizer, event, exhibitor, pool


def endpoints(event, pool):
    """(who, path, key) of every list endpoint."""
    return [
        ("organizer", "/events", "events"),
        ("organizer", f"/events/{event.public_id}/attendees", "attendees"),
        ("exhibitor", "/captures", "captures"),
        ("exhibitor", "/contacts", "contacts"),
        ("exhibitor", "/lists", "lists"),
        ("exhibitor", f"/lists/{pool.public_id}/entries", "entries"),
    ]


def test_pages_of_every_list_endpoint_hold_each_item_once_in_order(crowd, api_as):
    organizer, event, exhibitor, pool = crowd
    clients = {"organizer": api_as(organizer, "read"), "exhibitor": api_as(exhibitor, "read")}
    for who, path, key in endpoints(event, pool):
        api = clients[who]
        whole = api.get(f"{path}?limit=200").json[key]
        for size in (1, 2, 3):
            paged = api.all(f"{path}?limit={size}", key)
            assert [item["id"] for item in paged] == [item["id"] for item in whole], (path, size)
        assert len({item["id"] for item in whole}) == len(whole)
    assert len(clients["exhibitor"].get("/contacts?limit=200").json["contacts"]) == 7


def test_default_and_maximum_page_sizes(crowd, api_as):
    organizer, event, exhibitor, pool = crowd
    api = api_as(exhibitor, "read")
    first = api.get("/contacts?limit=5").json
    assert len(first["contacts"]) == 5 and first["next"]
    assert len(api.get("/contacts").json["contacts"]) == 7  # default 50
    assert api.get("/contacts?limit=200").status_code == 200
    for bad in ("0", "201", "-1", "1.5", "x", ""):
        answer = api.get(f"/contacts?limit={bad}")
        assert answer.status_code == 422, bad
        assert set(answer.json["error"]["fields"]) == {"limit"}


def test_forged_or_foreign_cursors_are_refused(crowd, api_as):
    organizer, event, exhibitor, pool = crowd
    api = api_as(exhibitor, "read")
    cursor = api.get("/contacts?limit=2").json["next"]
    # Nothing readable inside: neither the list's name nor the last row's sort value.
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    second = api.get("/contacts?limit=2").json["contacts"][1]
    assert b"contacts" not in raw and second["last_met_at"][:10].encode() not in raw
    # A forged cursor: one bit flipped in the encrypted part.
    flipped = bytearray(raw)
    flipped[40] ^= 1
    forged = base64.urlsafe_b64encode(bytes(flipped)).decode()
    for bad in (
        forged,
        cursor[:-2],
        cursor + "x",
        "bm9wZQ",
        "%%%",
        "a" * 500,
    ):
        answer = api.get("/contacts", query_string={"limit": "2", "cursor": bad})
        assert answer.status_code == 422, bad
        assert answer.json["error"]["fields"] == {"cursor": "Not a cursor we issued."}
    # A cursor of one list does not page another.
    for path in ("/captures", "/lists", f"/lists/{pool.public_id}/entries"):
        answer = api.get(path, query_string={"cursor": cursor})
        assert answer.status_code == 422 and "cursor" in answer.json["error"]["fields"]
    assert api.get("/contacts", query_string={"limit": "2", "cursor": cursor}).status_code == 200


def test_an_item_added_between_pages_is_neither_lost_nor_repeated(crowd, make_capture, api_as):
    organizer, event, exhibitor, pool = crowd
    api = api_as(exhibitor, "read")
    first = api.get("/captures?limit=3").json
    make_capture(exhibitor, event, "Newcomer")  # newest first: it lands before the cursor
    rest = api.all("/captures?limit=3", "captures", cursor=first["next"])
    seen = [c["id"] for c in first["captures"] + rest]
    assert len(seen) == len(set(seen)) == 7


def _statements(api, path: str) -> int:
    api.get(path)
    with counting_statements() as count:
        assert api.get(path).status_code == 200
    return count()


def test_query_counts_do_not_grow_with_page_size(
    fair, make_attendee, make_capture, make_list, enlist, make_event, api_as
):
    organizer, event, exhibitor = fair
    pool = make_list(exhibitor, "Pool")

    def fill(count: int, offset: int):
        for n in range(count):
            make_attendee(organizer, event, name=f"Attendee {offset + n}")
            capture = make_capture(
                exhibitor,
                event,
                f"Person {offset + n}",
                tags=("Go", "Rust"),
                note="Note",
                rating="hot",
            )
            enlist(pool, [capture], by=exhibitor)
            make_list(exhibitor, f"List {offset + n}")
            make_event(organizer, name=f"Event {offset + n}")

    organizer_api, exhibitor_api = api_as(organizer, "read"), api_as(exhibitor, "read")
    paths = [
        (organizer_api, "/events"),
        (organizer_api, f"/events/{event.public_id}/attendees"),
        (exhibitor_api, "/captures"),
        (exhibitor_api, "/contacts"),
        (exhibitor_api, "/lists"),
        (exhibitor_api, f"/lists/{pool.public_id}/entries"),
    ]
    fill(2, 0)
    small = [_statements(api, path) for api, path in paths]
    fill(10, 2)
    assert len(exhibitor_api.get("/captures").json["captures"]) == 12
    large = [_statements(api, path) for api, path in paths]
    assert large == small


def test_the_contact_detail_runs_a_fixed_number_of_queries(
    fair, make_capture, make_list, enlist, make_event, join_event, api_as
):
    organizer, event, exhibitor = fair
    first = make_capture(exhibitor, event, "Ana", tags=("Go",))
    contact = first.contact
    api = api_as(exhibitor, "read")
    enlist(make_list(exhibitor, "Pool 0"), [first], by=exhibitor)
    small = _statements(api, f"/contacts/{contact.public_id}")
    for n in range(1, 5):
        other = make_event(organizer, name=f"Fair {n}", starts_on=date.today() + timedelta(n))
        join_event(exhibitor, other)
        capture = make_capture(exhibitor, other, "Ana", tags=("Go", "ML"), contact=contact)
        enlist(make_list(exhibitor, f"Pool {n}"), [capture], by=exhibitor)
    body = api.get(f"/contacts/{contact.public_id}").json["contact"]
    assert len(body["captures"]) == 5 and len(body["entries"]) == 5
    assert _statements(api, f"/contacts/{contact.public_id}") == small


def test_a_respelt_cursor_is_refused_like_a_made_up_one(crowd, api_as):
    from tests.spelling import last_character_changed

    organizer, event, exhibitor, pool = crowd
    api = api_as(exhibitor, "read")
    cursor = api.get("/contacts?limit=2").json["next"]

    def answer(text: str):
        response = api.client.get(
            "/api/v1/contacts",
            query_string={"limit": "2", "cursor": text},
            headers={"Authorization": f"Bearer {api.token}"},
        )
        return response.status_code, response.data

    assert answer(cursor)[0] == 200
    made_up = answer(base64.urlsafe_b64encode(b"\x80" + bytes(88)).decode())
    assert made_up[0] == 422
    stem = cursor.rstrip("=")
    variants = [
        *(v + "=" * (len(cursor) - len(stem)) for v in last_character_changed(stem)),
        stem,  # padding removed
        cursor + "=",
        cursor.replace("-", "+").replace("_", "/"),
        " " + cursor,
        cursor + "\n",
        cursor.replace("A", ".A", 1),
    ]
    for variant in variants:
        if variant != cursor:
            assert answer(variant) == made_up, variant


#: Page numbers and sizes as people, scripts and attackers send them.
HOSTILE_NUMBERS = ["9223372036854775807", "9223372036854775808", "-9223372036854775808"]
HOSTILE_NUMBERS += ["1" * 5000, "-1", "0", "00050", "1e3", "1.0", "0x10", "1_0", "+5", " 5", "5 "]
HOSTILE_NUMBERS += ["\uff15", "\u0665", "NaN", "inf", "", "null", "[]", "5&limit=6"]

_numbers = st.one_of(
    st.sampled_from(HOSTILE_NUMBERS),
    st.integers(-(2**70), 2**70).map(str),
    texts.map(lambda text: text.encode("utf-8", "ignore").decode()),
)

PAGES = settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _a_limit(raw: str) -> bool:
    return raw.isascii() and raw.isdigit() and len(raw) <= 3 and 1 <= int(raw) <= 200


def test_any_page_size_or_number_on_every_list_endpoint_is_a_page_or_names_limit(crowd, api_as):
    """``limit`` from 1 to 200 is a page; anything else a 422 ``invalid`` naming ``limit``.
    ``page`` and ``per_page`` are not the API's: whatever they hold, they change nothing."""
    organizer, event, exhibitor, pool = crowd
    clients = {"organizer": api_as(organizer, "read"), "exhibitor": api_as(exhibitor, "read")}

    @PAGES
    @given(limit=_numbers, page=_numbers, per_page=_numbers)
    def send_all(limit, page, per_page):
        query = {"limit": limit, "page": page, "per_page": per_page}
        # Characters no person types are refused first, in any parameter (text_input).
        refused = {name for name, value in query.items() if not text_input.is_clean(value)}
        for who, path, _key in endpoints(event, pool):
            api = clients[who]
            answer = api.get(path, query_string=query)
            assert answer.status_code < 500, (path, query)
            if not refused and _a_limit(limit):
                assert answer.status_code == 200, (path, limit, answer.json)
                plain = api.get(path, query_string={"limit": limit})
                assert answer.json == plain.json, (path, page, per_page)
                continue
            assert answer.status_code == 422, (path, query)
            error = answer.json["error"]
            assert error["code"] == "invalid", (path, query, error)
            assert set(error["fields"]) == (refused or {"limit"}), (path, query, error)

    send_all()
