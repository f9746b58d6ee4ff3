"""Printing through the pages: one badge, a whole event in the background, booth posters."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import zxingcpp
from sqlalchemy import select

from netcompanion.badge import printing
from netcompanion.badge.service import badge_url, booth_url
from netcompanion.event import service as events
from netcompanion.extensions import db
from netcompanion.job import runner
from netcompanion.job.models import Job, Status
from tests.conftest import finished_job, login


def pages(pdf_bytes: bytes) -> list:
    document = pypdfium2.PdfDocument(pdf_bytes)
    return [page for page in document]


def qr_texts(page) -> set[str]:
    image = page.render(scale=3).to_pil()
    # QR only: scanning for every format, zxing now and then also "finds" a 1D code in the pattern
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return {result.text for result in found}


def test_one_badge_pdf_carries_a_scannable_qr(client, make_company, make_event, make_attendee):
    owner = make_company()
    event = make_event(owner)
    attendee = make_attendee(owner, event, name="Ελένη Παπαδοπούλου")
    login(client, owner)
    response = client.get(
        f"/events/{event.public_id}/attendees/{attendee.public_id}/badge.pdf?layout=badge-54x90mm"
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    [page] = pages(response.data)
    assert qr_texts(page) == {badge_url(attendee)}
    text = page.get_textpage().get_text_range()
    assert "ΕλένηΠαπαδοπούλου" in "".join(text.split())  # long names may wrap onto two lines


def test_unknown_layout_is_a_bad_request(client, make_company, make_event, make_attendee):
    owner = make_company()
    event = make_event(owner)
    attendee = make_attendee(owner, event)
    login(client, owner)
    url = f"/events/{event.public_id}/attendees/{attendee.public_id}/badge.pdf?layout=napkin"
    assert client.get(url).status_code == 400


def test_event_badges_are_built_in_the_background_and_downloaded(
    client, make_company, make_event, make_attendee
):
    owner = make_company()
    event = make_event(owner)
    people = [make_attendee(owner, event, name=f"Person {i:02d}") for i in range(10)]
    make_attendee(owner, event, name="Filtered Out", company="Elsewhere Inc")
    login(client, owner)
    response = client.submit(f"/events/{event.public_id}/badges", {"layout": "a4", "q": "Initech"})
    assert response.status_code == 302
    job_page = response.headers["Location"]
    job = finished_job(job_page.rsplit("/", 1)[1])
    assert job.status is Status.DONE, job.message
    assert job.total == 10
    assert "10 badges" in client.get(job_page).get_data(as_text=True)

    download = client.get(job_page + "/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    data = download.data
    download.close()
    found = set().union(*(qr_texts(page) for page in pages(data)))
    assert found == {badge_url(person) for person in people}


def test_print_form_refuses_an_unknown_layout(client, make_company, make_event):
    owner = make_company()
    event = make_event(owner)
    login(client, owner)
    response = client.submit(f"/events/{event.public_id}/badges", {"layout": "napkin"})
    assert response.status_code == 422
    assert db.session.scalars(select(Job)).first() is None


def test_exhibitors_cannot_print_the_organizers_badges(
    client, make_company, make_event, join_event
):
    event = make_event(make_company())
    exhibitor = make_company()
    join_event(exhibitor, event)
    login(client, exhibitor)
    assert client.submit(f"/events/{event.public_id}/badges", {"layout": "a4"}).status_code == 403


def test_booth_poster_opens_the_booth_page(client, make_company, make_event, join_event):
    event = make_event(make_company())
    exhibitor = make_company()
    booth = join_event(exhibitor, event, "Talent Lounge", "Hall 3")
    login(client, exhibitor)
    response = client.get(f"/events/{event.public_id}/booth/poster.pdf?paper=letter")
    assert response.status_code == 200
    [page] = pages(response.data)
    [url] = qr_texts(page)
    assert url == booth_url(booth)
    booth_page = client.get(url.replace("http://netcompanion.test", ""))
    assert booth_page.status_code == 200 and b"Talent Lounge" in booth_page.data

    booth.poster_version += 1
    db.session.commit()
    stale = client.get(url.replace("http://netcompanion.test", ""))
    assert stale.status_code == 404 and b"This booth code is not valid" in stale.data


def test_print_form_refuses_a_filter_that_matches_nobody(
    client, make_company, make_event, make_attendee
):
    owner = make_company()
    event = make_event(owner)
    make_attendee(owner, event, name="Ana Li")
    login(client, owner)
    response = client.submit(
        f"/events/{event.public_id}/badges", {"layout": "a4", "q": "Nobody\u202eHere 😀"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "No attendee matches this filter." in page
    assert "Nobody\u202eHere 😀" in page  # the filter stays as typed
    assert db.session.scalars(select(Job)).first() is None


def test_print_form_refuses_an_event_without_attendees(client, make_company, make_event):
    owner = make_company()
    event = make_event(owner)
    login(client, owner)
    response = client.submit(f"/events/{event.public_id}/badges", {"layout": "badge-4x3in"})
    assert response.status_code == 422
    assert "No attendee is registered for this event yet." in response.get_data(as_text=True)
    assert db.session.scalars(select(Job)).first() is None


def test_a_badge_job_whose_filter_matches_nobody_fails_clearly_and_leaves_no_file(
    app, client, make_company, make_event, make_attendee
):
    owner = make_company()
    event = make_event(owner)
    make_attendee(owner, event, name="Ana Li")
    ev = events.organizer_access(owner.organization_id, event.public_id)
    # The count said one, but the match is gone by the time the job runs.
    job = Job(organization_id=owner.organization_id, created_by_id=owner.id, kind="badges", total=1)
    db.session.add(job)
    db.session.flush()
    job.file_name = f"{job.public_id}.pdf"
    job.download_name = "badges.pdf"
    runner.start(job, printing.badge_work(ev, "a4", "Zygmunt", total=1))

    job = finished_job(job.public_id)
    assert job.status is Status.FAILED
    assert job.message == "No attendee matches this filter."
    assert job.file_name is None
    assert list(Path(app.config["JOBS_DIR"]).iterdir()) == []
    login(client, owner)
    page = client.get(f"/jobs/{job.public_id}").get_data(as_text=True)
    assert "No attendee matches this filter." in page
    assert "Ready" not in page and f"/jobs/{job.public_id}/download" not in page
    assert client.get(f"/jobs/{job.public_id}/download").status_code == 404
    status = client.get(f"/jobs/{job.public_id}/status").get_json()
    assert status["status"] == "failed" and status["message"] == job.message
