"""The booth poster's page: attendees leave their details, or share their card, with one company."""

from __future__ import annotations

import secrets

import pytest
import vobject
from sqlalchemy import func, select

from netcompanion.attendee import service as attendees
from netcompanion.badge.service import booth_token
from netcompanion.capture.models import Capture, CaptureSource, Contact, Note
from netcompanion.event.models import Exhibitor
from netcompanion.extensions import db
from tests.conftest import FormClient

CONSENT = (
    "I agree that Acme Talent may store these details and contact me about jobs. "
    "I can ask them to delete my data at any time."
)


def count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.scalar(query)


@pytest.fixture
def booth(fair) -> Exhibitor:
    organizer, event, exhibitor = fair
    event.interest_tags = ["Backend", "Data science"]
    db.session.commit()
    return db.session.scalars(
        select(Exhibitor).where(Exhibitor.organization_id == exhibitor.organization_id)
    ).one()


def page_url(booth: Exhibitor) -> str:
    return f"/j/{booth_token(booth)}"


def details(**fields) -> dict:
    values = {
        "name": "Ana Li",
        "email": "Ana.Li@Example.com",
        "company": "Initech",
        "title": "Data engineer",
        "linkedin_url": "linkedin.com/in/ana-li",
        "website_url": "",
        "interests": ["Data science"],
        "other_interests": "Rust, data SCIENCE",
        "availability": "3_months",
        "message": "Happy to talk about the platform team.",
        "consent": "y",
    }
    values.update(fields)
    return values


def test_the_page_names_the_company_booth_and_event_and_offers_the_chips(client, booth):
    page = client.get(page_url(booth)).get_data(as_text=True)
    assert "Leave your details for Acme Talent" in page
    assert "Hall 2, B12" in page and "Berlin Tech Careers Fair" in page
    assert 'value="Backend"' in page and 'value="Data science"' in page
    assert CONSENT in page
    assert 'name="website2"' in page and 'tabindex="-1"' in page


def test_the_form_creates_a_capture_for_the_booths_company_only(client, fair, booth):
    organizer, event, exhibitor = fair
    response = client.submit(page_url(booth), details())

    assert response.status_code == 200
    assert "Acme Talent has your details" in response.get_data(as_text=True)
    capture = db.session.scalars(select(Capture)).one()
    assert capture.organization_id == exhibitor.organization_id
    assert count(Capture, organization_id=organizer.organization_id) == 0
    assert capture.source == CaptureSource.BOOTH
    assert capture.captured_by_id is None and capture.attendee_id is None
    assert (capture.name, capture.email, capture.company) == (
        "Ana Li",
        "ana.li@example.com",
        "Initech",
    )
    assert capture.linkedin_url == "https://linkedin.com/in/ana-li"
    assert capture.tag_names == ["Data science", "Rust"]
    assert capture.availability.value == "3_months"
    assert capture.consent_text == CONSENT and capture.consent_at is not None
    assert capture.consent_locale == "en"
    assert [(n.body, n.author_id) for n in capture.notes] == [
        ("Happy to talk about the platform team.", None)
    ]
    assert capture.contact.email == "ana.li@example.com"
    assert capture.contact.organization_id == exhibitor.organization_id


def test_leaving_details_again_with_the_same_email_merges(client, booth):
    client.submit(page_url(booth), details(message="First visit."))
    response = client.submit(
        page_url(booth),
        details(email="ANA.LI@example.com", message="Came back.", interests=["Backend"]),
    )

    assert response.status_code == 200
    capture = db.session.scalars(select(Capture)).one()
    assert [n.body for n in capture.notes] == ["First visit.", "Came back."]
    assert capture.tag_names == ["Backend", "Data science", "Rust"]
    assert count(Contact) == 1


def test_without_consent_nothing_is_written_and_the_field_says_why(client, booth):
    response = client.submit(page_url(booth), details(consent=""))

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Tick the box to agree, or your details cannot be sent." in page
    assert 'id="consent-error"' in page
    assert 'value="Ana Li"' in page  # what they typed is kept
    assert count(Capture) == count(Contact) == count(Note) == 0


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("email", "not an address", "Enter a valid email address."),
        ("name", "", "Enter your name."),
        ("website_url", "ftp://example.com", "Enter a web address starting with https://."),
        ("message", "x" * 2001, "Field cannot be longer than 2000 characters."),
        ("other_interests", ",".join(f"t{i}" for i in range(21)), "At most 20 interests."),
    ],
)
def test_wrong_details_are_shown_per_field(client, booth, field, value, message):
    response = client.submit(page_url(booth), details(**{field: value}))

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Capture) == 0


def test_a_bot_filling_the_hidden_field_gets_thanks_and_nothing_is_written(client, booth):
    response = client.submit(page_url(booth), details(website2="http://spam.example"))

    assert response.status_code == 200
    assert "Acme Talent has your details" in response.get_data(as_text=True)
    assert count(Capture) == count(Contact) == count(Note) == 0


def test_forged_and_retired_booth_codes_get_the_invalid_page(client, booth):
    forged = page_url(booth)[:-4] + "AAAA"
    for url in (forged, forged + "/contact.vcf"):
        response = client.get(url)
        assert response.status_code == 404
        assert "This booth code is not valid" in response.get_data(as_text=True)
    assert client.submit(forged, details()).status_code == 404

    old = page_url(booth)
    booth.poster_version += 1
    db.session.commit()
    assert client.submit(old, details()).status_code == 404
    assert client.submit(old + "/share", {"share-key": "x"}).status_code == 404
    assert count(Capture) == 0


def test_submissions_are_rate_limited_per_address(app, make_app, booth):
    limited = make_app(
        SECRET_KEY=app.config["SECRET_KEY"],  # the same keys sign and check booth codes
        RATELIMIT_ENABLED=True,
        RATELIMIT_KEY_PREFIX=secrets.token_hex(6),
        BOOTH_FORM_RATE_LIMIT="2 per minute",
    )
    limited.test_client_class = FormClient
    client = limited.test_client()
    url = page_url(booth)

    codes = [client.submit(url, details(consent="")).status_code for _ in range(2)]
    codes.append(client.submit(url + "/share", {"share-key": "nope"}).status_code)
    assert codes == [422, 422, 429]  # the form and "Share my card" share one budget
    assert client.get(url).status_code == 200  # reading the page is not a submission


# Share my card --------------------------------------------------------------------------


@pytest.fixture
def registered(fair, make_attendee):
    """An attendee of the fair with their private badge-page key."""
    organizer, event, _ = fair
    attendee = make_attendee(
        organizer,
        event,
        name="Lucía Fernández",
        company="Globex",
        phone="+34 600 000 000",
        linkedin_url="https://linkedin.com/in/lucia",
    )
    key = attendees.new_access_key(attendee)
    db.session.commit()
    return attendee, key


def test_share_my_card_records_the_attendees_own_details(client, booth, registered):
    attendee, key = registered
    response = client.submit(
        page_url(booth) + "/share",
        {
            "share-key": key,
            "share-consent": "y",
            "share-interests": ["Backend"],
            "share-availability": "now",
            "share-message": "Tapped at the booth.",
        },
    )

    assert response.status_code == 200, response.get_data(as_text=True)
    capture = db.session.scalars(select(Capture)).one()
    assert capture.attendee_id == attendee.id
    assert capture.source == CaptureSource.BOOTH
    assert (capture.name, capture.email, capture.phone) == (
        "Lucía Fernández",
        attendee.email,
        "+34 600 000 000",
    )
    assert capture.linkedin_url == "https://linkedin.com/in/lucia"
    assert capture.tag_names == ["Backend"] and capture.availability.value == "now"
    assert capture.consent_text == CONSENT
    assert [(n.body, n.author_id) for n in capture.notes] == [("Tapped at the booth.", None)]


def test_typing_then_sharing_the_same_person_merges_and_links_the_badge(client, booth, registered):
    attendee, key = registered
    client.submit(page_url(booth), details(email=attendee.email.upper(), message="Typed."))
    client.submit(page_url(booth) + "/share", {"share-key": key, "share-consent": "y"})
    client.submit(page_url(booth) + "/share", {"share-key": key, "share-consent": "y"})

    capture = db.session.scalars(select(Capture)).one()
    assert capture.attendee_id == attendee.id
    assert [n.body for n in capture.notes] == ["Typed."]


def test_share_without_consent_is_refused_per_field(client, booth, registered):
    attendee, key = registered
    response = client.submit(page_url(booth) + "/share", {"share-key": key})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="share-consent-error"' in page
    assert "Share my card (Lucía Fernández, Globex)" in page
    assert count(Capture) == 0


def test_a_refused_extra_is_explained_where_it_was_typed(client, booth, registered):
    _, key = registered
    response = client.submit(
        page_url(booth) + "/share",
        {"share-key": key, "share-consent": "y", "share-message": "x" * 2001},
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="message-error"' in page and "x" * 2001 in page
    assert count(Capture) == 0


def test_a_badge_of_another_event_cannot_be_shared_here(
    client, booth, fair, make_event, make_attendee
):
    organizer, _, _ = fair
    elsewhere = make_attendee(organizer, make_event(organizer))
    key = attendees.new_access_key(elsewhere)
    db.session.commit()

    response = client.submit(page_url(booth) + "/share", {"share-key": key, "share-consent": "y"})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Your badge is for another event." in page and "data-forget-me" in page
    assert count(Capture) == 0

    unknown = client.submit(page_url(booth) + "/share", {"share-key": "x", "share-consent": "y"})
    assert unknown.status_code == 422
    assert "We could not find your badge." in unknown.get_data(as_text=True)
    assert count(Capture) == 0


# The booth's contact card ---------------------------------------------------------------


def test_the_booths_contact_card_is_a_vcard_without_personal_addresses(client, booth):
    response = client.get(page_url(booth) + "/contact.vcf")

    assert response.status_code == 200
    assert response.mimetype == "text/vcard"
    card = vobject.readOne(response.get_data(as_text=True))
    assert card.version.value == "3.0"
    assert card.fn.value == "Acme Talent"
    assert card.org.value == ["Acme Talent"]
    assert card.note.value == "Met at Berlin Tech Careers Fair, Hall 2, B12"
    assert "email" not in card.contents and "tel" not in card.contents


def test_the_thank_you_page_offers_the_contact_card(client, booth):
    page = client.submit(page_url(booth), details()).get_data(as_text=True)
    assert f'href="{page_url(booth)}/contact.vcf"' in page
