"""Uploads racing each other: the database's constraints, not luck, keep each capture single."""

from __future__ import annotations

import threading

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from netcompanion.capture.models import Capture, CaptureReceipt, Note
from netcompanion.extensions import db
from tests.conftest import PASSWORD

from .conftest import badge_item

THREADS = 8


@pytest.fixture
def racing_clients(app, make_app):
    """Signed-in clients of one recruiter, each in its own thread, released together."""

    def build(user, count: int = THREADS):
        # The same key as the test's app, which signed the badges.
        racing = make_app(WTF_CSRF_ENABLED=False, SECRET_KEY=app.config["SECRET_KEY"])
        racing.test_client_class = FlaskClient
        clients = []
        for _ in range(count):
            client = racing.test_client()
            response = client.post("/login", data={"email": user.email, "password": PASSWORD})
            assert response.status_code == 302
            clients.append(client)
        return clients

    return build


def race(clients, bodies) -> list:
    """POST each body from its own client at the same moment; return the JSON answers."""
    start = threading.Barrier(len(clients))
    answers: list = [None] * len(clients)

    def run(index: int) -> None:
        start.wait()
        response = clients[index].post("/api/v1/captures/batch", json=bodies[index])
        answers[index] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_same_batch_sent_at_once_from_many_connections_is_recorded_once(
    fair, make_attendee, racing_clients
):
    organizer, event, exhibitor = fair
    people = [make_attendee(organizer, event) for _ in range(30)]
    batch = {"captures": [badge_item(event, p, note="talked about Rust") for p in people]}
    answers = race(racing_clients(exhibitor), [batch] * THREADS)

    assert [status for status, _ in answers] == [200] * THREADS
    for position in range(len(people)):
        outcomes = sorted(body["results"][position]["status"] for _, body in answers)
        assert outcomes == ["already_synced"] * (THREADS - 1) + ["created"]
    assert count(Capture) == 30
    assert count(Note) == 30
    assert count(CaptureReceipt) == 30


def test_many_recruiters_scanning_one_person_at_once_make_one_capture(
    fair, make_attendee, make_member, racing_clients
):
    organizer, event, exhibitor = fair
    person = make_attendee(organizer, event)
    clients = [racing_clients(make_member(exhibitor), 1)[0] for _ in range(THREADS)]
    bodies = [
        {"captures": [badge_item(event, person, note=f"note {n}", tags=[f"tag{n}"])]}
        for n in range(THREADS)
    ]
    answers = race(clients, bodies)

    statuses = sorted(body["results"][0]["status"] for _, body in answers)
    assert statuses == ["created"] + ["merged"] * (THREADS - 1)
    assert count(Capture) == 1
    capture = db.session.scalars(select(Capture)).one()
    assert sorted(n.body for n in capture.notes) == [f"note {n}" for n in range(THREADS)]
    assert len(capture.tags) == THREADS
