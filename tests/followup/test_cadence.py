"""Due dates follow the cadence, the person's availability, touches and snoozes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from netcompanion.attendee.models import Availability
from netcompanion.followup import cadence
from netcompanion.followup.models import DueReason, EntryState

MET = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def a_list(offsets=(2, 30, 90), keep_in_touch_days=None, final_stage=False):
    return SimpleNamespace(
        steps=[SimpleNamespace(offset_days=days) for days in offsets],
        keep_in_touch_days=keep_in_touch_days,
        stages=[SimpleNamespace(id=1, is_final=final_stage)],
    )


def an_entry(**values):
    entry = SimpleNamespace(
        state=EntryState.ACTIVE,
        step=0,
        anchor_at=MET,
        revisit_on=None,
        snoozed_until=None,
        stage_id=1,
        last_touch_at=None,
        next_due_on=None,
        due_reason=None,
        contact=SimpleNamespace(do_not_contact=False),
    )
    entry.__dict__.update(values)
    return entry


def scheduled(entry, lst):
    cadence.schedule(entry, lst)
    return entry.next_due_on, entry.due_reason


def test_the_first_step_counts_from_the_meeting():
    assert scheduled(an_entry(), a_list()) == (date(2026, 3, 12), DueReason.STEP)


def test_a_touch_completes_the_step_and_the_next_counts_from_the_touch():
    lst, entry = a_list(), an_entry()
    touch = MET + timedelta(days=5)
    cadence.touched(entry, lst, touch)
    # Check-in at 30 days, 28 after the thank-you: 28 days after the touch.
    assert (entry.step, entry.next_due_on) == (1, touch.date() + timedelta(days=28))
    assert entry.last_touch_at == touch


def test_after_the_last_step_keep_in_touch_repeats_or_the_cadence_ends():
    touch = MET + timedelta(days=100)
    ongoing = an_entry(step=2)
    cadence.touched(ongoing, a_list(keep_in_touch_days=60), touch)
    assert ongoing.next_due_on == touch.date() + timedelta(days=60)
    assert ongoing.due_reason is DueReason.KEEP_IN_TOUCH

    ended = an_entry(step=2)
    cadence.touched(ended, a_list(), touch)
    assert (ended.next_due_on, ended.due_reason) == (None, None)


@pytest.mark.parametrize(
    ("availability", "revisit"),
    [
        (Availability.NOW, date(2026, 3, 10)),
        (Availability.IN_3_MONTHS, date(2026, 6, 10)),
        (Availability.IN_6_MONTHS, date(2026, 9, 10)),
        (Availability.IN_12_MONTHS, date(2027, 3, 10)),
        (Availability.NOT_LOOKING, None),
        (None, None),
    ],
)
def test_availability_given_at_the_event_sets_the_revisit_date(availability, revisit):
    assert cadence.revisit_date(availability, MET.date()) == revisit


def test_month_ends_are_clamped():
    assert cadence.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_the_revisit_comes_before_a_later_step_and_survives_an_early_touch():
    lst = a_list()
    entry = an_entry(step=2, revisit_on=date(2026, 6, 10))  # next step: share at 90 days
    cadence.touched(entry, lst, MET + timedelta(days=20))
    assert entry.step == 3
    assert (entry.next_due_on, entry.due_reason) == (date(2026, 6, 10), DueReason.REVISIT)

    cadence.touched(entry, lst, datetime(2026, 6, 11, tzinfo=UTC))
    assert entry.revisit_on is None
    assert entry.next_due_on is None


def test_a_snooze_replaces_the_due_date_until_a_touch_clears_it():
    lst = a_list()
    entry = an_entry(snoozed_until=date(2026, 4, 1))
    assert scheduled(entry, lst) == (date(2026, 4, 1), DueReason.SNOOZE)
    cadence.touched(entry, lst, MET + timedelta(days=1))
    assert entry.snoozed_until is None
    assert entry.due_reason is DueReason.STEP


@pytest.mark.parametrize("state", [EntryState.PAUSED, EntryState.CLOSED, EntryState.MERGED])
def test_entries_that_are_not_active_are_never_due(state):
    assert scheduled(an_entry(state=state, revisit_on=MET.date()), a_list()) == (None, None)


def test_a_person_marked_do_not_contact_is_never_due():
    entry = an_entry(contact=SimpleNamespace(do_not_contact=True), revisit_on=MET.date())
    assert scheduled(entry, a_list()) == (None, None)


def test_a_final_stage_is_never_due():
    assert scheduled(an_entry(), a_list(final_stage=True)) == (None, None)


def test_an_older_touch_logged_late_changes_nothing():
    lst, entry = a_list(), an_entry()
    cadence.touched(entry, lst, MET + timedelta(days=10))
    before = (entry.step, entry.next_due_on, entry.anchor_at)
    cadence.touched(entry, lst, MET + timedelta(days=3))
    assert (entry.step, entry.next_due_on, entry.anchor_at) == before
