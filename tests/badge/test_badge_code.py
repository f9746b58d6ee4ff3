"""The badge code, shown as XXXX-XXXX wherever a person may need to read it out or type it."""

from __future__ import annotations

import pypdfium2 as pdfium

from netcompanion.attendee import service as attendees
from netcompanion.attendee.models import format_badge_code
from netcompanion.extensions import db
from tests.conftest import login


def test_badge_codes_are_shown_in_two_groups_of_four():
    assert format_badge_code("K7QM4XTP") == "K7QM-4XTP"
    assert format_badge_code("") == ""


def test_the_attendees_own_page_shows_the_code_and_lets_the_phone_remember_the_card(
    client, make_company, make_event, make_attendee
):
    owner = make_company()
    event = make_event(owner)
    attendee = make_attendee(owner, event, name="Sam Lee", company="Initech")
    key = attendees.new_access_key(attendee)
    db.session.commit()

    page = client.get(f"/me/{key}").get_data(as_text=True)

    assert f'<span class="badge-code">{attendee.formatted_badge_code}</span>' in page
    assert f'data-me-key="{key}"' in page and f'data-me-event="{event.public_id}"' in page
    assert 'data-me-name="Sam Lee"' in page and 'data-me-company="Initech"' in page
    assert '<script type="module" src="/static/js/me.js"></script>' in page


def test_the_organizer_sees_the_code_and_a_reissued_badge_gets_a_new_one(
    client, make_company, make_event, make_attendee
):
    owner = make_company()
    event = make_event(owner)
    attendee = make_attendee(owner, event)
    login(client, owner)
    url = f"/events/{event.public_id}/attendees/{attendee.public_id}"
    old = attendee.formatted_badge_code

    assert old in client.get(url).get_data(as_text=True)
    client.submit(url + "/reissue")
    db.session.refresh(attendee)
    page = client.get(url).get_data(as_text=True)
    assert attendee.formatted_badge_code != old
    assert attendee.formatted_badge_code in page and old not in page


def test_a_printed_badge_carries_its_code_as_text(client, make_company, make_event, make_attendee):
    owner = make_company()
    event = make_event(owner)
    attendee = make_attendee(owner, event)
    login(client, owner)

    response = client.get(f"/events/{event.public_id}/attendees/{attendee.public_id}/badge.pdf")

    assert response.status_code == 200
    doc = pdfium.PdfDocument(response.data)
    try:
        text = doc[0].get_textpage().get_text_range()
    finally:
        doc.close()
    assert attendee.formatted_badge_code in text
