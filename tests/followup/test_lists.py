"""Lists: creating one with the default pipeline, editing stages and cadence, archiving."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from netcompanion.extensions import db
from netcompanion.followup.models import (
    DueReason,
    FollowupList,
    ListEntry,
    ListStage,
    StepAction,
)
from netcompanion.outreach.models import MessageTemplate

from .conftest import days_ago


def edit_data(lst: FollowupList, blank_stages: int = 1, blank_steps: int = 1) -> dict:
    """The edit form as the page fills it: every stage and step, plus blank rows."""
    data = {
        "name": lst.name,
        "description": lst.description,
        "keep_in_touch_days": str(lst.keep_in_touch_days or ""),
    }
    for i, stage in enumerate(lst.stages):
        data |= {
            f"stages-{i}-key": stage.public_id,
            f"stages-{i}-name": stage.name,
            f"stages-{i}-position": str(i + 1),
            f"stages-{i}-move_to": "",
        }
        if stage.is_final:
            data[f"stages-{i}-final"] = "y"
    for j in range(blank_stages):
        i = len(lst.stages) + j
        data |= {f"stages-{i}-key": "", f"stages-{i}-name": "", f"stages-{i}-position": str(i + 1)}
    for i, step in enumerate(lst.steps):
        data |= {
            f"steps-{i}-key": step.public_id,
            f"steps-{i}-offset_days": str(step.offset_days),
            f"steps-{i}-action": step.action.value,
            f"steps-{i}-template": "",
        }
    for j in range(blank_steps):
        i = len(lst.steps) + j
        data |= {f"steps-{i}-key": "", f"steps-{i}-offset_days": "", f"steps-{i}-action": "call"}
    return data


def shape(lst: FollowupList) -> tuple:
    """Everything the edit page can change, to prove a refused edit changed nothing."""
    db.session.expire_all()
    lst = db.session.get(FollowupList, lst.id)
    return (
        lst.name,
        lst.description,
        lst.keep_in_touch_days,
        [(s.public_id, s.name, s.position, s.is_final) for s in lst.stages],
        [(s.public_id, s.offset_days, s.action, s.template_id) for s in lst.steps],
        sorted(
            (e.stage_id, e.next_due_on)
            for e in db.session.scalars(select(ListEntry).where(ListEntry.list_id == lst.id))
        ),
    )


def stage_named(lst: FollowupList, name: str) -> ListStage:
    return next(s for s in lst.stages if s.name == name)


def test_new_list_starts_with_the_default_pipeline_and_cadence(fair, login_as, client):
    organizer, event, acme = fair
    login_as(acme)
    assert client.get("/lists/new").status_code == 200
    response = client.submit(
        "/lists/new", {"name": "  Backend engineers — nurture ", "description": "Go and Rust"}
    )
    assert response.status_code == 302
    lst = db.session.scalars(select(FollowupList)).one()
    assert response.location.endswith(f"/lists/{lst.public_id}")
    assert lst.name == "Backend engineers — nurture"
    assert [(s.name, s.is_final) for s in lst.stages] == [
        ("New", False),
        ("Contacted", False),
        ("Engaged", False),
        ("Interviewing", False),
        ("Hired", True),
        ("Not now", True),
    ]
    assert [(s.offset_days, s.action) for s in lst.steps] == [
        (2, StepAction.THANK_YOU),
        (30, StepAction.CHECK_IN),
        (90, StepAction.SHARE),
    ]
    assert lst.keep_in_touch_days == 90
    page = client.get(f"/lists/{lst.public_id}").get_data(as_text=True)
    assert "Backend engineers — nurture" in page and "Nobody in this list yet" in page


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_a_list_needs_a_short_name(fair, login_as, client, name):
    organizer, event, acme = fair
    login_as(acme)
    response = client.submit("/lists/new", {"name": name, "description": "kept"})
    assert response.status_code == 422
    assert "kept" in response.get_data(as_text=True)
    assert db.session.scalars(select(FollowupList)).all() == []


def test_lists_page_counts_people_per_stage_and_due_today(
    fair, make_capture, make_list, enlist, login_as, client
):
    organizer, event, acme = fair
    lst = make_list(acme, "Data people")
    enlist(lst, [make_capture(acme, event, met_days_ago=9) for _ in range(3)], by=acme)
    enlist(lst, [make_capture(acme, event, met_days_ago=0)], by=acme)
    login_as(acme)
    page = client.get("/lists").get_data(as_text=True)
    assert "Data people" in page and "New <strong>4</strong>" in page and "3 due" in page


def test_edit_renames_reorders_and_adds_stages_and_rewrites_the_cadence(
    fair, make_capture, make_list, enlist, login_as, client
):
    organizer, event, acme = fair
    lst = make_list(acme, "Pool")
    [entry] = enlist(lst, [make_capture(acme, event, "Ada", met_days_ago=10)], by=acme)
    assert entry.next_due_on == days_ago(8).date()  # thank-you at day 2
    template = MessageTemplate(
        organization_id=acme.organization_id, name="Check-in", subject="Hi", body="Hi"
    )
    db.session.add(template)
    db.session.commit()
    login_as(acme)
    url = f"/lists/{lst.public_id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'name="stages-0-name"' in page and 'value="Interviewing"' in page
    data = edit_data(lst)
    data |= {
        "name": "Pool — renamed",
        "keep_in_touch_days": "",
        "stages-1-name": "Reached out",  # Contacted
        "stages-2-position": "4",  # Engaged after Interviewing
        "stages-3-position": "3",
        "stages-6-name": "Offer",  # a new stage, placed before Hired
        "stages-6-position": "5",
        "steps-0-offset_days": "14",
        "steps-1-template": template.public_id,
        "steps-3-offset_days": "120",  # the blank row: a fourth step
        "steps-3-action": "call",
    }
    response = client.submit(url, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    lst = db.session.get(FollowupList, lst.id)
    assert lst.name == "Pool — renamed" and lst.keep_in_touch_days is None
    assert [s.name for s in lst.stages] == [
        "New",
        "Reached out",
        "Interviewing",
        "Engaged",
        "Offer",
        "Hired",
        "Not now",
    ]
    assert [(s.offset_days, s.action) for s in lst.steps] == [
        (14, StepAction.THANK_YOU),
        (30, StepAction.CHECK_IN),
        (90, StepAction.SHARE),
        (120, StepAction.CALL),
    ]
    assert lst.steps[1].template_id == template.id
    # The entry's due date follows the new first step: 14 days after the meeting.
    entry = db.session.get(ListEntry, entry.id)
    assert (entry.next_due_on, entry.due_reason) == (
        days_ago(10).date() + timedelta(14),
        DueReason.STEP,
    )


def test_deleting_a_stage_with_people_asks_where_they_go(
    fair, make_capture, make_list, enlist, login_as, client
):
    organizer, event, acme = fair
    lst = make_list(acme)
    enlist(lst, [make_capture(acme, event, met_days_ago=1) for _ in range(2)], by=acme)
    before = shape(lst)
    login_as(acme)
    url = f"/lists/{lst.public_id}/edit"
    data = edit_data(lst) | {"stages-2-delete": "y", "stages-0-delete": "y"}  # Engaged, New
    # New has both people: the page asks where they go, and nothing is saved meanwhile.
    response = client.submit(url, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "2 people are in New: choose a stage to move them to, or keep it." in page
    assert "Nothing was saved" in page
    assert shape(lst) == before
    contacted = stage_named(lst, "Contacted")
    response = client.submit(url, data | {"stages-0-move_to": contacted.public_id})
    assert response.status_code == 302
    db.session.expire_all()
    lst = db.session.get(FollowupList, lst.id)
    assert [s.name for s in lst.stages] == ["Contacted", "Interviewing", "Hired", "Not now"]
    stages = {e.stage_id for e in db.session.scalars(select(ListEntry))}
    assert stages == {contacted.id}


def test_moving_people_out_of_a_final_stage_makes_them_due_again(
    fair, make_capture, make_list, enlist, login_as, client
):
    organizer, event, acme = fair
    lst = make_list(acme)
    [entry] = enlist(lst, [make_capture(acme, event, met_days_ago=5)], by=acme)
    hired = stage_named(lst, "Hired")
    entry.stage_id = hired.id
    entry.next_due_on = None
    db.session.commit()
    login_as(acme)
    data = edit_data(lst)
    del data["stages-4-final"]  # Hired is no longer final
    assert client.submit(f"/lists/{lst.public_id}/edit", data).status_code == 302
    assert db.session.get(ListEntry, entry.id).next_due_on == days_ago(3).date()


BAD_EDITS = {
    "duplicate stage names": (
        {"stages-1-name": "new"},
        "Two stages cannot have the same name.",
    ),
    "an existing stage left without a name": (
        {"stages-2-name": "  "},
        "Give the stage a name, or tick Delete.",
    ),
    "a stage name too long": ({"stages-2-name": "x" * 61}, "Field cannot be longer than 60"),
    "offsets that do not grow": (
        {"steps-1-offset_days": "2"},
        "Each step comes after the one before: more than 2 days.",
    ),
    "offsets in the wrong order": (
        {"steps-2-offset_days": "10"},
        "Each step comes after the one before: more than 30 days.",
    ),
    "an offset beyond ten years": ({"steps-2-offset_days": "3651"}, "Between 0 and 3650 days."),
    "an offset that is not a number": ({"steps-0-offset_days": "soon"}, "Not a valid integer"),
    "a step action that does not exist": ({"steps-0-action": "dance"}, "Choose what to do"),
    "another company's template": ({"steps-0-template": "nope"}, "Choose one of your message"),
    "keep in touch for zero days": ({"keep_in_touch_days": "0"}, "Between 1 and 3650 days."),
    "every stage final": (
        {f"stages-{i}-final": "y" for i in range(4)},
        "Keep at least one stage that is not final",
    ),
    "deleting the last stage that is not final": (
        {f"stages-{i}-delete": "y" for i in range(4)},
        "Keep at least one stage that is not final",
    ),
    "a final stage first": (
        {"stages-4-position": "1"},
        "New people join the first stage, so it cannot be final.",
    ),
    "an empty name": ({"name": ""}, "Give the list a name."),
    "a stage of another list": ({"stages-0-key": "someone-elses"}, "Reload the page"),
}


@pytest.mark.parametrize("change", BAD_EDITS.values(), ids=BAD_EDITS.keys())
def test_bad_edits_say_why_and_write_nothing(
    fair, make_capture, make_list, enlist, login_as, client, change
):
    organizer, event, acme = fair
    lst = make_list(acme, "Untouched")
    enlist(lst, [make_capture(acme, event, met_days_ago=3)], by=acme)
    before = shape(lst)
    values, message = change
    login_as(acme)
    data = edit_data(lst) | {"stages-5-name": "Brand new stage"} | values
    response = client.submit(f"/lists/{lst.public_id}/edit", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "Brand new stage" in page  # the user's input is kept
    assert shape(lst) == before


def test_archiving_hides_a_list_and_its_people_from_today(
    fair, make_capture, make_list, enlist, login_as, client
):
    organizer, event, acme = fair
    lst = make_list(acme, "Old pool")
    enlist(lst, [make_capture(acme, event, "Archived Arlo", met_days_ago=9)], by=acme)
    login_as(acme)
    assert "Archived Arlo" in client.get("/today").get_data(as_text=True)
    archived = client.submit(f"/lists/{lst.public_id}/archive", follow_redirects=True)
    assert "Old pool is archived" in archived.get_data(as_text=True)
    assert "Old pool" not in client.get("/lists").get_data(as_text=True)
    assert "Old pool" in client.get("/lists?archived=1").get_data(as_text=True)
    assert "Archived Arlo" not in client.get("/today").get_data(as_text=True)
    assert client.submit(f"/lists/{lst.public_id}/unarchive").status_code == 302
    assert "Archived Arlo" in client.get("/today").get_data(as_text=True)


def test_another_companys_list_is_not_found(fair, make_company, make_list, login_as, client):
    organizer, event, acme = fair
    theirs = make_list(make_company("Rival"), "Rival pool")
    login_as(acme)
    assert client.get(f"/lists/{theirs.public_id}").status_code == 404
    assert client.get(f"/lists/{theirs.public_id}/edit").status_code == 404
    assert client.submit(f"/lists/{theirs.public_id}/archive").status_code == 404
    assert db.session.get(FollowupList, theirs.id).archived_at is None
