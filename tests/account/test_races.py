"""Two people doing the same thing at the same moment get one result, never two."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from netcompanion.account import service as accounts
from netcompanion.account.models import Role, User
from netcompanion.event import service as events
from netcompanion.event.models import Exhibitor
from netcompanion.exceptions import Rejected
from netcompanion.extensions import db
from tests.conftest import PASSWORD


def run_together(app, *actions) -> list[str]:
    """Run each action in its own thread and app context, released at the same instant."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action):
        with app.app_context():
            barrier.wait()
            try:
                action()
                db.session.commit()
                outcomes.append("done")
            except Rejected as error:
                db.session.rollback()
                outcomes.append(f"rejected: {error.message}")

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


def test_invitation_accepted_in_two_tabs_at_once_makes_one_member(app, make_company):
    owner = make_company()
    _, token = accounts.invite(owner, "race@example.com", Role.RECRUITER)
    db.session.commit()

    outcomes = run_together(
        app,
        lambda: accounts.accept_invitation(token, "Tab One", PASSWORD),
        lambda: accounts.accept_invitation(token, "Tab Two", PASSWORD),
    )
    assert outcomes[0] == "done"
    assert outcomes[1].startswith("rejected: ")
    count = select(func.count()).select_from(User).where(User.email == "race@example.com")
    assert db.session.scalar(count) == 1


def test_two_teammates_joining_an_event_at_once_share_one_booth(
    app, make_company, make_member, make_event
):
    event = make_event(make_company())
    code = event.join_code
    # The collision depends on thread timing, so race several pairs of teammates.
    for _ in range(8):
        owner = make_company()
        admin = make_member(owner, Role.ADMIN)
        owner_id, admin_id, org_id = owner.id, admin.id, owner.organization_id

        def join_as(user_id):
            return lambda: events.join(db.session.get(User, user_id), code, "Our booth")

        assert run_together(app, join_as(owner_id), join_as(admin_id)) == ["done", "done"]
        booths = (
            select(func.count()).select_from(Exhibitor).where(Exhibitor.organization_id == org_id)
        )
        assert db.session.scalar(booths) == 1
