"""Merges and undos racing each other: row locks and conditional updates, not luck, decide."""

from __future__ import annotations

import threading

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from netcompanion.capture.models import Contact
from netcompanion.contact.models import ContactMerge
from netcompanion.extensions import db
from tests.conftest import PASSWORD

from .conftest import captures_of, meet

THREADS = 6


@pytest.fixture
def racing_clients(make_app):
    """Signed-in clients of one recruiter, without CSRF, for threads released together."""

    def build(user, count: int = THREADS):
        racing = make_app(WTF_CSRF_ENABLED=False)
        racing.test_client_class = FlaskClient
        clients = []
        for _ in range(count):
            client = racing.test_client()
            response = client.post("/login", data={"email": user.email, "password": PASSWORD})
            assert response.status_code == 302
            clients.append(client)
        return clients

    return build


def race(clients, requests) -> list[int]:
    """POST each (url, form) from its own client at the same moment; return the statuses."""
    start = threading.Barrier(len(clients))
    statuses: list = [None] * len(clients)

    def run(index: int) -> None:
        url, form = requests[index]
        start.wait()
        statuses[index] = clients[index].post(url, data=form).status_code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def test_opposite_merges_at_once_make_one_merge(booth, make_contact, racing_clients):
    owner, fair = booth
    a = make_contact(owner, name="Person A", met=[meet(fair)])
    b = make_contact(owner, name="Person B", met=[meet(fair)])
    keep_a = (f"/contacts/{a.public_id}/merge", {"other": b.public_id, "keep": a.public_id})
    keep_b = (f"/contacts/{a.public_id}/merge", {"other": b.public_id, "keep": b.public_id})
    statuses = race(racing_clients(owner), [keep_a, keep_b] * (THREADS // 2))
    assert statuses == [302] * THREADS  # the losers are told why, never a server error
    db.session.expire_all()
    assert len(db.session.scalars(select(ContactMerge)).all()) == 1
    contacts = [db.session.get(Contact, c.id) for c in (a, b)]
    assert sorted(c.merged_into_id is None for c in contacts) == [False, True]
    assert sorted(len(captures_of(c)) for c in contacts) == [0, 2]


def test_undoing_at_once_undoes_once(booth, make_contact, racing_clients, client):
    owner, fair = booth
    a = make_contact(owner, name="Person A", met=[meet(fair)])
    b = make_contact(owner, name="Person B", met=[meet(fair)])
    clients = racing_clients(owner)
    clients[0].post(
        f"/contacts/{a.public_id}/merge", data={"other": b.public_id, "keep": a.public_id}
    )
    record = db.session.scalars(select(ContactMerge)).one()
    statuses = race(clients, [(f"/merges/{record.public_id}/undo", {})] * THREADS)
    assert statuses == [302] * THREADS
    db.session.expire_all()
    assert db.session.get(ContactMerge, record.id).undone_at is not None
    assert [len(captures_of(c)) for c in (a, b)] == [1, 1]
    assert db.session.get(Contact, b.id).merged_into_id is None
