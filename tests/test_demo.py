from sqlalchemy import func, select

from netcompanion.account.models import Organization, User
from netcompanion.attendee.models import Attendee
from netcompanion.capture.models import Capture, Contact, EventQuestion, Note
from netcompanion.demo import DEMO_EVENT, DEMO_PASSWORD
from netcompanion.event.models import Event, Exhibitor
from netcompanion.extensions import db


def counts():
    return [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Organization, User, Event, Exhibitor, Attendee, EventQuestion, Capture, Note)
    ]


def test_demo_loads_once_and_prints_logins(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "recruiter@acme-talent.example.com" in first.output
    assert DEMO_PASSWORD in first.output
    after_first = counts()
    assert after_first == [3, 4, 2, 4, 8, 3, 6, 6]  # the fair, and a past meetup

    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert counts() == after_first


def test_demo_recruiter_can_sign_in_and_see_the_event(runner, client):
    runner.invoke(args=["demo"])
    response = client.submit(
        "/login", {"email": "recruiter@acme-talent.example.com", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert DEMO_EVENT in page


def test_demo_exhibitor_sees_its_booth_only(runner, client):
    runner.invoke(args=["demo"])
    client.submit("/login", {"email": "owner@northwind.example.com", "password": DEMO_PASSWORD})
    event = db.session.scalars(select(Event).where(Event.name == DEMO_EVENT)).one()
    page = client.get(f"/events/{event.public_id}").get_data(as_text=True)
    assert "Hall 2, stand B20" in page
    assert "Globex" not in page


def test_demo_recruiter_finds_captures_and_a_working_scanner(runner, client):
    runner.invoke(args=["demo"])
    client.submit(
        "/login", {"email": "recruiter@acme-talent.example.com", "password": DEMO_PASSWORD}
    )
    event = db.session.scalars(select(Event).where(Event.name == DEMO_EVENT)).one()
    captures = client.get(f"/events/{event.public_id}/captures").get_data(as_text=True)
    assert "Jonas Weber" in captures and "Lucía Fernández" in captures
    scanner = client.get("/scan", follow_redirects=True).get_data(as_text=True)
    assert "Salary expectation" in scanner and "Leadership" in scanner


def test_demo_recruiter_has_follow_ups_due_and_a_contact_met_twice(runner, client):
    runner.invoke(args=["demo"])
    client.submit(
        "/login", {"email": "recruiter@acme-talent.example.com", "password": DEMO_PASSWORD}
    )
    today = client.get("/today").get_data(as_text=True)
    assert "Jonas Weber" in today and "Backend engineers — nurture" in today
    jonas = db.session.scalars(
        select(Contact).where(Contact.email == "jonas.weber@example.com")
    ).one()
    assert len(jonas.captures) == 2  # the meetup, then the fair
    response = client.get(f"/contacts/{jonas.public_id}/message")
    assert response.status_code == 200, response.status_code
    message = response.get_data(as_text=True)
    assert "Hi Jonas," in message and "when we met at Berlin Tech Careers Fair" in message


def test_demo_refuses_a_production_instance_and_writes_nothing(app, make_app):
    production = make_app(ENV="production", SECRET_KEY="p-" + "k" * 40)
    result = production.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "The demo is for development" in result.output
    assert "NETCOMPANION_ENV=development" in result.output
    assert DEMO_PASSWORD not in result.output
    assert counts() == [0] * 8
