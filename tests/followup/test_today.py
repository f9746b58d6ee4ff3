"""The Today view: my due follow-ups, oldest first, with what I need to write to them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from netcompanion.account.models import Role
from netcompanion.dbtypes import utcnow
from netcompanion.extensions import db
from netcompanion.followup import cadence
from netcompanion.followup.models import DueReason, StepAction
from netcompanion.followup.queries import due_entries

from .conftest import days_ago


def test_today_shows_only_my_due_entries_oldest_first(
    fair,
    make_member,
    make_company,
    make_event,
    make_capture,
    make_list,
    enlist,
    login_as,
    client,
    new_client,
):
    organizer, event, acme = fair
    colleague = make_member(acme, name="Colleague Carla")
    lst = make_list(acme, "Backend engineers — nurture")
    # Met 40, 10 and 5 days ago: the thank-you (day 2) of each is overdue by 38, 8 and 3 days.
    oldest = make_capture(acme, event, "Ada Oldest", met_days_ago=40)
    middle = make_capture(acme, event, "Brian Middle", met_days_ago=10)
    newest = make_capture(acme, event, "Chloe Newest", met_days_ago=5)
    not_yet = make_capture(acme, event, "Dora Notyet", met_days_ago=0)
    enlist(lst, [newest, oldest, middle, not_yet], by=acme)
    theirs = make_capture(colleague, event, "Colleague's Person", met_days_ago=20)
    enlist(lst, [theirs], by=colleague)
    archived = make_list(acme, "Archived list")
    enlist(archived, [make_capture(acme, event, "In Archived", met_days_ago=20)], by=acme)
    archived.archived_at = utcnow()
    other = make_company("Other Co")
    other_event = make_event(other)
    other_list = make_list(other, "Other list")
    enlist(other_list, [make_capture(other, other_event, "Other Company Person", met_days_ago=30)])
    db.session.commit()

    login_as(acme)
    page = client.get("/today").get_data(as_text=True)
    assert page.index("Ada Oldest") < page.index("Brian Middle") < page.index("Chloe Newest")
    assert "Overdue by 38 days" in page and "Overdue by 3 days" in page
    for hidden in ("Dora Notyet", "Colleague&#39;s Person", "In Archived", "Other Company Person"):
        assert hidden not in page
    assert "Backend engineers — nurture" in page and "Berlin Tech Careers Fair" in page
    # A recruiter asking for everyone's items still sees only their own.
    carla = new_client()
    login_as(colleague, on=carla)
    theirs_page = carla.get("/today?who=team").get_data(as_text=True)
    assert "Colleague&#39;s Person" in theirs_page and "Ada Oldest" not in theirs_page


def test_owners_can_see_everyones_due_entries(
    fair, make_member, make_capture, make_list, enlist, login_as, client
):
    organizer, event, acme = fair
    recruiter = make_member(acme, Role.RECRUITER, name="Rita Recruiter")
    lst = make_list(acme)
    enlist(lst, [make_capture(recruiter, event, "Rita's Lead", met_days_ago=9)], by=recruiter)
    login_as(acme)
    assert "Rita&#39;s Lead" not in client.get("/today").get_data(as_text=True)
    everyone = client.get("/today?who=team").get_data(as_text=True)
    assert "Rita&#39;s Lead" in everyone and "Rita Recruiter" in everyone


def test_merged_contacts_leave_today(fair, make_capture, make_list, enlist, login_as, client):
    organizer, event, acme = fair
    lst = make_list(acme)
    kept = make_capture(acme, event, "Kept Person", met_days_ago=9)
    gone = make_capture(acme, event, "Merged Away", met_days_ago=9)
    enlist(lst, [kept, gone], by=acme)
    gone.contact.merged_into_id = kept.contact.id
    db.session.commit()
    login_as(acme)
    page = client.get("/today").get_data(as_text=True)
    assert "Kept Person" in page and "Merged Away" not in page


def test_availability_times_a_revisit_shown_with_what_they_said(
    fair, make_capture, make_list, enlist, login_as, client
):
    organizer, event, acme = fair
    # A slow cadence, so the revisit is what comes first.
    lst = make_list(acme, steps=[(180, StepAction.CHECK_IN)], keep_in_touch_days=None)
    capture = make_capture(
        acme, event, "Passive Paula", availability="3_months", met_days_ago=95, rating="hot"
    )
    [entry] = enlist(lst, [capture], by=acme)
    met_on = days_ago(95).date()
    assert entry.revisit_on == cadence.add_months(met_on, 3)
    assert (entry.next_due_on, entry.due_reason) == (entry.revisit_on, DueReason.REVISIT)
    login_as(acme)
    page = client.get("/today").get_data(as_text=True)
    assert "Passive Paula" in page
    assert "Said they could move by now" in page and "Open in about 3 months" in page


def test_each_row_shows_the_last_encounter_and_one_tap_actions(
    fair, make_event, join_event, make_capture, make_list, enlist, login_as, client
):
    organizer, event, acme = fair
    later = make_event(organizer, name="Munich Meetup", starts_on=date.today() - timedelta(days=3))
    join_event(acme, later)
    first = make_capture(acme, event, "Grace Hopper", met_days_ago=30, note="Old note")
    make_capture(
        acme,
        later,
        "Grace Hopper",
        contact=first.contact,
        met_days_ago=3,
        rating="warm",
        tags=("Compilers", "Backend"),
        note="Wants a team lead role in Munich " + "x" * 300,
    )
    lst = make_list(acme, steps=[(2, StepAction.THANK_YOU)])
    [entry] = enlist(lst, [first], by=acme)
    login_as(acme)
    page = client.get("/today").get_data(as_text=True)
    assert "Met at Munich Meetup" in page and "Warm" in page and "Backend, Compilers" in page
    assert "Wants a team lead role in Munich" in page and "x" * 200 not in page
    assert "Old note" not in page
    contact = entry.contact.public_id
    assert f"/contacts/{contact}/message?entry={entry.public_id}" in page
    assert f"/contacts/{contact}/touches?next=/today" in page
    assert 'name="days" value="7"' in page and 'name="days" value="30"' in page
    assert 'value="next_stage"' in page


def test_empty_today_explains_itself_and_counts_the_coming_week(
    fair, make_capture, make_list, enlist, login_as, client
):
    organizer, event, acme = fair
    lst = make_list(acme)
    enlist(lst, [make_capture(acme, event, "Soon Sam", met_days_ago=0)], by=acme)  # due in 2 days
    login_as(acme)
    page = client.get("/today").get_data(as_text=True)
    assert "Nothing is due" in page and "Soon Sam" not in page
    assert "1 more due in the next 7 days." in page


def test_today_is_the_recruiters_own_date(fair, make_capture, make_list, enlist, login_as, client):
    """Kiritimati (UTC+14) and Pago Pago (UTC-11) are always on different dates."""
    organizer, event, acme = fair
    lst = make_list(acme)
    [entry] = enlist(lst, [make_capture(acme, event, "Zoned Zoe")], by=acme)
    east_today = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    entry.next_due_on = east_today
    acme.timezone = "Pacific/Kiritimati"
    db.session.commit()
    assert [e.id for e in db.session.scalars(due_entries(acme, east_today))] == [entry.id]
    login_as(acme)
    assert "Zoned Zoe" in client.get("/today").get_data(as_text=True)
    acme.timezone = "Pacific/Pago_Pago"
    db.session.commit()
    assert "Zoned Zoe" not in client.get("/today").get_data(as_text=True)
