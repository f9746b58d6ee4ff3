"""One tap on the scanner's capture sheet queues the person for follow-up, offline too.

The capture's contact lands in the chosen list when the capture reaches the server; the
server's database is read directly for the outcome, as in test_scanner.py.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from netcompanion.badge.service import badge_url
from netcompanion.capture.models import Capture, EventQuestion, QuestionKind
from netcompanion.extensions import db
from netcompanion.followup import service as followups
from netcompanion.followup.models import EventListRule, FollowupList, ListEntry
from tests.browser.conftest import AXE
from tests.browser.test_accessibility import violations
from tests.browser.test_first_run import assert_fits_phone_and_obeys_csp
from tests.browser.test_scanner import (
    open_scanner,
    queue,
    synced,
    wait_until_kept_offline,
    waiting,
)


@pytest.fixture
def fair(make_company, make_member, make_event, join_event, make_attendee):
    """An organizer's fair with a question, an exhibitor's recruiter, two attendees."""
    organizer = make_company("Fair Organizers")
    event = make_event(organizer, name="Berlin Tech Careers Fair")
    event.interest_tags = ["Backend", "Data"]
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
    max_ = make_attendee(organizer, event, name="Max Mustermann", company="Globex")
    return organizer, event, recruiter, zoe, max_


def make_lists(recruiter, *names: str) -> list[FollowupList]:
    lists = [followups.create_list(recruiter, name) for name in names]
    db.session.commit()
    return lists


def capture_of(attendee) -> Capture:
    db.session.expire_all()
    return db.session.scalars(select(Capture).where(Capture.attendee_id == attendee.id)).one()


def listed(lst: FollowupList) -> set[int]:
    """The contacts in ``lst``, as the server recorded them."""
    db.session.expire_all()
    return set(db.session.scalars(select(ListEntry.contact_id).where(ListEntry.list_id == lst.id)))


def follow_up_switch(sheet):
    return sheet.get_by_role("switch", name="Queue for follow-up")


def test_queue_a_scan_for_follow_up_and_the_next_save_uses_the_same_list(
    live_server, camera_phone, fair
):
    organizer, event, recruiter, zoe, max_ = fair
    architects, nurture = make_lists(recruiter, "Architects", "Backend nurture")
    page = camera_phone(badge_url(zoe))
    open_scanner(page, live_server, recruiter, event)
    sheet = page.locator("dialog[data-sheet]")
    expect(sheet.locator("[data-sheet-name]")).to_have_text("Zoë Ångström")
    # Nothing used at this event on this phone yet: off, the first list offered.
    expect(follow_up_switch(sheet)).not_to_be_checked()
    pick = sheet.get_by_role("button", name="Follow-up list: Architects")
    expect(pick).to_have_attribute("aria-expanded", "false")

    pick.click()
    chooser = sheet.get_by_role("group", name="Follow-up list")
    expect(chooser).to_be_visible()
    chooser.get_by_text("Backend nurture", exact=True).click()  # one tap: chosen and queued
    expect(chooser).to_be_hidden()
    expect(follow_up_switch(sheet)).to_be_checked()
    expect(sheet.get_by_role("button", name="Follow-up list: Backend nurture")).to_be_visible()
    sheet.get_by_text("Warm", exact=True).click()
    sheet.get_by_role("button", name="Save").click()
    expect(page.locator("[data-toast]")).to_have_text("Saved · follow-up: Backend nurture")
    synced(page)
    assert listed(nurture) == {capture_of(zoe).contact_id}
    assert listed(architects) == set()

    # The next badge, opened by the phone's camera app: Save alone queues it for the same list.
    page.goto(badge_url(max_))
    page.get_by_role("link", name="Capture notes and rating").click()
    expect(sheet.locator("[data-sheet-name]")).to_have_text("Max Mustermann")
    expect(follow_up_switch(sheet)).to_be_checked()
    expect(sheet.get_by_role("button", name="Follow-up list: Backend nurture")).to_be_visible()
    sheet.get_by_role("button", name="Save").click()
    expect(page.locator("[data-toast]")).to_have_text("Saved · follow-up: Backend nurture")
    synced(page)
    assert listed(nurture) == {capture_of(zoe).contact_id, capture_of(max_).contact_id}

    # Zoë's badge is still in front of the camera: her capture opens again, as known, and can
    # be queued for another list too.
    expect(sheet.locator("[data-sheet-name]")).to_have_text("Zoë Ångström")
    expect(sheet.locator("[data-existing]")).to_be_visible()
    expect(follow_up_switch(sheet)).to_be_checked()
    sheet.get_by_role("button", name="Follow-up list: Backend nurture").click()
    sheet.get_by_role("group", name="Follow-up list").get_by_text("Architects").click()
    sheet.get_by_role("button", name="Save").click()
    expect(page.locator("[data-toast]")).to_have_text("Saved · follow-up: Architects")
    synced(page)
    assert listed(architects) == {capture_of(zoe).contact_id}
    assert len(listed(nurture)) == 2
    assert page.console_errors == []


def test_turning_follow_up_off_is_remembered_and_sends_no_list(live_server, phone, fair):
    organizer, event, recruiter, zoe, max_ = fair
    (nurture,) = make_lists(recruiter, "Backend nurture")
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    sheet = page.locator("dialog[data-sheet]")

    page.get_by_role("button", name="Type badge code").click()
    sheet.get_by_label("Badge code").fill(zoe.badge_code)
    sheet.get_by_text("Queue for follow-up").click()
    sheet.get_by_role("button", name="Save").click()
    synced(page)

    page.get_by_role("button", name="Type badge code").click()
    expect(follow_up_switch(sheet)).to_be_checked()
    sheet.get_by_label("Badge code").fill(max_.badge_code)
    sheet.get_by_text("Queue for follow-up").click()  # not this one
    expect(follow_up_switch(sheet)).not_to_be_checked()
    sheet.get_by_role("button", name="Save").click()
    expect(page.locator("[data-toast]")).to_have_text("Saved")
    synced(page)
    assert listed(nurture) == {capture_of(zoe).contact_id}

    page.get_by_role("button", name="Type badge code").click()
    expect(follow_up_switch(sheet)).not_to_be_checked()  # off was the last choice
    expect(sheet.get_by_role("button", name="Follow-up list: Backend nurture")).to_be_visible()


def test_an_offline_capture_queued_for_follow_up_lands_in_the_list_once_back_online(
    live_server, phone, fair
):
    organizer, event, recruiter, zoe, max_ = fair
    (nurture,) = make_lists(recruiter, "Backend nurture")
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    wait_until_kept_offline(page)
    sheet = page.locator("dialog[data-sheet]")

    page.context.set_offline(True)
    page.get_by_role("button", name="Type badge code").click()
    sheet.get_by_label("Badge code").fill(zoe.badge_code)
    sheet.get_by_text("Queue for follow-up").click()
    sheet.get_by_role("button", name="Save").click()
    expect(sheet).to_be_hidden()
    expect(waiting(page)).to_have_attribute("data-count", "1")
    (entry,) = queue(page)
    assert entry["item"]["follow_up"] == nurture.public_id

    page.reload()  # no network: the kept scanner, the queue and the remembered list survive
    expect(page.locator("[data-scanner]")).to_have_attribute("data-ready", "true")
    expect(waiting(page)).to_have_text("1 waiting to sync")
    page.get_by_role("button", name="Type badge code").click()
    expect(follow_up_switch(sheet)).to_be_checked()
    sheet.get_by_label("Badge code").fill(max_.badge_code)
    sheet.get_by_role("button", name="Save").click()  # Save alone
    expect(waiting(page)).to_have_attribute("data-count", "2")
    assert listed(nurture) == set()

    page.context.set_offline(False)
    expect(waiting(page)).to_have_attribute("data-count", "0", timeout=20_000)
    synced(page)
    assert listed(nurture) == {capture_of(zoe).contact_id, capture_of(max_).contact_id}
    assert queue(page) == []


def test_follow_up_control_is_named_fits_a_phone_and_names_the_automatic_lists(
    live_server, camera_phone, fair
):
    organizer, event, recruiter, zoe, max_ = fair
    lists = make_lists(recruiter, "Architects", "Backend nurture with a rather long name")
    (everyone,) = make_lists(recruiter, "Everyone we met in Berlin")
    db.session.add(
        EventListRule(
            organization_id=recruiter.organization_id,
            event_id=event.id,
            list_id=everyone.id,
            created_by_id=recruiter.id,
        )
    )
    db.session.commit()
    axe = AXE.read_text()
    page = camera_phone(None)
    open_scanner(page, live_server, recruiter, event)
    page.get_by_role("button", name="Add by hand").click()
    sheet = page.locator("dialog[data-sheet]")
    expect(sheet).to_be_visible()
    expect(follow_up_switch(sheet)).to_be_visible()
    expect(sheet.locator(".follow-up-auto")).to_have_text(
        "Also added to: Everyone we met in Berlin"
    )
    assert_fits_phone_and_obeys_csp(page)
    assert violations(page, axe) == [], "capture sheet with follow-up"

    pick = sheet.get_by_role("button", name="Follow-up list: Architects")
    pick.click()
    expect(pick).to_have_attribute("aria-expanded", "true")
    chooser = sheet.get_by_role("group", name="Follow-up list")
    for lst in [*lists, everyone]:
        expect(chooser.get_by_role("radio", name=lst.name)).to_be_attached()
    assert_fits_phone_and_obeys_csp(page)
    assert violations(page, axe) == [], "follow-up chooser open"
    for control in (pick, sheet.locator(".follow-up-toggle"), chooser.locator(".chip").first):
        box = control.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44

    # Escape closes the chooser, not the sheet.
    page.keyboard.press("Escape")
    expect(chooser).to_be_hidden()
    expect(sheet).to_be_visible()
    expect(pick).to_be_focused()


def test_without_follow_up_lists_the_sheet_shows_no_follow_up_control(live_server, phone, fair):
    organizer, event, recruiter, zoe, max_ = fair
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    page.get_by_role("button", name="Type badge code").click()
    sheet = page.locator("dialog[data-sheet]")
    expect(sheet).to_be_visible()
    expect(sheet.locator("[data-follow-up]")).to_have_count(0)
    sheet.get_by_label("Badge code").fill(zoe.badge_code)
    sheet.get_by_role("button", name="Save").click()
    expect(page.locator("[data-toast]")).to_have_text("Saved")
    synced(page)
    assert capture_of(zoe).attendee_id == zoe.id
    assert db.session.scalars(select(ListEntry)).all() == []
