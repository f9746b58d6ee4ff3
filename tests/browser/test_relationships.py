"""The relationship pages on a phone: a recruiter works through Today, contacts and lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from netcompanion.attendee.models import Availability
from netcompanion.capture.models import Capture, CaptureSource, CaptureTag, Contact, Note, Rating
from netcompanion.contact.models import Touch
from netcompanion.extensions import db
from netcompanion.followup import service as followups
from netcompanion.followup.models import ListEntry
from netcompanion.outreach.models import MessageTemplate
from tests.browser.test_accessibility import violations
from tests.browser.test_first_run import assert_fits_phone_and_obeys_csp
from tests.conftest import PASSWORD


@pytest.fixture
def recruiting(make_company, make_event, join_event):
    """A recruiter who met Ana at a fair ten days ago and put her in a list; she is due."""
    organizer = make_company("Fair Organizers")
    event = make_event(organizer, name="Berlin Tech Careers Fair")
    recruiter = make_company("Acme Talent")
    join_event(recruiter, event, "Acme Talent", "Hall 2")
    met = datetime.now(UTC) - timedelta(days=10)
    org_id = recruiter.organization_id
    contact = Contact(
        organization_id=org_id, name="Ana Souza", email="ana@example.com", last_met_at=met
    )
    capture = Capture(
        organization_id=org_id,
        event=event,
        contact=contact,
        source=CaptureSource.BOOTH,
        name="Ana Souza",
        email="ana@example.com",
        rating=Rating.HOT,
        availability=Availability.IN_3_MONTHS,
        answers={},
        consent_text="I agree that Acme Talent may contact me about jobs.",
        consent_locale="en",
        consent_at=met,
        captured_by_id=recruiter.id,
        captured_at=met,
    )
    capture.tags = [CaptureTag(name="Python", key="python")]
    capture.notes = [
        Note(organization_id=org_id, author_id=recruiter.id, body="Loves typing.", written_at=met)
    ]
    db.session.add(capture)
    db.session.flush()
    pool = followups.create_list(recruiter, "Backend engineers — nurture")
    followups.add_entries(pool, [followups.candidate_from_capture(capture)], recruiter.id)
    db.session.add(
        MessageTemplate(
            organization_id=org_id,
            name="Thanks",
            subject="Great to meet you at {{ event.name }}",
            body="Hi {{ contact.first_name }},\n\nyou mentioned {{ interests | join(', ') }}.",
        )
    )
    db.session.commit()
    return recruiter, event, contact, pool


def sign_in(page, base: str, user) -> None:
    page.goto(base + "/login")
    page.get_by_label("Work email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_relationship_pages_fit_a_phone_and_are_accessible(
    live_server, phone, axe_source, recruiting
):
    recruiter, event, contact, pool = recruiting
    template = db.session.scalars(select(MessageTemplate)).one()
    page = phone()
    sign_in(page, live_server, recruiter)
    paths = [
        "/today",
        "/contacts",
        "/contacts?q=ana&rating_min=warm",
        f"/contacts/{contact.public_id}",
        f"/contacts/{contact.public_id}/merge",
        "/contacts/review",
        f"/contacts/{contact.public_id}/message",
        "/lists",
        "/lists/new",
        f"/lists/{pool.public_id}",
        f"/lists/{pool.public_id}/edit",
        f"/events/{event.public_id}/follow-up",
        f"/events/{event.public_id}/captures",
        "/templates",
        "/templates/new",
        f"/templates/{template.public_id}/edit",
        "/account/profile",
    ]
    for path in paths:
        page.goto(live_server + path)
        assert violations(page, axe_source) == [], path
        assert_fits_phone_and_obeys_csp(page)


def test_a_recruiter_works_through_today_on_a_phone(live_server, phone, recruiting):
    recruiter, _event, contact, pool = recruiting
    page = phone()
    sign_in(page, live_server, recruiter)
    page.get_by_role("link", name="Today").click()
    main = page.locator("main")
    expect(main).to_contain_text("Ana Souza")
    expect(main).to_contain_text("Backend engineers — nurture")

    # Open the prepared message: the template is filled with what was said at the fair.
    main.get_by_role("link", name="Write").first.click()
    expect(page.locator("textarea").first).to_have_value(
        "Hi Ana,\n\nyou mentioned Python.", timeout=5000
    )
    page.go_back()

    # One tap logs the call; Ana is no longer due today.
    main.get_by_role("button", name="Log a call").first.click()
    expect(page.locator(".flash")).to_be_visible()
    touch = db.session.scalars(select(Touch)).one()
    assert touch.contact_id == contact.id
    entry = db.session.scalars(select(ListEntry).where(ListEntry.list_id == pool.id)).one()
    assert entry.next_due_on > datetime.now(UTC).date()
    page.goto(live_server + "/today")
    expect(page.locator("main")).not_to_contain_text("Ana Souza")
