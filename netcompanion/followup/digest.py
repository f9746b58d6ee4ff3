"""The daily digest: each member's overdue and due-today follow-ups, by email.

Rules:
- Sent to active members with the digest on, at most once per day of their own time zone
  (``User.timezone``): ``digest_sent_on`` holds the local date of the last one, so cron may run
  the command twice, or every hour, and each member still gets one a day.
- The day is claimed in the database (a conditional UPDATE, committed) before the mail goes,
  so two runs at the same moment cannot both send; a mail that fails gives the day back to the
  next run.
- Nothing due, no mail, and the day is not used up: a later run that day may still send.
- The due entries of every member come from one query, grouped here, so the number of queries
  does not grow with the number of entries; who is coming to events is one query per company.

This is the body of a CLI command: it commits per member, so a mail that has left stays
recorded even when a later one fails.
"""

from __future__ import annotations

import smtplib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app, render_template
from flask_babel import format_date, ngettext
from sqlalchemy import or_, select, update
from sqlalchemy.orm import contains_eager, joinedload

from ..account.models import User
from ..capture.models import Contact
from ..extensions import db
from ..mail import send_mail
from ..outreach.calendar import absolute_url, contact_label, contact_link, local_today
from . import coming
from .models import EntryState, FollowupList, ListEntry

#: People registered for events named in one digest; the Today view lists them all.
COMING_LIMIT = 20


@dataclass
class Line:
    """One follow-up as the digest shows it."""

    name: str
    company: str
    list: str
    reason: str
    due: str
    link: str


def _members() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.removed_at.is_(None), User.digest_enabled.is_(True))
            .options(joinedload(User.organization))
            .order_by(User.id)
        )
    )


def _due_entries(latest_day: date) -> list[ListEntry]:
    """Due entries of every member who may still need a digest: one query, oldest first."""
    query = (
        select(ListEntry)
        .join(User, User.id == ListEntry.owner_id)
        .join(FollowupList, FollowupList.id == ListEntry.list_id)
        .join(Contact, Contact.id == ListEntry.contact_id)
        .where(
            User.removed_at.is_(None),
            User.digest_enabled.is_(True),
            or_(User.digest_sent_on.is_(None), User.digest_sent_on < latest_day),
            ListEntry.organization_id == User.organization_id,
            ListEntry.state == EntryState.ACTIVE,
            ListEntry.next_due_on <= latest_day,
            FollowupList.archived_at.is_(None),
            Contact.merged_into_id.is_(None),
        )
        .options(contains_eager(ListEntry.list), contains_eager(ListEntry.contact))
        .order_by(ListEntry.next_due_on, ListEntry.id)
    )
    return list(db.session.scalars(query).unique())


def _line(entry: ListEntry) -> Line:
    return Line(
        name=contact_label(entry.contact),
        company=entry.contact.company,
        list=entry.list.name,
        reason=entry.due_reason.label if entry.due_reason else "",
        due=format_date(entry.next_due_on, "medium"),
        link=contact_link(entry.contact),
    )


@dataclass
class Digest:
    """One member's digest, written before any commit expires what it was built from."""

    member_id: int
    email: str
    day: date
    previous: date | None
    subject: str
    body: str


def _digests(now: datetime) -> list[Digest]:
    members = _members()
    days = {member.id: local_today(member, now) for member in members}
    waiting = [member for member in members if member.digest_sent_on != days[member.id]]
    if not waiting:
        return []
    entries: dict[int, list[ListEntry]] = defaultdict(list)
    for entry in _due_entries(max(days[member.id] for member in waiting)):
        if entry.owner_id in days and entry.next_due_on <= days[entry.owner_id]:
            entries[entry.owner_id].append(entry)

    registered: dict[tuple[int, date], list[coming.Registered]] = {}
    out = []
    for member in waiting:
        day, due = days[member.id], entries.get(member.id)
        if not due:
            continue
        key = (member.organization_id, day)
        if key not in registered:
            registered[key] = coming.coming(member.organization_id, day)
        people = registered[key]
        body = render_template(
            "followup/digest_email.txt",
            member=member,
            day=format_date(day, "full"),
            overdue=[_line(entry) for entry in due if entry.next_due_on < day],
            today=[_line(entry) for entry in due if entry.next_due_on == day],
            coming=people[:COMING_LIMIT],
            more_coming=max(len(people) - COMING_LIMIT, 0),
            today_link=absolute_url("today.index"),
            profile_link=absolute_url("profile.edit"),
        )
        subject = ngettext("%(num)d follow-up is due", "%(num)d follow-ups are due", len(due))
        out.append(Digest(member.id, member.email, day, member.digest_sent_on, subject, body))
    return out


def _claim(digest: Digest) -> bool:
    """Mark the member's day as sent unless another run did; commit so other runs see it."""
    claimed = db.session.execute(
        update(User)
        .where(
            User.id == digest.member_id,
            or_(User.digest_sent_on.is_(None), User.digest_sent_on != digest.day),
        )
        .values(digest_sent_on=digest.day)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _release(digest: Digest) -> None:
    db.session.execute(
        update(User)
        .where(User.id == digest.member_id, User.digest_sent_on == digest.day)
        .values(digest_sent_on=digest.previous)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def send_digests(today_utc_now: datetime) -> int:
    """Email each member with follow-ups due their digest for their today; return how many."""
    sent = 0
    for digest in _digests(today_utc_now):
        if not _claim(digest):
            continue
        try:
            send_mail(digest.email, digest.subject, digest.body)
        except (smtplib.SMTPException, OSError) as error:
            current_app.logger.warning("Digest for member %s not sent: %r", digest.member_id, error)
            _release(digest)
            continue
        sent += 1
    return sent
