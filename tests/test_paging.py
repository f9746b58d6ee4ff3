"""Every paged list takes any ``?page=`` a link or a person can send: plain digits from 1 up to
``MAX_PAGE``, page 1 for anything else, and never an OFFSET the database cannot hold."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from netcompanion import text_input
from netcompanion.paging import MAX_PAGE, page_number
from tests.conftest import login
from tests.hostile_text import texts
from tests.test_isolation_sweep import world  # noqa: F401 - a company with one of everything

HOSTILE_PAGES = [
    "9223372036854775807",
    "99999999999999999999",
    "1" * 5000,  # more digits than Python turns into an int
    "-1",
    "0",
    "1e3",
    "\uff10\uff11",  # full-width 01
    "\u0661",  # Arabic-Indic 1
    " 2",
    "",
]


@pytest.mark.parametrize(
    ("raw", "number"),
    [("3", 3), ("0", 1), ("-1", 1), ("1e3", 1), ("\uff12", 1), ("", 1)]
    + [("9223372036854775807", MAX_PAGE), (str(MAX_PAGE + 1), MAX_PAGE), ("1" * 5000, MAX_PAGE)],
)
def test_a_page_number_is_plain_digits_within_the_limit(raw, number):
    assert page_number(MultiDict({"page": raw})) == number


def _lists(ids: dict) -> list[str]:
    return [
        f"/events/{ids['event_id']}/attendees",
        f"/events/{ids['event_id']}/captures",
        "/contacts",
        "/contacts?q=Alpha",  # filtered: counted and paged in one pass
        "/today",
        f"/lists/{ids['list_id']}",
        f"/settings/webhooks/{ids['endpoint_id']}",
    ]


def test_every_list_answers_any_page_parameter(client, world):  # noqa: F811
    subjects, owner, _org = world
    login(client, owner)
    for url in _lists(subjects.a):
        separator = "&" if "?" in url else "?"
        for raw in HOSTILE_PAGES:
            response = client.get(url + separator + urlencode({"page": raw}))
            assert response.status_code == 200, (url, raw)


def test_a_page_past_the_end_of_contacts_shows_the_last(client, world):  # noqa: F811
    subjects, owner, _org = world
    login(client, owner)
    first = client.get("/contacts?q=Alpha")
    beyond = client.get("/contacts?q=Alpha&page=9223372036854775807")
    assert b"Alpha Capture" in first.data
    assert b"Alpha Capture" in beyond.data


_pages = st.one_of(
    st.sampled_from(HOSTILE_PAGES),
    st.integers(-(2**70), 2**70).map(str),
    texts.filter(text_input.is_clean),
)


@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(page=_pages, per_page=_pages)
def test_every_list_answers_any_page_and_page_size(client, world, page, per_page):  # noqa: F811
    """``per_page`` is not a list's to take: with any ``page`` it changes nothing but the page."""
    subjects, owner, _org = world
    login(client, owner)
    for url in _lists(subjects.a):
        separator = "&" if "?" in url else "?"
        response = client.get(url + separator + urlencode({"page": page, "per_page": per_page}))
        assert response.status_code == 200, (url, page, per_page)
