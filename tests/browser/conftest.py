"""Browser tests: the real app on a loopback port, driven in Debian's Chromium by Playwright."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

#: A phone held in one hand: the narrowest screen the pages must serve well.
PHONE = {"width": 360, "height": 740}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: Records every Content-Security-Policy violation the page reports.
CSP_PROBE = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    assert os.path.exists(path), "Debian's chromium is needed: apt-get install chromium"
    return path


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """Serve the test app on a free loopback port for the length of one test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base_url  # links in pages and QR codes point at this server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    thread.join(timeout=10)


#: Chromium logs a page answered with 422 (a form shown again with its errors) as a console
#: error; that answer is the intended one, anything else is a real error.
EXPECTED = "the server responded with a status of 422"


def _record_error(page, message) -> None:
    if message.type == "error" and EXPECTED not in message.text:
        page.console_errors.append(message.text)


@pytest.fixture
def phone(browser):
    """Open a fresh phone-sized browser context (its own cookies) per call."""
    contexts = []

    def open_page(locale: str = "en-US", timezone: str = "UTC"):
        context = browser.new_context(
            viewport=PHONE,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale=locale,
            timezone_id=timezone,
        )
        context.add_init_script(CSP_PROBE)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: _record_error(page, m))
        return page

    yield open_page
    for context in contexts:
        context.close()
