"""The capture API: creating, merging, replaying, and refusing, item by item."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from netcompanion.capture.models import Capture, CaptureReceipt, Contact, Note
from netcompanion.extensions import db

from .conftest import badge_item, item


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_badge_capture_is_created_with_everything_the_sheet_sent(
    fair, make_attendee, login_as, api
):
    organizer, event, exhibitor = fair
    attendee = make_attendee(organizer, event, name="Lucía Fernández", company="Initech")
    login_as(exhibitor)
    response = api.post(
        "/api/v1/captures",
        badge_item(
            event,
            attendee,
            rating="hot",
            tags=["Backend", " backend ", "Rust"],
            availability="3_months",
            note="Wants to lead a platform team.",
            recruiter=exhibitor.public_id,
        ),
    )
    assert response.status_code == 201, response.json
    assert response.json["status"] == "created"
    summary = response.json["capture"]
    assert summary["name"] == "Lucía Fernández"
    assert summary["rating"] == "hot"
    assert summary["tags"] == ["Backend", "Rust"]
    capture = db.session.scalars(select(Capture)).one()
    assert capture.attendee_id == attendee.id
    assert capture.source.value == "badge"
    assert capture.captured_by_id == exhibitor.id
    assert capture.organization_id == exhibitor.organization_id
    assert [n.body for n in capture.notes] == ["Wants to lead a platform team."]
    assert capture.contact.name == "Lucía Fernández"
    # Without the attendee's consent, no contact details travel to the exhibitor.
    assert capture.email == "" and capture.contact.email == ""


def test_same_badge_twice_merges_and_keeps_both_recruiters_notes(
    fair, make_attendee, make_member, login_as, new_client, api
):
    organizer, event, exhibitor = fair
    attendee = make_attendee(organizer, event)
    colleague = make_member(exhibitor)
    login_as(exhibitor)
    first = api.batch([badge_item(event, attendee, rating="warm", tags=["Data"], note="First")])
    assert first.json["results"][0]["status"] == "created"

    other = new_client()
    login_as(colleague, on=other)
    token = other.get("/api/v1/session").json["csrf_token"]
    second = other.post(
        "/api/v1/captures/batch",
        json={"captures": [badge_item(event, attendee, rating="hot", tags=["ML"], note="Second")]},
        headers={"X-CSRFToken": token},
    )
    assert second.json["results"][0]["status"] == "merged"
    assert count(Capture) == 1
    capture = db.session.scalars(select(Capture)).one()
    assert capture.rating.value == "hot"
    assert capture.tag_names == ["Data", "ML"]
    notes = db.session.scalars(select(Note).order_by(Note.id)).all()
    assert [(n.body, n.author_id) for n in notes] == [
        ("First", exhibitor.id),
        ("Second", colleague.id),
    ]


def test_replaying_a_batch_records_each_capture_once(fair, make_attendee, login_as, api):
    organizer, event, exhibitor = fair
    attendees = [make_attendee(organizer, event) for _ in range(3)]
    login_as(exhibitor)
    batch = [badge_item(event, a, note=f"note {i}") for i, a in enumerate(attendees)]
    batch.append(item(event, contact={"name": "Walk In", "email": "Walk.In@Example.com"}))
    first = api.batch(batch)
    assert [r["status"] for r in first.json["results"]] == ["created"] * 4
    for _ in range(3):
        again = api.batch(batch)
        assert [r["status"] for r in again.json["results"]] == ["already_synced"] * 4
        assert [r["capture"]["id"] for r in again.json["results"]] == [
            r["capture"]["id"] for r in first.json["results"]
        ]
    assert count(Capture) == 4
    assert count(Note) == 3
    assert count(CaptureReceipt) == 4


def test_same_client_id_twice_in_one_batch_is_recorded_once(fair, make_attendee, login_as, api):
    organizer, event, exhibitor = fair
    one = badge_item(event, make_attendee(organizer, event), note="once")
    login_as(exhibitor)
    response = api.batch([one, dict(one)])
    assert [r["status"] for r in response.json["results"]] == ["created", "already_synced"]
    assert count(Note) == 1


def test_each_item_gets_its_own_result_and_bad_ones_write_nothing(
    fair, make_attendee, make_company, make_event, login_as, api, app
):
    organizer, event, exhibitor = fair
    good = make_attendee(organizer, event)
    revoked = make_attendee(organizer, event)
    other_event = make_event(organizer)
    elsewhere = make_attendee(organizer, other_event)
    stale = badge_item(event, revoked)
    from netcompanion.attendee import service as attendees
    from netcompanion.event import service as events

    attendees.reissue_badge(
        organizer, events.access(organizer.organization_id, event.public_id), revoked
    )
    db.session.commit()
    not_joined = make_event(make_company())
    login_as(exhibitor)
    forged = badge_item(event, good)
    forged["badge"] = forged["badge"][:-3] + ("AAA" if forged["badge"][-3:] != "AAA" else "BBB")
    response = api.batch(
        [
            badge_item(event, good),
            forged,
            stale,
            item(event, badge=badge_item(other_event, elsewhere)["badge"]),
            item(not_joined, contact={"name": "Somebody"}),
            item(event, contact={"name": ""}, rating="lukewarm"),
            item(event, badge_code="ZZZZ-ZZZZ"),
            {"client_id": "not-a-uuid"},
            "not an object",
            item(event, contact={"name": "Ann"}, recruiter="someone-else"),
        ]
    )
    assert response.status_code == 200
    results = response.json["results"]
    assert results[0]["status"] == "created"
    codes = [r["error"]["code"] for r in results[1:]]
    assert codes == [
        "invalid_token",
        "revoked",
        "wrong_event",
        "unknown_event",
        "invalid",
        "unknown_badge_code",
        "invalid",
        "invalid",
        "wrong_recruiter",
    ]
    assert set(results[5]["error"]["fields"]) == {"contact.name", "rating"}
    assert "client_id" in results[7]["error"]["fields"]
    assert all(r["error"]["message"] for r in results[1:])
    assert count(Capture) == 1
    assert count(CaptureReceipt) == 1


def test_a_company_without_a_booth_at_a_visible_event_is_told_so(
    fair, make_attendee, login_as, api, app
):
    organizer, event, exhibitor = fair
    # The organizer sees its event but declined a booth of its own in this case.
    from netcompanion.event.models import Exhibitor

    db.session.execute(
        Exhibitor.__table__.delete().where(Exhibitor.organization_id == organizer.organization_id)
    )
    db.session.commit()
    login_as(organizer)
    response = api.post("/api/v1/captures", item(event, contact={"name": "Ann"}))
    assert response.status_code == 422
    assert response.json["error"]["code"] == "not_exhibiting"


def test_typed_badge_code_contact_cards_and_walk_ins(fair, make_attendee, login_as, api):
    organizer, event, exhibitor = fair
    attendee = make_attendee(organizer, event, name="Jonas Weber")
    code = attendee.badge_code
    login_as(exhibitor)
    vcard = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mei Chen\r\nN:Chen;Mei;;;\r\nORG:Globex;\r\n"
        "EMAIL:MEI@globex.example\r\nURL:https://www.linkedin.com/in/meichen\r\nEND:VCARD\r\n"
    )
    mecard = "MECARD:N:Okafor,Ada;EMAIL:ada@example.org;TEL:+4930123;ORG:Umbrella;;"
    response = api.batch(
        [
            item(event, badge_code=f"{code[:4].lower()}-{code[4:]}"),
            item(event, vcard=vcard, rating="warm"),
            item(event, vcard=mecard),
            item(event, vcard="BEGIN:VCARD\r\nthis is not a card"),
            item(event, contact={"name": "Walk In", "email": "not-an-email"}),
            item(event, contact={"name": "Mei C.", "email": "mei@globex.example"}, note="again"),
        ]
    )
    results = response.json["results"]
    assert [r["status"] for r in results] == [
        "created",
        "created",
        "created",
        "error",
        "error",
        "merged",
    ]
    assert results[0]["capture"]["name"] == "Jonas Weber"
    assert results[3]["error"]["fields"] == {"vcard": "This contact card could not be read."}
    assert "contact.email" in results[4]["error"]["fields"]
    mei = db.session.scalars(select(Capture).where(Capture.email == "mei@globex.example")).one()
    assert mei.source.value == "vcard"
    assert mei.linkedin_url == "https://www.linkedin.com/in/meichen"
    assert [n.body for n in mei.notes] == ["again"]
    ada = db.session.scalars(select(Capture).where(Capture.email == "ada@example.org")).one()
    assert (ada.name, ada.phone, ada.company) == ("Ada Okafor", "+4930123", "Umbrella")
    assert count(Contact) == 3


def test_same_email_at_two_events_is_one_contact(fair, make_event, join_event, login_as, api):
    organizer, event, exhibitor = fair
    later = make_event(organizer)
    join_event(exhibitor, later)
    login_as(exhibitor)
    api.batch([item(event, contact={"name": "Ada", "email": "ada@example.org"})])
    api.batch([item(later, contact={"name": "Ada O.", "email": "ADA@example.org"})])
    assert count(Capture) == 2
    assert count(Contact) == 1


def test_consenting_attendees_share_details_and_availability_fills_in(
    fair, make_attendee, login_as, api
):
    organizer, event, exhibitor = fair
    attendee = make_attendee(organizer, event, phone="+49 30 1234")
    attendee.consent_share_contact = True
    attendee.consent_text = "Share my contact details with exhibitors who scan my badge."
    from netcompanion.attendee.models import Availability
    from netcompanion.dbtypes import utcnow

    attendee.consent_at = utcnow()
    attendee.availability = Availability.IN_6_MONTHS
    db.session.commit()
    login_as(exhibitor)
    api.batch([badge_item(event, attendee)])
    capture = db.session.scalars(select(Capture)).one()
    assert capture.email == attendee.email and capture.phone == "+49 30 1234"
    assert capture.consent_text.startswith("Share my contact details")
    assert capture.availability == Availability.IN_6_MONTHS


def test_answers_are_checked_against_the_events_questions(fair, login_as, api):
    from netcompanion.capture.models import EventQuestion, QuestionKind

    organizer, event, exhibitor = fair
    role = EventQuestion(
        organization_id=organizer.organization_id,
        event_id=event.id,
        kind=QuestionKind.SINGLE,
        prompt="Role",
        options=["Dev", "Ops"],
    )
    stack = EventQuestion(
        organization_id=organizer.organization_id,
        event_id=event.id,
        kind=QuestionKind.MULTIPLE,
        prompt="Stack",
        options=["Go", "Rust", "Python"],
    )
    db.session.add_all([role, stack])
    db.session.commit()
    login_as(exhibitor)
    ok = api.batch(
        [
            item(
                event,
                contact={"name": "A"},
                answers={role.public_id: "Dev", stack.public_id: ["Python", "Go"]},
            )
        ]
    )
    assert ok.json["results"][0]["status"] == "created"
    capture = db.session.scalars(select(Capture)).one()
    assert capture.answers == {role.public_id: "Dev", stack.public_id: ["Go", "Python"]}
    bad = api.batch(
        [item(event, contact={"name": "B"}, answers={role.public_id: "CEO", "nope": "x"})]
    )
    fields = bad.json["results"][0]["error"]["fields"]
    assert set(fields) == {f"answers.{role.public_id}", "answers.nope"}


def test_bad_bodies_get_json_errors_never_500(fair, login_as, api, client):
    organizer, event, exhibitor = fair
    login_as(exhibitor)
    token = api.token()
    for body, status in [
        (b"not json", 422),
        (b"[]", 422),
        (b'{"captures": []}', 422),
        (b'{"captures": "x"}', 422),
    ]:
        response = client.post(
            "/api/v1/captures/batch",
            data=body,
            headers={"X-CSRFToken": token, "Content-Type": "application/json"},
        )
        assert response.status_code == status
        assert response.json["error"]["message"]
    too_many = api.batch([item(event, contact={"name": "x"}) for _ in range(501)])
    assert too_many.status_code == 422
    assert "captures" in too_many.json["error"]["fields"]
    assert count(Capture) == 0


def test_api_needs_a_session_and_a_csrf_token(fair, client, login_as, api):
    organizer, event, exhibitor = fair
    anonymous = client.get("/api/v1/session")
    assert anonymous.status_code == 401
    assert anonymous.json["error"]["code"] == "unauthorized"
    assert client.post("/api/v1/captures/batch", json={"captures": []}).status_code in (400, 401)
    login_as(exhibitor)
    no_csrf = api.post(
        "/api/v1/captures/batch", {"captures": [item(event, contact={"name": "x"})]}, csrf=False
    )
    assert no_csrf.status_code == 400
    assert no_csrf.json["error"]["code"] == "csrf_failed"
    assert count(Capture) == 0


def test_list_filter_read_and_lookup(fair, make_attendee, make_member, login_as, api, new_client):
    organizer, event, exhibitor = fair
    colleague = make_member(exhibitor, name="Colleague")
    people = [make_attendee(organizer, event, name=f"Person {i}") for i in range(5)]
    login_as(exhibitor)
    api.batch(
        [
            badge_item(event, p, rating=r, tags=t)
            for p, r, t in zip(
                people[:3], ["hot", "warm", "hot"], [["Go"], ["Rust"], ["go", "Data"]], strict=True
            )
        ]
    )
    listed = api.get(f"/api/v1/captures?event={event.public_id}&rating=hot&tag=GO").json
    assert [c["name"] for c in listed["captures"]] == ["Person 2", "Person 0"]
    page = api.get(f"/api/v1/captures?event={event.public_id}&limit=2").json
    assert len(page["captures"]) == 2 and page["next"]
    rest = api.get(f"/api/v1/captures?event={event.public_id}&limit=2&cursor={page['next']}")
    assert [c["name"] for c in rest.json["captures"]] == ["Person 0"]
    assert rest.json["next"] is None
    assert api.get("/api/v1/captures?cursor=%%%").status_code == 422
    assert api.get("/api/v1/captures?rating=boiling").json["error"]["fields"]["rating"]
    mine = api.get(f"/api/v1/captures?recruiter={colleague.public_id}").json["captures"]
    assert mine == []

    from netcompanion.badge.service import badge_token

    found = api.get(f"/api/v1/events/{event.public_id}/badges/{badge_token(people[0])}").json
    assert found["attendee"]["name"] == "Person 0"
    assert found["capture"]["rating"] == "hot"
    unseen = api.get(f"/api/v1/events/{event.public_id}/badges/{badge_token(people[4])}").json
    assert unseen["capture"] is None
    bad = api.get(f"/api/v1/events/{event.public_id}/badges/garbage")
    assert bad.status_code == 422 and bad.json["error"]["code"] == "invalid_token"
    page = urlsplit(found["capture"]["url"]).path  # an absolute link to the capture's page
    read = api.get(page.replace("/captures/", "/api/v1/captures/"))
    assert read.json["capture"]["notes"] == []


def test_another_company_sees_none_of_it(
    fair, make_attendee, make_company, join_event, login_as, new_client, api
):
    organizer, event, exhibitor = fair
    attendee = make_attendee(organizer, event)
    login_as(exhibitor)
    created = api.batch([badge_item(event, attendee)]).json["results"][0]["capture"]
    rival = make_company("Rival")
    join_event(rival, event)
    other = new_client()
    login_as(rival, on=other)
    assert other.get(f"/api/v1/captures/{created['id']}").status_code == 404
    assert other.get(f"/api/v1/captures?event={event.public_id}").json["captures"] == []
    looked = other.get(
        f"/api/v1/events/{event.public_id}/badges/{badge_item(event, attendee)['badge']}"
    ).json
    assert looked["capture"] is None
    # The rival's own scan of the same person is theirs alone.
    token = other.get("/api/v1/session").json["csrf_token"]
    own = other.post(
        "/api/v1/captures/batch",
        json={"captures": [badge_item(event, attendee)]},
        headers={"X-CSRFToken": token},
    ).json["results"][0]
    assert own["status"] == "created"
    assert count(Capture) == 2


def test_uuid_is_normalised(fair, login_as, api):
    organizer, event, exhibitor = fair
    login_as(exhibitor)
    raw = uuid.uuid4()
    api.batch([item(event, contact={"name": "A"}, client_id=str(raw).upper())])
    again = api.batch([item(event, contact={"name": "A"}, client_id=str(raw))])
    assert again.json["results"][0]["status"] == "already_synced"


def test_one_capture_posted_again_is_answered_already_synced(fair, make_attendee, login_as, api):
    organizer, event, exhibitor = fair
    body = badge_item(event, make_attendee(organizer, event), note="only once")
    login_as(exhibitor)
    first = api.post("/api/v1/captures", body)
    again = api.post("/api/v1/captures", body)
    assert (first.status_code, first.json["status"]) == (201, "created")
    assert (again.status_code, again.json["status"]) == (200, "already_synced")
    assert again.json["capture"]["id"] == first.json["capture"]["id"]
    assert count(Capture) == 1 and count(Note) == 1


def test_a_phone_clock_days_fast_is_recorded_at_the_servers_time_keeping_the_devices(
    fair, make_attendee, login_as, api
):
    organizer, event, exhibitor = fair
    attendee = make_attendee(organizer, event)
    login_as(exhibitor)
    fast = datetime.now(UTC) + timedelta(days=3, hours=2)
    before = datetime.now(UTC)
    response = api.post(
        "/api/v1/captures",
        badge_item(event, attendee, captured_at=fast.isoformat(), rating="hot", note="Met at 9"),
    )
    assert response.status_code == 201, response.json
    capture = db.session.scalars(select(Capture)).one()
    assert before <= capture.captured_at <= datetime.now(UTC)
    assert capture.notes[0].written_at == capture.captured_at
    assert capture.contact.last_met_at == capture.captured_at
    receipt = db.session.scalars(select(CaptureReceipt)).one()
    assert receipt.device_time == fast


def test_a_device_clock_within_a_day_keeps_its_own_time(fair, make_attendee, login_as, api):
    organizer, event, exhibitor = fair
    attendee = make_attendee(organizer, event)
    login_as(exhibitor)
    ahead = datetime.now(UTC) + timedelta(hours=20)
    response = api.post(
        "/api/v1/captures", badge_item(event, attendee, captured_at=ahead.isoformat())
    )
    assert response.status_code == 201, response.json
    capture = db.session.scalars(select(Capture)).one()
    assert capture.captured_at == ahead
    assert db.session.scalars(select(CaptureReceipt)).one().device_time is None
