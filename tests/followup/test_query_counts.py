"""Pages run a fixed number of SQL statements, however many rows they show."""

from __future__ import annotations

from .conftest import counting_statements


def _fill(acme, event, lst, make_capture, enlist, count: int, offset: int):
    captures = [
        make_capture(
            acme,
            event,
            f"Person {offset + n}",
            email=f"p{offset + n}@example.org",
            rating="warm",
            tags=("Backend", "Go"),
            availability="3_months",
            met_days_ago=10 + n,
            note=f"Note {n}",
        )
        for n in range(count)
    ]
    enlist(lst, captures, by=acme)


def _statements(client, url: str) -> int:
    client.get(url)  # warm up: the session and CSRF token exist before counting
    with counting_statements() as count:
        response = client.get(url)
        assert response.status_code == 200
    return count()


def test_today_and_list_pages_do_not_grow_with_page_size(
    fair, make_attendee, make_capture, make_list, enlist, login_as, client
):
    organizer, event, acme = fair
    lst = make_list(acme, "Pool")
    other = make_list(acme, "Second pool")
    _fill(acme, event, lst, make_capture, enlist, 2, 0)
    make_attendee(organizer, event, name="Registered", email="p0@example.org")
    login_as(acme)
    urls = ["/today", f"/lists/{lst.public_id}", "/lists", f"/events/{event.public_id}"]
    small = {url: _statements(client, url) for url in urls}

    _fill(acme, event, lst, make_capture, enlist, 12, 2)
    enlist(other, [make_capture(acme, event, "Elsewhere", met_days_ago=9)], by=acme)
    for n in range(1, 6):
        make_attendee(organizer, event, name=f"Registered {n}", email=f"p{n}@example.org")
    page = client.get("/today").get_data(as_text=True)
    assert "Person 13" in page and "Elsewhere" in page
    large = {url: _statements(client, url) for url in urls}
    assert large == small
