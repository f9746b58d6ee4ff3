"""The text rule at every way in: forms (all of them, by construction), query strings, paths."""

from __future__ import annotations

import importlib
import pkgutil

from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings

import netcompanion
from netcompanion import text_input
from netcompanion.webform import BaseForm
from tests.conftest import login
from tests.hostile_text import REFUSED, refused_texts, row_counts, texts


def _all_forms() -> set[type]:
    for module in pkgutil.walk_packages(netcompanion.__path__, "netcompanion."):
        importlib.import_module(module.name)
    found, pending = set(), [FlaskForm]
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        if cls.__module__.startswith("netcompanion."):
            found.add(cls)
    return found


def test_every_form_of_the_app_derives_from_the_checked_base():
    forms = _all_forms()
    assert len(forms) > 30
    assert [f"{f.__module__}.{f.__name__}" for f in forms if not issubclass(f, BaseForm)] == []


@given(texts)
def test_cleaning_leaves_only_what_the_rule_accepts(value):
    cleaned, removed = text_input.clean(value)
    assert text_input.is_clean(cleaned)
    assert removed == (not text_input.is_clean(value))


def test_tab_line_breaks_and_c1_are_kept_and_c0_del_and_surrogates_are_not():
    assert text_input.is_clean("a\tb\nc\r\n\x85\x96 é 😀 שלום")
    assert all(not text_input.is_clean(f"a{c}b") for c in REFUSED)


def test_refusals_name_nested_json_fields():
    body = {"captures": [{"contact": {"name": "A\x00"}}], "note": "ok", "k\x01": 1}
    assert set(text_input.refusals(body)) == {"captures[0].contact.name", "k"}


def test_a_refused_character_in_a_form_field_is_an_error_on_that_field(client, make_company):
    user = make_company()
    login(client, user)
    before = row_counts()
    response = client.submit("/events/new", {"name": "Fair\x00", "timezone": "UTC"})
    assert response.status_code == 422
    assert str(text_input.MESSAGE).encode() in response.data
    assert b"Fair" in response.data  # what was typed is kept
    assert row_counts() == before


def test_a_refused_character_in_a_login_form_writes_nothing(client, make_company):
    user = make_company()
    before = row_counts()
    response = client.submit("/login", {"email": user.email + "\x00", "password": "x\x1b"})
    assert response.status_code == 422
    assert row_counts() == before


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(refused_texts(surrogates=False))
def test_a_refused_character_in_a_page_filter_answers_422_naming_it(app, value):
    client = app.test_client()
    response = client.get("/contacts", query_string={"q": value})
    assert response.status_code in (302, 422)  # signed out: the login page comes first
    response = client.get("/login", query_string={"next": value})
    assert response.status_code == 422
    assert b"next" in response.data


def test_a_nul_in_a_url_id_is_not_found(client, make_company):
    login(client, make_company())
    for url in ("/events/%00", "/contacts/ab%00cd", "/api/v1/contacts/%00", "/b/%00"):
        assert client.get(url).status_code == 404, url
