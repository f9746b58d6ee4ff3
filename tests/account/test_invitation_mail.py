"""An invitation and its mail: a name stays one line, and a message that cannot be built is
found before the invitation is written, so a failure leaves nothing behind."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from netcompanion.account.models import Invitation, User
from netcompanion.extensions import db
from tests.account.test_signup import signup_data
from tests.account.test_team import invite
from tests.conftest import FormClient, login
from tests.hostile_text import row_counts


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_sign_up_refuses_line_breaks_in_the_name_and_company_and_creates_nobody(client):
    data = signup_data(name="Dana\r\nScully", company="Bureau\u2028Talent")
    response = client.submit("/signup", data)
    assert response.status_code == 422
    assert response.get_data(as_text=True).count("Keep this on one line") == 2
    assert count(User) == 0


def test_an_inviter_whose_stored_name_has_a_line_break_invites_in_one_line(
    client, make_company, caplog
):
    owner = make_company()
    owner.name = "Olga\nOwner"
    owner.organization.name = "Acme\r\nTalent"
    db.session.commit()
    login(client, owner)
    with caplog.at_level(logging.WARNING):
        response = invite(client)
    assert response.status_code == 302
    assert count(Invitation) == 1
    assert "Subject: Olga Owner invited you to Acme Talent on NetCompanion" in caplog.text


def test_a_mail_that_cannot_be_built_writes_no_invitation(make_app, make_company):
    """A real failure, a Reply-To address stored with a line break, answers the error page
    with the invitation not written."""
    app = make_app(TESTING=False)
    app.test_client_class = FormClient
    owner = make_company()
    email = owner.email
    client = app.test_client()
    login(client, owner)
    owner.email = email + "\nBcc: everyone@example.com"
    db.session.commit()
    before = row_counts()
    response = invite(client)
    assert response.status_code == 500
    assert row_counts() == before
    assert count(Invitation) == 0
