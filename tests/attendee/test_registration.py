import re

from sqlalchemy import func, select

from netcompanion.attendee.models import Attendee, Availability, Source
from netcompanion.extensions import db
from tests.conftest import login

PRIVATE_LINK = re.compile(r"http://netcompanion\.test(/me/[\w-]+)")


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Attendee))


def registration(**overrides):
    data = {
        "name": "Nadia Haddad",
        "email": "Nadia@Example.com",
        "company": "Orbital Systems",
        "title": "Staff engineer",
        "phone": "+49 30 1234567",
        "linkedin_url": "linkedin.com/in/nadia",
        "website_url": "",
        "availability": "6_months",
        "share_contact": "y",
        "show_linkedin": "y",
    }
    data.update(overrides)
    return data


def test_attendee_registers_with_consent_and_gets_a_private_badge_link(
    client, make_company, make_event
):
    event = make_event(make_company())
    page = client.get(f"/e/{event.public_id}/register")
    assert page.status_code == 200
    assert b"Share my contact details" in page.data
    assert b'name="share_contact" type="checkbox" value="y">' in page.data  # off by default

    response = client.submit(f"/e/{event.public_id}/register", registration())
    assert response.status_code == 200
    link = PRIVATE_LINK.search(response.get_data(as_text=True)).group(1)

    attendee = db.session.scalars(select(Attendee)).one()
    assert attendee.email == "nadia@example.com"
    assert attendee.source is Source.SELF
    assert attendee.availability is Availability.IN_6_MONTHS
    assert attendee.linkedin_url == "https://linkedin.com/in/nadia"
    assert attendee.consent_share_contact is True
    assert attendee.consent_text.startswith("Share my contact details")
    assert attendee.consent_locale == "en"
    assert attendee.consent_at is not None
    assert attendee.organization_id == event.organization_id

    mine = client.get(link)
    assert mine.status_code == 200
    assert b"Nadia Haddad" in mine.data and b"nadia@example.com" in mine.data


def test_consent_is_off_unless_ticked(client, make_company, make_event):
    event = make_event(make_company())
    data = registration()
    del data["share_contact"]
    client.submit(f"/e/{event.public_id}/register", data)
    attendee = db.session.scalars(select(Attendee)).one()
    assert attendee.consent_share_contact is False
    assert attendee.consent_text  # the wording they saw is kept either way


def test_consent_wording_is_stored_in_the_attendees_language(client, make_company, make_event):
    event = make_event(make_company())
    client.submit(
        f"/e/{event.public_id}/register", registration(), headers={"Accept-Language": "de"}
    )
    attendee = db.session.scalars(select(Attendee)).one()
    assert attendee.consent_locale == "de"
    assert attendee.consent_text.startswith("Meine Kontaktdaten")


def test_bad_registration_input_is_explained_and_not_saved(client, make_company, make_event):
    event = make_event(make_company())
    response = client.submit(
        f"/e/{event.public_id}/register",
        registration(
            name="",
            email="nadia@",
            phone="call me",
            linkedin_url="example.com/nadia",
            availability="tomorrow",
        ),
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "This field is required." in body
    assert "Enter a valid email address." in body
    assert "Enter a phone number" in body
    assert "Enter a LinkedIn address" in body
    assert "Not a valid choice" in body
    assert count() == 0


def test_honeypot_stops_naive_bots_without_telling_them(client, make_company, make_event):
    event = make_event(make_company())
    response = client.submit(
        f"/e/{event.public_id}/register", registration(website_confirm="http://spam.example")
    )
    assert response.status_code == 200
    assert count() == 0


def test_registering_an_email_twice_neither_duplicates_nor_reveals_the_link(
    client, new_client, make_company, make_event
):
    event = make_event(make_company())
    client.submit(f"/e/{event.public_id}/register", registration())
    stranger = new_client()
    response = stranger.submit(
        f"/e/{event.public_id}/register", registration(name="Someone Else", share_contact="")
    )
    assert response.status_code == 200
    assert not PRIVATE_LINK.search(response.get_data(as_text=True))
    attendee = db.session.scalars(select(Attendee)).one()
    assert attendee.name == "Nadia Haddad" and attendee.consent_share_contact is True


def test_closed_registration_refuses(client, make_company, make_event):
    owner = make_company()
    event = make_event(owner)
    login(client, owner)
    client.submit(f"/events/{event.public_id}/registration")
    other = client.application.test_client()
    response = other.submit(f"/e/{event.public_id}/register", registration())
    assert response.status_code == 404
    assert b"closed" in response.data
    assert count() == 0


def test_registration_pages_speak_german_and_spanish(client, make_company, make_event):
    event = make_event(make_company())
    german = client.get(f"/e/{event.public_id}/register", headers={"Accept-Language": "de"})
    assert "Anmelden" in german.get_data(as_text=True) or "Registrier" in german.get_data(
        as_text=True
    )
    spanish = client.get(f"/e/{event.public_id}/register", headers={"Accept-Language": "es"})
    assert '<html lang="es">' in spanish.get_data(as_text=True)


def test_attendee_changes_what_they_share_on_their_badge_page(client, make_company, make_event):
    event = make_event(make_company())
    response = client.submit(f"/e/{event.public_id}/register", registration())
    link = PRIVATE_LINK.search(response.get_data(as_text=True)).group(1)
    client.submit(link, {"show_website": "y"})  # share_contact and show_linkedin unticked
    attendee = db.session.scalars(select(Attendee)).one()
    assert attendee.consent_share_contact is False
    assert attendee.show_linkedin is False and attendee.show_website is True


def test_unknown_private_link_is_404(client):
    assert client.get("/me/not-a-key").status_code == 404
