"""The daily digest: one mail per member with something due, once a day of their time zone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from netcompanion.account.models import Role
from netcompanion.dbtypes import utcnow
from netcompanion.extensions import db
from netcompanion.followup.digest import send_digests
from tests.outreach.conftest import add_to_list

#: Noon in London: in Kiritimati (UTC+14) it is already 02:00 the next day.
NOW = datetime.combine(datetime.now(UTC).date(), time(12, 0), UTC)
TODAY = NOW.date()


@pytest.fixture
def mail_app(make_app, smtp):
    return make_app(**smtp.config)


@pytest.fixture
def team(recruiter, make_member, make_contact, make_list):
    """Rita (UTC) and Kiri (Kiritimati) own entries due on different days; Olaf has none due."""
    kiri = make_member(recruiter, Role.RECRUITER, name="Kiri Islander")
    kiri.timezone = "Pacific/Kiritimati"
    olaf = make_member(recruiter, Role.RECRUITER, name="Olaf Idle")
    lst = make_list()
    plan = {
        "Ana Overdue": (recruiter, -3),
        "Bo Today": (recruiter, 0),
        "Cy Tomorrow": (recruiter, 1),
        "Kai Tomorrow": (kiri, 1),
        "Lu Later": (kiri, 2),
        "Ola Next Week": (olaf, 7),
    }
    for name, (owner, due_in) in plan.items():
        contact = make_contact(name=name, email=name.replace(" ", ".").lower() + "@example.com")
        add_to_list(lst, contact, owner).next_due_on = TODAY + timedelta(days=due_in)
    db.session.commit()
    return recruiter, kiri, olaf


def run(mail_app, now=NOW) -> int:
    with mail_app.app_context():
        sent = send_digests(now)
        db.session.commit()
    db.session.expire_all()
    return sent


def test_digest_mails_each_member_their_due_follow_ups_once_a_day(mail_app, smtp, team):
    rita, kiri, olaf = team
    assert run(mail_app) == 2
    mails = {m["To"]: m for m in smtp.inbox.messages}
    assert set(mails) == {rita.email, kiri.email}

    to_rita = mails[rita.email].get_content()
    assert mails[rita.email]["Subject"] == "2 follow-ups are due"
    assert "Ana Overdue, Initech · Backend engineers — nurture" in to_rita
    assert to_rita.index("Ana Overdue") < to_rita.index("Bo Today")  # oldest first
    assert "Cy Tomorrow" not in to_rita
    assert "http://netcompanion.test/contacts/" in to_rita
    assert "http://netcompanion.test/today" in to_rita

    # In Kiritimati it is already tomorrow: tomorrow's follow-up is today's there.
    to_kiri = mails[kiri.email].get_content()
    assert "Kai Tomorrow" in to_kiri and "Lu Later" not in to_kiri

    db.session.refresh(rita)
    db.session.refresh(kiri)
    assert rita.digest_sent_on == TODAY
    assert kiri.digest_sent_on == TODAY + timedelta(days=1)
    assert olaf.digest_sent_on is None

    assert run(mail_app, NOW + timedelta(hours=1)) == 0  # cron ran again the same day
    assert len(smtp.inbox.messages) == 2


def test_the_next_day_brings_the_next_digest(mail_app, smtp, team):
    assert run(mail_app) == 2
    assert run(mail_app, NOW + timedelta(days=1)) == 2
    assert len(smtp.inbox.messages) == 4


def test_members_who_turned_it_off_or_left_get_none(mail_app, smtp, team):
    rita, kiri, _ = team
    rita.digest_enabled = False
    kiri.removed_at = utcnow()
    db.session.commit()
    assert run(mail_app) == 0
    assert smtp.inbox.messages == []


def test_a_failed_mail_is_retried_by_the_next_run(make_app, smtp, team):
    from tests.smtp import free_port

    down = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False)
    assert run(down) == 0
    rita = team[0]
    db.session.refresh(rita)
    assert rita.digest_sent_on is None
    assert run(make_app(**smtp.config)) == 2


def test_digest_query_count_does_not_grow_with_entries(
    mail_app, team, make_contact, make_list, count_queries
):
    def queries_for_a_run() -> int:
        with mail_app.app_context(), count_queries() as statements:
            assert send_digests(NOW) == 2
        for member in team:  # measure again from the same state
            member.digest_sent_on = None
        db.session.commit()
        return len(statements)

    before = queries_for_a_run()
    rita = team[0]
    lst = make_list("Second pool")
    for n in range(6):
        contact = make_contact(name=f"Extra {n}", email=f"extra{n}@example.com")
        add_to_list(lst, contact, rita).next_due_on = TODAY
    db.session.commit()
    assert queries_for_a_run() == before


def test_cli_command_prints_how_many_were_sent(mail_app, smtp, team):
    with mail_app.app_context():  # the command runs in the app whose context is current
        result = mail_app.test_cli_runner().invoke(args=["followup", "digest"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Digests sent: {len(smtp.inbox.messages)}"
    assert len(smtp.inbox.messages) >= 1


def test_digest_names_people_from_the_lists_coming_to_an_event(
    mail_app, smtp, team, make_company, make_event, join_event, make_attendee
):
    organizer = make_company(name="Summit Organizers")
    summit = make_event(organizer, name="Cloud Summit", starts_on=TODAY + timedelta(days=20))
    join_event(team[0], summit, "Acme Talent")
    make_attendee(organizer, summit, name="Ana O.", email="ana.overdue@example.com")
    assert run(mail_app) == 2
    to_rita = next(m for m in smtp.inbox.messages if m["To"] == team[0].email).get_content()
    assert "Coming to events" in to_rita
    assert "Ana Overdue · Cloud Summit" in to_rita
