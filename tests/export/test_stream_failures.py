"""An export that fails: in its first chunk it gets the usual error answer (page or JSON, with
the security headers); after the answer started it is logged and ends incomplete."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select, update

from netcompanion.capture.models import Capture, Contact
from netcompanion.export.downloads import ExportInterrupted
from netcompanion.export.service import CARDS_PER_CHUNK
from netcompanion.extensions import db
from tests.conftest import FormClient, login
from tests.hostile_text import row_counts

FORMATS = ("vcf", "zip", "csv")


def _break_capture_of(name: str) -> None:
    """Store answers as a list where every reader expects an object, as no writer would."""
    contact_id = db.session.scalar(select(Contact.id).where(Contact.name == name))
    db.session.execute(
        update(Capture).where(Capture.contact_id == contact_id).values(answers=["broken"])
    )
    db.session.commit()


@pytest.fixture
def production_client(make_app):
    """A client of an app that answers errors as in production instead of raising them."""
    app = make_app(TESTING=False)
    app.test_client_class = FormClient
    return app.test_client()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_failure_in_the_first_chunk_answers_the_error_page(
    fmt, booth, questions, make_many, production_client
):
    owner, _fair = booth
    make_many(3)
    _break_capture_of("Person 00001")
    login(production_client, owner)
    before = row_counts()
    response = production_client.get(f"/contacts/export.{fmt}")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    assert b"Something went wrong on our side" in response.data
    assert response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Disposition" not in response.headers
    assert row_counts() == before


def test_a_failure_in_the_first_chunk_answers_the_api_error(booth, questions, make_many, make_app):
    from netcompanion.api import tokens
    from netcompanion.api.models import TokenScope

    owner, _fair = booth
    make_many(3)
    _break_capture_of("Person 00002")
    _token, secret = tokens.create(owner, "CRM", TokenScope.READ)
    db.session.commit()
    client = make_app(TESTING=False).test_client()
    response = client.get(
        "/api/v1/exports/contacts.csv", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 500
    assert response.json["error"]["code"] == "server_error"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_failure_after_the_first_chunk_is_logged_and_ends_the_stream_incomplete(
    fmt, booth, questions, make_many, production_client, caplog
):
    owner, _fair = booth
    count = CARDS_PER_CHUNK * 2 + 10
    make_many(count)
    login(production_client, owner)
    whole = production_client.get(f"/contacts/export.{fmt}").get_data()
    names = [f"Person {i:05d}" for i in range(count)]
    _break_capture_of(max(names, key=lambda name: whole.find(name.encode())))  # the last written

    response = production_client.get(f"/contacts/export.{fmt}")
    assert response.status_code == 200  # already sent when the failure comes
    received = []
    with caplog.at_level(logging.ERROR), pytest.raises(ExportInterrupted):
        for chunk in response.response:
            received.append(chunk)
    assert received and b"".join(received) != whole
    assert len(b"".join(received)) < len(whole)
    assert "failed after it started" in caplog.text
    assert "AttributeError" in caplog.text
