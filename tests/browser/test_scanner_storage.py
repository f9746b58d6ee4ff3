"""The phone's storage as the scanner relies on it: the recruiter hears once when the browser
will not promise to keep captures, and the counter follows storage cleared under an open page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_scanner import (
    captures,
    fair,  # noqa: F401 - a fixture
    open_scanner,
    queue,
    synced,
    type_badge_code,
    waiting,
)

NOTICE = "This browser may delete captures kept on this phone"

#: The browser's answer when it declines: Chromium grants persistence only to sites it ranks
#: as important (bookmarked, installed, often used), which a test profile never is.
DECLINES = """() => navigator.storage.persisted()
  .then((kept) => kept || navigator.storage.persist())"""


def test_declined_persistent_storage_is_said_once(live_server, phone, fair):  # noqa: F811
    organizer, event, recruiter, zoe = fair
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    assert page.evaluate(DECLINES) is False
    notice = page.locator("[data-storage-notice]")
    expect(notice).to_contain_text(NOTICE)
    expect(notice).to_have_count(1)
    assert notice.get_attribute("role") == "status"
    notice.get_by_role("button", name="Got it").click()
    expect(notice).to_be_hidden()

    page.reload()
    expect(page.locator("[data-scanner]")).to_have_attribute("data-ready", "true")
    page.wait_for_function("() => document.querySelector('[data-scanner]').dataset.storage")
    expect(notice).to_be_hidden()
    assert page.console_errors == []


def clear_site_data(page, base: str) -> None:
    """What "Clear site data" in the browser's settings does to the scanner's database."""
    session = page.context.new_cdp_session(page)
    session.send("Storage.clearDataForOrigin", {"origin": base, "storageTypes": "indexeddb"})


def delete_from_another_tab(page, base: str) -> None:
    other = page.context.new_page()
    other.goto(base + "/offline")
    other.evaluate(
        """() => new Promise((resolve, reject) => {
            const request = indexedDB.deleteDatabase('netcompanion');
            request.onsuccess = resolve;
            request.onerror = () => reject(request.error);
        })"""
    )
    other.close()


@pytest.mark.parametrize("clear", [clear_site_data, delete_from_another_tab])
def test_the_counter_follows_storage_cleared_under_an_open_page(
    live_server,
    phone,
    fair,  # noqa: F811
    make_attendee,
    clear,
):
    organizer, event, recruiter, zoe = fair
    later = make_attendee(organizer, event, name="Ada Lovelace")
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    page.context.set_offline(True)
    type_badge_code(page, zoe.badge_code, note="Gone with the storage")
    type_badge_code(page, later.badge_code.lower(), note="Lost too")
    expect(waiting(page)).to_have_text("2 waiting to sync")

    clear(page, live_server)
    expect(waiting(page)).to_have_text("Everything is synced.")
    expect(page.locator("[data-waiting]")).to_be_hidden()
    assert queue(page) == []

    # The scanner goes on with a fresh database.
    type_badge_code(page, later.badge_code, note="Saved after the clear")
    expect(waiting(page)).to_have_text("1 waiting to sync")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    synced(page)
    (capture,) = captures()
    assert capture.attendee_id == later.id
    assert [note.body for note in capture.notes] == ["Saved after the clear"]
    page.console_errors.clear()  # Chromium logs the fetches that failed offline
