"""The contacts list: search, filters, order, pages, and a query count independent of page size."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from netcompanion.contact.models import MatchReason, MatchSuggestion
from netcompanion.extensions import db
from netcompanion.followup import service as followups
from netcompanion.followup.models import EntryState, ListEntry

from .conftest import T0, meet, names_on


def test_search_ignores_case_and_accents(booth, make_contact, login_as, client):
    owner, fair = booth
    muller = make_contact(owner, name="Jürgen Müller", company="Bäckerei", met=[meet(fair)])
    other = make_contact(owner, name="Ada Lovelace", email="ada@example.org", met=[meet(fair)])
    login_as(owner)
    for q in ("muller", "MÜLLER", "jurgen mull", "backerei"):
        html = client.get("/contacts", query_string={"q": q}).get_data(as_text=True)
        assert names_on(html, [muller, other]) == {"Jürgen Müller"}, q
    by_email = client.get("/contacts?q=ADA@EXAMPLE").get_data(as_text=True)
    assert names_on(by_email, [muller, other]) == {"Ada Lovelace"}
    # A percent sign is a character to find, not a wildcard.
    nothing = client.get("/contacts?q=%25").get_data(as_text=True)
    assert "No contact matches these filters." in nothing


def test_latest_met_first_and_never_met_by_when_added(booth, make_contact, login_as, client):
    owner, fair = booth
    old = make_contact(owner, name="Met Long Ago", met=[meet(fair, at=T0 - timedelta(days=300))])
    new = make_contact(owner, name="Met Yesterday", met=[meet(fair, at=T0)])
    never = make_contact(owner, name="Never Met")
    never.last_met_at = T0 - timedelta(days=100)  # added by hand then
    db.session.commit()
    login_as(owner)
    html = client.get("/contacts").get_data(as_text=True)
    assert html.index(new.name) < html.index(never.name) < html.index(old.name)


@pytest.fixture
def crowd(booth, make_event, make_member, make_contact):
    """Contacts met at two events with different ratings, interests and availability."""
    owner, fair = booth
    meetup = make_event(owner, name="Rust Meetup")
    colleague = make_member(owner, name="Carla Colleague")
    people = {
        "hot_backend": make_contact(
            owner,
            name="Hot Backend",
            met=[meet(fair, rating="hot", tags=["Backend"], availability="now")],
        ),
        "warm_data": make_contact(
            owner,
            name="Warm Data",
            met=[meet(fair, rating="warm", tags=["Data"], availability="6_months", by=colleague)],
        ),
        "cold_meetup": make_contact(
            owner, name="Cold Meetup", met=[meet(meetup, rating="cold", tags=["backend"])]
        ),
        # Hot, but elsewhere: the fair meeting was not rated.
        "split": make_contact(
            owner,
            name="Split Person",
            met=[meet(fair, tags=["Data"]), meet(meetup, rating="hot", at=T0 - timedelta(days=1))],
        ),
    }
    mine = followups.create_list(owner, "Backend nurture")
    theirs = followups.create_list(owner, "Data pool")
    followups.add_entries(
        mine, followups.candidates_for_contacts([people["hot_backend"].id]), owner.id
    )
    # Whoever met the person follows them up.
    followups.add_entries(
        theirs, followups.candidates_for_contacts([people["warm_data"].id]), owner.id
    )
    db.session.commit()
    return owner, fair, meetup, colleague, mine, theirs, people


def _shown(client, people, **args) -> set[str]:
    response = client.get("/contacts", query_string=args)
    assert response.status_code == 200
    return names_on(response.get_data(as_text=True), list(people.values()))


def test_each_filter_narrows_the_list(crowd, login_as, client):
    owner, fair, meetup, colleague, mine, theirs, people = crowd
    login_as(owner)
    everyone = {p.name for p in people.values()}
    assert _shown(client, people) == everyone
    assert _shown(client, people, event=meetup.public_id) == {"Cold Meetup", "Split Person"}
    assert _shown(client, people, tag="BACKEND") == {"Hot Backend", "Cold Meetup"}
    assert _shown(client, people, rating="warm") == {"Warm Data"}
    assert _shown(client, people, rating_min="warm") == {"Hot Backend", "Warm Data", "Split Person"}
    assert _shown(client, people, rating_min="cold") == everyone
    assert _shown(client, people, availability="6_months") == {"Warm Data"}
    assert _shown(client, people, list=mine.public_id) == {"Hot Backend"}
    assert _shown(client, people, owner=colleague.public_id) == {"Warm Data"}
    assert _shown(client, people, owner=owner.public_id) == {"Hot Backend"}


def test_encounter_filters_must_hold_at_the_same_encounter(crowd, login_as, client):
    owner, fair, meetup, colleague, mine, theirs, people = crowd
    login_as(owner)
    # Split Person was hot at the meetup and merely met at the fair: not "hot at the fair".
    assert _shown(client, people, event=fair.public_id, rating="hot") == {"Hot Backend"}
    assert _shown(client, people, event=meetup.public_id, rating="hot") == {"Split Person"}
    assert _shown(client, people, list=mine.public_id, owner=colleague.public_id) == set()


def test_junk_filters_are_ignored_never_an_error(crowd, login_as, client):
    owner, fair, meetup, colleague, mine, theirs, people = crowd
    login_as(owner)
    everyone = {p.name for p in people.values()}
    junk = {"event": "nope", "rating": "boiling", "rating_min": "x", "availability": "soon"}
    assert _shown(client, people, **junk, list="nope", owner="nope", page="-3") == everyone


def test_set_aside_list_places_do_not_count(crowd, login_as, client):
    owner, fair, meetup, colleague, mine, theirs, people = crowd
    entry = db.session.query(ListEntry).filter_by(list_id=theirs.id).one()
    entry.state = EntryState.MERGED
    db.session.commit()
    login_as(owner)
    assert _shown(client, people, list=theirs.public_id) == set()


def test_merged_and_other_companies_contacts_are_not_listed(
    booth, make_company, make_contact, login_as, client
):
    owner, fair = booth
    kept = make_contact(owner, name="Kept Person", met=[meet(fair)])
    gone = make_contact(owner, name="Merged Away", met=[meet(fair)])
    gone.merged_into_id = kept.id
    stranger = make_contact(make_company(), name="Someone Elses")
    db.session.commit()
    login_as(owner)
    html = client.get("/contacts").get_data(as_text=True)
    assert names_on(html, [kept, gone, stranger]) == {"Kept Person"}


def test_rows_show_company_last_event_rating_and_lists(crowd, login_as, client):
    owner, fair, meetup, colleague, mine, theirs, people = crowd
    people["hot_backend"].company, people["hot_backend"].title = "Initech", "Staff engineer"
    db.session.commit()
    login_as(owner)
    html = client.get("/contacts?q=hot backend").get_data(as_text=True)
    assert "Staff engineer · Initech" in html
    assert "Last met at Berlin Tech Careers Fair" in html
    assert "contact-rating-hot" in html and "Backend nurture" in html


def test_pages_keep_the_filters(booth, make_contact, login_as, client):
    owner, fair = booth
    for n in range(53):
        make_contact(owner, name=f"Backend Person {n:02d}", met=[meet(fair, tags=["Backend"])])
    make_contact(owner, name="Designer Person", met=[meet(fair, tags=["Design"])])
    login_as(owner)
    first = client.get("/contacts?tag=backend&q=person").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Designer Person" not in first
    next_url = re.search(r'href="([^"]*page=2[^"]*)"', first).group(1).replace("&amp;", "&")
    assert "tag=backend" in next_url and "q=person" in next_url
    second = client.get(next_url).get_data(as_text=True)
    assert "Page 2 of 2" in second and second.count("Backend Person") == 3
    assert "Designer Person" not in second


def test_review_link_appears_only_with_open_suggestions(booth, make_contact, login_as, client):
    owner, fair = booth
    one = make_contact(owner, name="Sam One", phone="+49 30 1234567")
    two = make_contact(owner, name="Sam Two", phone="+49 30 1234567")
    login_as(owner)
    assert "to review" not in client.get("/contacts").get_data(as_text=True)
    db.session.add(
        MatchSuggestion(
            organization_id=owner.organization_id,
            contact_id=two.id,
            other_id=one.id,
            reason=MatchReason.PHONE,
        )
    )
    db.session.commit()
    assert "1 possible duplicate to review" in client.get("/contacts").get_data(as_text=True)


def test_query_count_does_not_grow_with_page_size(
    booth, make_contact, make_event, login_as, client, count_queries
):
    owner, fair = booth
    pool = followups.create_list(owner, "Pool")
    db.session.commit()
    login_as(owner)

    def add(n: int) -> None:
        for i in range(n):
            event = make_event(owner, name=f"Event {i}") if i % 4 == 0 else fair
            contact = make_contact(
                owner,
                name=f"Person {i}",
                met=[meet(event, rating="warm", tags=["Backend", "Data"], notes=["Nice"])],
            )
            followups.add_entries(pool, followups.candidates_for_contacts([contact.id]), owner.id)
        db.session.commit()

    add(5)
    small = count_queries(lambda: client.get("/contacts"))
    add(35)
    big = count_queries(lambda: client.get("/contacts"))
    page = client.get("/contacts").get_data(as_text=True)
    assert page.count('class="list-item"') == 40
    assert big == small, (small, big)
