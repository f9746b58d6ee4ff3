from sqlalchemy import func, select

from netcompanion.attendee.models import Attendee
from netcompanion.extensions import db
from tests.conftest import login


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Attendee))


def details(**overrides):
    data = {
        "name": "Jon Snow",
        "email": "jon@example.com",
        "company": "Night's Watch",
        "title": "Lord Commander",
        "phone": "",
        "linkedin_url": "",
        "website_url": "",
    }
    data.update(overrides)
    return data


def test_organizer_adds_an_attendee(client, make_company, make_event):
    owner = make_company()
    event = make_event(owner)
    login(client, owner)
    response = client.submit(f"/events/{event.public_id}/attendees/new", details())
    assert response.status_code == 302
    attendee = db.session.scalars(select(Attendee)).one()
    assert (attendee.name, attendee.company, attendee.organization_id) == (
        "Jon Snow",
        "Night's Watch",
        owner.organization_id,
    )
    listing = client.get(f"/events/{event.public_id}/attendees").get_data(as_text=True)
    assert "Jon Snow" in listing


def test_duplicate_email_for_the_same_event_is_refused(
    client, make_company, make_event, make_attendee
):
    owner = make_company()
    event = make_event(owner)
    make_attendee(owner, event, email="jon@example.com")
    login(client, owner)
    response = client.submit(
        f"/events/{event.public_id}/attendees/new", details(email="JON@example.com")
    )
    assert response.status_code == 422
    assert b"already registered for this event" in response.data
    assert count() == 1


def test_the_same_person_may_attend_two_events(client, make_company, make_event, make_attendee):
    owner = make_company()
    make_attendee(owner, make_event(owner), email="jon@example.com")
    second = make_event(owner)
    login(client, owner)
    assert client.submit(f"/events/{second.public_id}/attendees/new", details()).status_code == 302
    assert count() == 2


def test_bad_input_writes_nothing(client, make_company, make_event):
    owner = make_company()
    event = make_event(owner)
    login(client, owner)
    response = client.submit(
        f"/events/{event.public_id}/attendees/new", details(name="", email="x", website_url="nope")
    )
    assert response.status_code == 422
    assert count() == 0


def test_exhibitors_cannot_list_or_add_attendees(client, make_company, make_event, join_event):
    event = make_event(make_company())
    exhibitor = make_company()
    join_event(exhibitor, event)
    login(client, exhibitor)
    assert client.get(f"/events/{event.public_id}/attendees").status_code == 403
    assert client.submit(f"/events/{event.public_id}/attendees/new", details()).status_code == 403
    assert count() == 0


def test_edit_reissue_and_remove(client, make_company, make_event, make_attendee):
    owner = make_company()
    event = make_event(owner)
    attendee = make_attendee(owner, event)
    login(client, owner)
    base = f"/events/{event.public_id}/attendees/{attendee.public_id}"
    page = client.get(base)
    assert page.status_code == 200 and b"Badge version 1" in page.data

    client.submit(base, details(name="Jon Targaryen", email=attendee.email))
    db.session.refresh(attendee)
    assert attendee.name == "Jon Targaryen"

    client.submit(base + "/reissue")
    db.session.refresh(attendee)
    assert attendee.badge_version == 2

    client.submit(base + "/delete")
    assert count() == 0


def test_attendee_search_finds_by_name_email_or_company(
    client, make_company, make_event, make_attendee
):
    owner = make_company()
    event = make_event(owner)
    make_attendee(owner, event, name="Ada Lovelace", company="Analytical")
    make_attendee(owner, event, name="Grace Hopper", company="Navy")
    login(client, owner)
    page = client.get(f"/events/{event.public_id}/attendees?q=navy").get_data(as_text=True)
    assert "Grace Hopper" in page and "Ada Lovelace" not in page


def test_attendee_list_pages_keep_the_search(client, make_company, make_event, make_attendee):
    owner = make_company()
    event = make_event(owner)
    for n in range(51):
        make_attendee(owner, event, name=f"Pat {n:02d}")
    make_attendee(owner, event, name="Someone Else")
    login(client, owner)
    first = client.get(f"/events/{event.public_id}/attendees?q=pat").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Pat 00" in first and "Pat 50" not in first
    assert f"/events/{event.public_id}/attendees?q=pat&amp;page=2" in first
    second = client.get(f"/events/{event.public_id}/attendees?q=pat&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and "Pat 50" in second and "Someone Else" not in second
