"""Every route that takes an identifier, asked for another company's object, answers 404 or 403.

The sweep walks the app's whole URL map, so routes added later are covered without editing
this file, except to say how to find an object for a new kind of identifier (``SUBJECTS``) or
why a route is public (``PUBLIC``). A route the sweep does not understand fails the test.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from netcompanion.account import service as accounts
from netcompanion.account.models import Role
from netcompanion.api import tokens
from netcompanion.api.models import TokenScope
from netcompanion.badge.service import badge_token
from netcompanion.capture.models import (
    Capture,
    CaptureSource,
    Contact,
    EventQuestion,
    QuestionKind,
)
from netcompanion.contact.models import ContactMerge, MatchReason, MatchSuggestion, TouchKind
from netcompanion.dbtypes import utcnow
from netcompanion.extensions import db
from netcompanion.followup import service as followups
from netcompanion.followup.models import ListEntry
from netcompanion.job.models import Job
from netcompanion.outreach.models import MessageTemplate
from netcompanion.webhook import outbox
from netcompanion.webhook.models import Topic, WebhookDelivery, WebhookEndpoint
from netcompanion.webhook.signing import new_secret
from tests.conftest import login

#: Routes that take an identifier but are public by design, and why.
PUBLIC = {
    "static": "front-end files, the same for everyone",
    "account.accept_invitation": "the path is a secret single-use token, not a company's object",
    "attendee.register": "an event's public self-registration page, open to anyone by design",
    "badge.card": "the path is a signed badge token: the public card it opens is public",
    "badge.vcard": "the public card as a vCard, behind the same signed token",
    "badge.badge_qr": "the QR image of a signed badge token",
    "badge.mine": "the path is the attendee's secret key to their own badge page",
    "booth.form": "the path is a signed booth-poster token: its page is public by design",
    "booth.share": "the booth-poster token again; the attendee's own secret key is in the form",
    "booth.contact_card": "the booth's public contact card, behind the same signed token",
    "calendar.feed": "the path is the member's secret calendar key, revocable, stored hashed",
}

#: Routes that may also refuse another company's object with this status, and why that is safe.
ALSO_REFUSED = {
    "capture_api.badge_lookup": (
        422,
        "a badge token is printed for all to see; another event's badge is refused as "
        "wrong_event, which tells no more than the badge itself",
    ),
}

#: URL arguments the sweep knows how to fill with an object of either company.
SUBJECT_NAMES = {
    "token",
    "badge_code",
    "event_id",
    "exhibitor_id",
    "member_id",
    "invitation_id",
    "attendee_id",
    "job_id",
    "question_id",
    "capture_id",
    "contact_id",
    "list_id",
    "entry_id",
    "template_id",
    "merge_id",
    "suggestion_id",
    "api_token_id",
    "endpoint_id",
    "delivery_id",
}

#: Text only company B's data contains: it must never reach company A.
B_SECRETS = (
    "Zeta-Booth-7f3a",
    "Zeta Event 9c1e",
    "zeta-invitee@example.com",
    "Zeta Member 4d2b",
    "Zeta Attendee 0b9d",
    "zeta-attendee@example.com",
    "Zeta-Job-77c1",
    "Zeta-Question-3e5f",
    "Zeta Capture 5a6b",
    "Zeta Double 8e2c",
    "Zeta-List-6d0f",
    "Zeta-Template-1c9a",
    "Zeta-Touch-2f4e",
    "Zeta-Token-5e8d",
    "Zeta-Hook-3b7e",
)

#: Form values a request might carry, so handlers get as far as their access checks.
FORM = {
    "name": "Hijacked",
    "email": "attacker@example.com",
    "role": "owner",
    "booth_name": "Hijacked",
    "booth_location": "Nowhere",
    "starts_on": "2030-01-01",
    "ends_on": "2030-01-02",
    "timezone": "UTC",
    "venue": "x",
    "description": "x",
    "code": "",
    "prompt": "Hijacked?",
    "kind": "text",
    "options": "",
    "tags": "Hijacked",
    "direction": "up",
}


@dataclass
class World:
    """Objects of company A (the visitor) and company B (the target), by URL argument."""

    a: dict[str, str]
    b: dict[str, str]


@pytest.fixture
def world(make_company, make_member, make_event, make_attendee) -> tuple[World, object, int]:
    owner_a = make_company(name="Alpha Recruiting")
    event_a = make_event(owner_a, name="Alpha Meetup")
    member_a = make_member(owner_a, Role.RECRUITER)
    invitation_a, _ = accounts.invite(owner_a, "alpha-invitee@example.com", Role.RECRUITER)
    attendee_a = make_attendee(owner_a, event_a)

    owner_b = make_company(name="Zeta Talent")
    event_b = make_event(owner_b, name="Zeta Event 9c1e")
    booth_b = event_b.exhibitors[0]
    booth_b.booth_name = "Zeta-Booth-7f3a"
    member_b = make_member(owner_b, Role.ADMIN, name="Zeta Member 4d2b")
    invitation_b, _ = accounts.invite(owner_b, "zeta-invitee@example.com", Role.ADMIN)
    attendee_b = make_attendee(
        owner_b, event_b, name="Zeta Attendee 0b9d", email="zeta-attendee@example.com"
    )

    job_a = Job(organization_id=owner_a.organization_id, created_by_id=owner_a.id, kind="badges")
    job_b = Job(
        organization_id=owner_b.organization_id,
        created_by_id=owner_b.id,
        kind="badges",
        message="Zeta-Job-77c1",
    )
    db.session.add_all([job_a, job_b])
    question_a = _question(owner_a.organization_id, event_a, "Alpha question?")
    question_b = _question(owner_b.organization_id, event_b, "Zeta-Question-3e5f")
    capture_a = _capture(owner_a.organization_id, event_a, "Alpha Capture")
    capture_b = _capture(owner_b.organization_id, event_b, "Zeta Capture 5a6b")
    db.session.flush()
    follow_a = _follow_up(owner_a, capture_a, "Alpha List", "Alpha Double")
    follow_b = _follow_up(owner_b, capture_b, "Zeta-List-6d0f", "Zeta Double 8e2c")
    api_token_a, _ = tokens.create(owner_a, "Alpha token", TokenScope.READ)
    api_token_b, _ = tokens.create(owner_b, "Zeta-Token-5e8d", TokenScope.READ_WRITE)

    subjects = World(
        a={
            "event_id": event_a.public_id,
            "exhibitor_id": event_a.exhibitors[0].public_id,
            "member_id": member_a.public_id,
            "invitation_id": invitation_a.public_id,
            "attendee_id": attendee_a.public_id,
            "job_id": job_a.public_id,
            "question_id": question_a.public_id,
            "capture_id": capture_a.public_id,
            "token": badge_token(attendee_a),
            "badge_code": attendee_a.badge_code,
            "api_token_id": api_token_a.public_id,
            **_webhook(owner_a, "Alpha hook"),
            **follow_a,
        },
        b={
            "event_id": event_b.public_id,
            "exhibitor_id": booth_b.public_id,
            "member_id": member_b.public_id,
            "invitation_id": invitation_b.public_id,
            "attendee_id": attendee_b.public_id,
            "job_id": job_b.public_id,
            "question_id": question_b.public_id,
            "capture_id": capture_b.public_id,
            "token": badge_token(attendee_b),
            "badge_code": attendee_b.badge_code,
            "api_token_id": api_token_b.public_id,
            **_webhook(owner_b, "Zeta-Hook-3b7e"),
            **follow_b,
        },
    )
    db.session.commit()
    return subjects, owner_a, owner_b.organization_id


def _question(org_id: int, event, prompt: str) -> EventQuestion:
    question = EventQuestion(
        organization_id=org_id, event_id=event.id, kind=QuestionKind.TEXT, prompt=prompt
    )
    db.session.add(question)
    return question


def _capture(org_id: int, event, name: str) -> Capture:
    capture = Capture(
        organization_id=org_id,
        event=event,
        contact=Contact(organization_id=org_id, name=name),
        source=CaptureSource.WALK_IN,
        name=name,
        captured_at=utcnow(),
    )
    db.session.add(capture)
    return capture


def _follow_up(owner, capture, list_name: str, double_name: str) -> dict[str, str]:
    """A list with the capture's contact in it, a template, a touch, a merge and a suggestion."""
    org_id = owner.organization_id
    lst = followups.create_list(owner, list_name)
    followups.add_entries(lst, [followups.candidate_from_capture(capture)], owner.id)
    entry = db.session.scalars(select(ListEntry).where(ListEntry.list_id == lst.id)).one()
    followups.log_touch(
        owner, capture.contact, TouchKind.CALL, body=list_name.replace("List", "Touch")
    )
    template = MessageTemplate(
        organization_id=org_id,
        name=list_name.replace("List", "Template"),
        subject="Hello {{ contact.first_name }}",
        body="Hi",
    )
    double = Contact(organization_id=org_id, name=double_name, email=f"{org_id}-double@example.com")
    third = Contact(organization_id=org_id, name=double_name)
    db.session.add_all([template, double, third])
    db.session.flush()
    merge = ContactMerge(organization_id=org_id, survivor_id=double.id, merged_id=third.id)
    suggestion = MatchSuggestion(
        organization_id=org_id,
        contact_id=double.id,
        other_id=capture.contact.id,
        reason=MatchReason.PHONE,
    )
    db.session.add_all([merge, suggestion])
    db.session.flush()
    return {
        "contact_id": capture.contact.public_id,
        "list_id": lst.public_id,
        "entry_id": entry.public_id,
        "template_id": template.public_id,
        "merge_id": merge.public_id,
        "suggestion_id": suggestion.public_id,
    }


def _webhook(owner, description: str) -> dict[str, str]:
    """An endpoint with one delivery whose body carries the description too."""
    endpoint = WebhookEndpoint(
        organization_id=owner.organization_id,
        url="https://hooks.example.com/in",
        description=description,
        topics=["contact.updated"],
        secret=new_secret(),
    )
    db.session.add(endpoint)
    db.session.flush()
    (event_id,) = outbox.emit_many(
        owner.organization_id, Topic.CONTACT_UPDATED, [({"name": description}, None)], [endpoint.id]
    )
    delivery = db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.event_id == event_id)
    ).one()
    return {"endpoint_id": endpoint.public_id, "delivery_id": delivery.public_id}


def snapshot_of_b(b_org_id: int) -> list:
    """Every row company B owns, as plain values, to prove nothing changed."""
    rows = []
    for table in db.metadata.sorted_tables:
        if "organization_id" in table.c:
            query = select(table).where(table.c.organization_id == b_org_id).order_by(table.c.id)
            rows.append((table.name, [tuple(r) for r in db.session.execute(query)]))
    return rows


def routes_with_identifiers(app):
    for rule in app.url_map.iter_rules():
        if rule.arguments and rule.endpoint not in PUBLIC:
            yield rule


def path_for(app, endpoint: str, values: dict) -> str:
    return app.url_map.bind("localhost").build(endpoint, values)


def test_every_route_with_an_identifier_is_known_to_the_sweep(app):
    unknown = {
        f"{rule.rule} ({arg})"
        for rule in routes_with_identifiers(app)
        for arg in rule.arguments
        if arg not in SUBJECT_NAMES
    }
    assert not unknown, (
        "Routes take identifiers the isolation sweep cannot fill; add them to the world fixture "
        f"or to PUBLIC with a reason: {sorted(unknown)}"
    )


def test_company_never_reaches_another_companys_objects(app, client, world):
    subjects, owner_a, b_org_id = world
    login(client, owner_a)
    before = snapshot_of_b(b_org_id)
    checked = 0

    for rule in routes_with_identifiers(app):
        args = sorted(rule.arguments)
        # Every mix of A's and B's ids in which at least one id is B's.
        for owners in itertools.product("ab", repeat=len(args)):
            if "b" not in owners:
                continue
            values = {
                arg: getattr(subjects, who)[arg] for arg, who in zip(args, owners, strict=True)
            }
            url = path_for(app, rule.endpoint, values)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if method == "GET":
                    response = client.get(url)
                else:
                    response = client.open(
                        url, method=method, data={**FORM, "csrf_token": client.csrf_token()}
                    )
                body = response.get_data().decode("utf-8", "replace")
                of_b = [arg for arg, who in zip(args, owners, strict=True) if who == "b"]
                where = f"{method} {url} ({rule.endpoint}, B's: {of_b})"
                refused = {403, 404, ALSO_REFUSED.get(rule.endpoint, (404,))[0]}
                assert response.status_code in refused, f"{where} answered {response.status_code}"
                for secret in B_SECRETS:
                    assert secret not in body, f"{where} leaked {secret!r}"
                checked += 1

    assert checked >= 10  # the sweep really ran over the app's routes
    assert snapshot_of_b(b_org_id) == before, "a request changed another company's data"


def test_exhibitors_of_one_event_never_see_each_other(
    app, client, make_company, make_event, join_event
):
    """A shared event: routes for it answer the exhibitor, but never with another booth's data."""
    organizer = make_company(name="Fair Organizer")
    event = make_event(organizer, with_booth=False)
    visitor = make_company(name="Visitor Co")
    join_event(visitor, event, "Visitor Booth")
    rival = make_company(name="Rival Co")
    rival_booth = join_event(rival, event, "Rival-Booth-51aa", "Hall R-99")
    login(client, visitor)
    rival_before = snapshot_of_b(rival.organization_id)

    for rule in routes_with_identifiers(app):
        if "event_id" not in rule.arguments:
            continue
        values = {"event_id": event.public_id, "exhibitor_id": rival_booth.public_id}
        values = {arg: values[arg] for arg in rule.arguments if arg in values}
        if set(values) != set(rule.arguments):
            continue
        url = path_for(app, rule.endpoint, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = client.get(url)
            else:
                response = client.open(
                    url, method=method, data={**FORM, "csrf_token": client.csrf_token()}
                )
            body = response.get_data().decode("utf-8", "replace")
            assert (
                "Rival-Booth-51aa" not in body
                and "Hall R-99" not in body
                and "Rival Co" not in body
            ), f"{method} {url} leaked the rival exhibitor"
            if "exhibitor_id" in rule.arguments:
                assert response.status_code in (403, 404), f"{method} {url}"

    assert snapshot_of_b(rival.organization_id) == rival_before
