"""Only owners and admins remove attendees, reissue badges and erase people; recruiters do the rest.

Every route that does one of these is listed in ``RESTRICTED``; the walk over the URL map fails
on a new route whose name or method says it deletes, removes, reissues, erases or revokes until
it is listed there or in ``OTHERWISE_RULED`` with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import jsonify
from flask_login import current_user
from sqlalchemy import func, select

from netcompanion.account import service as accounts
from netcompanion.account.models import Role, User
from netcompanion.account.permissions import can_manage
from netcompanion.api import tokens
from netcompanion.api.models import TokenScope
from netcompanion.attendee import importing
from netcompanion.attendee import service as attendees
from netcompanion.attendee.models import Attendee
from netcompanion.capture.models import Capture, Contact
from netcompanion.contact import erasure
from netcompanion.event import service as events
from netcompanion.exceptions import NotPermitted
from netcompanion.extensions import db
from netcompanion.job.models import Job
from tests.attendee.test_import import apply, preview
from tests.conftest import finished_job, login
from tests.followup.conftest import make_capture  # noqa: F401 - fixture

REFUSAL = "Only owners and admins can remove attendees, reissue badges or erase a person."

#: The routes only owners and admins may use (the import's apply: when it reissues badges).
RESTRICTED = {
    "attendee.delete",
    "attendee.reissue",
    "attendee_import.apply",
    "contact.erase",
}

#: Routes that look destructive by name or method but follow another rule, and which.
OTHERWISE_RULED = {
    "account.remove_member": "team management: owners and admins (can_manage_team)",
    "account.revoke_invitation": "team management: owners and admins (can_manage_team)",
    "api_tokens.revoke": "API tokens: owners and admins (can_manage_team)",
    "webhooks.delete": "webhook settings: owners and admins (can_manage_team)",
    "event.remove_exhibitor": "the event's exhibitors: owners and admins (can_manage_events)",
    "questions.delete": "an event's questions: owners and admins (can_manage_events)",
    "capture.delete": "a mistaken scan: part of capturing, which recruiters keep",
    "outreach.delete_template": "a message template: part of follow-up, which recruiters keep",
    "profile.revoke_calendar": "the member's own calendar feed",
}

DESTRUCTIVE_WORDS = ("delete", "remove", "reissue", "erase", "revoke")


def test_every_destructive_route_is_ruled(app):
    unruled = []
    for rule in app.url_map.iter_rules():
        named = any(
            word in rule.endpoint.lower() or word in rule.rule for word in DESTRUCTIVE_WORDS
        )
        if (named or "DELETE" in rule.methods) and rule.endpoint not in RESTRICTED | set(
            OTHERWISE_RULED
        ):
            unruled.append(f"{sorted(rule.methods)} {rule.rule} ({rule.endpoint})")
    assert unruled == [], "say who may use these routes: " + ", ".join(unruled)
    assert {rule.endpoint for rule in app.url_map.iter_rules()} >= RESTRICTED


def test_only_owners_and_admins_may_manage(make_company, make_member):
    owner = make_company()
    assert can_manage(owner)
    assert can_manage(make_member(owner, Role.ADMIN))
    assert not can_manage(make_member(owner, Role.RECRUITER))


# The world each test acts on -------------------------------------------------------------------


@dataclass
class Team:
    owner: User
    event: object
    attendee: Attendee
    contact: Contact


@pytest.fixture
def team(make_company, make_event, make_attendee, make_capture):  # noqa: F811
    """A company organizing an event with one attendee, and a contact it met there."""
    owner = make_company("Acme Talent")
    event = make_event(owner, name="Berlin Tech Careers Fair")
    attendee = make_attendee(owner, event, name="Zoë Ng", email="zoe@example.com")
    capture = make_capture(owner, event, "Ana Lima", email="ana@example.com", note="Wants remote.")
    db.session.commit()
    return Team(owner, event, attendee, capture.contact)


def member(team: Team, role: Role, make_member) -> User:
    return team.owner if role is Role.OWNER else make_member(team.owner, role)


def snapshot() -> dict:
    """Every attendee's columns, and how many contacts, captures and import jobs there are."""
    people = db.session.scalars(select(Attendee).order_by(Attendee.id)).all()
    return {
        "attendees": [
            {c.key: getattr(a, c.key) for c in Attendee.__table__.columns} for a in people
        ],
        "contacts": db.session.scalar(select(func.count()).select_from(Contact)),
        "captures": db.session.scalar(select(func.count()).select_from(Capture)),
        "applied": db.session.scalar(
            select(func.count()).select_from(Job).where(Job.kind == importing.APPLY)
        ),
    }


def _attendee_url(team: Team, action: str) -> str:
    return f"/events/{team.event.public_id}/attendees/{team.attendee.public_id}/{action}"


def _delete(client, team):
    return client.submit(_attendee_url(team, "delete"))


def _reissue(client, team):
    return client.submit(_attendee_url(team, "reissue"))


def _erase(client, team):
    return client.submit(f"/contacts/{team.contact.public_id}/erase", {"confirm": "y"})


#: A row that renames the attendee: the name is printed, so applying it reissues her badge.
RENAMING = b"Name,Email\nZoe Ng-Weber,zoe@example.com\n"


def _apply_reissuing_import(client, team):
    job = preview(client, team.event, RENAMING)
    assert job.result["reissued"] == 1
    response = client.submit(
        f"/events/{team.event.public_id}/attendees/import/{job.public_id}/apply"
    )
    db.session.expire_all()
    if job.result.get("applied"):
        finished_job(job.result["applied"])
    return response


ACTIONS = {
    "attendee.delete": _delete,
    "attendee.reissue": _reissue,
    "contact.erase": _erase,
    "attendee_import.apply": _apply_reissuing_import,
}


def test_every_restricted_route_is_tested():
    assert set(ACTIONS) == RESTRICTED


@pytest.mark.parametrize("endpoint", sorted(ACTIONS))
def test_a_recruiter_is_refused_and_nothing_changes(client, team, make_member, endpoint):
    login(client, make_member(team.owner, Role.RECRUITER))
    before = snapshot()

    response = ACTIONS[endpoint](client, team)

    assert response.status_code == 403
    assert response.mimetype == "text/html"
    assert REFUSAL in response.text
    assert snapshot() == before


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OWNER])
@pytest.mark.parametrize("endpoint", sorted(ACTIONS))
def test_owners_and_admins_may(client, team, make_member, endpoint, role):
    login(client, member(team, role, make_member))
    before = snapshot()

    response = ACTIONS[endpoint](client, team)

    assert response.status_code == 302
    assert snapshot() != before


def test_what_each_action_does_for_an_admin(client, team, make_member):
    login(client, make_member(team.owner, Role.ADMIN))
    version = team.attendee.badge_version
    _reissue(client, team)
    assert db.session.get(Attendee, team.attendee.id).badge_version == version + 1
    _erase(client, team)
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 0
    _delete(client, team)
    assert db.session.scalar(select(func.count()).select_from(Attendee)) == 0


def test_a_recruiter_keeps_importing_attendees_when_no_badge_is_reissued(client, team, make_member):
    login(client, make_member(team.owner, Role.RECRUITER))
    job = preview(
        client, team.event, "Name,Email,Phone\nZoë Ng,zoe@example.com,+4930111\n".encode()
    )
    assert job.result["updated"] == 1 and job.result["reissued"] == 0
    page = client.get(f"/events/{team.event.public_id}/attendees/import/{job.public_id}")
    assert "Apply these changes" in page.text

    done = apply(client, team.event, job)

    assert done.message.startswith("0 attendees added, 1 updated")
    attendee = db.session.get(Attendee, team.attendee.id)
    assert attendee.phone == "+4930111" and attendee.badge_version == team.attendee.badge_version


def test_a_recruiter_keeps_adding_and_editing_attendees_and_their_own_captures(
    client,
    team,
    make_member,
    make_capture,  # noqa: F811
):
    recruiter = make_member(team.owner, Role.RECRUITER)
    mistaken = make_capture(recruiter, team.event, "Wrong Person")
    db.session.commit()
    mistaken_id = mistaken.id
    login(client, recruiter)
    base = f"/events/{team.event.public_id}/attendees"

    added = client.submit(base + "/new", {"name": "Bo Berg", "email": "bo@example.com"})
    edited = client.submit(
        f"{base}/{team.attendee.public_id}",
        {"name": "Zoë Ng", "email": "zoe@example.com", "company": "Hooli"},
    )
    deleted = client.submit(f"/captures/{mistaken.public_id}/delete")

    assert added.status_code == edited.status_code == deleted.status_code == 302
    assert db.session.get(Attendee, team.attendee.id).company == "Hooli"
    assert db.session.get(Capture, mistaken_id) is None


# What each role is shown -----------------------------------------------------------------------


def _attendee_page(client, team):
    return client.get(f"/events/{team.event.public_id}/attendees/{team.attendee.public_id}").text


def test_a_recruiter_is_not_shown_the_remove_and_reissue_buttons(client, team, make_member):
    login(client, make_member(team.owner, Role.RECRUITER))
    page = _attendee_page(client, team)
    assert "Badge PDF" in page  # the page itself is theirs
    assert "Reissue badge" not in page and "Remove attendee" not in page
    assert "/reissue" not in page and "/delete" not in page


def test_an_admin_is_shown_the_remove_and_reissue_buttons(client, team, make_member):
    login(client, make_member(team.owner, Role.ADMIN))
    page = _attendee_page(client, team)
    assert "Reissue badge" in page and "Remove attendee" in page


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.ADMIN])
def test_the_erase_form_is_shown_to_owners_and_admins_only(client, team, make_member, role):
    login(client, make_member(team.owner, role))
    page = client.get(f"/contacts/{team.contact.public_id}").text
    shown = f"/contacts/{team.contact.public_id}/erase" in page
    assert shown is (role is Role.ADMIN)
    assert ("Only owners and admins can erase a person." in page) is (role is Role.RECRUITER)


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.ADMIN])
def test_a_reissuing_import_offers_its_apply_button_to_owners_and_admins_only(
    client, team, make_member, role
):
    login(client, make_member(team.owner, role))
    job = preview(client, team.event, RENAMING)
    page = client.get(f"/events/{team.event.public_id}/attendees/import/{job.public_id}").text
    assert ("Apply these changes" in page) is (role is Role.ADMIN)
    assert ("Ask one of them to apply it." in page) is (role is Role.RECRUITER)


# Services and the API --------------------------------------------------------------------------


def test_the_services_refuse_a_recruiter_without_a_request(team, make_member):
    recruiter = make_member(team.owner, Role.RECRUITER)
    ev = events.access(team.owner.organization_id, team.event.public_id)
    before = snapshot()
    for action in (
        lambda: attendees.delete(recruiter, ev, team.attendee),
        lambda: attendees.reissue_badge(recruiter, ev, team.attendee),
        lambda: erasure.erase(recruiter, team.contact),
    ):
        with pytest.raises(NotPermitted):
            action()
        db.session.rollback()
    assert snapshot() == before


@pytest.fixture
def api_app(make_app):
    """The app with an API route that erases a contact, as any future one would: by the service."""
    app = make_app()

    def erase_contact(contact_id):
        contact = db.session.scalars(
            select(Contact).where(
                Contact.public_id == contact_id,
                Contact.organization_id == current_user.organization_id,
            )
        ).one()
        erasure.erase(current_user, contact)
        db.session.commit()
        return jsonify(erased=contact_id)

    app.add_url_rule(
        "/api/v1/contacts/<contact_id>/erase", view_func=erase_contact, methods=["POST"]
    )
    return app


def test_the_api_refuses_a_token_of_a_member_who_is_now_a_recruiter(api_app, team, make_member):
    admin = make_member(team.owner, Role.ADMIN)
    _token, secret = tokens.create(admin, "CRM sync", TokenScope.READ_WRITE)
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    client = api_app.test_client()
    url = f"/api/v1/contacts/{team.contact.public_id}/erase"

    accounts.change_role(team.owner, admin, Role.RECRUITER)
    db.session.commit()
    with api_app.app_context():
        refused = client.post(url, headers=headers)
    db.session.expire_all()

    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "forbidden"
    assert refused.json["error"]["message"].startswith(REFUSAL)
    assert db.session.get(Contact, team.contact.id) is not None

    accounts.change_role(team.owner, db.session.get(User, admin.id), Role.ADMIN)
    db.session.commit()
    with api_app.app_context():
        done = client.post(url, headers=headers)
    db.session.expire_all()

    assert done.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 0
