"""Our own export imported back: a card's UID is the person, and nothing is lost or doubled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from netcompanion.attendee.models import Availability
from netcompanion.capture.models import (
    Capture,
    Contact,
    EventQuestion,
    QuestionKind,
    Rating,
)
from netcompanion.contact.models import ContactUid, MatchSuggestion
from netcompanion.extensions import db
from netcompanion.followup import service as followups
from tests.contact.conftest import T0, meet
from tests.export.import_helpers import (
    card,
    confirm,
    event_url,
    exhibitor_fixture,  # noqa: F401 (the exhibitor fixture)
    list_url,
    outcomes,
    upload,
    vcf,
)

#: A note with a blank line, a colon and a line that reads like a label.
MULTI_LINE = "First line: with a colon\n\nAfter a blank line.\nRating: not a rating, text"


@pytest.fixture
def hard_people(booth, make_contact, make_event):
    """People an export finds hard to carry: no email or phone, CJK and RTL names, no name at
    all, several notes, ratings, answers and lists."""
    owner, fair = booth
    question = EventQuestion(
        organization_id=owner.organization_id,
        event_id=fair.id,
        kind=QuestionKind.TEXT,
        prompt="Visa needed?",
    )
    db.session.add(question)
    db.session.commit()
    answers = {question.public_id: "No, EU citizen"}
    people = [
        make_contact(
            owner,
            name="Lucía Fernández",
            company="Globex Ibérica",
            title="Data Engineer",
            met=[
                meet(
                    fair,
                    rating=Rating.HOT,
                    availability=Availability.NOW,
                    tags=["Python", "Data"],
                    answers=answers,
                    notes=["Knows Spark.", MULTI_LINE],
                )
            ],
        ),
        make_contact(
            owner,
            name="王芳",
            company="北京科技有限公司",
            met=[meet(fair, rating=Rating.WARM, notes=["想去柏林工作。", "第二条笔记"])],
        ),
        make_contact(
            owner,
            name="محمد الأحمد",
            website_url="https://example.org/m",
            met=[meet(fair, at=T0 + timedelta(hours=1), rating=Rating.COLD, notes=["مرحبا"])],
        ),
        make_contact(owner, phone="+49 170 1234567", met=[meet(fair, notes=["No name given."])]),
        make_contact(owner, email="anon@example.org", met=[meet(fair, tags=["Go"])]),
    ]
    data_people = followups.create_list(owner, "Data people")
    db.session.flush()
    followups.add_entries(data_people, [followups.Candidate(people[0].id)], owner.id)
    db.session.commit()
    return owner, fair, people


def snapshot(owner) -> dict:
    """Every contact of the company with every encounter, as plain values."""
    db.session.expire_all()
    contacts = db.session.scalars(
        select(Contact).where(Contact.organization_id == owner.organization_id)
    )
    out = {}
    for contact in contacts:
        details = (contact.name, contact.email, contact.phone, contact.company, contact.title)
        encounters = sorted(
            (
                capture.event.name,
                capture.rating,
                capture.availability,
                tuple(sorted(capture.answers.items())),
                tuple(capture.tag_names),
                tuple(note.body for note in capture.notes),
            )
            for capture in contact.captures
        )
        out[contact.public_id] = (details, encounters)
    return out


def export(client, version: str) -> bytes:
    response = client.get("/contacts/export.vcf", query_string={"version": version})
    assert response.status_code == 200
    return response.get_data()


def test_a_card_we_issued_maps_back_to_its_contact(hard_people, login_as, client, make_event):
    owner, _fair, people = hard_people
    login_as(owner)
    other = make_event(owner, name="Madrid Job Day")
    data = export(client, "3.0")
    before = snapshot(owner)

    preview = upload(client, event_url(other), data)
    assert set(outcomes(preview).values()) == {"matched"}
    report = confirm(client, preview)
    assert set(outcomes(report).values()) == {"matched"}
    assert "Same card (its UID)" in report.get_data(as_text=True)

    assert_round_trip(owner, before, "Madrid Job Day")


def assert_round_trip(owner, before: dict, other: str) -> None:
    """Nobody created again, no detail changed, every earlier encounter as it was, and one
    encounter at the other event with nothing copied from the earlier ones."""
    after = snapshot(owner)
    assert after.keys() == before.keys()
    for public_id, (details, encounters) in before.items():
        assert after[public_id][0] == details
        assert [e for e in after[public_id][1] if e[0] != other] == encounters
        assert [e for e in after[public_id][1] if e[0] == other] == [
            (other, None, None, (), (), ())
        ]
    assert db.session.scalar(select(func.count()).select_from(MatchSuggestion)) == 0


def test_round_trip_through_another_event_and_a_list_twice_loses_and_doubles_nothing(
    hard_people, login_as, client, make_event
):
    owner, _fair, people = hard_people
    login_as(owner)
    other = make_event(owner, name="Madrid Job Day")
    lst = followups.create_list(owner, "Callbacks")
    db.session.commit()
    files = {version: export(client, version) for version in ("3.0", "4.0")}
    before = snapshot(owner)
    for _round in range(2):
        for data in files.values():
            preview = upload(client, event_url(other), data)
            if b"/confirm" in preview.data:
                confirm(client, preview)
            preview = upload(client, list_url(lst), data)
            if b"/confirm" in preview.data:
                confirm(client, preview)
    assert_round_trip(owner, before, "Madrid Job Day")
    again = export(client, "3.0").decode()
    assert again.count("UID:urn:uuid:") == len(people)
    # The encounter log of the first export is still there, word for word, after the new one.
    first = files["3.0"].decode().replace("\r\n ", "").split("END:VCARD")
    later = again.replace("\r\n ", "").split("END:VCARD")
    for old, new in zip(first, later, strict=True):
        old_note = next((line for line in old.split("\r\n") if line.startswith("NOTE:")), "")
        new_note = next((line for line in new.split("\r\n") if line.startswith("NOTE:")), "")
        history = old_note.removeprefix("NOTE:").split("\\n\\nLists: ")[0]
        assert history in new_note


def test_another_company_gets_our_card_back_as_fields(
    hard_people, login_as, client, new_client, make_company, make_event, join_event
):
    owner, _fair, people = hard_people
    login_as(owner)
    data = export(client, "4.0")
    assert data.count(b"BEGIN:VCARD") == len(people), data[:300]
    recruiter = make_company("Initech Recruiting")
    event = make_event(make_company("Fair Organizers"), name="Lisbon Tech Fair")
    join_event(recruiter, event)
    browser = new_client()
    login_as(recruiter, on=browser)
    confirm(browser, upload(browser, event_url(event), data))
    db.session.expire_all()
    lucia = db.session.scalars(
        select(Capture).where(
            Capture.name == "Lucía Fernández", Capture.organization_id == recruiter.organization_id
        )
    ).one()
    assert lucia.rating is Rating.HOT and lucia.availability is Availability.NOW
    assert lucia.tag_names == ["Data", "Python"]  # the list name is no interest
    (note,) = [n.body for n in lucia.notes]
    assert "Knows Spark." in note and MULTI_LINE in note
    assert "Rating: Hot" not in note and "Data people" not in note.split("Note by")[0]


def test_placeholders_are_not_read_back_as_names(hard_people, login_as, client):
    owner, _fair, people = hard_people
    login_as(owner)
    data = export(client, "4.0")
    assert b"FN;X-NETCOMPANION-PLACEHOLDER=TEL:+49 170 1234567" in data
    assert b"FN;X-NETCOMPANION-PLACEHOLDER=EMAIL:anon@example.org" in data
    lst = followups.create_list(owner, "Callbacks")
    db.session.commit()
    confirm(client, upload(client, list_url(lst), data))
    db.session.expire_all()
    assert {c.name for c in people} == {db.session.get(Contact, c.id).name for c in people}
    assert db.session.get(Contact, people[3].id).name == ""


def test_a_placeholder_name_of_another_exporter_is_left_empty(exhibitor, client):
    owner, event = exhibitor
    data = vcf(
        card("+44 7700 900123", "TEL:+44 7700 900123", "UID:phone-1"),
        card("lee@example.com", "EMAIL:lee@example.com"),
    )
    confirm(client, upload(client, event_url(event), data))
    names = db.session.scalars(select(Capture.name).order_by(Capture.id)).all()
    assert names == ["", ""]


def test_a_foreign_uid_seen_before_is_the_same_person(exhibitor, client):
    """A phone's card with no email, phone or LinkedIn, imported into a list twice."""
    owner, event = exhibitor
    first = vcf(card("Lucía Fernández", "ORG:Globex", "UID:ABCD-1234"))
    lst = followups.create_list(owner, "Callbacks")
    db.session.commit()
    confirm(client, upload(client, list_url(lst), first))
    later = vcf(card("Lucía Fernández", "ORG:Globex", "TITLE:Lead", "UID:ABCD-1234"))
    report = confirm(client, upload(client, event_url(event), later))
    assert outcomes(report) == {1: "matched"}
    again = upload(client, list_url(lst), later)
    assert outcomes(again) == {1: "already_in_list"}
    contacts = db.session.scalars(select(Contact).where(Contact.name == "Lucía Fernández")).all()
    assert len(contacts) == 1 and contacts[0].title == "Lead"
    assert db.session.scalar(select(func.count()).select_from(ContactUid)) == 1


def test_a_uid_imported_twice_into_the_same_event_keeps_one_capture(exhibitor, client):
    owner, event = exhibitor
    confirm(client, upload(client, event_url(event), vcf(card("Ana", "UID:u-1"))))
    report = confirm(
        client, upload(client, event_url(event), vcf(card("Ana", "UID:u-1", "TITLE:CTO")))
    )
    assert outcomes(report) == {1: "merged"}
    assert db.session.scalar(select(func.count()).select_from(Capture)) == 1
