"""Browser tests: the real app on a loopback port, driven in Debian's Chromium by Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.browser.camera import write_clip

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
def playwright():
    """The one Playwright driver of the run: it allows a single one per thread."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


def buffered(wsgi_app):
    """Read each response whole, and close it, before the server sends it.

    The service worker keeps downloading the app shell in the background; when a test ends
    and its browser goes away mid-download, werkzeug's development server can skip closing the
    response, leaving a static file open. Buffering closes every file before sending.
    """

    def app(environ, start_response):
        iterable = wsgi_app(environ, start_response)
        try:
            body = b"".join(iterable)
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
        return [body]

    return app


@pytest.fixture
def live_server(app):
    """Serve the test app on a free loopback port for the length of one test."""
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
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


def _phone_page(browser, contexts: list, locale: str, timezone: str, **options):
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale=locale,
        timezone_id=timezone,
        **options,
    )
    context.add_init_script(CSP_PROBE)
    contexts.append(context)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: _record_error(page, m))
    return page


@pytest.fixture
def phone(browser):
    """Open a fresh phone-sized browser context (its own cookies) per call."""
    contexts = []

    def open_page(locale: str = "en-US", timezone: str = "UTC"):
        return _phone_page(browser, contexts, locale, timezone)

    yield open_page
    for context in contexts:
        context.close()


def fake_camera_video(path: Path, text: str | None, blank: int = 0, frames: int = 1) -> Path:
    """Write a .y4m clip for Chromium's fake camera: ``blank`` grey frames, then the QR of
    ``text`` (or grey only when ``text`` is None). Chromium plays it in a loop."""
    return write_clip(path, text, blank, frames)


def camera_browser(playwright, video: Path):
    """A Chromium whose camera shows ``video``: the fake camera is chosen at launch."""
    return playwright.chromium.launch(
        executable_path=chromium_path(),
        headless=True,
        args=CHROMIUM_ARGS
        + [
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )


@pytest.fixture
def camera_phone(playwright, tmp_path):
    """Open a phone page in a Chromium of its own whose camera films a QR code of ``text``.

    Each call launches a browser (the fake camera is fixed at launch); camera access is granted.
    """
    browsers, contexts = [], []

    def open_page(text: str | None, *, blank: int = 0, locale: str = "en-US", timezone="UTC"):
        video = fake_camera_video(tmp_path / f"camera-{len(browsers)}.y4m", text, blank)
        browser = camera_browser(playwright, video)
        browsers.append(browser)
        return _phone_page(browser, contexts, locale, timezone, permissions=["camera"])

    yield open_page
    for context in contexts:
        context.close()
    for browser in browsers:
        browser.close()


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core, to check pages against WCAG 2 A and AA (see ``test_accessibility``)."""
    assert AXE.exists(), "axe-core is missing: run `npm ci` (make test does)"
    return AXE.read_text()
