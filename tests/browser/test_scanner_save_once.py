"""One Save is one capture: a double click, a double Enter or two taps in the same instant on
any capture sheet records the capture once, with its note once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from netcompanion.badge.service import badge_url
from netcompanion.capture.models import CaptureReceipt, Note
from netcompanion.extensions import db
from tests.browser.test_scanner import (
    count,
    fair,  # noqa: F401 - a fixture
    open_scanner,
    synced,
)

#: Two clicks dispatched in the same task: no await of the page can run between them.
SAME_INSTANT = """() => {
  const save = document.querySelector('[data-save]');
  save.click();
  save.click();
}"""

#: The sheet that was open has been saved: it is closed, or open again with nothing in it.
#: (No sheet at all: the scanner is loading again, after the badge page's link, say: wait.)
SAVED_OR_NEW = """() => {
  const sheet = document.querySelector('dialog[data-sheet]');
  if (!sheet) return false;
  return !sheet.open || sheet.querySelector('textarea[name=note]').value === '';
}"""


def save_twice(page, gesture: str, typed_in=None) -> None:
    """Save the open sheet with a double gesture; Enter goes where the recruiter typed last."""
    save = page.locator("dialog[data-sheet] [data-save]")
    if gesture == "double click":
        save.dblclick()
    elif gesture == "double enter":
        (typed_in or save).focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
    else:
        page.evaluate(SAME_INSTANT)
    # The toast may still say "Saved" for the sheet before, so wait for this sheet's own end:
    # closed, or (a second Enter on the button that opened it) open again and empty.
    page.wait_for_function(SAVED_OR_NEW)
    expect(page.locator("[data-toast]")).to_have_text("Saved")
    sheet = page.locator("dialog[data-sheet]")
    if gesture == "double enter" and sheet.is_visible():
        # The first Enter saved and closed the sheet, so the second pressed the button that
        # had opened it, and focus is back on: a new, empty sheet, not a second capture.
        expect(sheet.locator("textarea[name=note]")).to_have_value("")
        sheet.get_by_role("button", name="Close without saving").click()
    expect(sheet).to_be_hidden()


def notes() -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(Note.body)))


GESTURES = ["double click", "double enter", "same instant"]


@pytest.mark.parametrize("gesture", GESTURES)
def test_a_double_save_records_each_sheet_once(
    live_server,
    phone,
    fair,  # noqa: F811
    make_attendee,
    gesture,
):
    organizer, event, recruiter, zoe = fair
    typed = make_attendee(organizer, event, name="Noor الحسن")
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    sheet = page.locator("dialog[data-sheet]")

    # A badge opened by the phone's camera app: the sheet that looks the person up first.
    page.goto(badge_url(zoe))
    page.get_by_role("link", name="Capture notes and rating").click()
    expect(sheet).to_be_visible()
    sheet.get_by_label("Notes").fill("Badge: wants a platform role 🚀")
    save_twice(page, gesture)

    page.get_by_role("button", name="Type badge code").click()
    sheet.get_by_label("Badge code").fill(typed.badge_code.lower())
    sheet.get_by_label("Notes").fill("Typed: مرحبا, speaks Arabic")
    save_twice(page, gesture, typed_in=sheet.get_by_label("Badge code"))

    page.get_by_role("button", name="Add by hand").click()
    sheet.get_by_label("Name", exact=True).fill("Sam O'Lee")
    sheet.get_by_label("Notes").fill("By hand: <script>alert(1)</script>")
    save_twice(page, gesture, typed_in=sheet.get_by_label("Name", exact=True))

    synced(page)
    assert notes() == sorted(
        [
            "Badge: wants a platform role 🚀",
            "Typed: مرحبا, speaks Arabic",
            "By hand: <script>alert(1)</script>",
        ]
    )
    assert count(CaptureReceipt) == 3  # one upload per sheet
    assert page.console_errors == []


def test_a_double_save_of_a_contact_card_records_it_once(live_server, camera_phone, fair):  # noqa: F811
    organizer, event, recruiter, zoe = fair
    page = camera_phone("MECARD:N:Lee,Sam;ORG:Globex;EMAIL:sam@example.com;;")
    open_scanner(page, live_server, recruiter, event)
    sheet = page.locator("dialog[data-sheet]")
    for gesture in GESTURES:
        # The card stays in front of the camera: it opens again once the last scan is old.
        expect(sheet).to_be_visible(timeout=10000)
        sheet.get_by_label("Notes").fill(f"Card, {gesture}")
        save_twice(page, gesture)
    synced(page)
    assert notes() == sorted(f"Card, {gesture}" for gesture in GESTURES)
    assert count(CaptureReceipt) == 3
    assert page.console_errors == []


#: The link or button at a point of the page, if any: what a tap there would press.
PRESSABLE_AT = """([x, y]) => {
  const found = document.elementFromPoint(x, y)?.closest('a[href], button');
  return found && !found.closest('dialog[open]') ? found.outerHTML.slice(0, 80) : null;
}"""


def test_the_second_tap_of_a_double_tap_on_save_presses_nothing_the_sheet_uncovered(
    live_server,
    phone,
    fair,  # noqa: F811
):
    """On a phone the second tap can arrive after the sheet closed: it lands on the captures
    listed under it, links to contacts, and took the recruiter off the scanner."""
    organizer, event, recruiter, zoe = fair
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    scanner_url = page.url
    sheet = page.locator("dialog[data-sheet]")
    uncovered = []
    for name in ("Ada Lovelace", "Grace Hopper", "Sam O'Lee"):
        page.get_by_role("button", name="Add by hand").click()
        sheet.get_by_label("Name", exact=True).fill(name)
        save = sheet.locator("[data-save]")
        save.scroll_into_view_if_needed()
        box = save.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.click(x, y)  # the first tap
        expect(sheet).to_be_hidden()
        uncovered.append(page.evaluate(PRESSABLE_AT, [x, y]))
        # The second tap of the double tap: a press that counts as the second click.
        page.mouse.move(x, y)
        page.mouse.down(click_count=2)
        page.mouse.up(click_count=2)
        page.wait_for_timeout(300)  # what a press would start has started
        assert page.url == scanner_url, f"the second tap pressed {uncovered[-1]}"
        expect(sheet).to_be_hidden()
    assert any(uncovered), "nothing lay under Save: the test no longer tests a tap there"
    synced(page)
    assert count(CaptureReceipt) == 3
    assert page.console_errors == []
