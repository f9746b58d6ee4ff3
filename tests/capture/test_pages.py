"""The capture list and a capture's page: filters, editing later, notes that only grow."""

from __future__ import annotations

import re

from sqlalchemy import select

from netcompanion.capture.models import Capture, Note
from netcompanion.extensions import db

from .conftest import badge_item, item


def test_capture_list_filters_and_search(fair, make_attendee, make_member, login_as, api, client):
    organizer, event, exhibitor = fair
    colleague = make_member(exhibitor, name="Colleague Carla")
    login_as(exhibitor)
    api.batch(
        [
            item(event, contact={"name": "Ada Lovelace"}, rating="hot", tags=["Backend"]),
            item(event, contact={"name": "Grace Hopper"}, rating="cold", tags=["Compilers"]),
        ]
    )
    api.batch(
        [
            badge_item(event, make_attendee(organizer, event, name="Linus Example"), rating="hot"),
        ]
    )
    base = f"/events/{event.public_id}/captures"
    page = client.get(base).get_data(as_text=True)
    assert page.index("Linus Example") < page.index("Grace Hopper") < page.index("Ada Lovelace")
    hot = client.get(f"{base}?rating=hot").get_data(as_text=True)
    assert "Ada Lovelace" in hot and "Linus Example" in hot and "Grace Hopper" not in hot
    tagged = client.get(f"{base}?tag=backend").get_data(as_text=True)
    assert "Ada Lovelace" in tagged and "Linus Example" not in tagged
    found = client.get(f"{base}?q=grace").get_data(as_text=True)
    assert "Grace Hopper" in found and "Ada Lovelace" not in found
    nobody = client.get(f"{base}?recruiter={colleague.public_id}").get_data(as_text=True)
    assert "No capture matches these filters." in nobody
    # Junk in filters is ignored, never an error.
    assert client.get(f"{base}?rating=boiling&page=-3&recruiter=nope").status_code == 200


def test_edit_a_capture_later_and_add_notes(fair, login_as, api, client):
    organizer, event, exhibitor = fair
    login_as(exhibitor)
    created = api.batch([item(event, contact={"name": "Ada"}, note="Met at the coffee bar")])
    url = created.json["results"][0]["capture"]["url"]
    page = client.get(url)
    assert page.status_code == 200 and "Met at the coffee bar" in page.get_data(as_text=True)
    response = client.submit(
        url,
        {
            "name": "Ada Lovelace",
            "email": "ADA@example.org",
            "company": "Analytical",
            "rating": "warm",
            "availability": "6_months",
            "tags": "Math, math, Engines",
        },
    )
    assert response.status_code == 302
    capture = db.session.scalars(select(Capture)).one()
    assert (capture.name, capture.email, capture.rating.value) == (
        "Ada Lovelace",
        "ada@example.org",
        "warm",
    )
    assert capture.tag_names == ["Engines", "Math"]
    # A hand-made request without the tags field keeps the tags instead of failing.
    assert client.submit(url, {"name": "Ada Lovelace", "rating": "hot"}).status_code == 302
    capture = db.session.scalars(select(Capture)).one()
    assert (capture.rating.value, capture.tag_names) == ("hot", ["Engines", "Math"])
    assert client.submit(f"{url}/notes", {"body": "Called her back."}).status_code == 302
    assert client.submit(f"{url}/notes", {"body": "   "}).status_code == 302
    notes = db.session.scalars(select(Note).order_by(Note.id)).all()
    assert [n.body for n in notes] == ["Met at the coffee bar", "Called her back."]


def test_bad_edits_are_shown_again_and_change_nothing(fair, login_as, api, client):
    organizer, event, exhibitor = fair
    login_as(exhibitor)
    url = api.batch([item(event, contact={"name": "Ada"})]).json["results"][0]["capture"]["url"]
    response = client.submit(
        url, {"name": "Ada", "email": "nope", "rating": "boiling", "linkedin_url": "not a url"}
    )
    assert response.status_code == 422
    assert db.session.scalars(select(Capture)).one().email == ""


def test_other_companies_cannot_open_a_capture(fair, make_company, login_as, api, new_client):
    organizer, event, exhibitor = fair
    login_as(exhibitor)
    url = api.batch([item(event, contact={"name": "Ada"})]).json["results"][0]["capture"]["url"]
    other = new_client()
    login_as(make_company(), on=other)
    assert other.get(url).status_code == 404
    assert other.submit(f"{url}/notes", {"body": "x"}).status_code == 404


def test_scanner_page_embeds_what_it_needs_offline(fair, login_as, client):
    organizer, event, exhibitor = fair
    event.interest_tags = ["Backend", "Data"]
    db.session.commit()
    login_as(exhibitor)
    page = client.get(f"/events/{event.public_id}/scan")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="scanner-config"' in html and "Backend" in html
    assert client.get("/scan").headers["Location"].endswith(f"/events/{event.public_id}/scan")


def test_scanner_without_a_booth_explains(fair, make_event, login_as, client):
    organizer, event, exhibitor = fair
    own = make_event(organizer, with_booth=False)
    login_as(organizer)
    response = client.get(f"/events/{own.public_id}/scan")
    assert response.status_code == 403
    assert "No booth at this event" in response.get_data(as_text=True)


def test_delete_a_capture_and_its_now_orphaned_contact(fair, login_as, api, client):
    from netcompanion.capture.models import Contact

    organizer, event, exhibitor = fair
    login_as(exhibitor)
    first = api.batch(
        [item(event, contact={"name": "Ada", "email": "ada@example.org"}, note="one")]
    ).json["results"][0]["capture"]
    api.batch([item(event, contact={"name": "Bo", "email": "bo@example.org"})])
    assert client.submit(f"{first['url']}/delete").status_code == 302
    assert client.get(first["url"]).status_code == 404
    assert [c.name for c in db.session.scalars(select(Contact))] == ["Bo"]
    assert db.session.scalars(select(Note)).all() == []


def test_capture_list_pages_keep_the_filters(fair, login_as, api, client):
    organizer, event, exhibitor = fair
    login_as(exhibitor)
    api.batch([item(event, contact={"name": f"Hot {n:02d}"}, rating="hot") for n in range(51)])
    api.batch([item(event, contact={"name": "Cold one"}, rating="cold")])
    first = client.get(f"/events/{event.public_id}/captures?rating=hot").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Hot 50" in first and "Hot 00" not in first
    next_url = re.search(r'href="([^"]*page=2[^"]*)"', first).group(1).replace("&amp;", "&")
    assert "rating=hot" in next_url
    second = client.get(next_url).get_data(as_text=True)
    assert "Page 2 of 2" in second and "Hot 00" in second and "Cold one" not in second
