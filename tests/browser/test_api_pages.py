"""The API token page, the new-token page and the API page on a 360 px phone: they fit, pass
axe-core's WCAG 2 A and AA rules, and obey the content security policy (no script of ours)."""

from __future__ import annotations

from playwright.sync_api import expect

from netcompanion.api import tokens
from netcompanion.api.models import ApiToken, TokenScope
from netcompanion.extensions import db
from tests.browser.test_accessibility import violations
from tests.conftest import PASSWORD

FITS = "document.scrollingElement.scrollWidth <= window.innerWidth"


def check(page, axe_source, where: str) -> None:
    assert violations(page, axe_source) == [], where
    assert page.evaluate(FITS), f"{where} is wider than the phone"
    assert page.evaluate("window.__cspViolations") == [], where
    assert page.console_errors == [], where


def test_token_pages_and_the_api_page_fit_a_phone(live_server, phone, axe_source, make_company):
    owner = make_company("Initech Talent")
    tokens.create(owner, "A rather long token name for the nightly HubSpot sync", TokenScope.READ)
    db.session.commit()
    page = phone()
    page.goto(live_server + "/developers/api")
    check(page, axe_source, "API page, signed out")

    page.goto(live_server + "/login")
    page.get_by_label("Work email").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server + "/settings/api-tokens")
    check(page, axe_source, "token list")

    page.get_by_role("button", name="Create token").click()
    expect(page.locator(".error")).to_be_visible()
    check(page, axe_source, "token form with errors")

    page.get_by_label("Name").fill("Salesforce")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("Token “Salesforce” (Read and write)").input_value()
    assert secret.startswith("nct_") and len(secret) == 47
    check(page, axe_source, "new token")

    page.goto(live_server + "/settings/api-tokens")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("listitem").filter(has_text="Salesforce").get_by_role(
        "button", name="Revoke"
    ).click()
    expect(page.locator(".flash-success")).to_contain_text("Salesforce")
    db.session.expire_all()
    revoked = db.session.scalars(db.select(ApiToken).where(ApiToken.name == "Salesforce")).one()
    assert revoked.revoked_at is not None
    check(page, axe_source, "token list after revoking")

    page.goto(live_server + "/developers/api")
    check(page, axe_source, "API page, signed in")
