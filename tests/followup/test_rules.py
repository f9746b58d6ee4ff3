"""Per-event rules: the lists that take every new capture of an event."""

from __future__ import annotations

from sqlalchemy import select

from netcompanion.dbtypes import utcnow
from netcompanion.extensions import db
from netcompanion.followup.models import EventListRule


def rule_lists(org_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(EventListRule.list_id).where(EventListRule.organization_id == org_id)
        )
    )


def test_choose_and_change_the_lists_for_new_captures(fair, make_list, login_as, client):
    organizer, event, acme = fair
    backend, data, old = (make_list(acme, n) for n in ("Backend", "Data", "Old"))
    url = f"/events/{event.public_id}/follow-up"
    login_as(acme)
    old_rule = EventListRule(
        organization_id=acme.organization_id, event_id=event.id, list_id=old.id
    )
    db.session.add(old_rule)
    old.archived_at = utcnow()
    db.session.commit()

    page = client.get(url).get_data(as_text=True)
    assert "Backend" in page and "Data" in page and "Old" not in page  # archived: not offered
    assert client.submit(url, {"list": [backend.public_id, data.public_id]}).status_code == 302
    assert rule_lists(acme.organization_id) == {backend.id, data.id, old.id}
    assert client.submit(url, {"list": [data.public_id]}).status_code == 302
    # The archived list's rule is kept; rule_lists ignores archived lists anyway.
    assert rule_lists(acme.organization_id) == {data.id, old.id}
    event_page = client.get(f"/events/{event.public_id}").get_data(as_text=True)
    assert "New captures here join: Data." in event_page
    assert client.submit(url, {}).status_code == 302
    assert rule_lists(acme.organization_id) == {old.id}


def test_rules_refuse_lists_of_another_company(fair, make_company, make_list, login_as, client):
    organizer, event, acme = fair
    mine = make_list(acme, "Mine")
    theirs = make_list(make_company("Rival"), "Rival list")
    login_as(acme)
    url = f"/events/{event.public_id}/follow-up"
    response = client.submit(url, {"list": [mine.public_id, theirs.public_id]})
    assert response.status_code == 422
    assert "Choose among your lists." in response.get_data(as_text=True)
    assert rule_lists(acme.organization_id) == set()


def test_rules_page_only_for_events_the_company_attends(
    fair, make_company, make_event, make_list, login_as, client
):
    organizer, event, acme = fair
    elsewhere = make_event(make_company("Stranger Events"))
    lst = make_list(acme)
    login_as(acme)
    url = f"/events/{elsewhere.public_id}/follow-up"
    assert client.get(url).status_code == 404
    assert client.submit(url, {"list": [lst.public_id]}).status_code == 404
    assert rule_lists(acme.organization_id) == set()


def test_the_organizer_sets_its_own_rules(fair, make_list, login_as, client):
    organizer, event, acme = fair
    lst = make_list(organizer, "Organizer pool")
    login_as(organizer)
    url = f"/events/{event.public_id}/follow-up"
    assert client.submit(url, {"list": [lst.public_id]}).status_code == 302
    assert rule_lists(organizer.organization_id) == {lst.id}
    assert rule_lists(acme.organization_id) == set()
