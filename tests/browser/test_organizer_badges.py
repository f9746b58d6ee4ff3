"""The organizer imports attendees from a CSV file and prints their badges, on a phone."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_first_run import assert_fits_phone_and_obeys_csp
from tests.conftest import PASSWORD

CSV = (
    "Nombre completo;Correo;Empresa;Cargo\n"
    "Lucía Fernández;lucia@example.com;Acme Ibérica;Data engineer\n"
    "王芳;wang.fang@example.com;Shenzhen Robotics;Product manager\n"
    "Sin Correo;;Nowhere;\n"
)


def test_import_then_print_badges(live_server, phone, make_company, make_event, tmp_path):
    owner = make_company()
    event = make_event(owner, name="Career Day")
    page = phone()
    page.goto(live_server + "/login")
    page.get_by_label("Work email").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server}/events/{event.public_id}/attendees/import")
    csv_file = tmp_path / "asistentes.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    page.get_by_label("CSV file (UTF-8)").set_input_files(str(csv_file))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("main")).to_contain_text("3 rows found")
    assert_fits_phone_and_obeys_csp(page)
    page.get_by_role("button", name="Check 3 rows").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the changes", timeout=30_000)
    expect(page.locator("main")).to_contain_text("2 new attendees")
    expect(page.locator("table.report").last).to_contain_text("Email is missing.")
    assert_fits_phone_and_obeys_csp(page)
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported", timeout=30_000)
    expect(page.locator("main")).to_contain_text("2 attendees added")
    assert_fits_phone_and_obeys_csp(page)

    # The same file again, with a corrected name: shown first, applied on confirmation.
    csv_file.write_text(CSV.replace("Lucía Fernández;", "Lucía Fernández-Vega;"), encoding="utf-8")
    page.goto(f"{live_server}/events/{event.public_id}/attendees/import")
    page.get_by_label("CSV file (UTF-8)").set_input_files(str(csv_file))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Check 3 rows").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the changes", timeout=30_000)
    changes = page.locator("table.changes")
    expect(changes.locator("del")).to_have_text("Lucía Fernández")
    expect(changes.locator("ins")).to_have_text("Lucía Fernández-Vega")
    expect(page.locator("[data-reissue]")).to_contain_text("1 badge will be reissued")
    assert_fits_phone_and_obeys_csp(page)
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported", timeout=30_000)
    expect(page.locator("main")).to_contain_text("1 badge was reissued: reprint it.")
    reissued = page.locator("ul.reissued")
    expect(reissued).to_contain_text("Lucía Fernández-Vega")
    with page.expect_download() as download:
        reissued.get_by_role("link", name="Badge PDF").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.goto(f"{live_server}/events/{event.public_id}/badges")
    page.get_by_label("Layout").select_option("badge-54x90mm")
    page.get_by_role("button", name="Prepare PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ready", timeout=30_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
