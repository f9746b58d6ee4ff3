"""CSV import through the pages: upload, mapping, the background job and its report."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from netcompanion.attendee.models import Attendee, Source
from netcompanion.extensions import db
from netcompanion.job.models import Status
from tests.conftest import finished_job, login

UPLOAD = re.compile(r'name="upload" value="([^"]+)"')


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Attendee))


def upload(client, event, data: bytes, filename="attendees.csv"):
    return client.submit(
        f"/events/{event.public_id}/attendees/import",
        {"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def check(client, event, page, mapping: dict[int, str] | None = None):
    """Send the mapping step as the page fills it in (with ``mapping`` changed)."""
    name = UPLOAD.search(page.get_data(as_text=True)).group(1)
    form = {"upload": name}
    html = page.get_data(as_text=True)
    for match in re.finditer(
        r'<select id="column-(\d+)" name="column-\d+">(.*?)</select>', html, re.S
    ):
        selected = re.search(r'<option value="(\w*)" selected>', match.group(2))
        form[f"column-{match.group(1)}"] = selected.group(1) if selected else ""
    for index, field in (mapping or {}).items():
        form[f"column-{index}"] = field
    return client.submit(f"/events/{event.public_id}/attendees/import/check", form)


def job_id(response) -> str:
    return response.headers["Location"].rstrip("/").split("/import/")[1].split("/")[0]


def preview(client, event, data: bytes, mapping: dict[int, str] | None = None):
    """Upload and map a file; return the finished preview job."""
    response = check(client, event, upload(client, event, data), mapping)
    assert response.status_code == 302, response.data
    return finished_job(job_id(response))


def apply(client, event, preview_job):
    """Confirm a preview; return the finished import job."""
    base = f"/events/{event.public_id}/attendees/import/{preview_job.public_id}"
    assert client.submit(base + "/apply").status_code == 302
    db.session.expire_all()
    return finished_job(preview_job.result["applied"])


def confirm(client, event, page, mapping: dict[int, str] | None = None):
    """Map, preview and confirm a file; return the finished import job."""
    response = check(client, event, page, mapping)
    assert response.status_code == 302, response.data
    return apply(client, event, finished_job(job_id(response)))


GOOD = (
    b"Full name,E-Mail,Company,Job title,Phone,LinkedIn\n"
    b"Ana Lima,ana@example.com,Initech,Engineer,+55 11 5555 0000,linkedin.com/in/ana\n"
    b"Bo Chen,bo@example.com,Globex,,,\n"
    b",missing-name@example.com,X,,,\n"
    b"Cy Twombly,not-an-email,Y,,,\n"
)


def test_import_adds_valid_rows_and_reports_bad_ones(client, make_company, make_event):
    owner = make_company()
    event = make_event(owner)
    login(client, owner)
    page = upload(client, event, GOOD)
    assert page.status_code == 200
    assert b"4 rows found" in page.data
    job = confirm(client, event, page)
    assert job.status is Status.DONE, job.message
    assert job.result["created"] == 2
    assert {(e["row"], e["field"]) for e in job.result["errors"]} == {(4, "name"), (5, "email")}
    ana = db.session.scalars(select(Attendee).where(Attendee.email == "ana@example.com")).one()
    assert ana.source is Source.IMPORT and ana.linkedin_url == "https://linkedin.com/in/ana"
    for report in (
        client.get(f"/jobs/{job.public_id}"),
        client.get(f"/events/{event.public_id}/attendees/import/{job.public_id}/result"),
    ):
        assert "2 attendees added" in report.get_data(as_text=True)
        assert "<td>4</td>" in report.get_data(as_text=True)


def test_reimporting_the_same_file_updates_instead_of_duplicating(client, make_company, make_event):
    owner = make_company()
    event = make_event(owner)
    login(client, owner)
    confirm(client, event, upload(client, event, GOOD))
    changed = GOOD.replace(b"Bo Chen,bo@example.com,Globex", b"Bo Chen,BO@example.com,Hooli")
    job = confirm(client, event, upload(client, event, changed))
    assert (job.result["created"], job.result["updated"], job.result["unchanged"]) == (0, 1, 1)
    assert count() == 2
    bo = db.session.scalars(select(Attendee).where(Attendee.email == "bo@example.com")).one()
    assert bo.company == "Hooli"


def test_unknown_headers_are_mapped_by_the_organizer(client, make_company, make_event):
    owner = make_company()
    event = make_event(owner)
    login(client, owner)
    data = "Nombre completo,Correo del asistente\nLuz Díaz,luz@example.com\n".encode()
    page = upload(client, event, data)
    assert page.status_code == 200
    assert b"Correo del asistente" in page.data
    unmapped = check(client, event, page, {0: "name", 1: ""})
    assert unmapped.status_code == 422
    assert b"Choose which column holds the email address." in unmapped.data
    job = confirm(client, event, page, {0: "name", 1: "email"})
    assert job.result["created"] == 1
    assert db.session.scalars(select(Attendee.name)).one() == "Luz Díaz"


def test_malformed_files_are_refused_and_write_nothing(client, make_company, make_event):
    owner = make_company()
    event = make_event(owner)
    login(client, owner)
    for data in (
        "Name,Email\nJosé,jose@example.com\n".encode("latin-1"),
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
        b"",
    ):
        response = upload(client, event, data)
        assert response.status_code == 422
        assert b'class="error"' in response.data
    assert count() == 0


def test_a_forged_upload_name_is_refused(client, make_company, make_event):
    owner = make_company()
    event = make_event(owner)
    login(client, owner)
    response = client.submit(
        f"/events/{event.public_id}/attendees/import/check",
        {"upload": "../../etc/passwd", "column-0": "email"},
    )
    assert response.status_code == 404


def test_ten_thousand_rows_import(client, make_company, make_event):
    owner = make_company()
    event = make_event(owner)
    login(client, owner)
    rows = ["Name,Email,Company"] + [
        f"Person {i},person{i}@example.com,Company {i % 97}" for i in range(10_000)
    ]
    page = upload(client, event, "\n".join(rows).encode())
    job = confirm(client, event, page)
    assert job.status is Status.DONE and job.result["created"] == 10_000
    assert count() == 10_000
