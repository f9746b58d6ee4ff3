"""Typed codes and emails checked on the phone, and refused captures corrected and sent again.

A typo must never cost a capture: the code is checked while it is typed (online by the server,
offline by what the phone knows), the email before Save, and a capture the server refused keeps
everything typed, to be corrected and recorded once.
"""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email
from playwright.sync_api import expect
from sqlalchemy import select

from netcompanion.attendee.models import format_badge_code
from netcompanion.attendee.service import reissue_badge
from netcompanion.badge.service import badge_token
from netcompanion.capture.models import CaptureReceipt, CaptureSource, Rating
from netcompanion.event import service as events
from netcompanion.extensions import db
from tests.browser.test_accessibility import violations
from tests.browser.test_first_run import assert_fits_phone_and_obeys_csp
from tests.browser.test_scanner import (
    captures,
    count,
    open_scanner,
    queue,
    synced,
    type_badge_code,
    waiting,
)


@pytest.fixture
def fair(make_company, make_member, make_event, join_event, make_attendee):
    """An organizer's fair, an exhibiting recruiter, and two attendees."""
    organizer = make_company("Fair Organizers")
    event = make_event(organizer, name="Berlin Tech Careers Fair")
    event.interest_tags = ["Backend", "Data"]
    db.session.commit()
    exhibitor = make_company("Acme Talent")
    join_event(exhibitor, event, "Acme Talent", "Hall 2, B12")
    recruiter = make_member(exhibitor, name="Rita Recruiter")
    anna = make_attendee(organizer, event, name="Anna Schmidt", company="Zalando")
    ben = make_attendee(organizer, event, name="Ben Okafor", company="")
    return organizer, event, recruiter, anna, ben


def code_sheet(page):
    page.get_by_role("button", name="Type badge code").click()
    sheet = page.locator("dialog[data-sheet]")
    expect(sheet).to_be_visible()
    return sheet


def check_of(sheet):
    return sheet.locator("[data-code-check]")


def test_a_typo_in_a_typed_code_is_caught_while_typing(live_server, phone, fair):
    organizer, event, recruiter, anna, ben = fair
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    sheet = code_sheet(page)
    code = sheet.get_by_label("Badge code")

    code.fill("ABCD-EFGH")  # well formed, but nobody's
    expect(check_of(sheet)).to_have_text(
        "No badge of this event has this code. Check it on the badge."
    )
    sheet.get_by_text("Hot", exact=True).click()
    sheet.get_by_label("Notes").fill("Wants a platform team — فريق")
    sheet.get_by_role("button", name="Save").click()
    expect(sheet).to_be_visible()  # not saved, nothing typed lost
    expect(code).to_have_attribute("aria-invalid", "true")
    assert queue(page) == []

    code.fill("0BCD-EFGH")  # a zero: never on a badge
    expect(check_of(sheet)).to_have_text(
        "A badge code has 8 letters and digits, as printed under the QR code."
    )
    code.fill(format_badge_code(anna.badge_code).lower())
    expect(check_of(sheet)).to_have_text("✓ Anna Schmidt, Zalando")
    expect(sheet.locator("[data-sheet-name]")).to_have_text("Anna Schmidt")
    expect(sheet.get_by_label("Notes")).to_have_value("Wants a platform team — فريق")
    sheet.get_by_role("button", name="Save").click()
    expect(sheet).to_be_hidden()
    synced(page)
    (capture,) = captures()
    assert capture.attendee_id == anna.id
    assert capture.rating == Rating.HOT
    assert [n.body for n in capture.notes] == ["Wants a platform team — فريق"]


def test_offline_a_typed_code_is_checked_against_what_the_phone_knows(live_server, phone, fair):
    organizer, event, recruiter, anna, ben = fair
    page = phone()
    # A badge opened on this phone (as its camera app would): the lookup tells its code.
    open_scanner(page, live_server, recruiter, event)
    page.route("**/badge-codes/**", lambda route: route.abort())  # nothing typed is asked
    page.evaluate(f"location.hash = '#badge={badge_token(anna)}'; location.reload()")
    sheet = page.locator("dialog[data-sheet]")
    expect(sheet.locator("[data-sheet-name]")).to_have_text("Anna Schmidt")
    page.wait_for_function(
        """(code) => import('/static/scanner/store.js')
          .then((store) => store.database())
          .then((db) => db.getAllKeys('recent'))
          .then((keys) => keys.some((key) => key.endsWith(code)))""",
        arg=anna.badge_code,
    )
    sheet.get_by_role("button", name="Close without saving").click()
    expect(sheet).to_be_hidden()

    page.context.set_offline(True)
    sheet = code_sheet(page)
    code = sheet.get_by_label("Badge code")
    code.fill(f"{anna.badge_code[:4]} {anna.badge_code[4:]}")
    expect(check_of(sheet)).to_have_text("✓ Anna Schmidt, Zalando")
    code.fill(ben.badge_code)  # never seen on this phone
    expect(check_of(sheet)).to_have_text(
        "The code is well formed; whose it is will be checked when it syncs."
    )
    code.fill("ABCD-EFG1")
    expect(check_of(sheet)).to_have_text(
        "A badge code has 8 letters and digits, as printed under the QR code."
    )
    code.fill(ben.badge_code)
    sheet.get_by_label("Notes").fill("Met at the coffee stand")
    sheet.get_by_role("button", name="Save").click()
    expect(sheet).to_be_hidden()
    expect(waiting(page)).to_have_text("1 waiting to sync")

    page.unroute("**/badge-codes/**")
    page.context.set_offline(False)
    expect(waiting(page)).to_have_attribute("data-count", "0", timeout=20_000)
    synced(page)
    (capture,) = captures()
    assert capture.attendee_id == ben.id
    assert [n.body for n in capture.notes] == ["Met at the coffee stand"]


def test_a_refused_capture_is_corrected_and_recorded_once_with_its_note_and_rating(
    live_server, phone, fair, axe_source
):
    organizer, event, recruiter, anna, ben = fair
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    page.context.set_offline(True)
    sheet = code_sheet(page)
    sheet.get_by_label("Badge code").fill("ABCD-EFGH")  # offline: only its form is checked
    sheet.get_by_text("Warm", exact=True).click()
    sheet.get_by_text("Data", exact=True).click()
    sheet.get_by_label("Notes").fill("Ask about Rust 🦀\x00 next week")
    sheet.get_by_role("button", name="Save").click()
    expect(sheet).to_be_hidden()
    (entry,) = queue(page)
    page.context.set_offline(False)

    refused = page.locator("[data-rejected]")
    expect(refused).to_be_visible()
    expect(waiting(page)).to_have_text("1 needs your attention")
    for shown in ("Badge code: ABCD-EFGH", "Rating: Warm", "Interests: Data", "Ask about Rust 🦀"):
        expect(refused).to_contain_text(shown)

    refused.get_by_role("button", name="Correct and send again").click()
    expect(sheet).to_be_visible()
    expect(sheet.locator("[data-sheet-flag]")).to_contain_text("No badge of this event")
    expect(sheet.get_by_label("Badge code")).to_have_value("ABCDEFGH")
    expect(sheet.get_by_label("Notes")).to_have_value("Ask about Rust 🦀\x00 next week")
    expect(sheet.locator("#scan-rating-warm")).to_be_checked()
    expect(check_of(sheet)).to_have_text(
        "No badge of this event has this code. Check it on the badge."
    )
    sheet.get_by_label("Badge code").fill(anna.badge_code)
    expect(check_of(sheet)).to_have_text("✓ Anna Schmidt, Zalando")
    assert violations(page, axe_source) == [], "correcting a refused capture"
    sheet.get_by_role("button", name="Save").click()
    expect(sheet).to_be_hidden()

    synced(page)
    expect(waiting(page)).to_have_text("Everything is synced.")
    expect(refused).to_be_hidden()
    (capture,) = captures()
    assert capture.attendee_id == anna.id
    assert capture.rating == Rating.WARM
    assert capture.tag_names == ["Data"]
    # The NUL a paste brought in is invisible and refused by the server: the phone leaves it out.
    assert entry["item"]["note"] == "Ask about Rust 🦀\x00 next week"
    assert [n.body for n in capture.notes] == ["Ask about Rust 🦀 next week"]
    assert capture.captured_at.isoformat().startswith(entry["item"]["captured_at"][:19])
    receipts = db.session.scalars(select(CaptureReceipt)).all()
    assert [r.client_id for r in receipts] == [entry["client_id"]]


def test_a_replaced_badge_scanned_without_a_check_is_corrected_to_its_code(
    live_server, phone, fair
):
    organizer, event, recruiter, anna, ben = fair
    printed = badge_token(anna)
    reissue_badge(organizer, events.access(organizer.organization_id, event.public_id), anna)
    db.session.commit()
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    page.route("**/badges/**", lambda route: route.abort())  # the hall's Wi-Fi, for the lookup
    page.evaluate(f"location.hash = '#badge={printed}'; location.reload()")
    sheet = page.locator("dialog[data-sheet]")
    expect(sheet.locator("[data-sheet-name]")).to_have_text("Anna Schmidt")
    sheet.get_by_text("Cold", exact=True).click()
    sheet.get_by_label("Notes").fill("Old badge, new job")
    sheet.get_by_role("button", name="Save").click()
    expect(sheet).to_be_hidden()

    refused = page.locator("[data-rejected]")
    expect(refused).to_contain_text("no longer valid")
    refused.get_by_role("button", name="Correct and send again").click()
    expect(sheet.get_by_label("Badge code")).to_be_visible()
    expect(sheet.get_by_label("Notes")).to_have_value("Old badge, new job")
    sheet.get_by_label("Badge code").fill(anna.badge_code)
    expect(check_of(sheet)).to_have_text("✓ Anna Schmidt, Zalando")
    sheet.get_by_role("button", name="Save").click()
    synced(page)
    expect(waiting(page)).to_have_text("Everything is synced.")
    (capture,) = captures()
    assert (capture.attendee_id, capture.rating) == (anna.id, Rating.COLD)
    assert [n.body for n in capture.notes] == ["Old badge, new job"]


def test_an_email_typo_on_add_by_hand_is_caught_before_saving(live_server, phone, fair):
    organizer, event, recruiter, anna, ben = fair
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    page.get_by_role("button", name="Add by hand").click()
    sheet = page.locator("dialog[data-sheet]")
    sheet.get_by_label("Name", exact=True).fill("Sam Lee")
    email = sheet.get_by_label("Email")
    email.fill("sam@globex")  # no top-level domain
    sheet.get_by_label("Notes").fill("Knows Kafka")
    sheet.get_by_role("button", name="Save").click()
    expect(
        sheet.get_by_text("This email address has a typo: check it with the person.")
    ).to_be_visible()
    expect(email).to_have_attribute("aria-invalid", "true")
    assert queue(page) == []
    email.fill("Sam@Globex.com")
    sheet.get_by_role("button", name="Save").click()
    expect(sheet).to_be_hidden()
    synced(page)
    (capture,) = captures()
    assert (capture.email, capture.source) == ("sam@globex.com", CaptureSource.WALK_IN)
    assert [n.body for n in capture.notes] == ["Knows Kafka"]


#: Typed the way people (and attackers) type: the phone must agree with the server on each.
EMAILS = [
    "anna@zalando.de",
    "anna@zalando",
    "anna@@zalando.de",
    "anna@zalando..de",
    "anna.@zalando.de",
    ".anna@zalando.de",
    "a b@zalando.de",
    "anna@localhost",
    "anna@x.test",
    "anna@printer.local",
    "anna@1.2.3.4",
    "anna@[1.2.3.4]",
    "anna@zalando.123",
    "jörg@müller.de",
    "anna@-zalando.de",
    "anna@zalando_x.de",
    '"a b"@zalando.de',
    "anna@zalando.de.",
    "anna@xn--mller-kva.de",
    "a+b@z.io",
    "أحمد@مثال.مصر",
    "anna\x00@zalando.de",
    "anna@zalando.de<script>",
    "anna@zalando.de\u202e",
    "🙂@zalando.de",
    "anna@zalando.co.uk",
    "x" * 65 + "@zalando.de",
    "an\u200bna@zalando.de",
    "an\u00a0na@zalando.de",
    "a\u0301nna@zalando.de",
    "anna@zalando.dé",
    "anna@zalando.d",
]


def test_the_phone_checks_emails_by_the_servers_rules(live_server, phone, fair):
    organizer, event, recruiter, anna, ben = fair
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    on_phone = page.evaluate(
        """(emails) => import('/static/scanner/email.js')
          .then(({ emailLooksValid }) => emails.map(emailLooksValid))""",
        EMAILS,
    )

    def on_server(email):
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            return False
        return True

    assert dict(zip(EMAILS, on_phone, strict=True)) == {e: on_server(e) for e in EMAILS}


def test_the_counter_names_refused_captures_and_says_when_everything_is_synced(
    live_server, phone, fair, axe_source
):
    organizer, event, recruiter, anna, ben = fair
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    expect(waiting(page)).to_have_text("Everything is synced.")
    page.context.set_offline(True)
    type_badge_code(page, "ABCD-EFGH")
    type_badge_code(page, "HGFE-DCBA")
    page.context.set_offline(False)
    expect(waiting(page)).to_have_text("2 need your attention")
    expect(waiting(page)).to_have_attribute("data-attention", "2")
    assert_fits_phone_and_obeys_csp(page)
    assert violations(page, axe_source) == [], "refused captures"

    page.context.set_offline(True)
    type_badge_code(page, ben.badge_code)
    expect(waiting(page)).to_have_text("1 waiting to sync · 2 need your attention")
    page.context.set_offline(False)
    expect(waiting(page)).to_have_text("2 need your attention")

    refused = page.locator("[data-rejected]")
    for _ in range(2):
        page.once("dialog", lambda dialog: dialog.accept())
        refused.get_by_role("button", name="Dismiss").first.click()
    expect(waiting(page)).to_have_text("Everything is synced.")
    assert count(CaptureReceipt) == 1
