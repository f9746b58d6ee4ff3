"""A new team signs up on a phone, creates an event, and another company joins it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

#: Interactive elements a thumb must hit: at least 44 CSS pixels tall (WCAG 2.5.5 target size).
TAP_TARGETS = "main button, main .button, main input:not([type=hidden]), main select, .mainnav a"


def assert_fits_phone_and_obeys_csp(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a 360px phone"
    small = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            // A checkbox or radio is tapped through its whole labelled row, which is 44 px tall.
            .filter((el) => el.offsetParent !== null && !['checkbox', 'radio'].includes(el.type))
            .map((el) => [el.outerHTML.slice(0, 80), el.getBoundingClientRect().height])
            .filter(([, h]) => h < 44)""",
        TAP_TARGETS,
    )
    assert small == [], f"{page.url} has tap targets under 44px: {small}"
    assert page.evaluate("window.__cspViolations") == []
    assert page.console_errors == []


def sign_up(page: Page, base: str, name: str, email: str, company: str) -> None:
    page.goto(base + "/signup")
    assert_fits_phone_and_obeys_csp(page)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Work email").fill(email)
    page.get_by_label("Company or team name").fill(company)
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Hello, {name.split()[0]}")


def test_organizer_and_exhibitor_on_their_phones(live_server, phone):
    organizer = phone()
    sign_up(organizer, live_server, "Olivia Organizer", "olivia@fair.example.com", "Career Fair Co")
    assert_fits_phone_and_obeys_csp(organizer)
    organizer.get_by_role("link", name="Create event").click()

    organizer.get_by_label("Event name").fill("Spring Careers Fair")
    organizer.get_by_label("First day").fill("2031-04-10")
    organizer.get_by_label("Last day").fill("2031-04-09")  # a slip of the thumb
    organizer.get_by_label("Time zone").select_option("Europe/Madrid")
    organizer.get_by_role("button", name="Create event").click()
    expect(organizer.locator(".error")).to_contain_text("The event cannot end before it starts.")
    expect(organizer.get_by_label("Event name")).to_have_value("Spring Careers Fair")
    assert_fits_phone_and_obeys_csp(organizer)

    organizer.get_by_label("Last day").fill("2031-04-11")
    organizer.get_by_role("button", name="Create event").click()
    expect(organizer.get_by_role("heading", level=1)).to_have_text("Spring Careers Fair")
    assert_fits_phone_and_obeys_csp(organizer)
    code = organizer.locator(".code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)

    exhibitor = phone()
    sign_up(exhibitor, live_server, "Eli Exhibitor", "eli@northwind.example.com", "Northwind")
    exhibitor.get_by_role("link", name="Join with a code").click()
    exhibitor.get_by_label("Join code").fill(code.lower())
    exhibitor.get_by_label("Location (hall, stand number)").fill("Hall 4, D2")
    exhibitor.get_by_role("button", name="Join event").click()
    expect(exhibitor.get_by_role("heading", level=1)).to_have_text("Spring Careers Fair")
    expect(exhibitor.locator("main")).to_contain_text("Hall 4, D2")
    expect(exhibitor.locator("main")).not_to_contain_text("Exhibitors")
    assert_fits_phone_and_obeys_csp(exhibitor)

    organizer.reload()
    expect(organizer.locator("main")).to_contain_text("Northwind")
    expect(organizer.locator("main")).to_contain_text("Hall 4, D2")


def test_team_invitation_and_language_switch(live_server, phone):
    owner = phone()
    sign_up(owner, live_server, "Ola Owner", "ola@acme.example.com", "Acme Talent")
    owner.locator(".usermenu summary").click()  # the team lives in the account menu
    owner.get_by_role("link", name="Team").click()
    assert_fits_phone_and_obeys_csp(owner)
    owner.get_by_label("Work email").fill("rico@acme.example.com")
    owner.get_by_role("button", name="Send invitation").click()
    link = re.search(r"https?://\S+/invite/[\w-]+", owner.locator(".flash").inner_text()).group(0)
    path = link[link.index("/invite/") :]

    recruiter = phone(locale="de-DE")
    recruiter.goto(live_server + path)
    expect(recruiter.locator("html")).to_have_attribute("lang", "de")
    assert_fits_phone_and_obeys_csp(recruiter)
    recruiter.get_by_label("Ihr Name").fill("Rico Recruiter")
    recruiter.locator("input[type=password]").fill("another long password")
    recruiter.locator("main button[type=submit]").click()
    expect(recruiter.get_by_role("heading", level=1)).to_contain_text("Hallo, Rico")

    # The language switcher submits on change (a script from our origin, allowed by the CSP).
    # The heading shows while the page still parses; the deferred script listens after that.
    recruiter.wait_for_load_state("load")
    recruiter.get_by_label("Sprache").select_option("es")
    expect(recruiter.locator("html")).to_have_attribute("lang", "es")
    expect(recruiter.get_by_role("heading", level=1)).to_contain_text("Hola, Rico")
    assert_fits_phone_and_obeys_csp(recruiter)


def test_new_event_starts_in_the_organizers_time_zone(live_server, phone):
    page = phone(timezone="Asia/Tokyo")
    sign_up(page, live_server, "Tomo Tanaka", "tomo@example.com", "Tokyo Talent")
    page.goto(live_server + "/events/new")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
