"""An attendee registers on a phone, opens their badge, and shows it at the door offline."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_first_run import assert_fits_phone_and_obeys_csp


def test_register_in_spanish_then_show_the_badge_offline(
    live_server, phone, make_company, make_event
):
    event = make_event(make_company(), name="Feria de Empleo Madrid")
    page = phone(locale="es-ES")
    page.goto(f"{live_server}/e/{event.public_id}/register")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert_fits_phone_and_obeys_csp(page)
    page.locator("#name").fill("Lucía Fernández")
    page.locator("#email").fill("lucia@example.com")
    page.locator("#company").fill("Acme Ibérica")
    page.locator("input[name=availability][value='3_months']").check()
    page.locator("#share_contact").check()
    page.locator("main button[type=submit]").click()

    page.locator("main a.button-primary").click()  # "Open my badge"
    expect(page.get_by_role("heading", level=1)).to_have_text("Lucía Fernández")
    assert_fits_phone_and_obeys_csp(page)
    expect(page.locator("[data-offline-note]")).to_be_visible()  # saved on the phone
    qr_loaded = "(img) => img.complete && img.naturalWidth > 0"
    assert page.locator("img.qr").evaluate(qr_loaded)

    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lucía Fernández")
    assert page.locator("img.qr").evaluate(qr_loaded)


def test_public_card_on_a_phone(live_server, phone, make_company, make_event, make_attendee):
    from netcompanion.badge.service import badge_token

    owner = make_company()
    attendee = make_attendee(owner, make_event(owner), name="Дмитрий Иванов")
    page = phone()
    page.goto(f"{live_server}/b/{badge_token(attendee)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Дмитрий Иванов")
    assert_fits_phone_and_obeys_csp(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Save contact").click()
    assert download.value.suggested_filename.endswith(".vcf")
