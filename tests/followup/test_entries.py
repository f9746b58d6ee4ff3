"""Entry actions: snooze, pause, resume, close, move on, stage, owner, remove."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from netcompanion.extensions import db
from netcompanion.followup.models import DueReason, EntryState, ListEntry

from .conftest import days_ago


@pytest.fixture
def entry(fair, make_capture, make_list, enlist):
    """Ada, met 10 days ago, in a default list: her thank-you (day 2) is 8 days overdue."""
    organizer, event, acme = fair
    lst = make_list(acme, "Pool")
    [entry] = enlist(lst, [make_capture(acme, event, "Ada Lovelace", met_days_ago=10)], by=acme)
    assert (entry.next_due_on, entry.due_reason) == (days_ago(8).date(), DueReason.STEP)
    return entry


def act(client, entry, action, **values):
    return client.submit(f"/entries/{entry.public_id}", {"action": action, **values})


def reloaded(entry) -> ListEntry:
    db.session.expire_all()
    return db.session.get(ListEntry, entry.id)


def local_today(zone: str):
    return datetime.now(ZoneInfo(zone)).date()


def test_snooze_for_days_or_until_a_date_in_my_time_zone(fair, entry, login_as, client):
    organizer, event, acme = fair
    acme.timezone = "Pacific/Kiritimati"  # UTC+14: often already tomorrow
    db.session.commit()
    login_as(acme)
    response = act(client, entry, "snooze", days="7")
    assert response.status_code == 302
    assert response.location.endswith(f"/lists/{entry.list.public_id}")
    snoozed = reloaded(entry)
    today = local_today("Pacific/Kiritimati")
    assert (snoozed.next_due_on, snoozed.due_reason) == (today + timedelta(7), DueReason.SNOOZE)
    until = today + timedelta(days=40)
    assert act(client, entry, "snooze", until=until.isoformat()).status_code == 302
    assert reloaded(entry).next_due_on == until
    # "Today" in the recruiter's zone is not the future.
    act(client, entry, "snooze", until=today.isoformat())
    assert reloaded(entry).next_due_on == until


def test_pause_resume_close(fair, entry, login_as, client):
    organizer, event, acme = fair
    login_as(acme)
    act(client, entry, "pause")
    paused = reloaded(entry)
    assert (paused.state, paused.next_due_on) == (EntryState.PAUSED, None)
    act(client, entry, "resume")
    resumed = reloaded(entry)
    assert (resumed.state, resumed.next_due_on) == (EntryState.ACTIVE, days_ago(8).date())
    act(client, entry, "snooze", days="3")
    act(client, entry, "close")
    closed = reloaded(entry)
    assert (closed.state, closed.next_due_on) == (EntryState.CLOSED, None)
    # Resuming forgets a snooze set before: the cadence decides again.
    act(client, entry, "resume")
    assert reloaded(entry).next_due_on == days_ago(8).date()


def test_moving_on_into_a_final_stage_ends_the_follow_up(fair, entry, login_as, client):
    organizer, event, acme = fair
    login_as(acme)
    stages = {s.name: s for s in entry.list.stages}
    act(client, entry, "next_stage")
    assert reloaded(entry).stage_id == stages["Contacted"].id
    assert reloaded(entry).next_due_on == days_ago(8).date()
    act(client, entry, "stage", stage=stages["Interviewing"].public_id)
    act(client, entry, "next_stage")  # into Hired, a final stage
    hired = reloaded(entry)
    assert (hired.stage_id, hired.next_due_on, hired.due_reason) == (stages["Hired"].id, None, None)
    act(client, entry, "next_stage")
    act(client, entry, "next_stage")  # already in the last stage
    page = client.get(f"/lists/{entry.list.public_id}").get_data(as_text=True)
    assert "is already in the last stage." in page
    assert reloaded(entry).stage_id == stages["Not now"].id


def test_owner_can_be_a_teammate_or_nobody(fair, entry, make_member, login_as, client):
    organizer, event, acme = fair
    colleague = make_member(acme, name="Colleague Carla")
    login_as(acme)
    act(client, entry, "owner", owner=colleague.public_id)
    assert reloaded(entry).owner_id == colleague.id
    act(client, entry, "owner", owner="")
    assert reloaded(entry).owner_id is None


def test_remove_deletes_the_entry_and_goes_back_where_asked(fair, entry, login_as, client):
    organizer, event, acme = fair
    login_as(acme)
    response = client.submit(f"/entries/{entry.public_id}?next=/today", {"action": "remove"})
    assert response.status_code == 302 and response.location.endswith("/today")
    assert db.session.scalars(select(ListEntry)).all() == []


BAD_ACTIONS = {
    "snooze for no days": ("snooze", {"days": "0"}, "Snooze for 1 to 365 days."),
    "snooze for too long": ("snooze", {"days": "366"}, "Snooze for 1 to 365 days."),
    "snooze for words": ("snooze", {"days": "soon"}, "Snooze for 1 to 365 days."),
    "snooze into the past": ("snooze", {"until": "2020-01-01"}, "Choose a date after today"),
    "snooze until nonsense": ("snooze", {"until": "31/01/2030"}, "Give the date to snooze"),
    "snooze without saying how long": ("snooze", {}, "Say for how many days"),
    "snooze beyond ten years": ("snooze", {"until": "2999-01-01"}, "within the next ten years"),
    "a stage of another list": ("stage", {"stage": "elsewhere"}, "Choose one of this list"),
    "an owner from nowhere": ("owner", {"owner": "stranger"}, "Choose a member of your team"),
    "resume an active entry": ("resume", {}, "is already active."),
    "an unknown action": ("explode", {}, "That action is not one this page offers."),
}


@pytest.mark.parametrize("bad", BAD_ACTIONS.values(), ids=BAD_ACTIONS.keys())
def test_bad_actions_say_why_and_change_nothing(fair, entry, login_as, client, bad):
    organizer, event, acme = fair
    action, values, message = bad
    before = (entry.state, entry.stage_id, entry.owner_id, entry.next_due_on, entry.snoozed_until)
    login_as(acme)
    response = act(client, entry, action, **values)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert message in page
    after = reloaded(entry)
    assert (
        after.state,
        after.stage_id,
        after.owner_id,
        after.next_due_on,
        after.snoozed_until,
    ) == (before)


def test_members_and_stages_of_another_company_are_refused(
    fair, entry, make_company, make_list, login_as, client
):
    organizer, event, acme = fair
    rival = make_company("Rival")
    rival_list = make_list(rival)
    login_as(acme)
    act(client, entry, "owner", owner=rival.public_id)
    act(client, entry, "stage", stage=rival_list.stages[1].public_id)
    after = reloaded(entry)
    assert (after.owner_id, after.stage_id) == (acme.id, entry.list.stages[0].id)


def test_next_must_be_a_local_path(fair, entry, login_as, client):
    organizer, event, acme = fair
    login_as(acme)
    response = client.submit(
        f"/entries/{entry.public_id}?next=//evil.example/x", {"action": "pause"}
    )
    assert response.location.endswith(f"/lists/{entry.list.public_id}")


def test_list_page_filters_by_stage_owner_due_and_name(
    fair, make_member, make_capture, make_list, enlist, login_as, client
):
    organizer, event, acme = fair
    carla = make_member(acme, name="Colleague Carla")
    lst = make_list(acme, "Pool")
    overdue, today, later = (
        make_capture(acme, event, "Overdue Olga", met_days_ago=9),
        make_capture(acme, event, "Today Tariq", met_days_ago=2),
        make_capture(acme, event, "Later Lena", met_days_ago=0),
    )
    enlist(lst, [overdue, today, later], by=acme)
    [hers] = enlist(lst, [make_capture(carla, event, "Carla's Chris", met_days_ago=1)], by=carla)
    contacted = lst.stages[1]
    hers.stage_id = contacted.id
    db.session.commit()
    login_as(acme)
    base = f"/lists/{lst.public_id}"

    def names(query: str) -> set[str]:
        page = client.get(base + query).get_data(as_text=True)
        everyone = {"Overdue Olga", "Today Tariq", "Later Lena", "Carla&#39;s Chris"}
        return {name for name in everyone if name in page}

    assert names("") == {"Overdue Olga", "Today Tariq", "Later Lena", "Carla&#39;s Chris"}
    assert names(f"?stage={contacted.public_id}") == {"Carla&#39;s Chris"}
    assert names(f"?owner={carla.public_id}") == {"Carla&#39;s Chris"}
    assert names("?due=overdue") == {"Overdue Olga"}
    assert names("?due=today") == {"Today Tariq"}
    assert names("?due=week") == {"Overdue Olga", "Today Tariq", "Later Lena", "Carla&#39;s Chris"}
    assert names("?q=TARIQ") == {"Today Tariq"}
    assert names("?q=%25") == set()  # a % is a character to find, not a wildcard
    page = client.get(base + "?due=overdue").get_data(as_text=True)
    assert "Overdue by 7 days" in page and "New <strong>1</strong>" in page
    # Junk in filters is ignored, never an error.
    assert client.get(base + "?stage=x&owner=y&due=z&page=-2").status_code == 200
