"""An attendee scans a booth poster on a phone and leaves their details, or shares their card."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from netcompanion.attendee import service as attendees
from netcompanion.badge.service import booth_token
from netcompanion.capture.models import Capture
from netcompanion.extensions import db
from tests.browser.test_accessibility import violations
from tests.browser.test_first_run import assert_fits_phone_and_obeys_csp


@pytest.fixture
def booth(make_company, make_event, join_event):
    organizer = make_company("Fair Organizers")
    event = make_event(organizer, name="Berlin Tech Careers Fair")
    event.interest_tags = ["Backend", "Data science", "Platform engineering"]
    db.session.commit()
    exhibitor = make_company("Acme Talent")
    booth = join_event(exhibitor, event, "Acme Talent", "Hall 2, B12")
    return organizer, event, booth


def captures() -> list[Capture]:
    db.session.commit()  # end the test's transaction: read what the server wrote
    return list(db.session.scalars(select(Capture).order_by(Capture.id)))


def test_a_phone_fills_the_booth_form(live_server, phone, booth, axe_source):
    _, _, stand = booth
    page = phone()
    page.goto(f"{live_server}/j/{booth_token(stand)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leave your details for Acme Talent")
    expect(page.locator("[data-share]")).to_be_hidden()  # no badge remembered on this phone
    assert_fits_phone_and_obeys_csp(page)
    assert violations(page, axe_source) == []

    page.get_by_role("button", name="Send my details").click()  # nothing filled in
    expect(page.locator("#consent-error")).to_be_visible()
    assert_fits_phone_and_obeys_csp(page)
    assert violations(page, axe_source) == [], "with errors"

    page.get_by_label("Name").fill("Ana Li")
    page.get_by_label("Email").fill("ana@example.com")
    page.get_by_label("LinkedIn").fill("linkedin.com/in/ana-li")
    page.locator("label.chip", has_text="Platform engineering").click()
    page.locator("input[name=availability][value='now']").check()
    page.get_by_label("Message to the team (optional)").fill("Ask me about Kubernetes.")
    page.locator("#consent").check()
    page.get_by_role("button", name="Send my details").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Talent has your details")
    assert_fits_phone_and_obeys_csp(page)
    assert violations(page, axe_source) == [], "thank-you page"
    with page.expect_download() as download:
        page.get_by_role("link", name="Save contact").click()
    assert download.value.suggested_filename == "Acme Talent.vcf"

    [capture] = captures()
    assert capture.organization_id == stand.organization_id
    assert capture.tag_names == ["Platform engineering"]
    assert capture.linkedin_url == "https://linkedin.com/in/ana-li"
    assert [n.body for n in capture.notes] == ["Ask me about Kubernetes."]


def test_one_tap_shares_the_card_of_the_badge_on_this_phone(
    live_server, phone, booth, make_attendee, axe_source
):
    organizer, event, stand = booth
    attendee = make_attendee(organizer, event, name="Lucía Fernández", company="Globex")
    key = attendees.new_access_key(attendee)
    db.session.commit()

    page = phone()
    page.goto(f"{live_server}/me/{key}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lucía Fernández")
    page.goto(f"{live_server}/j/{booth_token(stand)}")
    share = page.get_by_role("button", name="Share my card (Lucía Fernández, Globex)")
    expect(share).to_be_visible()
    assert_fits_phone_and_obeys_csp(page)
    assert violations(page, axe_source) == []

    page.locator("label.chip", has_text="Backend").click()  # goes along with the card
    share.click()  # consent not ticked yet
    expect(page.locator("#share-consent-error")).to_be_visible()
    assert captures() == []

    page.locator("#share-consent").check()
    page.get_by_role("button", name="Share my card (Lucía Fernández, Globex)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Talent has your details")

    [capture] = captures()
    assert capture.attendee_id == attendee.id
    assert capture.email == attendee.email
    assert capture.tag_names == ["Backend"]


def test_a_badge_of_another_event_is_not_offered(
    live_server, phone, booth, make_event, make_attendee
):
    organizer, _, stand = booth
    attendee = make_attendee(organizer, make_event(organizer, name="Another Fair"))
    key = attendees.new_access_key(attendee)
    db.session.commit()

    page = phone()
    page.goto(f"{live_server}/me/{key}")
    expect(page.get_by_role("heading", level=1)).to_have_text(attendee.name)
    page.goto(f"{live_server}/j/{booth_token(stand)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leave your details for Acme Talent")
    expect(page.locator("[data-share]")).to_be_hidden()
