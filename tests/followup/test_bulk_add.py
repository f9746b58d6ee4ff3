"""Adding an event's captures to a list in bulk, with the capture list's filters."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from netcompanion.dbtypes import utcnow
from netcompanion.extensions import db
from netcompanion.followup.models import ListEntry


def test_bulk_add_takes_every_capture_matching_the_filters_once(
    fair, make_capture, make_list, enlist, login_as, client
):
    organizer, event, acme = fair
    lst = make_list(acme, "Backend pool")
    # More than one page (50) of warm backend people, and some who do not match.
    wanted = [
        make_capture(acme, event, f"Warm {n}", rating="warm", tags=("Backend",)) for n in range(51)
    ]
    wanted.append(make_capture(acme, event, "Hot Hannah", rating="hot", tags=("backend", "Go")))
    # Hannah again, captured a second time: still one person.
    make_capture(
        acme, event, "Hot Hannah", rating="hot", tags=("Backend",), contact=wanted[-1].contact
    )
    make_capture(acme, event, "Cold Carl", rating="cold", tags=("Backend",))
    make_capture(acme, event, "Frontend Fay", rating="hot", tags=("Frontend",))
    make_capture(acme, event, "Unrated Uma", tags=("Backend",))
    login_as(acme)
    listing = client.get(f"/events/{event.public_id}/captures?rating_min=warm&tag=backend")
    page = listing.get_data(as_text=True)
    assert "Add these 53 people to a list" in page  # 53 captures
    assert 'name="rating_min" value="warm"' in page and 'name="tag" value="backend"' in page

    form = {"list": lst.public_id, "rating_min": "warm", "tag": "backend", "q": "", "rating": ""}
    response = client.submit(f"/events/{event.public_id}/follow-up/add", form)
    assert response.status_code == 302
    back = urlsplit(response.location)
    assert back.path == f"/events/{event.public_id}/captures"
    assert parse_qs(back.query) == {"rating_min": ["warm"], "tag": ["backend"]}
    assert "52 people added to Backend pool." in client.get(response.location).get_data(
        as_text=True
    )
    contacts = set(db.session.scalars(select(ListEntry.contact_id)))
    assert contacts == {capture.contact_id for capture in wanted}

    again = client.submit(f"/events/{event.public_id}/follow-up/add", form)
    message = client.get(again.location).get_data(as_text=True)
    assert "0 people added to Backend pool. 52 were already in the list." in message
    assert len(db.session.scalars(select(ListEntry)).all()) == 52


def test_bulk_add_with_an_exact_rating_and_a_search(
    fair, make_capture, make_list, login_as, client
):
    organizer, event, acme = fair
    lst = make_list(acme)
    hot = make_capture(acme, event, "Hot Ada", rating="hot")
    make_capture(acme, event, "Hot Bob", rating="hot")
    make_capture(acme, event, "Warm Ada", rating="warm")
    login_as(acme)
    form = {"list": lst.public_id, "rating": "hot", "q": "ada"}
    client.submit(f"/events/{event.public_id}/follow-up/add", form)
    assert list(db.session.scalars(select(ListEntry.contact_id))) == [hot.contact_id]


def test_bulk_add_refuses_lists_it_cannot_use(
    fair, make_company, make_capture, make_list, login_as, client
):
    organizer, event, acme = fair
    make_capture(acme, event, "Ada", rating="hot")
    rival_list = make_list(make_company("Rival"), "Rival pool")
    archived = make_list(acme, "Archived pool")
    archived.archived_at = utcnow()
    db.session.commit()
    login_as(acme)
    for list_id in (rival_list.public_id, archived.public_id, ""):
        response = client.submit(f"/events/{event.public_id}/follow-up/add", {"list": list_id})
        assert "Choose the list to add these people to." in client.get(response.location).get_data(
            as_text=True
        )
    assert db.session.scalars(select(ListEntry)).all() == []


def test_bulk_add_needs_an_event_the_company_attends(
    fair, make_company, make_event, make_list, login_as, client
):
    organizer, event, acme = fair
    elsewhere = make_event(make_company("Stranger Events"))
    lst = make_list(acme)
    login_as(acme)
    response = client.submit(
        f"/events/{elsewhere.public_id}/follow-up/add", {"list": lst.public_id}
    )
    assert response.status_code == 404


def test_capture_list_without_lists_offers_to_create_one(fair, make_capture, login_as, client):
    organizer, event, acme = fair
    make_capture(acme, event, "Ada")
    login_as(acme)
    page = client.get(f"/events/{event.public_id}/captures").get_data(as_text=True)
    assert "Create a follow-up list to add these people to it." in page


def test_a_control_character_in_a_value_no_form_checks_is_refused_not_stored(
    fair, make_capture, make_list, login_as, client
):
    organizer, event, acme = fair
    lst = make_list(acme, "Backend pool")
    make_capture(acme, event, "Warm Wanda", rating="warm", tags=("Backend",))
    login_as(acme)
    for form in (
        {"list": "\x00", "q": "", "tag": ""},
        {"list": lst.public_id, "q": "Wa\x00", "tag": ""},
        {"list": lst.public_id, "q": "", "tag": "Back\x1bend"},
    ):
        response = client.submit(f"/events/{event.public_id}/follow-up/add", form)
        assert response.status_code == 422, form
        assert b"control character" in response.data
    assert db.session.scalars(select(ListEntry)).all() == []
