"""A member's private calendar feed of due follow-ups, so reminders reach the phone's calendar.

Rules:
- The feed URL carries a secret key: ``secrets.token_urlsafe(32)``, 256 random bits. Only its
  SHA-256 is stored (``User.calendar_key_hash``), so the database alone opens no feed. Only
  that exact spelling of the key opens it (``netcompanion.tokens``).
- Making a new key replaces the hash and turning the feed off clears it: the old URL answers
  404 at once. Removing a member clears their key, so a member invited back has no feed.
- The feed holds one all-day event per active entry the member owns whose list is not archived
  and whose contact is not merged, due from 30 days ago (overdue ones stay on their due date)
  to a year ahead. Each event's UID is the entry's public id, so calendars update it in place
  when the due date moves.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from .. import tokens as canonical
from ..account.models import User
from ..capture.models import Capture, Contact
from ..extensions import db
from ..followup.models import EntryState, FollowupList, ListEntry

#: How far back overdue follow-ups stay in the feed, and how far ahead it looks.
PAST = timedelta(days=30)
AHEAD = timedelta(days=365)


#: Random bytes in a feed key (256 bits).
KEY_BYTES = 32


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key(user: User) -> str:
    """Give the member a new feed key (the old one stops working) and return it, once."""
    key = secrets.token_urlsafe(KEY_BYTES)
    user.calendar_key_hash = _hash(key)
    return key


def revoke(user: User) -> None:
    user.calendar_key_hash = None


def user_for_key(key: str) -> User | None:
    """The active member whose feed this key opens, or None."""
    if not canonical.is_secret(key, KEY_BYTES):
        return None
    return db.session.scalars(
        select(User).where(User.calendar_key_hash == _hash(key), User.removed_at.is_(None))
    ).first()


def local_today(user: User, now: datetime) -> date:
    """The member's date at this instant, in their time zone (UTC when it is unknown)."""
    try:
        zone = ZoneInfo(user.timezone or "UTC")
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()


def feed_entries(user: User, today: date) -> list[ListEntry]:
    """The member's entries due in the feed's window, with list and contact loaded."""
    query = (
        select(ListEntry)
        .join(FollowupList, FollowupList.id == ListEntry.list_id)
        .join(Contact, Contact.id == ListEntry.contact_id)
        .where(
            ListEntry.organization_id == user.organization_id,
            ListEntry.owner_id == user.id,
            ListEntry.state == EntryState.ACTIVE,
            ListEntry.next_due_on >= today - PAST,
            ListEntry.next_due_on <= today + AHEAD,
            FollowupList.archived_at.is_(None),
            Contact.merged_into_id.is_(None),
        )
        .options(contains_eager(ListEntry.list), contains_eager(ListEntry.contact))
        .order_by(ListEntry.next_due_on, ListEntry.id)
    )
    return list(db.session.scalars(query).unique())


def last_captures(contact_ids: list[int]) -> dict[int, Capture]:
    """Each contact's latest encounter with its event, in one query."""
    if not contact_ids:
        return {}
    ranked = (
        select(
            Capture.id,
            func.row_number()
            .over(
                partition_by=Capture.contact_id,
                order_by=(Capture.captured_at.desc(), Capture.id.desc()),
            )
            .label("n"),
        )
        .where(Capture.contact_id.in_(contact_ids))
        .subquery()
    )
    query = (
        select(Capture)
        .join(ranked, ranked.c.id == Capture.id)
        .where(ranked.c.n == 1)
        .options(joinedload(Capture.event))
    )
    return {capture.contact_id: capture for capture in db.session.scalars(query)}


def absolute_url(endpoint: str, **values) -> str:
    """A page's public address, built without a request (feeds, digests)."""
    path = current_app.url_map.bind("").build(endpoint, values)
    return current_app.config["BASE_URL"] + path


def contact_link(contact: Contact) -> str:
    return absolute_url("contact.show", contact_id=contact.public_id)


def contact_label(contact: Contact) -> str:
    return contact.name or contact.email or _("Unnamed contact")


def _description(entry: ListEntry, capture: Capture | None) -> str:
    lines = []
    if entry.due_reason is not None:
        lines.append(_("Why now: %(reason)s", reason=entry.due_reason.label))
    if capture is not None:
        lines.append(
            _(
                "Last met: %(event)s, %(date)s",
                event=capture.event.name,
                date=format_date(
                    capture.captured_at.astimezone(ZoneInfo(capture.event.timezone)).date(),
                    "medium",
                ),
            )
        )
    if entry.contact.company:
        lines.append(_("Company: %(company)s", company=entry.contact.company))
    lines.append(contact_link(entry.contact))
    return "\n".join(lines)


def feed(user: User, now: datetime) -> bytes:
    """The member's due follow-ups as an iCalendar document."""
    today = local_today(user, now)
    entries = feed_entries(user, today)
    captures = last_captures(sorted({entry.contact_id for entry in entries}))

    calendar = Calendar()
    calendar.add("prodid", "-//NetCompanion//Follow-ups//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("NetCompanion follow-ups · %(name)s", name=user.name))
    # Hints for how often clients come back; they may poll more or less often.
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for entry in entries:
        event = Event()
        event.add("uid", f"{entry.public_id}@netcompanion")
        event.add("dtstamp", now)
        event.add("dtstart", entry.next_due_on)
        event.add("dtend", entry.next_due_on + timedelta(days=1))
        event.add(
            "summary",
            _(
                "Follow up: %(name)s (%(list)s)",
                name=contact_label(entry.contact),
                list=entry.list.name,
            ),
        )
        event.add("description", _description(entry, captures.get(entry.contact_id)))
        event.add("url", contact_link(entry.contact))
        event.add("transp", "TRANSPARENT")  # a reminder, not a meeting: the day stays free
        calendar.add_component(event)
    return calendar.to_ical()
