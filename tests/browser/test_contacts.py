"""The contact pages on a phone: they fit 360 px and pass axe; Undo works from the message."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from netcompanion.capture.models import Contact
from netcompanion.contact.models import ContactMerge, MatchReason, MatchSuggestion, TouchKind
from netcompanion.extensions import db
from netcompanion.followup import service as followups
from tests.browser.test_accessibility import violations
from tests.conftest import PASSWORD
from tests.contact import conftest as contact_fixtures
from tests.contact.conftest import meet

# The contact tests' builders.
booth = contact_fixtures.booth
make_contact = contact_fixtures.make_contact

FITS = "document.scrollingElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def signed_in(live_server, phone, booth, make_contact):
    owner, fair = booth
    grace = make_contact(
        owner,
        name="Grace Brewster Murray Hopper",
        email="grace.hopper@navy.example.org",
        company="United States Navy Reserve",
        met=[meet(fair, rating="hot", tags=["Compilers", "COBOL"], notes=["Long " * 40])],
    )
    double = make_contact(owner, name="G. Hopper", email="grace.hopper@navy.example.org")
    db.session.add(
        MatchSuggestion(
            organization_id=owner.organization_id,
            contact_id=double.id,
            other_id=grace.id,
            reason=MatchReason.EMAIL,
        )
    )
    pool = followups.create_list(owner, "Compiler people — nurture")
    followups.add_entries(pool, followups.candidates_for_contacts([grace.id]), owner.id)
    followups.log_touch(owner, grace, TouchKind.CALL, body="Talked about the team")
    db.session.commit()
    page = phone()
    page.goto(live_server + "/login")
    page.get_by_label("Work email").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page, live_server, grace, double


def test_contact_pages_fit_a_phone_and_pass_axe(signed_in, axe_source):
    page, base, grace, double = signed_in
    for path in (
        "/contacts",
        "/contacts?q=hopper&rating_min=warm",
        f"/contacts/{grace.public_id}",
        f"/contacts/{grace.public_id}/merge?q=hopper",
        f"/contacts/{grace.public_id}/merge/confirm?other={double.public_id}",
        "/contacts/review",
    ):
        page.goto(base + path)
        assert violations(page, axe_source) == [], path
        assert page.evaluate(FITS), f"{path} is wider than the phone"
        assert page.evaluate("window.__cspViolations") == [], path
        assert page.console_errors == [], path


def test_merge_then_undo_from_the_message(signed_in):
    page, base, grace, double = signed_in
    page.goto(f"{base}/contacts/review")
    page.get_by_role("button", name="Merge").click()
    expect(page.locator(".flash-success")).to_contain_text("G. Hopper is merged into")
    db.session.rollback()  # forget what this session read: the browser's requests wrote since
    assert db.session.get(Contact, double.id).merged_into_id == grace.id
    page.locator(".flash-success").get_by_role("button", name="Undo").click()
    expect(page.locator(".flash-success")).to_contain_text("separate contacts again")
    db.session.rollback()
    assert db.session.get(Contact, double.id).merged_into_id is None
    record = db.session.scalars(select(ContactMerge)).one()
    assert record.undone_at is not None
