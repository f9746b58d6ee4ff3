"""The recruiter's scanner on a phone: a fake camera films badges, captures reach the server once.

Each camera test launches its own Chromium (the fake camera's video is fixed at launch), whose
camera films a QR code in a loop. The server's database is read directly for the outcome.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from netcompanion.account.models import Role, User
from netcompanion.attendee.service import reissue_badge
from netcompanion.badge.service import badge_token, badge_url, booth_url
from netcompanion.capture.models import (
    Capture,
    CaptureReceipt,
    CaptureSource,
    EventQuestion,
    Note,
    QuestionKind,
    Rating,
)
from netcompanion.capture.recording import record
from netcompanion.event import service as events
from netcompanion.extensions import db
from tests.browser.conftest import AXE
from tests.browser.test_accessibility import violations
from tests.browser.test_first_run import assert_fits_phone_and_obeys_csp
from tests.conftest import PASSWORD


@pytest.fixture
def fair(make_company, make_member, make_event, join_event, make_attendee):
    """An organizer's fair with tags and a question, an exhibitor's recruiter, an attendee."""
    organizer = make_company("Fair Organizers")
    event = make_event(organizer, name="Berlin Tech Careers Fair")
    event.interest_tags = ["Backend", "Data", "Design"]
    db.session.add(
        EventQuestion(
            organization_id=organizer.organization_id,
            event_id=event.id,
            kind=QuestionKind.SINGLE,
            prompt="Open to relocation?",
            options=["Yes", "No"],
        )
    )
    db.session.commit()
    exhibitor = make_company("Acme Talent")
    join_event(exhibitor, event, "Acme Talent", "Hall 2, B12")
    recruiter = make_member(exhibitor, name="Rita Recruiter")
    zoe = make_attendee(organizer, event, name="Zoë Ångström", company="Initech")
    return organizer, event, recruiter, zoe


def scanner_path(event) -> str:
    return f"/events/{event.public_id}/scan"


def sign_in(page, base: str, user, next_path: str) -> None:
    page.goto(f"{base}/login?next={next_path}")
    page.get_by_label("Work email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}{next_path}")


def open_scanner(page, base: str, user, event) -> None:
    sign_in(page, base, user, scanner_path(event))
    expect(page.locator("[data-scanner]")).to_have_attribute("data-ready", "true")
    # The service worker installs now, fetching the app's files: let it finish, so no test
    # ends (and stops the server) in the middle of those downloads.
    assert page.evaluate(WORKER_READY), "the service worker did not install"


WORKER_READY = """() => Promise.race([
  navigator.serviceWorker.ready.then(() => true),
  new Promise((resolve) => setTimeout(() => resolve(false), 15000)),
])"""


def waiting(page):
    return page.locator("[data-sync-count]")


#: True once no capture waits on the device: each left only when the server confirmed it.
NOTHING_WAITS = """() => import('/static/scanner/store.js')
  .then((store) => store.queued())
  .then((entries) => entries.every((entry) => entry.state !== 'waiting'))"""


def synced(page) -> None:
    """Wait until the device's queue holds nothing waiting, then check the counter says so."""
    page.wait_for_function(NOTHING_WAITS)
    expect(waiting(page)).to_have_attribute("data-count", "0")


def company_owner(user) -> User:
    return db.session.scalars(
        select(User).where(User.organization_id == user.organization_id, User.role == Role.OWNER)
    ).one()


def captures() -> list[Capture]:
    db.session.expire_all()
    return list(db.session.scalars(select(Capture).order_by(Capture.id)))


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def queue(page) -> list[dict]:
    """The IndexedDB queue as the page sees it."""
    return page.evaluate("import('/static/scanner/store.js').then((store) => store.queued())")


def type_badge_code(page, code: str, note: str = "") -> None:
    page.get_by_role("button", name="Type badge code").click()
    sheet = page.locator("dialog[data-sheet]")
    expect(sheet).to_be_visible()
    sheet.get_by_label("Badge code").fill(code)
    if note:
        sheet.get_by_label("Notes").fill(note)
    sheet.get_by_role("button", name="Save").click()
    expect(sheet).to_be_hidden()


def test_scan_a_badge_rate_it_and_save(live_server, camera_phone, fair):
    organizer, event, recruiter, zoe = fair
    page = camera_phone(badge_url(zoe))
    open_scanner(page, live_server, recruiter, event)

    sheet = page.locator("dialog[data-sheet]")
    expect(sheet).to_be_visible()
    expect(sheet.locator("[data-sheet-name]")).to_have_text("Zoë Ångström")
    expect(sheet.locator("[data-sheet-company]")).to_have_text("Initech")
    assert_fits_phone_and_obeys_csp(page)
    sheet.get_by_text("Hot", exact=True).click()
    sheet.get_by_text("Data", exact=True).click()
    sheet.locator("[data-add-tag]").scroll_into_view_if_needed()
    sheet.get_by_label("Another interest").fill("Rust")
    sheet.get_by_role("button", name="Add", exact=True).click()
    sheet.get_by_text("Yes", exact=True).click()
    sheet.get_by_label("Notes").fill("Wants to lead a platform team.")
    sheet.get_by_role("button", name="Save").click()

    expect(page.locator("[data-toast]")).to_have_text("Saved")
    expect(sheet).to_be_hidden()
    synced(page)  # at once
    expect(waiting(page)).to_have_text("Everything is synced.")
    (capture,) = captures()
    assert capture.attendee_id == zoe.id
    assert capture.source == CaptureSource.BADGE
    assert capture.rating == Rating.HOT
    assert sorted(capture.tag_names) == ["Data", "Rust"]
    assert list(capture.answers.values()) == ["Yes"]
    assert [n.body for n in capture.notes] == ["Wants to lead a platform team."]
    assert capture.captured_by_id == recruiter.id
    assert capture.notes[0].author_id == recruiter.id
    assert page.console_errors == []


def test_second_scan_of_same_badge_opens_the_capture_and_adds_a_note(
    live_server, camera_phone, fair
):
    organizer, event, recruiter, zoe = fair
    page = camera_phone(badge_url(zoe))
    open_scanner(page, live_server, recruiter, event)
    sheet = page.locator("dialog[data-sheet]")
    expect(sheet.locator("[data-sheet-name]")).to_have_text("Zoë Ångström")
    expect(sheet.locator("[data-existing]")).to_be_hidden()
    sheet.get_by_text("Warm", exact=True).click()
    sheet.get_by_text("Backend", exact=True).click()
    sheet.get_by_label("Notes").fill("First chat: Kotlin, payments.")
    sheet.get_by_role("button", name="Save").click()
    expect(sheet).to_be_hidden()
    synced(page)

    # The badge is still in front of the camera: a moment later it opens again, as known.
    expect(sheet).to_be_visible()
    expect(sheet.locator("[data-existing]")).to_be_visible()
    expect(sheet.locator("#scan-rating-warm")).to_be_checked()
    expect(sheet.get_by_label("Backend")).to_be_checked()
    earlier = sheet.locator("[data-earlier-list]")
    expect(earlier).to_contain_text("First chat: Kotlin, payments.")
    expect(earlier).to_contain_text("Rita Recruiter")
    expect(earlier.locator("li")).to_have_count(1)
    sheet.get_by_label("Notes").fill("Second chat: wants a team lead role.")
    sheet.get_by_text("Hot", exact=True).click()
    sheet.get_by_role("button", name="Save").click()
    expect(sheet).to_be_hidden()
    synced(page)

    (capture,) = captures()
    assert capture.rating == Rating.HOT
    assert capture.tag_names == ["Backend"]
    assert [n.body for n in capture.notes] == [
        "First chat: Kotlin, payments.",
        "Second chat: wants a team lead role.",
    ]
    assert count(Note) == 2
    assert count(CaptureReceipt) == 2


def test_a_colleagues_capture_opens_as_known_and_gets_this_note(
    app, live_server, camera_phone, fair, make_member
):
    organizer, event, recruiter, zoe = fair
    colleague = make_member(company_owner(recruiter), name="Carl Colleague")
    upload = {
        "client_id": str(uuid.uuid4()),
        "event": event.public_id,
        "captured_at": datetime.now(UTC).isoformat(),
        "badge": badge_token(zoe),
        "rating": "cold",
        "tags": ["Design"],
        "note": "Talked UX on Monday.",
    }
    with app.test_request_context():  # answers carry URLs
        (outcome,) = record(colleague, [upload])
    assert outcome.status == "created"

    page = camera_phone(badge_url(zoe))
    open_scanner(page, live_server, recruiter, event)
    sheet = page.locator("dialog[data-sheet]")
    expect(sheet.locator("[data-existing]")).to_be_visible()  # the server knew, the phone did not
    expect(sheet.locator("[data-earlier-list]")).to_contain_text("Carl Colleague")
    expect(sheet.locator("[data-earlier-list]")).to_contain_text("Talked UX on Monday.")
    expect(sheet.locator("#scan-rating-cold")).to_be_checked()
    expect(sheet.get_by_label("Design")).to_be_checked()
    sheet.get_by_text("Warm", exact=True).click()
    sheet.get_by_label("Notes").fill("Follow-up at our booth.")
    sheet.get_by_role("button", name="Save").click()
    expect(sheet).to_be_hidden()
    synced(page)
    (capture,) = captures()
    assert capture.rating == Rating.WARM
    assert [(n.author_id, n.body) for n in capture.notes] == [
        (colleague.id, "Talked UX on Monday."),
        (recruiter.id, "Follow-up at our booth."),
    ]


def test_a_replaced_badge_is_flagged_before_saving(live_server, camera_phone, fair):
    organizer, event, recruiter, zoe = fair
    old_badge = badge_url(zoe)
    reissue_badge(organizer, events.access(organizer.organization_id, event.public_id), zoe)
    db.session.commit()
    page = camera_phone(old_badge)
    open_scanner(page, live_server, recruiter, event)
    sheet = page.locator("dialog[data-sheet]")
    expect(sheet.locator("[data-sheet-name]")).to_have_text("Zoë Ångström")  # read offline
    expect(sheet.locator("[data-sheet-flag]")).to_contain_text("no longer valid")  # the server
    expect(sheet.get_by_role("button", name="Save")).to_be_disabled()
    sheet.get_by_role("button", name="Close without saving").click()
    expect(sheet).to_be_hidden()
    assert queue(page) == []


def test_a_code_that_is_not_a_badge_is_named_and_scanning_goes_on(live_server, camera_phone, fair):
    organizer, event, recruiter, zoe = fair
    page = camera_phone("https://example.com/hello")
    open_scanner(page, live_server, recruiter, event)
    message = page.locator("[data-scan-message]")
    expect(message).to_be_visible()
    expect(message).to_contain_text("That is not a badge")
    expect(page.locator("dialog[data-sheet]")).to_be_hidden()
    expect(page.locator("[data-scanner]")).to_have_attribute("data-camera", "on")
    # The same code, still in view, is handled again a moment later: the reader never froze.
    expect(page.locator("[data-scanner]")).to_have_attribute("data-handled", re.compile(r"[2-9]"))
    expect(message).to_be_visible()

    type_badge_code(page, "-".join([zoe.badge_code[:4], zoe.badge_code[4:].lower()]))
    synced(page)
    (capture,) = captures()
    assert capture.attendee_id == zoe.id
    assert capture.name == "Zoë Ångström"
    assert queue(page) == []


def test_a_contact_card_is_captured_with_its_details(live_server, camera_phone, fair):
    organizer, event, recruiter, zoe = fair
    page = camera_phone("MECARD:N:Lee,Sam;ORG:Globex;EMAIL:sam@example.com;TEL:+4930123;;")
    open_scanner(page, live_server, recruiter, event)
    sheet = page.locator("dialog[data-sheet]")
    expect(sheet.locator("[data-sheet-name]")).to_have_text("Sam Lee")
    expect(sheet.locator("[data-sheet-company]")).to_have_text("Globex")
    sheet.get_by_role("button", name="Save").click()  # one tap
    expect(page.locator("[data-toast]")).to_have_text("Saved")
    synced(page)
    (capture,) = captures()
    assert capture.source == CaptureSource.VCARD
    assert (capture.name, capture.company, capture.email) == (
        "Sam Lee",
        "Globex",
        "sam@example.com",
    )
    assert capture.rating is None and capture.notes == []


def test_a_badge_of_another_event_is_flagged_and_not_queued(
    live_server, camera_phone, fair, make_event, make_attendee
):
    organizer, event, recruiter, zoe = fair
    elsewhere = make_attendee(organizer, make_event(organizer, name="Other Fair"), name="Max Other")
    page = camera_phone(badge_url(elsewhere))
    open_scanner(page, live_server, recruiter, event)
    message = page.locator("[data-scan-message]")
    expect(message).to_contain_text("This badge is for another event")
    expect(message).to_contain_text("Max Other")
    expect(page.locator("dialog[data-sheet]")).to_be_hidden()
    assert queue(page) == []
    synced(page)
    assert captures() == []


def test_scanned_texts_are_classified_offline(live_server, phone, fair):
    """Posters, contact cards, damaged and foreign badges: read in the page, no network."""
    organizer, event, recruiter, zoe = fair
    from netcompanion.event.models import Exhibitor

    booth = db.session.scalars(select(Exhibitor).where(Exhibitor.event_id == event.id)).first()
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    badge = badge_url(zoe).replace(live_server, "https://badges.example.org")
    samples = {
        "badge": badge,
        "poster": booth_url(booth),
        "vcard": "\r\n".join(
            [
                "BEGIN:VCARD",
                "VERSION:3.0",
                "N:Lee;Sam;;;",
                "FN:Sam Lee",
                "ORG:Globex;R&D",
                "END:VCARD",
            ]
        ),
        "mecard": "MECARD:N:Lee,Sam;ORG:Globex;EMAIL:sam@example.com;;",
        "damaged": badge[: len(badge) // 2],
        "text": "hello world",
    }
    found = page.evaluate(
        """async ([samples, eventId]) => {
            const {classify} = await import('/static/scanner/codes.js');
            const pairs = Object.entries(samples).map(([k, v]) => [k, classify(v, eventId)]);
            return Object.fromEntries(pairs);
        }""",
        [samples, event.public_id],
    )
    assert found["badge"]["kind"] == "badge"
    assert found["badge"]["name"] == "Zoë Ångström"
    assert found["badge"]["company"] == "Initech"
    assert found["badge"]["attendee"] == zoe.public_id
    assert found["badge"]["event"] == event.public_id
    assert found["poster"] == {"kind": "poster"}
    assert found["vcard"]["kind"] == "card"
    assert (found["vcard"]["name"], found["vcard"]["company"]) == ("Sam Lee", "Globex")
    assert (found["mecard"]["name"], found["mecard"]["company"]) == ("Sam Lee", "Globex")
    assert found["damaged"] == {"kind": "damaged"}
    assert found["text"] == {"kind": "unknown"}

    codes = page.evaluate(
        """async (typed) => {
            const {normaliseBadgeCode} = await import('/static/scanner/codes.js');
            return typed.map(normaliseBadgeCode);
        }""",
        ["k7qm-3xpa", " K7QM 3XPA ", "K7QM3XP", "K7QM3XP0"],
    )
    assert codes == ["K7QM3XPA", "K7QM3XPA", None, None]


def test_twenty_captures_offline_survive_a_reload_and_sync_once(
    live_server, phone, fair, make_attendee
):
    organizer, event, recruiter, zoe = fair
    people = [zoe] + [make_attendee(organizer, event, name=f"Guest {n}") for n in range(19)]
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    # The camera is not allowed in this browser: the page says so and the fallbacks work.
    expect(page.locator("[data-scanner]")).to_have_attribute("data-camera", "unavailable")
    expect(page.locator("[data-camera-state]")).to_contain_text(
        re.compile("type badge codes", re.IGNORECASE)
    )
    wait_until_kept_offline(page)

    page.context.set_offline(True)
    for n, person in enumerate(people, start=1):
        type_badge_code(page, person.badge_code, note=f"Offline note {n}")
        expect(waiting(page)).to_have_attribute("data-count", str(n))
    expect(waiting(page)).to_have_text("20 waiting to sync")
    expect(page.locator("[data-sync-state]")).to_contain_text("Offline")
    assert captures() == []

    page.reload()  # no network: the service worker answers with the kept scanner
    expect(page.locator("[data-scanner]")).to_have_attribute("data-ready", "true")
    expect(waiting(page)).to_have_text("20 waiting to sync")
    expect(page.locator("[data-waiting-list] li")).to_have_count(20)

    page.context.set_offline(False)
    expect(waiting(page)).to_have_attribute("data-count", "0", timeout=20_000)
    found = captures()
    assert sorted(c.attendee_id for c in found) == sorted(p.id for p in people)
    assert count(Note) == 20
    assert count(CaptureReceipt) == 20
    assert queue(page) == []


#: Waits in the page (our CSP forbids the string evaluation wait_for_function uses).
KEPT_OFFLINE = """async () => {
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    if (navigator.serviceWorker.controller && (await caches.match(location.pathname))) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}"""


def wait_until_kept_offline(page) -> None:
    """Wait until the service worker controls the page and has kept the scanner."""
    assert page.evaluate(KEPT_OFFLINE), "the scanner was not kept for offline use"


def test_a_replayed_batch_is_recorded_once(live_server, phone, fair):
    organizer, event, recruiter, zoe = fair
    page = phone()
    open_scanner(page, live_server, recruiter, event)

    # The server records the first upload but its answer is lost: the phone sends it again.
    answers = []
    lost = []

    def lose_first_answer(route):
        response = route.fetch()
        if not lost:
            lost.append(response.status)
            route.abort("connectionreset")
        else:
            answers.append(response.json())
            route.fulfill(response=response)

    page.route("**/api/v1/captures/batch", lose_first_answer)
    page.context.set_offline(True)
    type_badge_code(page, zoe.badge_code, note="Met at the coffee bar")
    (entry,) = queue(page)
    page.context.set_offline(False)
    expect(waiting(page)).to_have_attribute("data-count", "0", timeout=20_000)
    assert lost == [200]
    assert [r["status"] for r in answers[-1]["results"]] == ["already_synced"]
    page.unroute("**/api/v1/captures/batch")

    # The same batch posted again by hand: still one capture, one note.
    replay = page.evaluate(
        """async (item) => {
            const session = await (await fetch('/api/v1/session')).json();
            const response = await fetch('/api/v1/captures/batch', {
                method: 'POST', credentials: 'same-origin',
                headers: {'Content-Type': 'application/json', 'X-CSRFToken': session.csrf_token},
                body: JSON.stringify({captures: [item, item]}),
            });
            return response.json();
        }""",
        entry["item"],
    )
    assert [r["status"] for r in replay["results"]] == ["already_synced", "already_synced"]
    (capture,) = captures()
    assert [n.body for n in capture.notes] == ["Met at the coffee bar"]
    assert count(CaptureReceipt) == 1


def test_session_expired_while_offline_keeps_captures_until_signed_in_again(
    live_server, phone, fair, make_attendee
):
    organizer, event, recruiter, zoe = fair
    other = make_attendee(organizer, event, name="Ana Other")
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    wait_until_kept_offline(page)

    page.context.set_offline(True)
    type_badge_code(page, zoe.badge_code)
    type_badge_code(page, other.badge_code)
    page.context.clear_cookies()  # the session ends while the phone is offline
    page.context.set_offline(False)

    banner = page.locator("[data-session-expired]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Your session expired. Sign in again to sync")
    expect(waiting(page)).to_have_attribute("data-count", "2")
    assert len(queue(page)) == 2
    assert captures() == []

    banner.get_by_role("link", name="Sign in again").click()
    page.get_by_label("Work email").fill(recruiter.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}{scanner_path(event)}")
    synced(page)
    assert sorted(c.attendee_id for c in captures()) == sorted([zoe.id, other.id])
    expect(banner).to_be_hidden()


def test_a_refused_capture_stays_listed_until_dismissed(live_server, phone, fair):
    organizer, event, recruiter, zoe = fair
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    page.context.set_offline(True)
    type_badge_code(page, "ABCD-EFGH", note="Typed wrong, surely")
    page.context.set_offline(False)

    refused = page.locator("[data-rejected]")
    expect(refused).to_be_visible()
    expect(refused).to_contain_text("Badge code ABCDEFGH")
    synced(page)
    (entry,) = queue(page)
    assert entry["state"] == "rejected"
    assert entry["error"]["code"] == "unknown_badge_code"

    page.once("dialog", lambda dialog: dialog.dismiss())
    refused.get_by_role("button", name="Dismiss").click()
    expect(refused).to_be_visible()
    assert len(queue(page)) == 1
    page.once("dialog", lambda dialog: dialog.accept())
    refused.get_by_role("button", name="Dismiss").click()
    expect(refused).to_be_hidden()
    assert queue(page) == []


def test_walk_in_by_hand(live_server, phone, fair):
    organizer, event, recruiter, zoe = fair
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    page.get_by_role("button", name="Add by hand").click()
    sheet = page.locator("dialog[data-sheet]")
    sheet.get_by_role("button", name="Save").click()
    expect(sheet.get_by_text("Enter the person's name.")).to_be_visible()
    sheet.get_by_label("Name", exact=True).fill("Sam Lee")
    sheet.get_by_label("Email").fill("Sam@Example.com")
    sheet.get_by_label("Company").fill("Globex")
    sheet.get_by_text("Cold", exact=True).click()
    sheet.get_by_text("Not looking", exact=False).click()
    sheet.get_by_role("button", name="Save").click()
    expect(sheet).to_be_hidden()
    synced(page)
    (capture,) = captures()
    assert (capture.name, capture.email, capture.company) == (
        "Sam Lee",
        "sam@example.com",
        "Globex",
    )
    assert capture.source == CaptureSource.WALK_IN
    assert capture.rating == Rating.COLD
    assert capture.availability.value == "not_looking"


def test_a_badge_opened_by_the_phones_camera_app_leads_to_the_capture_sheet(
    live_server, phone, fair
):
    organizer, event, recruiter, zoe = fair
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    page.goto(badge_url(zoe))
    page.get_by_role("link", name="Capture notes and rating").click()
    sheet = page.locator("dialog[data-sheet]")
    expect(sheet).to_be_visible()
    expect(sheet).to_contain_text("Zoë Ångström")
    assert "#badge=" not in page.url
    sheet.get_by_role("button", name="Save").click()
    synced(page)
    (capture,) = captures()
    assert capture.attendee_id == zoe.id


def test_scanner_is_accessible_and_fits_a_phone(live_server, camera_phone, fair):
    organizer, event, recruiter, zoe = fair
    axe = AXE.read_text()
    page = camera_phone(None)
    open_scanner(page, live_server, recruiter, event)
    expect(page.locator("[data-scanner]")).to_have_attribute("data-camera", "on")
    assert_fits_phone_and_obeys_csp(page)
    assert violations(page, axe) == [], "scanner"
    page.get_by_role("button", name="Add by hand").click()
    expect(page.locator("dialog[data-sheet]")).to_be_visible()
    assert_fits_phone_and_obeys_csp(page)
    assert violations(page, axe) == [], "capture sheet"
    config = json.loads(page.locator("#scanner-config").text_content())
    assert config["event"]["id"] == event.public_id
