"""Follow-up lists and entries through the API: reading, adding people, moving them on."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from netcompanion.capture.models import Contact
from netcompanion.extensions import db
from netcompanion.followup import entries as entry_actions
from netcompanion.followup.models import EntryState, ListEntry
from netcompanion.followup.queries import user_today
from netcompanion.webhook.models import WebhookEndpoint, WebhookEvent


def entry_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ListEntry))


def test_lists_with_their_stages_and_archived_ones_apart(make_company, make_list, api_as):
    owner = make_company()
    make_list(owner, "Backend pool")
    archived = make_list(owner, "Old pool")
    entry_actions.set_archived(archived, True)
    db.session.commit()
    api = api_as(owner, "read")
    lists = api.get("/lists").json["lists"]
    assert [lst["name"] for lst in lists] == ["Backend pool"]
    assert [s["name"] for s in lists[0]["stages"]][:2] == ["New", "Contacted"]
    assert lists[0]["stages"][-1]["is_final"] is True
    assert [lst["name"] for lst in api.get("/lists?archived=true").json["lists"]] == ["Old pool"]
    assert api.get("/lists?archived=maybe").status_code == 422
    one = api.get(f"/lists/{archived.public_id}").json["list"]
    assert one["archived"] is True and one["url"].endswith(f"/lists/{archived.public_id}")
    assert api.get("/lists/nope").status_code == 404


def test_entries_with_the_list_pages_filters(
    fair, make_capture, make_list, enlist, make_member, api_as
):
    organizer, event, exhibitor = fair
    colleague = make_member(exhibitor, name="Colleague")
    pool = make_list(exhibitor, "Pool")
    soon, later = (
        make_capture(exhibitor, event, n, met_days_ago=d) for n, d in (("Soon", 30), ("Later", 0))
    )
    enlist(pool, [later], by=exhibitor, owner=colleague)
    enlist(pool, [soon], by=exhibitor)
    nobody = make_capture(exhibitor, event, "Nobody's", met_days_ago=1)
    enlist(pool, [nobody], by=None)
    db.session.execute(
        ListEntry.__table__.update()
        .where(ListEntry.contact_id == nobody.contact_id)
        .values(owner_id=None, next_due_on=None, state=EntryState.PAUSED)
    )
    db.session.commit()
    api = api_as(exhibitor, "read")
    url = f"/lists/{pool.public_id}/entries"

    def names(query=""):
        return [e["contact"]["name"] for e in api.get(url + query).json["entries"]]

    assert names() == ["Soon", "Later", "Nobody's"]  # soonest due first, nothing due last
    assert names(f"?owner={colleague.public_id}") == ["Later"]
    assert names("?owner=none") == ["Nobody's"]
    assert names("?due=overdue") == ["Soon"]
    assert names("?q=LATER") == ["Later"]
    contacted = pool.stages[1]
    assert names(f"?stage={contacted.public_id}") == []
    bad = api.get(url, query_string={"stage": "x", "owner": "y", "due": "never"})
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"stage", "owner", "due"}
    assert api.get("/lists/nope/entries").status_code == 404


def test_adding_a_contact_to_a_list(fair, make_capture, make_list, make_member, api_as):
    organizer, event, exhibitor = fair
    colleague = make_member(exhibitor)
    capture = make_capture(exhibitor, event, "Ana", met_days_ago=3)
    pool = make_list(exhibitor, "Pool")
    api = api_as(exhibitor)
    url = f"/lists/{pool.public_id}/entries"
    added = api.post(url, {"contact": capture.contact.public_id, "owner": colleague.public_id})
    assert added.status_code == 201
    entry = added.json["entry"]
    assert entry["stage"]["name"] == "New" and entry["owner"]["id"] == colleague.public_id
    assert entry["next_due_on"] is not None and entry["state"] == "active"
    assert added.headers["Location"].endswith(f"/api/v1/entries/{entry['id']}")
    again = api.post(url, {"contact": capture.contact.public_id})
    assert again.status_code == 200 and again.json["entry"]["id"] == entry["id"]
    assert entry_count() == 1
    assert api.get(f"/entries/{entry['id']}").json["entry"] == again.json["entry"]


def test_bad_additions_answer_422_and_add_nothing(
    fair, make_capture, make_list, make_company, api_as
):
    organizer, event, exhibitor = fair
    mine = make_capture(exhibitor, event, "Ana").contact
    theirs = Contact(organization_id=organizer.organization_id, name="Theirs")
    db.session.add(theirs)
    pool = make_list(exhibitor, "Pool")
    archived = make_list(exhibitor, "Archived")
    entry_actions.set_archived(archived, True)
    db.session.commit()
    api = api_as(exhibitor)
    url = f"/lists/{pool.public_id}/entries"
    cases = [
        ({}, {"contact"}),
        ({"contact": theirs.public_id}, {"contact"}),
        ({"contact": 5}, {"contact"}),
        ({"contact": mine.public_id, "owner": organizer.public_id}, {"owner"}),
        ({"contact": mine.public_id, "owner": 3}, {"owner"}),
        ({"contact": mine.public_id, "stage": "x"}, {"stage"}),
    ]
    for body, fields in cases:
        answer = api.post(url, body)
        assert answer.status_code == 422, body
        assert set(answer.json["error"]["fields"]) == fields, (body, answer.json)
    frozen = api.post(f"/lists/{archived.public_id}/entries", {"contact": mine.public_id})
    assert frozen.status_code == 422 and "list" in frozen.json["error"]["fields"]
    assert entry_count() == 0


def test_moving_an_entry_on_through_the_service(
    fair, make_capture, make_list, enlist, make_member, api_as
):
    organizer, event, exhibitor = fair
    colleague = make_member(exhibitor)
    pool = make_list(exhibitor, "Pool")
    entry = enlist(pool, [make_capture(exhibitor, event, "Ana", met_days_ago=3)], by=exhibitor)[0]
    api = api_as(exhibitor)
    url = f"/entries/{entry.public_id}"

    hired = next(s for s in pool.stages if s.is_final)
    moved = api.patch(url, {"stage": hired.public_id, "owner": colleague.public_id}).json["entry"]
    assert moved["stage"]["id"] == hired.public_id and moved["next_due_on"] is None
    assert moved["owner"]["id"] == colleague.public_id
    back = api.patch(url, {"stage": pool.stages[0].public_id, "owner": None}).json["entry"]
    assert back["next_due_on"] is not None and back["owner"] is None

    today = user_today(exhibitor)
    until = (today + timedelta(days=10)).isoformat()
    snoozed = api.patch(url, {"snooze_until": until}).json["entry"]
    assert snoozed["snoozed_until"] == until and snoozed["next_due_on"] == until
    woken = api.patch(url, {"snooze_until": None}).json["entry"]
    assert woken["snoozed_until"] is None

    paused = api.patch(url, {"state": "paused"}).json["entry"]
    assert paused["state"] == "paused" and paused["next_due_on"] is None
    assert api.patch(url, {"state": "paused"}).status_code == 200  # already so: no change
    resumed = api.patch(url, {"state": "active"}).json["entry"]
    assert resumed["state"] == "active" and resumed["next_due_on"] is not None
    closed = api.patch(url, {"state": "closed"}).json["entry"]
    assert closed["state"] == "closed"


def test_bad_entry_changes_answer_422_and_change_nothing(
    fair, make_capture, make_list, enlist, api_as
):
    organizer, event, exhibitor = fair
    pool = make_list(exhibitor, "Pool")
    other = make_list(exhibitor, "Other")
    entry = enlist(pool, [make_capture(exhibitor, event, "Ana")], by=exhibitor)[0]
    before = (entry.stage_id, entry.owner_id, entry.state, entry.next_due_on)
    api = api_as(exhibitor)
    url = f"/entries/{entry.public_id}"
    today = date.today()
    cases = [
        ({"state": "merged"}, {"state"}),
        ({"state": ["paused"]}, {"state"}),
        ({"stage": other.stages[1].public_id}, {"stage"}),
        ({"owner": "nobody"}, {"owner"}),
        ({"snooze_until": "soon"}, {"snooze_until"}),
        ({"snooze_until": (today - timedelta(days=1)).isoformat()}, {"snooze_until"}),
        ({"snooze_until": (today + timedelta(days=4000)).isoformat()}, {"snooze_until"}),
        # All or nothing: the stage moves first, then the snooze is refused; neither stays.
        (
            {
                "stage": pool.stages[1].public_id,
                "state": "paused",
                "snooze_until": (today + timedelta(days=3)).isoformat(),
            },
            {"snooze_until"},
        ),
        ({"remove": True}, {"remove"}),
    ]
    for body, fields in cases:
        answer = api.patch(url, body)
        assert answer.status_code == 422, body
        assert set(answer.json["error"]["fields"]) == fields, (body, answer.json)
    db.session.expire_all()
    entry = db.session.get(ListEntry, entry.id)
    assert (entry.stage_id, entry.owner_id, entry.state, entry.next_due_on) == before
    assert api.patch("/entries/nope", {"state": "paused"}).status_code == 404
    assert api.get("/entries/nope").status_code == 404


def test_api_changes_reach_webhook_subscribers_like_page_changes(
    fair, make_capture, make_list, api_as
):
    organizer, event, exhibitor = fair
    db.session.add(
        WebhookEndpoint(
            organization_id=exhibitor.organization_id,
            url="https://crm.example.com/hooks",
            secret="s" * 32,
            topics=["list_entry.added", "list_entry.moved", "capture.updated"],
            enabled=True,
            created_by_id=exhibitor.id,
        )
    )
    capture = make_capture(exhibitor, event, "Ana")
    pool = make_list(exhibitor, "Pool")
    api = api_as(exhibitor)
    entry = api.post(f"/lists/{pool.public_id}/entries", {"contact": capture.contact.public_id})
    api.patch(f"/entries/{entry.json['entry']['id']}", {"stage": pool.stages[2].public_id})
    api.patch(f"/captures/{capture.public_id}", {"rating": "hot"})
    events = db.session.scalars(select(WebhookEvent).order_by(WebhookEvent.id)).all()
    assert [e.topic for e in events] == ["list_entry.added", "list_entry.moved", "capture.updated"]
    assert events[1].payload["stage"]["id"] == pool.stages[2].public_id
    assert events[2].payload["rating"] == "hot"
