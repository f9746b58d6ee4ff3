"""Every page passes axe-core's WCAG 2 A and AA rules (labels, contrast, landmarks, names)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.conftest import PASSWORD

RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}});
  return result.violations.map((v) => ({
    id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
  }));
}"""


def violations(page, axe_source: str) -> list:
    page.evaluate(axe_source)  # DevTools evaluation: allowed by our CSP, unlike an injected tag
    return page.evaluate(RUN_AXE)


def test_pages_for_visitors_are_accessible(live_server, phone, axe_source):
    page = phone()
    for path in ("/login", "/signup", "/no-such-page", "/b/not-a-badge"):
        page.goto(live_server + path)
        assert violations(page, axe_source) == [], path
    page.goto(live_server + "/signup")
    page.get_by_role("button", name="Create account").click()  # every field in error
    assert violations(page, axe_source) == [], "signup with errors"


def test_attendee_pages_are_accessible(live_server, phone, axe_source, make_company, make_event):
    event = make_event(make_company())
    page = phone()
    page.goto(f"{live_server}/e/{event.public_id}/register")
    assert violations(page, axe_source) == [], "registration"
    page.locator("main button[type=submit]").click()
    assert violations(page, axe_source) == [], "registration with errors"
    page.locator("#name").fill("Sam Lee")
    page.locator("#email").fill("sam@example.com")
    page.locator("main button[type=submit]").click()
    page.locator("main a.button-primary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sam Lee")
    assert violations(page, axe_source) == [], "own badge page"


def test_pages_for_members_are_accessible(
    live_server,
    phone,
    axe_source,
    make_company,
    make_member,
    make_event,
    join_event,
    make_attendee,
):
    owner = make_company()
    make_member(owner)
    event = make_event(owner)
    join_event(make_company(), event, "Other Booth", "Hall 7")
    attendee = make_attendee(owner, event)
    page = phone()
    page.goto(live_server + "/login")
    page.get_by_label("Work email").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    paths = [
        "/",
        "/events/",
        "/events/new",
        f"/events/{event.public_id}",
        f"/events/{event.public_id}/edit",
        f"/events/{event.public_id}/booth",
        "/events/join",
        "/team",
        "/account/password",
        f"/events/{event.public_id}/attendees",
        f"/events/{event.public_id}/attendees/new",
        f"/events/{event.public_id}/attendees/{attendee.public_id}",
        f"/events/{event.public_id}/attendees/import",
        f"/events/{event.public_id}/badges",
    ]
    for path in paths:
        page.goto(live_server + path)
        assert violations(page, axe_source) == [], path
    page.locator("details.usermenu summary").click()
    assert violations(page, axe_source) == [], "account menu open"
