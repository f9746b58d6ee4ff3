from datetime import date, timedelta

from sqlalchemy import func, select

from netcompanion.account.models import Role
from netcompanion.event.models import Event, Exhibitor
from netcompanion.extensions import db
from tests.conftest import login


def event_form(**overrides):
    start = date.today() + timedelta(days=30)
    data = {
        "name": "DevConf Lisbon",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=2)).isoformat(),
        "timezone": "Europe/Lisbon",
        "venue": "FIL, Parque das Nações",
        "description": "Three days of backend talks.",
        "with_booth": "y",
    }
    data.update(overrides)
    return data


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_company_creates_event_and_is_organizer_and_exhibitor(client, make_company):
    owner = make_company(name="Acme Talent")
    login(client, owner)
    response = client.submit("/events/new", event_form())
    assert response.status_code == 302
    event = db.session.scalars(select(Event)).one()
    assert response.headers["Location"] == f"/events/{event.public_id}"
    assert event.organization_id == owner.organization_id
    assert event.timezone == "Europe/Lisbon"
    booth = db.session.scalars(select(Exhibitor)).one()
    assert (booth.event_id, booth.organization_id, booth.booth_name) == (
        event.id,
        owner.organization_id,
        "Acme Talent",
    )
    page = client.get(f"/events/{event.public_id}").get_data(as_text=True)
    assert "DevConf Lisbon" in page and "Your booth" in page and "Exhibitors" in page


def test_organizer_may_decline_a_booth_and_add_it_later(client, make_company):
    login(client, make_company())
    form = event_form()
    del form["with_booth"]
    client.submit("/events/new", form)
    event = db.session.scalars(select(Event)).one()
    assert count(Exhibitor) == 0
    assert b"DevConf Lisbon" in client.get("/events/").data  # still listed for the organizer
    client.submit(f"/events/{event.public_id}/booth/add")
    assert count(Exhibitor) == 1


def test_event_with_end_before_start_is_refused_and_not_saved(client, make_company):
    login(client, make_company())
    response = client.submit("/events/new", event_form(ends_on="2020-01-01"))
    assert response.status_code == 422
    assert b"The event cannot end before it starts." in response.data
    assert b'value="DevConf Lisbon"' in response.data
    assert count(Event) == 0 and count(Exhibitor) == 0


def test_event_with_missing_fields_or_unknown_timezone_is_refused(client, make_company):
    login(client, make_company())
    response = client.submit(
        "/events/new", event_form(name="  ", starts_on="", timezone="Mars/Olympus_Mons")
    )
    assert response.status_code == 422
    assert b"This field is required." in response.data
    assert b"Enter the first day of the event." in response.data
    assert b"Not a valid choice" in response.data
    assert count(Event) == 0


def test_event_with_malformed_date_is_refused(client, make_company):
    login(client, make_company())
    response = client.submit("/events/new", event_form(starts_on="31/12/2026"))
    assert response.status_code == 422
    assert count(Event) == 0


def test_organizer_edits_event(client, make_company, make_event):
    owner = make_company()
    event = make_event(owner)
    login(client, owner)
    response = client.submit(f"/events/{event.public_id}/edit", event_form(name="Renamed Conf"))
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.name == "Renamed Conf" and event.venue == "FIL, Parque das Nações"


def test_recruiter_cannot_create_events(client, make_company, make_member):
    login(client, make_member(make_company(), Role.RECRUITER))
    response = client.submit("/events/new", event_form())
    assert response.status_code == 422
    assert b"Only owners and admins can manage events." in response.data
    assert count(Event) == 0


def test_exhibitor_joins_with_code_typed_loosely(client, make_company, make_event):
    organizer = make_company(name="Fair Org")
    event = make_event(organizer)
    exhibitor = make_company(name="Northwind")
    login(client, exhibitor)
    typed = f"{event.join_code[:4].lower()} - {event.join_code[4:].lower()} "
    typed_link = client.get(f"/events/join?code={typed}")
    assert typed_link.status_code == 302  # a link has one spelling
    assert typed_link.location == f"/events/join?code={event.join_code[:4]}-{event.join_code[4:]}"
    preview = client.get(typed_link.location)
    assert preview.status_code == 200 and event.name.encode() in preview.data
    response = client.submit(
        "/events/join", {"code": typed, "booth_name": "Northwind Careers", "booth_location": "B12"}
    )
    assert response.status_code == 302
    booth = db.session.scalars(
        select(Exhibitor).where(Exhibitor.organization_id == exhibitor.organization_id)
    ).one()
    assert (booth.event_id, booth.booth_name, booth.booth_location) == (
        event.id,
        "Northwind Careers",
        "B12",
    )


def test_joining_twice_keeps_one_booth(client, make_company, make_event):
    event = make_event(make_company())
    login(client, make_company())
    for _ in range(2):
        client.submit("/events/join", {"code": event.join_code, "booth_name": "Booth"})
    assert count(Exhibitor) == 2  # the organizer's and ours


def test_wrong_join_code_is_explained_and_writes_nothing(client, make_company, make_event):
    make_event(make_company())
    login(client, make_company())
    response = client.submit("/events/join", {"code": "ZZZZ-ZZZZ", "booth_name": "Booth"})
    assert response.status_code == 422
    assert b"No event has this join code." in response.data
    assert count(Exhibitor) == 1


def test_rotating_the_join_code_stops_the_old_one(client, make_company, make_event):
    organizer = make_company()
    event = make_event(organizer)
    old = event.join_code
    login(client, organizer)
    client.submit(f"/events/{event.public_id}/join-code")
    db.session.refresh(event)
    assert event.join_code != old

    other = client.application.test_client()
    login(other, make_company())
    response = other.submit("/events/join", {"code": old, "booth_name": "Late"})
    assert response.status_code == 422


def test_exhibitor_sees_event_and_own_booth_but_not_other_exhibitors(
    client, make_company, make_event, join_event
):
    organizer = make_company(name="Organizer Co")
    event = make_event(organizer)
    first = make_company(name="First Exhibitor")
    second = make_company(name="Second Exhibitor")
    join_event(first, event, "First Booth", "Hall 1")
    join_event(second, event, "Second Booth", "Hall 9")

    login(client, first)
    page = client.get(f"/events/{event.public_id}").get_data(as_text=True)
    assert event.name in page and "First Booth" in page and "Hall 1" in page
    assert "Second" not in page and "Hall 9" not in page
    assert event.join_code[:4] not in page  # only the organizer hands out the code

    organizer_client = client.application.test_client()
    login(organizer_client, organizer)
    page = organizer_client.get(f"/events/{event.public_id}").get_data(as_text=True)
    assert "First Booth" in page and "Second Booth" in page


def test_exhibitor_cannot_edit_the_event_or_remove_other_exhibitors(
    client, make_company, make_event, join_event
):
    event = make_event(make_company())
    first, second = make_company(), make_company()
    join_event(first, event)
    other_booth = join_event(second, event)
    login(client, first)
    assert client.get(f"/events/{event.public_id}/edit").status_code == 403
    response = client.submit(f"/events/{event.public_id}/exhibitors/{other_booth.public_id}/remove")
    assert response.status_code == 403
    assert client.submit(f"/events/{event.public_id}/join-code").status_code == 403
    assert count(Exhibitor) == 3


def test_organizer_removes_an_exhibitor(client, make_company, make_event, join_event):
    organizer = make_company()
    event = make_event(organizer)
    exhibitor = make_company()
    booth_id = join_event(exhibitor, event).public_id
    login(client, organizer)
    client.submit(f"/events/{event.public_id}/exhibitors/{booth_id}/remove")
    assert (
        db.session.scalars(select(Exhibitor).where(Exhibitor.public_id == booth_id)).first() is None
    )

    other = client.application.test_client()
    login(other, exhibitor)
    assert other.get(f"/events/{event.public_id}").status_code == 404


def test_exhibitor_edits_own_booth(client, make_company, make_event, join_event):
    event = make_event(make_company())
    exhibitor = make_company()
    booth = join_event(exhibitor, event)
    login(client, exhibitor)
    response = client.submit(
        f"/events/{event.public_id}/booth",
        {"booth_name": "Talent Lounge", "booth_location": "Hall 3, C7"},
    )
    assert response.status_code == 302
    db.session.refresh(booth)
    assert (booth.booth_name, booth.booth_location) == ("Talent Lounge", "Hall 3, C7")
    bad = client.submit(
        f"/events/{event.public_id}/booth", {"booth_name": "", "booth_location": ""}
    )
    assert bad.status_code == 422
    db.session.refresh(booth)
    assert booth.booth_name == "Talent Lounge"


def test_event_list_and_dashboard_show_upcoming_events(client, make_company, make_event):
    owner = make_company()
    soon = make_event(owner, name="Soon Conf", starts_on=date.today() + timedelta(days=3))
    make_event(owner, name="Past Conf", starts_on=date.today() - timedelta(days=40))
    login(client, owner)
    dashboard = client.get("/").get_data(as_text=True)
    assert "Soon Conf" in dashboard
    assert dashboard.index("Soon Conf") < dashboard.index("Past Conf")
    assert "Where is your booth at Soon Conf?" in dashboard
    events_page = client.get("/events/").get_data(as_text=True)
    assert f"/events/{soon.public_id}" in events_page


def test_dashboard_suggests_first_steps_to_a_new_company(client, make_company):
    login(client, make_company())
    page = client.get("/").get_data(as_text=True)
    assert "Create your first event" in page
    assert "Join with a code" in page
    assert "Invite your team" in page


def test_dashboard_leads_the_organizer_to_attendees_then_badges(
    client, make_company, make_event, make_attendee
):
    owner = make_company()
    event = make_event(owner, name="Badge Conf")
    login(client, owner)
    assert "Register attendees for Badge Conf" in client.get("/").get_data(as_text=True)
    make_attendee(owner, event)
    page = client.get("/").get_data(as_text=True)
    assert "Print badges for Badge Conf" in page and "1 attendee registered." in page
