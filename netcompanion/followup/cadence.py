"""When an entry is due next: the one place that sets ``ListEntry.next_due_on``.

Rules:
- A list's cadence is a series of steps, each ``offset_days`` into the relationship: the first
  counted from the meeting, each later one from the step before. The default cadence is a
  thank-you after 2 days, a check-in at 30 and something worth sharing at 90.
- Any touch (email, call, meeting, message, reply) completes the step that was due and
  restarts the count from the touch: the next step falls the same number of days after it as
  the cadence puts between the two steps.
- After the last step, the list's "keep in touch every N days" repeats from the last touch,
  or the cadence ends.
- The availability the person gave at the event sets a *revisit* on that date (the meeting
  plus 0, 3, 6 or 12 months). It stays until a touch on or after that date.
- The earliest of the step and the revisit is due. A snooze replaces both until its date.
- Paused and closed entries, entries in a final stage, and people marked "do not contact"
  are never due.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from ..attendee.models import Availability
from .models import DueReason, EntryState, FollowupList, ListEntry

_MONTHS = {
    Availability.NOW: 0,
    Availability.IN_3_MONTHS: 3,
    Availability.IN_6_MONTHS: 6,
    Availability.IN_12_MONTHS: 12,
}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 January + 1 → 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def revisit_date(availability: Availability | str | None, met_on: date) -> date | None:
    """When a person who gave this availability at the event said they could move."""
    if not availability:
        return None
    months = _MONTHS.get(Availability(availability))
    return None if months is None else add_months(met_on, months)


def next_due(
    entry: ListEntry, lst: FollowupList, final: bool, blocked: bool = False
) -> tuple[date | None, DueReason | None]:
    """The entry's next due date and why, from its list's cadence."""
    if entry.state is not EntryState.ACTIVE or final or blocked:
        return None, None
    if entry.snoozed_until is not None:
        return entry.snoozed_until, DueReason.SNOOZE
    anchor = entry.anchor_at.date()
    offsets = [step.offset_days for step in lst.steps]
    candidates: list[tuple[date, DueReason]] = []
    if entry.step < len(offsets):
        gap = offsets[entry.step] - (offsets[entry.step - 1] if entry.step > 0 else 0)
        candidates.append((anchor + timedelta(days=max(gap, 0)), DueReason.STEP))
    elif lst.keep_in_touch_days:
        candidates.append(
            (anchor + timedelta(days=lst.keep_in_touch_days), DueReason.KEEP_IN_TOUCH)
        )
    if entry.revisit_on is not None:
        candidates.append((entry.revisit_on, DueReason.REVISIT))
    if not candidates:
        return None, None
    return min(candidates, key=lambda c: c[0])


def schedule(entry: ListEntry, lst: FollowupList) -> None:
    """Store the entry's next due date. Call after anything that changes it."""
    final = any(stage.id == entry.stage_id and stage.is_final for stage in lst.stages)
    blocked = entry.contact.do_not_contact
    entry.next_due_on, entry.due_reason = next_due(entry, lst, final, blocked)


def touched(entry: ListEntry, lst: FollowupList, at: datetime) -> None:
    """A touch happened: complete the due step, restart the count, clear a passed revisit."""
    if entry.last_touch_at is not None and at < entry.last_touch_at:
        return  # an older touch logged late changes nothing that a newer one set
    if entry.step < len(lst.steps):
        entry.step += 1
    entry.anchor_at = at
    entry.last_touch_at = at
    entry.snoozed_until = None
    if entry.revisit_on is not None and at.date() >= entry.revisit_on:
        entry.revisit_on = None
    schedule(entry, lst)
