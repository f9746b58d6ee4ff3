"""A name stays one line: forms and the API refuse a line break in it, and a name stored with one
(typed before they did, or imported) still gives its public vCard, badge PDF and print job."""

from __future__ import annotations

import pytest
import vobject
from sqlalchemy import select

from netcompanion.api import tokens
from netcompanion.api.models import TokenScope
from netcompanion.attendee.models import Attendee
from netcompanion.badge.service import badge_token
from netcompanion.capture.models import Capture
from netcompanion.extensions import db
from netcompanion.webform import one_line
from tests.attendee.test_registration import registration
from tests.capture.conftest import fair  # noqa: F401 - the booth's event
from tests.capture.test_booth import booth, details, page_url  # noqa: F401 - the booth fixture
from tests.conftest import finished_job, login

BREAKS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85"]


@pytest.mark.parametrize("brk", BREAKS)
def test_a_line_break_folds_into_one_space(brk):
    assert one_line(f"Ana {brk} Ortiz") == "Ana Ortiz"
    assert one_line(f"Ana{brk}{brk}Ortiz{brk}") == "Ana Ortiz "


def test_self_registration_refuses_line_breaks_in_name_company_and_title(
    client, make_company, make_event
):
    event = make_event(make_company())
    for index, brk in enumerate(BREAKS):
        data = registration(
            name=f"Ana{brk}Ortiz{brk}",
            company=f"Orbital{brk}Systems",
            title=f"Staff{brk}engineer",
            email=f"ana{index}@example.com",
        )
        response = client.submit(f"/e/{event.public_id}/register", data)
        assert response.status_code == 422
        assert response.get_data(as_text=True).count("Keep this on one line") == 3
    assert db.session.scalars(select(Attendee)).all() == []


def test_the_booth_form_refuses_line_breaks_in_the_name(client, booth):  # noqa: F811
    response = client.submit(page_url(booth), details(name="Ana\r\nLi\u2028", company="Ini\ntech"))
    assert "Keep this on one line" in response.get_data(as_text=True)
    assert db.session.scalars(select(Capture)).all() == []


@pytest.mark.parametrize("brk", ["\n", "\u2028"])
def test_the_api_refuses_line_breaks_in_one_line_fields(brk, client, make_company, make_event):
    owner = make_company()
    event = make_event(owner)
    _token, secret = tokens.create(owner, "Tickets", TokenScope.READ_WRITE)
    db.session.commit()
    body = {"name": f"Ana{brk}Ortiz", "email": "ana@example.com", "company": f"Orbital{brk}X"}
    auth = {"Authorization": f"Bearer {secret}"}
    answer = client.post(f"/api/v1/events/{event.public_id}/attendees", json=body, headers=auth)
    assert answer.status_code == 422, answer.json
    assert answer.json["error"]["code"] == "invalid"
    assert set(answer.json["error"]["fields"]) == {"name", "company"}
    assert db.session.scalars(select(Attendee)).all() == []
    capture = {"event_id": event.public_id, "contact": {"name": f"Ana{brk}Li"}}
    answer = client.post("/api/v1/captures", json=capture, headers=auth)
    assert answer.status_code == 422, answer.json
    assert "contact.name" in answer.json["error"]["fields"]
    assert db.session.scalars(select(Capture)).all() == []


@pytest.fixture
def stored_with_breaks(make_company, make_event, make_attendee):
    """An attendee whose name, company and title were stored with line breaks."""
    owner = make_company()
    event = make_event(owner, name="Fair\nof the year")
    attendee = make_attendee(owner, event)
    attendee.name = "Ana\nOrtiz\r\nGarcía\u2028\x85"
    attendee.company = "Orbital\nSystems"
    attendee.title = "Staff\rengineer"
    db.session.commit()
    return owner, event, attendee


def test_a_stored_name_with_line_breaks_still_gives_the_public_vcard(client, stored_with_breaks):
    _owner, _event, attendee = stored_with_breaks
    response = client.get(f"/b/{badge_token(attendee)}/contact.vcf")
    assert response.status_code == 200
    assert 'filename="Ana Ortiz Garcia.vcf"' in response.headers["Content-Disposition"]
    card = vobject.readOne(response.get_data(as_text=True))
    assert card.fn.value.split() == attendee.name.split()


def test_a_stored_name_with_line_breaks_still_prints(client, stored_with_breaks):
    owner, event, attendee = stored_with_breaks
    login(client, owner)
    one = client.get(f"/events/{event.public_id}/attendees/{attendee.public_id}/badge.pdf")
    assert one.status_code == 200
    assert one.data.startswith(b"%PDF")
    assert "\n" not in one.headers["Content-Disposition"]
    started = client.submit(f"/events/{event.public_id}/badges", {"layout": "badge-54x90mm"})
    assert started.status_code == 302
    job = finished_job(started.headers["Location"].rsplit("/", 1)[-1])
    download = client.get(f"/jobs/{job.public_id}/download")
    assert download.status_code == 200
    assert download.data.startswith(b"%PDF")
    assert 'filename="badges-Fair of the year-badge-54x90mm.pdf"' in str(download.headers)
    download.close()
