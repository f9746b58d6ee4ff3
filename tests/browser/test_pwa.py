"""The installable app: manifest and icons, the root service worker, the offline page, and
signing out while captures still wait on the phone."""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import AXE
from tests.browser.test_accessibility import violations
from tests.browser.test_first_run import assert_fits_phone_and_obeys_csp
from tests.browser.test_scanner import (
    captures,
    company_owner,
    fair,  # noqa: F401 - a fixture
    open_scanner,
    queue,
    scanner_path,
    synced,
    type_badge_code,
    wait_until_kept_offline,
    waiting,
)

STATIC = Path(__file__).resolve().parents[2] / "static"
PAGES_CACHE = "netcompanion-app-pages-v1"


def png_facts(path: Path) -> tuple[int, int, tuple[int, ...]]:
    """Width, height and the top-left pixel of a PNG, read from its IHDR and first IDAT bytes."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8].decode()
        chunks.setdefault(kind, b"")
        chunks[kind] += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks["IHDR"][:10])
    assert depth == 8 and colour in (2, 6), "8-bit RGB or RGBA"
    channels = 3 if colour == 2 else 4
    # The first pixel of the first row needs no unfiltering: every filter predicts it from zeros.
    first = zlib.decompress(chunks["IDAT"])[1 : 1 + channels]
    return width, height, tuple(first)


def test_manifest_and_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["name"] == manifest["short_name"] == "NetCompanion"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/scan",
        "/",
        "standalone",
    )
    assert (manifest["theme_color"], manifest["background_color"]) == ("#0f4c5c", "#ffffff")
    purposes = sorted((icon["purpose"], icon["sizes"]) for icon in manifest["icons"])
    assert purposes == [
        ("any", "192x192"),
        ("any", "512x512"),
        ("maskable", "192x192"),
        ("maskable", "512x512"),
    ]
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png"
        with client.get(icon["src"]) as served:
            assert served.status_code == 200
        width, height, corner = png_facts(STATIC / icon["src"].removeprefix("/static/"))
        assert f"{width}x{height}" == icon["sizes"]
        if icon["purpose"] == "maskable":
            assert corner[:3] == (0x0F, 0x4C, 0x5C), "a maskable icon bleeds to its edges"
        else:
            assert corner[3] == 0, "the rounded icon leaves its corners transparent"
    width, height, _ = png_facts(STATIC / "pwa/icons/apple-touch-icon.png")
    assert (width, height) == (180, 180)


def test_service_worker_script_is_served_for_the_whole_site(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    source = response.get_data(as_text=True)
    assert "__NETCOMPANION" not in source
    for url in (
        "/static/css/app.css",
        "/static/scanner/scanner.js",
        "/static/scanner/decoder.js",
        "/static/vendor/idb/build/index.js",
        "/static/vendor/zxing-wasm/dist/reader/zxing_reader.wasm",
        "/static/pwa/icons/icon-192.png",
    ):
        assert f'"{url}"' in source, url
    assert "/static/pwa/sw.js" not in source  # the worker does not keep itself


def test_pages_link_the_manifest_and_offline_page_works(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert "apple-touch-icon" in page
    assert "pwa/register.js" not in page  # the worker is for signed-in members only
    offline = client.get("/offline")
    assert offline.status_code == 200
    assert "You are offline" in offline.get_data(as_text=True)


def test_worker_controls_the_scanner_and_answers_offline(live_server, phone, fair):  # noqa: F811
    organizer, event, recruiter, zoe = fair
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    wait_until_kept_offline(page)
    worker = page.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.getRegistration('/');
            const script = navigator.serviceWorker.controller.scriptURL;
            return {scope: registration.scope, script};
        }"""
    )
    assert worker == {"scope": live_server + "/", "script": live_server + "/sw.js"}

    page.context.set_offline(True)
    # API answers are never kept: offline, the API simply fails.
    api = page.evaluate(
        "fetch('/api/v1/session').then((r) => 'answered ' + r.status, () => 'failed')"
    )
    assert api == "failed"
    page.console_errors.clear()  # Chromium logs the failed fetch as an error

    page.goto(live_server + "/events/")  # never kept: the offline page answers
    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
    link = page.get_by_role("link", name="Berlin Tech Careers Fair")
    expect(link).to_be_visible()
    assert_fits_phone_and_obeys_csp(page)
    assert violations(page, AXE.read_text()) == [], "offline page"
    link.click()
    page.wait_for_url(live_server + scanner_path(event))
    expect(page.locator("[data-scanner]")).to_have_attribute("data-ready", "true")

    page.goto(live_server + "/scan")  # the installed app's start page: the latest scanner
    expect(page.locator(".scan-title")).to_have_text("Berlin Tech Careers Fair")
    type_badge_code(page, zoe.badge_code)
    expect(waiting(page)).to_have_text("1 waiting to sync")


def test_sign_out_with_waiting_captures_asks_first_and_keeps_them(
    live_server,
    phone,
    fair,  # noqa: F811
    make_member,
):
    organizer, event, recruiter, zoe = fair
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    wait_until_kept_offline(page)
    page.route("**/api/v1/session", lambda route: route.abort())  # the server cannot be reached
    type_badge_code(page, zoe.badge_code)
    expect(waiting(page)).to_have_text("1 waiting to sync")

    page.locator("details.usermenu summary").click()
    sign_out = page.get_by_role("button", name="Sign out")
    # Tapped from the page: Playwright's click would wait for a navigation the open dialog holds.
    with page.expect_event("dialog") as asked:
        sign_out.evaluate("(button) => button.click()")
    assert asked.value.message == (
        "1 capture has not synced yet and will stay on this device until you sign in again."
        " Sign out anyway?"
    )
    asked.value.dismiss()
    expect(page.locator("[data-scanner]")).to_be_visible()  # still signed in, on the scanner

    with page.expect_event("dialog") as asked:
        sign_out.evaluate("(button) => button.click()")
    asked.value.accept()
    expect(page.get_by_label("Work email")).to_be_visible()  # signed out
    (entry,) = queue(page)  # still on the phone
    assert entry["state"] == "waiting"
    assert entry["recruiter_name"] == "Rita Recruiter"
    assert page.evaluate(f"caches.has('{PAGES_CACHE}')") is False  # no one's scanner kept
    page.unroute("**/api/v1/session")

    # A colleague signs in on the same phone: Rita's capture waits for her, unsent.
    colleague = make_member(company_owner(recruiter), name="Carl Colleague")
    open_scanner(page, live_server, colleague, event)
    expect(waiting(page)).to_have_text("0 waiting to sync")
    expect(page.locator("[data-waiting-list]")).to_contain_text(
        "Waiting for Rita Recruiter to sign in"
    )
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.locator("details.usermenu summary").click()
    page.get_by_role("button", name="Sign out").click()  # nothing of Carl's waits: no question
    expect(page.get_by_label("Work email")).to_be_visible()
    assert questions == []
    assert captures() == []

    open_scanner(page, live_server, recruiter, event)  # Rita is back: it syncs
    synced(page)
    (capture,) = captures()
    assert capture.attendee_id == zoe.id and capture.captured_by_id == recruiter.id


def test_sign_out_without_waiting_captures_does_not_ask(live_server, phone, fair):  # noqa: F811
    organizer, event, recruiter, zoe = fair
    page = phone()
    open_scanner(page, live_server, recruiter, event)
    synced(page)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("details.usermenu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Work email")).to_be_visible()
    assert asked == []


def test_the_cache_version_follows_the_files(app, tmp_path):
    """Any change to a precached file names a new cache, so phones drop the old files."""
    from netcompanion.pwa import app_shell

    (tmp_path / "scanner").mkdir()
    script = tmp_path / "scanner" / "scanner.js"
    script.write_text("// one")
    (tmp_path / "scanner" / "notes.txt").write_text("not precached")
    app.static_folder = str(tmp_path)
    first, files = app_shell()
    assert files == ["scanner/scanner.js"]
    assert app_shell()[0] == first
    script.write_text("// two")
    assert app_shell()[0] != first


#: What the page's worker is: its static cache names the version it precached.
WORKER_STATE = """async () => {
  const registration = await navigator.serviceWorker.getRegistration('/');
  const caches_ = (await caches.keys())
    .filter((name) => name.startsWith('netcompanion-app-static-'));
  return {
    controlled: navigator.serviceWorker.controller !== null
      && navigator.serviceWorker.controller === registration.active,
    waiting: registration.waiting?.state || null,
    caches: caches_.sort(),
    deploy: document.documentElement.dataset.deploy || null,
  };
}"""

#: Whether the new deploy's worker installs and waits for a navigation (within 20 s).
NEW_WORKER_WAITS = """async () => {
  const registration = await navigator.serviceWorker.getRegistration('/');
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    if (registration.waiting?.state === 'installed') return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}"""


def deployable_static(tmp_path: Path) -> Path:
    """A copy of the static files (links, cheap) whose scanner script a test can redeploy."""
    copy = tmp_path / "static"
    shutil.copytree(STATIC, copy, copy_function=os.symlink)
    return copy


def deploy(static: Path) -> None:
    """A new version of the scanner's code: it marks the page it runs in."""
    script = static / "scanner" / "scanner.js"
    source = script.read_text()
    script.unlink()  # a link to the checkout's file: replace it, never write through it
    script.write_text(source + '\ndocument.documentElement.dataset.deploy = "second";\n')


def hall_wifi_comes_back(page) -> None:
    """The open page looks for a new deploy when the network returns (as on coming back to it)."""
    page.context.set_offline(True)
    page.context.set_offline(False)
    assert page.evaluate(NEW_WORKER_WAITS), "the open page did not find the new deploy"


def open_controlled_scanner(app, page, live_server, recruiter, event, tmp_path) -> dict:
    app.static_folder = str(deployable_static(tmp_path))
    open_scanner(page, live_server, recruiter, event)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    before = page.evaluate(WORKER_STATE)
    assert before["controlled"] and before["deploy"] is None and before["waiting"] is None
    return before


def reload_scanner(page) -> dict:
    """Reload the open scanner once, wait until it is ready, and say which worker it runs on."""
    page.reload()
    expect(page.locator("[data-scanner]")).to_have_attribute("data-ready", "true")
    return page.evaluate(WORKER_STATE)


def test_a_new_deploy_reaches_an_open_scanner_at_the_next_navigation(
    app,
    live_server,
    phone,
    fair,  # noqa: F811
    tmp_path,
):
    organizer, event, recruiter, zoe = fair
    page = phone()
    before = open_controlled_scanner(app, page, live_server, recruiter, event, tmp_path)
    deploy(Path(app.static_folder))

    hall_wifi_comes_back(page)
    found = page.evaluate(WORKER_STATE)
    # Installed, but the open page keeps the files it started with.
    assert found["waiting"] == "installed" and found["controlled"]
    assert found["deploy"] is None and before["caches"][0] in found["caches"]

    after = reload_scanner(page)  # one navigation
    assert after["deploy"] == "second", "the scanner runs the new deploy's code"
    assert after["controlled"] and after["waiting"] is None
    assert len(after["caches"]) == 1 and after["caches"] != before["caches"]
    assert page.url == live_server + scanner_path(event)
    assert page.console_errors == []


def test_a_new_deploy_waits_while_another_tab_runs_the_old_one(
    app,
    live_server,
    phone,
    fair,  # noqa: F811
    tmp_path,
):
    organizer, event, recruiter, zoe = fair
    page = phone()
    before = open_controlled_scanner(app, page, live_server, recruiter, event, tmp_path)
    other = page.context.new_page()
    other.goto(live_server + "/today")
    deploy(Path(app.static_folder))
    hall_wifi_comes_back(page)

    kept = reload_scanner(page)
    assert kept["deploy"] is None and kept["waiting"] == "installed"
    assert before["caches"][0] in kept["caches"]

    other.close()
    after = reload_scanner(page)
    assert after["deploy"] == "second" and after["waiting"] is None
    assert page.console_errors == []
