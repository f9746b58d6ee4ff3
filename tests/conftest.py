"""Fixtures: an app on a real database (SQLite by default, TEST_DATABASE_URL otherwise),
a client that submits forms with real CSRF tokens, and builders for companies, users, events."""

from __future__ import annotations

import os
import re
import secrets
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import select

from netcompanion import create_app
from netcompanion.account import service as accounts
from netcompanion.account.models import Role, User
from netcompanion.event import service as events
from netcompanion.extensions import db

PASSWORD = "correct horse battery"
CSRF_META = re.compile(rb'<meta name="csrf-token" content="([^"]+)"')


def config_for(database_url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "ENV": "development",
        "SECRET_KEY": "test-" + secrets.token_urlsafe(32),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,
        "BASE_URL": "http://netcompanion.test",
        "MAIL_SERVER": None,
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'netcompanion-test.sqlite'}"


@pytest.fixture(scope="session")
def migrated(database_url):
    """Build the schema once per run with the real migrations."""
    app = create_app(config_for(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def _empty_all_tables() -> None:
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def make_app(migrated, tmp_path):
    """Build extra apps on the test database, e.g. with different settings."""
    apps = []

    def build(**overrides):
        overrides.setdefault("JOBS_DIR", str(tmp_path / "jobs"))
        app = create_app(config_for(migrated, **overrides))
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    app.test_client_class = FormClient
    with app.app_context():
        _empty_all_tables()
        yield app
        db.session.remove()
        _empty_all_tables()


class FormClient(FlaskClient):
    """A test client that submits forms the way a browser does: with the page's CSRF token.

    Each request runs in an app context of its own, as in production: its own ``g`` and its own
    database session. The test's session commits what the test set up before the request and
    forgets what it had loaded afterwards, so assertions read what the request wrote.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response

    def csrf_token(self) -> str:
        response = self.get("/", follow_redirects=True)
        match = CSRF_META.search(response.data)
        assert match, "no CSRF token on the start page"
        return match.group(1).decode()

    def submit(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)


@pytest.fixture
def client(app) -> FormClient:
    return app.test_client()


@pytest.fixture
def new_client(app):
    """Another browser: its own cookies and session."""
    return lambda: app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_company(app):
    """Create a company with its owner; returns the owner."""
    counter = iter(range(1, 10_000))

    def build(name: str | None = None, owner_email: str | None = None) -> User:
        n = next(counter)
        name = name or f"Company {n} {secrets.token_hex(3)}"
        email = owner_email or f"owner{n}-{secrets.token_hex(3)}@example.com"
        user = accounts.sign_up(f"Owner {n}", email, PASSWORD, name)
        db.session.commit()
        return user

    return build


@pytest.fixture
def make_member(app):
    """Add a member with a role to the company of ``owner``."""
    counter = iter(range(1, 10_000))

    def build(owner: User, role: Role = Role.RECRUITER, name: str | None = None) -> User:
        n = next(counter)
        invitation, token = accounts.invite(
            owner, f"member{n}-{secrets.token_hex(3)}@example.com", role
        )
        user = accounts.accept_invitation(token, name or f"Member {n}", PASSWORD)
        db.session.commit()
        return user

    return build


@pytest.fixture
def make_event(app):
    def build(owner: User, with_booth: bool = True, **details):
        start = details.pop("starts_on", date.today() + timedelta(days=10))
        values = {
            "name": "Event " + secrets.token_hex(3),
            "starts_on": start,
            "ends_on": start + timedelta(days=1),
            "timezone": "Europe/Berlin",
            "venue": "Messe Berlin",
            "description": "",
        }
        values.update(details)
        event = events.create_event(owner, values, with_booth=with_booth)
        db.session.commit()
        return event

    return build


@pytest.fixture
def join_event(app):
    def join(user: User, event, booth_name: str | None = None, location: str = ""):
        booth = events.join(user, event.join_code, booth_name or user.organization.name, location)
        db.session.commit()
        return booth

    return join


def login(client: FormClient, user: User, password: str = PASSWORD):
    response = client.submit("/login", {"email": user.email, "password": password})
    assert response.status_code == 302, response.data
    return response


@pytest.fixture
def login_as(client):
    def do(user: User, password: str = PASSWORD, on=None):
        return login(on or client, user, password)

    return do


@pytest.fixture
def make_attendee(app):
    """Register an attendee for an event on the organizer's side."""
    counter = iter(range(1, 100_000))

    def build(organizer: User, event, **details):
        from netcompanion.attendee import service as attendees

        n = next(counter)
        values = {
            "name": f"Attendee {n}",
            "email": f"attendee{n}-{secrets.token_hex(3)}@example.com",
            "company": "Initech",
            "title": "Backend engineer",
        }
        values.update(details)
        ev = events.access(organizer.organization_id, event.public_id)
        attendee = attendees.add(organizer, ev, values)
        db.session.commit()
        return attendee

    return build


def finished_job(job_public_id: str):
    """Wait (bounded) for a background job to finish, and return it."""
    import time

    from netcompanion.job.models import Job, Status

    for _ in range(1200):
        db.session.expire_all()
        job = db.session.scalars(select(Job).where(Job.public_id == job_public_id)).one()
        if job.status in (Status.DONE, Status.FAILED):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_public_id} did not finish")
