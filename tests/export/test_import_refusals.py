"""What a vCard import refuses: malformed files, oversize uploads, others' events and lists,
forged forms, events without the company's booth. Each time: a clear answer, nothing written."""

from __future__ import annotations

import io

import pytest

from netcompanion.followup import service as followups
from netcompanion.job import runner
from tests.conftest import FormClient
from tests.export.import_helpers import (
    card,
    confirm,
    event_url,
    exhibitor_fixture,  # noqa: F401 (the exhibitor fixture)
    exported,
    list_url,
    row_counts,
    upload,
    vcf,
)

MALFORMED = {
    "binary junk": (bytes(range(256)) * 4, "This file contains binary data, not vCard text."),
    "a JPEG": (b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 50, "This looks like a JPEG image"),
    "HTML": (b"<html><head><title>Contacts</title></head></html>", "This is a web page or XML"),
    "cut off": (
        vcf(card("Ada", "EMAIL:ada@example.com"), "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\n"),
        "Card 2 (from line 6) has no END:VCARD: the file is cut off or damaged.",
    ),
    "empty": (b"", "The file is empty."),
    "blank": (b"\r\n \r\n", "The file is empty."),
    "a CSV": (b"name,email\r\nAda,ada@example.com\r\n", "it should start with BEGIN:VCARD"),
    "a broken card among good ones": (
        vcf(card("Ada", "EMAIL:ada@example.com"), card("Bob", "no colon here"), card("Cy")),
        "Line 9 is not a vCard line (in card 2).",
    ),
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_a_malformed_file_is_refused_clearly_and_writes_nothing(client, exhibitor, app, kind):
    recruiter, event = exhibitor
    data, message = MALFORMED[kind]
    before = row_counts()
    response = upload(client, event_url(event), data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page  # the form is shown again with the reason
    assert row_counts() == before
    assert not list(runner.jobs_dir().glob("vcards-*"))  # nothing kept for later either


def test_too_many_cards_are_refused(make_app, make_company, make_event):
    app = make_app(VCARD_IMPORT_MAX_CARDS=3)
    app.test_client_class = FormClient
    client = app.test_client()
    owner = make_company()
    event = make_event(owner)
    client.submit("/login", {"email": owner.email, "password": "correct horse battery"})
    before = row_counts()
    response = upload(client, event_url(event), vcf(*(card(f"P{i}") for i in range(4))))
    assert response.status_code == 422
    assert "The file holds more than 3 cards" in response.get_data(as_text=True)
    assert row_counts() == before
    response = upload(client, event_url(event), vcf(*(card(f"P{i}") for i in range(3))))
    assert response.status_code == 200


def test_a_file_too_large_is_refused_before_it_is_read(make_app, make_company, make_event):
    app = make_app(MAX_CONTENT_LENGTH=1024 * 1024)
    app.test_client_class = FormClient
    client = app.test_client()
    owner = make_company()
    event = make_event(owner)
    lst = followups.create_list(owner, "Leads")
    client.submit("/login", {"email": owner.email, "password": "correct horse battery"})
    before = row_counts()
    big = vcf(*(card(f"Person {i}", "NOTE:" + "x" * 400) for i in range(3000)))
    boundary = "----vcf-import-boundary"
    token = client.csrf_token()
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="all.vcf"\r\n'
            "Content-Type: text/vcard\r\n\r\n"
        ).encode()
        + big
        + f"\r\n--{boundary}--\r\n".encode()
    )
    for url in (event_url(event), list_url(lst)):
        # Sent as bytes: the test client would spool a large upload to a temporary file.
        response = client.post(
            url, data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )
        assert response.status_code == 413
        assert "This file is larger than 1 MB" in response.get_data(as_text=True)
    assert row_counts() == before


def test_another_companys_list_is_not_found(client, exhibitor, make_company):
    other = make_company("Zeta Talent")
    lst = followups.create_list(other, "Zeta leads")
    before = row_counts()
    assert client.get(list_url(lst)).status_code == 404
    assert upload(client, list_url(lst), exported("google.vcf")).status_code == 404
    assert client.submit(list_url(lst) + "/confirm", {"upload": "x"}).status_code == 404
    assert row_counts() == before


def test_an_event_the_company_does_not_see_is_not_found(
    client, exhibitor, make_company, make_event
):
    recruiter, event = exhibitor
    stranger = make_company("Zeta Events")
    their_event = make_event(stranger, name="Zeta Summit")
    before = row_counts()
    assert client.get(event_url(their_event)).status_code == 404
    assert upload(client, event_url(their_event), exported("google.vcf")).status_code == 404
    confirm_url = event_url(their_event) + "/confirm"
    assert client.submit(confirm_url, {"upload": "x"}).status_code == 404
    assert row_counts() == before


def test_a_waiting_upload_of_another_company_cannot_be_confirmed(
    client, new_client, exhibitor, make_company, login_as
):
    recruiter, event = exhibitor
    preview = upload(client, event_url(event), exported("google.vcf"))
    assert preview.status_code == 200
    other = make_company("Zeta Talent")
    theirs = new_client()
    login_as(other, on=theirs)
    lst = followups.create_list(other, "Zeta leads")
    name = preview.get_data(as_text=True).split('name="upload" value="')[1].split('"')[0]
    before = row_counts()
    response = theirs.submit(list_url(lst) + "/confirm", {"upload": name})
    assert response.status_code == 302  # "no longer waiting": it is not theirs to see
    assert row_counts() == before
    # The owner can still import it.
    report = confirm(client, preview)
    assert report.status_code == 200


def test_the_forms_need_their_csrf_token(client, exhibitor):
    recruiter, event = exhibitor
    before = row_counts()
    response = client.post(
        event_url(event),
        data={"file": (io.BytesIO(exported("google.vcf")), "c.vcf")},
    )
    assert response.status_code == 400
    preview = upload(client, event_url(event), exported("google.vcf"))
    name = preview.get_data(as_text=True).split('name="upload" value="')[1].split('"')[0]
    response = client.post(event_url(event) + "/confirm", data={"upload": name})
    assert response.status_code == 400
    assert row_counts() == before


def test_an_event_without_the_companys_booth_takes_no_import(
    client, make_company, make_event, login_as
):
    organizer = make_company()
    event = make_event(organizer, with_booth=False)
    login_as(organizer)
    page = client.get(event_url(event))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Your company has no booth at this event. Join it as an exhibitor first." in text
    assert 'type="file"' not in text
    before = row_counts()
    assert upload(client, event_url(event), exported("google.vcf")).status_code == 409
    assert client.submit(event_url(event) + "/confirm", {"upload": "x"}).status_code == 409
    assert row_counts() == before
    captures_page = client.get(f"/events/{event.public_id}/captures").get_data(as_text=True)
    assert "Import vCards" not in captures_page


def test_the_captures_page_links_to_the_import(client, exhibitor):
    recruiter, event = exhibitor
    page = client.get(f"/events/{event.public_id}/captures").get_data(as_text=True)
    assert f'href="{event_url(event)}"' in page
