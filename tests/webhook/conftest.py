"""Webhook fixtures: an app that trusts a test CA and allows loopback endpoints, a real HTTPS
receiver on loopback, endpoints, and workers with a clock the test moves."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import trustme
from sqlalchemy import select

from netcompanion.dbtypes import utcnow
from netcompanion.extensions import db
from netcompanion.webhook import service
from netcompanion.webhook.models import (
    Topic,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from netcompanion.webhook.worker import Worker
from tests.capture import conftest as capture_fixtures
from tests.conftest import FormClient, _empty_all_tables
from tests.followup import conftest as followup_fixtures

from .receiver import Receiver

# Builders of the capture and follow-up tests: an exhibitor at a fair, captures, lists, the API.
fair = followup_fixtures.fair
make_capture = followup_fixtures.make_capture
make_list = followup_fixtures.make_list
enlist = followup_fixtures.enlist
api = capture_fixtures.api

ALL_TOPICS = [topic.value for topic in Topic]


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_bundle(ca, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def hook_config(ca_bundle) -> dict:
    return {
        "WEBHOOK_ALLOW_PRIVATE_HOSTS": True,
        "WEBHOOK_CA_BUNDLE": ca_bundle,
        "WEBHOOK_READ_TIMEOUT": 1,
        "WEBHOOK_CONNECT_TIMEOUT": 2,
    }


@pytest.fixture
def app(make_app, hook_config):
    """The suite's app, trusting the receiver's CA and allowing loopback endpoints."""
    app = make_app(**hook_config)
    app.test_client_class = FormClient
    with app.app_context():
        _empty_all_tables()
        yield app
        db.session.remove()
        _empty_all_tables()


@pytest.fixture
def receiver(ca):
    with Receiver(ca) as running:
        yield running


@pytest.fixture
def make_endpoint(app):
    """Register an endpoint for ``owner``'s company (topics: all unless given)."""

    def build(owner, url: str, topics=None, description: str = "") -> WebhookEndpoint:
        endpoint = service.create(
            owner, service.Details(url, description, list(topics or ALL_TOPICS))
        )
        db.session.commit()
        return endpoint

    return build


class Clock:
    """A clock the test sets and moves: the worker's idea of now. It starts a minute ahead,
    so whatever the test queues meanwhile is due."""

    def __init__(self, now: datetime | None = None):
        self.now = now or utcnow() + timedelta(minutes=1)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_worker(app, clock):
    """A worker on the test's app and clock; jitter fixed at half its range."""

    def build(**options) -> Worker:
        options.setdefault("clock", clock)
        options.setdefault("rand", lambda: 0.5)
        return Worker(options.pop("app", app), **options)

    return build


def deliveries(endpoint=None) -> list[WebhookDelivery]:
    db.session.expire_all()
    query = select(WebhookDelivery).order_by(WebhookDelivery.id)
    if endpoint is not None:
        query = query.where(WebhookDelivery.endpoint_id == endpoint.id)
    return list(db.session.scalars(query))


def events(topic=None) -> list[WebhookEvent]:
    db.session.expire_all()
    query = select(WebhookEvent).order_by(WebhookEvent.id)
    if topic is not None:
        query = query.where(WebhookEvent.topic == str(topic))
    return list(db.session.scalars(query))


def attempts(delivery) -> list[WebhookAttempt]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id == delivery.id)
            .order_by(WebhookAttempt.id)
        )
    )
