"""The capture sheet on a phone: one scroll area, the sheet's body, whatever the sheet holds."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from netcompanion.badge.service import badge_url
from tests.browser.conftest import PHONE
from tests.browser.test_scanner import (
    fair,  # noqa: F401 - a fixture
    open_scanner,
)

#: Every element that scrolls when the sheet is open: the sheet's body and its ancestors up to
#: the document (which scrolls unless its overflow is hidden), and anything in the sheet.
SCROLLERS = """() => {
  const sheet = document.querySelector('dialog[data-sheet]');
  const ancestors = [];
  for (let el = sheet.querySelector('.sheet-body'); el; el = el.parentElement) ancestors.push(el);
  const scrolls = (el) => {
    const overflow = getComputedStyle(el).overflowY;
    if (el === document.scrollingElement) return !['hidden', 'clip'].includes(overflow);
    return ['auto', 'scroll'].includes(overflow);
  };
  return [...new Set([...ancestors, ...sheet.querySelectorAll('*')])]
    .filter((el) => el.scrollHeight > el.clientHeight && scrolls(el))
    .map((el) => el.className || el.tagName.toLowerCase());
}"""


def open_badge(page, zoe) -> None:
    page.goto(badge_url(zoe))
    page.get_by_role("link", name="Capture notes and rating").click()


@pytest.mark.parametrize("sheet_of", ["badge", "Type badge code", "Add by hand"])
def test_the_sheet_scrolls_in_one_place_on_a_phone(live_server, phone, fair, sheet_of):  # noqa: F811
    organizer, event, recruiter, zoe = fair
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    assert page.viewport_size == PHONE
    if sheet_of == "badge":
        open_badge(page, zoe)
    else:
        page.get_by_role("button", name=sheet_of).click()
    sheet = page.locator("dialog[data-sheet]")
    expect(sheet).to_be_visible()
    sheet.get_by_label("Notes").fill("Line\n" * 40)  # a long note makes the body scroll
    assert page.evaluate(SCROLLERS) == ["sheet-body"]
    # Scrolled to its end, the body shows its last field; Save stays in reach all along.
    sheet.locator(".sheet-body").evaluate("(body) => body.scrollTo(0, body.scrollHeight)")
    expect(sheet.get_by_label("Notes")).to_be_in_viewport()
    expect(sheet.get_by_role("button", name="Save")).to_be_in_viewport()
    assert page.console_errors == []
