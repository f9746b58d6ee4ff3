"""One person across events: captures land on one contact, doubts go to review, lists fill."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from netcompanion.capture.models import Capture, Contact
from netcompanion.contact import matching
from netcompanion.contact.models import MatchReason, MatchSuggestion
from netcompanion.extensions import db
from netcompanion.followup import service as followups
from netcompanion.followup.models import DueReason, EventListRule, ListEntry
from tests.capture.conftest import badge_item, item
from tests.conftest import login


@pytest.fixture
def two_fairs(fair, make_event, join_event):
    """The fair, and a second event of the same organizer where the same exhibitor has a booth."""
    organizer, spring, exhibitor = fair
    autumn = make_event(organizer, name="Autumn Careers Night")
    join_event(exhibitor, autumn, "Acme Talent")
    return exhibitor, spring, autumn


def walk_in(event, **details):
    return item(event, contact={"name": "Ana Lima", **details})


def contacts_of(user) -> list[Contact]:
    query = select(Contact).where(Contact.organization_id == user.organization_id)
    return list(db.session.scalars(query.order_by(Contact.id)))


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("+49 30 1234567", "49301234567"),
        ("+49 (0)30 123-4567", "49301234567"),
        ("0049 30 1234567", "0049301234567"),  # no "+": kept as digits, not guessed
        ("555-12", ""),  # too short to mean a person
        ("", ""),
    ],
)
def test_phone_numbers_are_compared_by_their_digits(raw, key):
    assert matching.phone_key(raw) == key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("https://www.linkedin.com/in/Ana-Lima/", "in/ana-lima"),
        ("linkedin.com/in/ana-lima?trk=profile", "in/ana-lima"),
        ("http://de.linkedin.com/in/ana-lima", "in/ana-lima"),
        ("https://linkedin.com.evil.example/in/ana-lima", ""),
        ("https://www.linkedin.com/company/acme", ""),
    ],
)
def test_linkedin_profiles_are_compared_by_their_slug(raw, key):
    assert matching.linkedin_key(raw) == key


def test_the_same_email_at_two_events_is_one_contact(client, api, two_fairs):
    exhibitor, spring, autumn = two_fairs
    login(client, exhibitor)
    api.batch([walk_in(spring, email="ana@example.com")])
    api.batch([walk_in(autumn, email="ANA@example.com", company="Initech")])

    [contact] = contacts_of(exhibitor)
    assert contact.company == "Initech"  # the later meeting filled what was missing
    assert {c.event_id for c in contact.captures} == {spring.id, autumn.id}


def test_a_linkedin_profile_finds_the_person_under_another_email(client, api, two_fairs):
    exhibitor, spring, autumn = two_fairs
    login(client, exhibitor)
    api.batch([walk_in(spring, email="ana@work.example", linkedin_url="linkedin.com/in/ana-lima")])
    api.batch(
        [
            walk_in(
                autumn,
                email="ana@home.example",
                linkedin_url="https://www.linkedin.com/in/Ana-Lima/",
            )
        ]
    )

    [contact] = contacts_of(exhibitor)
    assert len(contact.captures) == 2


def test_a_phone_number_alone_finds_the_person(client, api, two_fairs):
    exhibitor, spring, autumn = two_fairs
    login(client, exhibitor)
    api.batch([walk_in(spring, phone="+49 30 1234567")])
    api.batch([walk_in(autumn, phone="+49 (0)30 123-4567", email="ana@example.com")])

    [contact] = contacts_of(exhibitor)
    assert contact.email == "ana@example.com"
    assert len(contact.captures) == 2


def test_a_shared_phone_with_different_emails_is_offered_for_review_not_merged(
    client, api, two_fairs
):
    exhibitor, spring, autumn = two_fairs
    login(client, exhibitor)
    api.batch([walk_in(spring, email="ana@initech.example", phone="+49 30 1234567")])
    api.batch([walk_in(autumn, email="bruno@initech.example", phone="+49 30 1234567")])

    first, second = contacts_of(exhibitor)
    [suggestion] = db.session.scalars(select(MatchSuggestion)).all()
    assert (suggestion.contact_id, suggestion.other_id) == (second.id, first.id)
    assert suggestion.reason is MatchReason.PHONE
    assert suggestion.resolution is None


def test_keys_pointing_at_two_contacts_go_to_the_strongest_and_ask_about_the_other(
    client, api, two_fairs
):
    exhibitor, spring, autumn = two_fairs
    login(client, exhibitor)
    api.batch(
        [
            walk_in(spring, email="ana@example.com"),
            item(spring, contact={"name": "A. Lima", "linkedin_url": "linkedin.com/in/ana-lima"}),
        ]
    )
    api.batch([walk_in(autumn, email="ana@example.com", linkedin_url="linkedin.com/in/ana-lima")])

    by_email, by_profile = contacts_of(exhibitor)
    latest = db.session.scalars(select(Capture).where(Capture.event_id == autumn.id)).one()
    assert latest.contact_id == by_email.id
    [suggestion] = db.session.scalars(select(MatchSuggestion)).all()
    assert (suggestion.contact_id, suggestion.other_id) == (by_email.id, by_profile.id)
    assert suggestion.reason is MatchReason.LINKEDIN


def test_one_batch_with_the_same_person_twice_makes_one_contact(client, api, two_fairs):
    exhibitor, spring, autumn = two_fairs
    login(client, exhibitor)
    api.batch(
        [
            walk_in(spring, linkedin_url="linkedin.com/in/ana-lima"),
            walk_in(autumn, linkedin_url="https://www.linkedin.com/in/ana-lima"),
        ]
    )
    [contact] = contacts_of(exhibitor)
    assert contact.linkedin_key == "in/ana-lima"
    assert len(contact.captures) == 2


def test_a_badge_scan_and_a_later_walk_in_with_the_shared_email_meet(
    client, api, two_fairs, make_attendee
):
    exhibitor, spring, autumn = two_fairs
    organizer = spring.organizer.members[0]
    attendee = make_attendee(organizer, spring, email="lena@example.com")
    attendee.consent_share_contact = True  # what they chose on their badge page
    db.session.commit()
    login(client, exhibitor)
    api.batch([badge_item(spring, attendee)])
    api.batch([walk_in(autumn, email="lena@example.com")])

    [contact] = contacts_of(exhibitor)
    assert len(contact.captures) == 2


def test_a_merged_away_contact_is_never_matched_again(client, api, two_fairs):
    exhibitor, spring, autumn = two_fairs
    login(client, exhibitor)
    api.batch([walk_in(spring, email="old@example.com")])
    [old] = contacts_of(exhibitor)
    survivor = Contact(organization_id=exhibitor.organization_id, name="Ana Lima")
    db.session.add(survivor)
    db.session.flush()
    old.merged_into_id = survivor.id
    db.session.commit()

    api.batch([walk_in(autumn, email="old@example.com")])
    assert len(contacts_of(exhibitor)) == 3


def test_contacts_remember_when_they_were_last_met(client, api, two_fairs):
    exhibitor, spring, autumn = two_fairs
    login(client, exhibitor)
    earlier = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    later = earlier + timedelta(days=40)
    api.batch([walk_in(autumn, email="ana@example.com") | {"captured_at": later.isoformat()}])
    api.batch([walk_in(spring, email="ana@example.com") | {"captured_at": earlier.isoformat()}])

    [contact] = contacts_of(exhibitor)
    assert contact.last_met_at == later  # a late sync of an older meeting does not move it back


def test_queue_for_follow_up_puts_the_contact_in_the_chosen_list(client, api, fair):
    _, event, exhibitor = fair
    backend = followups.create_list(exhibitor, "Backend nurture")
    db.session.commit()
    login(client, exhibitor)
    met = datetime.now(UTC) - timedelta(hours=2)
    response = api.batch(
        [
            walk_in(event, email="ana@example.com", phone="+4930111222")
            | {"follow_up": backend.public_id, "availability": "3_months"}
            | {"captured_at": met.isoformat()},
            walk_in(event, email="bo@example.com"),
        ]
    )
    assert [r["status"] for r in response.json["results"]] == ["created", "created"]

    [entry] = db.session.scalars(select(ListEntry)).all()
    assert entry.contact.email == "ana@example.com"
    assert entry.owner_id == exhibitor.id
    assert entry.stage.name == "New"
    # The cadence counts from the meeting: a thank-you two days later comes first.
    assert entry.next_due_on == met.date() + timedelta(days=2)
    assert entry.due_reason is DueReason.STEP
    assert entry.revisit_on is not None and entry.revisit_on.month != met.month


def test_queueing_the_same_person_again_keeps_one_entry(client, api, fair):
    _, event, exhibitor = fair
    backend = followups.create_list(exhibitor, "Backend nurture")
    db.session.commit()
    login(client, exhibitor)
    for _ in range(2):
        api.batch([walk_in(event, email="ana@example.com") | {"follow_up": backend.public_id}])
    assert db.session.scalar(select(func.count()).select_from(ListEntry)) == 1


def test_a_list_gone_while_offline_keeps_the_capture_and_says_so(client, api, fair):
    _, event, exhibitor = fair
    login(client, exhibitor)
    response = api.batch([walk_in(event, email="ana@example.com") | {"follow_up": "gone-list-id"}])
    [result] = response.json["results"]
    assert result["status"] == "created"
    assert result["follow_up"] == "unknown_list"
    assert db.session.scalar(select(func.count()).select_from(ListEntry)) == 0


def test_another_companys_list_is_unknown(client, api, fair, make_company):
    _, event, exhibitor = fair
    other = make_company("Other Recruiting")
    foreign = followups.create_list(other, "Theirs")
    db.session.commit()
    login(client, exhibitor)
    response = api.batch([walk_in(event) | {"follow_up": foreign.public_id}])
    assert response.json["results"][0]["follow_up"] == "unknown_list"
    assert db.session.scalar(select(func.count()).select_from(ListEntry)) == 0


def test_an_event_rule_queues_every_new_capture(client, api, fair):
    _, event, exhibitor = fair
    everyone = followups.create_list(exhibitor, "Everyone from the fair")
    db.session.add(
        EventListRule(
            organization_id=exhibitor.organization_id, event_id=event.id, list_id=everyone.id
        )
    )
    db.session.commit()
    login(client, exhibitor)
    api.batch([walk_in(event, email=f"p{n}@example.com") for n in range(3)])

    entries = db.session.scalars(select(ListEntry).where(ListEntry.list_id == everyone.id)).all()
    assert len(entries) == 3


def test_a_follow_up_field_that_is_not_text_is_refused_with_its_reason(client, api, fair):
    _, event, exhibitor = fair
    login(client, exhibitor)
    response = api.batch([walk_in(event) | {"follow_up": 42}])
    [result] = response.json["results"]
    assert result["error"]["fields"]["follow_up"]
    assert db.session.scalar(select(func.count()).select_from(Capture)) == 0
