"""What the follow-up pages change: entry actions, list editing, bulk adds and event rules.

Built on ``service`` and ``cadence``: these add the checks a page needs before writing. Every
function checks everything first and raises ``Rejected`` (or ``Problems``) before its first
write, so bad input never leaves half a change behind. Functions flush; views commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload

from ..account.models import User
from ..capture import queries as capture_queries
from ..capture.models import Capture
from ..contact.matching import fold
from ..dbtypes import utcnow
from ..exceptions import Rejected
from ..extensions import db
from ..outreach.models import MessageTemplate
from ..scoping import scoped
from ..webhook import changes as webhooks
from . import service
from .models import (
    CadenceStep,
    EntryState,
    EventListRule,
    FollowupList,
    ListEntry,
    ListStage,
    StepAction,
)

#: Entry actions the list page and the Today view post (``followup.entry_update``).
ACTIONS = ("snooze", "pause", "resume", "close", "next_stage", "stage", "owner", "remove")
MAX_SNOOZE_DAYS = 365
#: The furthest a cadence step, a keep-in-touch interval or a snooze date may lie ahead.
MAX_DAYS = 3650
MAX_STAGES = 20
MAX_STEPS = 20
MAX_STAGE_NAME = 60


# Entry actions --------------------------------------------------------------------------------


def entry_or_none(org_id: int, public_id: str) -> ListEntry | None:
    """The company's entry with its list's stages and steps, which every action reads."""
    return db.session.scalars(
        scoped(ListEntry, org_id)
        .where(ListEntry.public_id == public_id)
        .options(
            joinedload(ListEntry.contact),
            selectinload(ListEntry.list).selectinload(FollowupList.stages),
            selectinload(ListEntry.list).selectinload(FollowupList.steps),
        )
    ).first()


def update_entry(entry: ListEntry, action: str, values: Mapping[str, str], today: date) -> str:
    """Apply one action from an entry's row and say what happened; ``Rejected`` if it cannot."""
    if action not in ACTIONS:
        raise Rejected(_("That action is not one this page offers. Reload it and try again."))
    if entry.state is EntryState.MERGED and action != "remove":
        raise Rejected(
            _("This person was merged into another contact: follow them up on that contact.")
        )
    name = entry.contact.name or entry.contact.email or _("This person")
    if action == "snooze":
        until = snooze_date(values.get("days", ""), values.get("until", ""), today)
        if entry.state is not EntryState.ACTIVE:
            raise Rejected(_("Only active entries can be snoozed. Resume this one first."))
        service.snooze(entry, until)
        message = _("%(name)s is snoozed until %(date)s.", name=name, date=format_date(until))
    elif action == "pause":
        if entry.state is not EntryState.ACTIVE:
            raise Rejected(_("Only an active entry can be paused."))
        service.pause(entry)
        message = _("Paused %(name)s: nothing is due until you resume.", name=name)
    elif action == "resume":
        if entry.state is EntryState.ACTIVE:
            raise Rejected(_("%(name)s is already active.", name=name))
        service.resume(entry)
        message = _("%(name)s is active again.", name=name)
    elif action == "close":
        if entry.state is EntryState.CLOSED:
            raise Rejected(_("%(name)s is already closed.", name=name))
        service.close(entry)
        message = _("Closed %(name)s in this list.", name=name)
    elif action == "next_stage":
        stage = service.next_stage(entry)
        if stage is None:
            raise Rejected(_("%(name)s is already in the last stage.", name=name))
        service.move_to_stage(entry, stage)
        message = _("Moved %(name)s on to %(stage)s.", name=name, stage=stage.name)
    elif action == "stage":
        wanted = values.get("stage", "")
        stage = next((s for s in entry.list.stages if s.public_id == wanted), None)
        if stage is None:
            raise Rejected(_("Choose one of this list's stages."))
        service.move_to_stage(entry, stage)
        message = _("Moved %(name)s to %(stage)s.", name=name, stage=stage.name)
    elif action == "owner":
        owner = member_or_none(entry.organization_id, values.get("owner", ""))
        if owner is False:
            raise Rejected(_("Choose a member of your team, or nobody."))
        entry.owner_id = owner.id if owner else None
        message = (
            _("%(member)s now follows up %(name)s.", member=owner.name, name=name)
            if owner
            else _("Nobody follows up %(name)s now.", name=name)
        )
    else:  # remove
        message = _("Removed %(name)s from %(list)s.", name=name, list=entry.list.name)
        db.session.delete(entry)
    db.session.flush()
    return message


def snooze_date(days: str, until: str, today: date) -> date:
    """The date a snooze ends: ``days`` from today (1–365), or ``until`` a date after today."""
    days, until = (days or "").strip(), (until or "").strip()
    if days:
        try:
            count = int(days)
        except ValueError:
            count = 0
        if not 1 <= count <= MAX_SNOOZE_DAYS:
            raise Rejected(_("Snooze for 1 to %(max)d days.", max=MAX_SNOOZE_DAYS))
        return today + timedelta(days=count)
    if until:
        try:
            day = date.fromisoformat(until)
        except ValueError:
            raise Rejected(_("Give the date to snooze until, such as 2030-01-31.")) from None
        if day <= today:
            raise Rejected(_("Choose a date after today to snooze until."))
        if day > today + timedelta(days=MAX_DAYS):
            raise Rejected(_("Choose a date within the next ten years."))
        return day
    raise Rejected(_("Say for how many days, or until which date, to snooze."))


def member_or_none(org_id: int, public_id: str) -> User | None | bool:
    """The current member with this public id; None for "" (nobody); False when no such member."""
    if not public_id:
        return None
    member = db.session.scalars(
        scoped(User, org_id).where(User.public_id == public_id, User.removed_at.is_(None))
    ).first()
    return member if member is not None else False


# Editing a list -------------------------------------------------------------------------------


class Problems(Exception):
    """What is wrong with an edit, by form field id (``stages-2-name``); "" for the whole form."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass
class StageRow:
    """One row of the stage editor. ``public_id`` is "" for a row that adds a stage."""

    public_id: str
    name: str
    position: int | None
    final: bool
    delete: bool
    #: Where the people of a deleted stage go: the public id of a stage that stays.
    move_to: str = ""


@dataclass
class StepRow:
    """One row of the cadence editor, in order. ``public_id`` is "" for a new step."""

    public_id: str
    offset_days: int | None
    action: str
    template: str
    delete: bool


@dataclass
class ListDetails:
    name: str
    description: str
    keep_in_touch_days: int | None


def check_list(
    lst: FollowupList, details: ListDetails, stage_rows: list[StageRow], step_rows: list[StepRow]
) -> dict[str, str]:
    """What is wrong with an edit of the list, without changing anything."""
    return _plan(lst, details, stage_rows, step_rows)[0]


def update_list(
    lst: FollowupList, details: ListDetails, stage_rows: list[StageRow], step_rows: list[StepRow]
) -> None:
    """Save the edit page: details, stages and cadence, then reschedule every entry."""
    problems, stages, moves, steps = _plan(lst, details, stage_rows, step_rows)
    if problems:
        raise Problems(problems)

    lst.name, lst.description = details.name, details.description
    lst.keep_in_touch_days = details.keep_in_touch_days
    moving = webhooks.entries_in_stages(lst.organization_id, lst.id, [f for f, _t in moves])
    for from_id, to_id in moves:
        db.session.execute(
            update(ListEntry)
            .where(ListEntry.list_id == lst.id, ListEntry.stage_id == from_id)
            .values(stage_id=to_id),
            execution_options={"synchronize_session": False},
        )
    kept_stages = []
    for position, (row, stage) in enumerate(stages):
        stage = stage or ListStage()
        stage.position, stage.name, stage.is_final = position, row.name.strip(), row.final
        kept_stages.append(stage)
    kept_steps = []
    for position, (row, step, template) in enumerate(steps):
        step = step or CadenceStep()
        step.position, step.offset_days = position, row.offset_days
        step.action, step.template = StepAction(row.action), template
        kept_steps.append(step)
    lst.stages = kept_stages  # stages and steps left out are deleted: delete-orphan
    lst.steps = kept_steps
    db.session.flush()
    service.reschedule_list(lst)
    webhooks.entries_moved(lst.organization_id, moving)


def _plan(lst, details, stage_rows, step_rows):
    problems: dict[str, str] = {}
    _check_details(details, problems)
    stages, moves = _plan_stages(lst, stage_rows, problems)
    steps = _plan_steps(lst, step_rows, problems)
    return problems, stages, moves, steps


def _check_details(details: ListDetails, problems: dict[str, str]) -> None:
    if not details.name.strip():
        problems["name"] = _("Give the list a name.")
    elif len(details.name) > 120:
        problems["name"] = _("Use at most 120 characters.")
    days = details.keep_in_touch_days
    if days is not None and not 1 <= days <= MAX_DAYS:
        problems["keep_in_touch_days"] = _(
            "Between 1 and %(max)d days, or leave it empty to stop after the cadence.", max=MAX_DAYS
        )


def _reload_problem(problems: dict[str, str]) -> None:
    problems[""] = _("The list changed while you were editing it. Reload the page and try again.")


def _plan_stages(
    lst: FollowupList, rows: list[StageRow], problems: dict[str, str]
) -> tuple[list[tuple[StageRow, ListStage | None]], list[tuple[int, int]]]:
    """The stages to keep, in order (None: a new one), and (from, to) stage id moves."""
    existing = {stage.public_id: stage for stage in lst.stages}
    seen: set[str] = set()
    kept: list[tuple[int, StageRow, ListStage | None]] = []
    deleted: list[tuple[int, StageRow, ListStage]] = []
    for index, row in enumerate(rows):
        stage = None
        if row.public_id:
            stage = existing.get(row.public_id)
            if stage is None or row.public_id in seen:
                _reload_problem(problems)
                continue
            seen.add(row.public_id)
        elif not row.name.strip() or row.delete:
            continue  # a blank row for adding a stage
        if row.delete:
            deleted.append((index, row, stage))
            continue
        name = row.name.strip()
        if not name:
            problems[f"stages-{index}-name"] = _("Give the stage a name, or tick Delete.")
        elif len(name) > MAX_STAGE_NAME:
            problems[f"stages-{index}-name"] = _("Use at most %(max)d characters.", max=60)
        kept.append((index, row, stage))
    if set(existing) - seen:
        _reload_problem(problems)
    if len(kept) > MAX_STAGES:
        problems[""] = _("A list can have at most %(max)d stages.", max=MAX_STAGES)

    names: set[str] = set()
    for index, row, _stage in kept:
        key = fold(row.name.strip())
        if key and key in names:
            problems[f"stages-{index}-name"] = _("Two stages cannot have the same name.")
        names.add(key)

    kept.sort(key=_order)
    if not any(not row.final for _i, row, _s in kept):
        problems["stages"] = _(
            "Keep at least one stage that is not final: it is where people are followed up."
        )
    elif kept[0][1].final:
        problems[f"stages-{kept[0][0]}-final"] = _(
            "New people join the first stage, so it cannot be final. "
            "Put a stage that is not final first."
        )

    counts = _entries_per_stage(lst.id) if deleted else {}
    staying = {stage.public_id: stage for _i, _r, stage in kept if stage is not None}
    moves: list[tuple[int, int]] = []
    for index, row, stage in deleted:
        people = counts.get(stage.id, 0)
        if not people:
            continue
        target = staying.get(row.move_to)
        if target is None:
            problems[f"stages-{index}-move_to"] = ngettext(
                "%(num)d person is in %(stage)s: choose a stage to move them to, or keep it.",
                "%(num)d people are in %(stage)s: choose a stage to move them to, or keep it.",
                people,
                stage=stage.name,
            )
        else:
            moves.append((stage.id, target.id))

    return [(row, stage) for _index, row, stage in kept], moves


def _order(item: tuple[int, StageRow, ListStage | None]) -> tuple[int, int, int]:
    """Stages by the position typed. The page numbers rows 1, 2, 3...; on a tie, a row given
    a new number goes first, so typing 2 puts a stage at place 2. Rows without one go last."""
    index, row, _stage = item
    if row.position is None:
        return (10**6, 1, index)
    return (row.position, 0 if row.position != index + 1 else 1, index)


def _entries_per_stage(list_id: int) -> dict[int, int]:
    rows = db.session.execute(
        select(ListEntry.stage_id, func.count())
        .where(ListEntry.list_id == list_id)
        .group_by(ListEntry.stage_id)
    )
    return {stage_id: count for stage_id, count in rows}


def _plan_steps(
    lst: FollowupList, rows: list[StepRow], problems: dict[str, str]
) -> list[tuple[StepRow, CadenceStep | None, MessageTemplate | None]]:
    """The cadence to keep, in the rows' order (None: a new step); offsets must grow."""
    existing = {step.public_id: step for step in lst.steps}
    templates = {
        t.public_id: t for t in db.session.scalars(scoped(MessageTemplate, lst.organization_id))
    }
    seen: set[str] = set()
    planned: list[tuple[int, StepRow, CadenceStep | None]] = []
    previous: int | None = None
    for index, row in enumerate(rows):
        step = None
        if row.public_id:
            step = existing.get(row.public_id)
            if step is None or row.public_id in seen:
                _reload_problem(problems)
                continue
            seen.add(row.public_id)
        elif row.offset_days is None:
            continue  # a blank row for adding a step
        if row.delete:
            continue
        key = f"steps-{index}"
        offset = row.offset_days
        if offset is None:
            problems[f"{key}-offset_days"] = _("Enter after how many days, or tick Delete.")
        elif not 0 <= offset <= MAX_DAYS:
            problems[f"{key}-offset_days"] = _("Between 0 and %(max)d days.", max=MAX_DAYS)
        elif previous is not None and offset <= previous:
            problems[f"{key}-offset_days"] = _(
                "Each step comes after the one before: more than %(days)d days.", days=previous
            )
        else:
            previous = offset
        if row.action not in {a.value for a in StepAction}:
            problems[f"{key}-action"] = _("Choose what to do at this step.")
        if row.template and row.template not in templates:
            problems[f"{key}-template"] = _("Choose one of your message templates, or none.")
        planned.append((index, row, step))
    if set(existing) - seen:
        _reload_problem(problems)
    if len(planned) > MAX_STEPS:
        problems["steps"] = _("A cadence can have at most %(max)d steps.", max=MAX_STEPS)
    return [(row, step, templates.get(row.template)) for _index, row, step in planned]


def set_archived(lst: FollowupList, archived: bool) -> None:
    lst.archived_at = utcnow() if archived else None
    db.session.flush()


# Adding people in bulk, and event rules ---------------------------------------------------------


def add_captures(
    lst: FollowupList, org_id: int, filters: capture_queries.Filters, user: User
) -> tuple[int, int]:
    """Put the people of every capture matching the filters in the list, not just one page's.

    Returns (joined, already there). A person captured twice joins once, timed by the latest
    capture.
    """
    if lst.archived_at is not None:
        raise Rejected(_("This list is archived. Unarchive it to add people."))
    rows = db.session.execute(
        capture_queries.captures(org_id, filters).with_only_columns(
            Capture.id,
            Capture.contact_id,
            Capture.captured_at,
            Capture.availability,
            Capture.captured_by_id,
        )
    ).all()
    candidates = [service.candidate_from_capture(row) for row in rows]
    people = len({candidate.contact_id for candidate in candidates})
    added = service.add_entries(lst, candidates, user.id)
    return added, people - added


def rule_list_ids(org_id: int, event_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(EventListRule.list_id).where(
                EventListRule.organization_id == org_id, EventListRule.event_id == event_id
            )
        )
    )


def set_rules(user: User, event_id: int, offered: list[FollowupList], chosen: set[int]) -> None:
    """Make the lists ``chosen`` (ids, among ``offered``) the ones that take the event's captures.

    Rules for lists not offered (archived ones) stay as they are.
    """
    org_id = user.organization_id
    offered_ids = {lst.id for lst in offered}
    if not chosen <= offered_ids:
        raise Rejected(_("Choose among your lists. Reload the page and try again."))
    current = {
        rule.list_id: rule
        for rule in db.session.scalars(
            scoped(EventListRule, org_id).where(EventListRule.event_id == event_id)
        )
    }
    for list_id in chosen - set(current):
        db.session.add(
            EventListRule(
                organization_id=org_id,
                event_id=event_id,
                list_id=list_id,
                created_by_id=user.id,
            )
        )
    for list_id, rule in current.items():
        if list_id in offered_ids and list_id not in chosen:
            db.session.delete(rule)
    db.session.flush()
