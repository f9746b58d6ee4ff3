import logging
import re

import pytest

from netcompanion.mail import send_mail
from tests.conftest import FormClient, login
from tests.smtp import SMTPServer


@pytest.fixture
def smtp():
    with SMTPServer() as server:
        yield server


def test_send_mail_delivers_through_smtp_with_reply_to(app, make_app, smtp):
    mail_app = make_app(**smtp.config)
    with mail_app.app_context():
        send_mail(
            "Ana <ana@example.com>",
            "Grüße aus Berlin",
            "Hallo Ana, schön dich zu treffen.",
            reply_to="recruiter@acme.example.com",
        )
    [message] = smtp.inbox.messages
    assert message["To"] == "Ana <ana@example.com>"
    assert message["Subject"] == "Grüße aus Berlin"
    assert message["Reply-To"] == "recruiter@acme.example.com"
    assert "schön dich zu treffen" in message.get_content()


def test_without_smtp_server_mail_is_written_to_the_log(app, caplog):
    with caplog.at_level(logging.WARNING):
        send_mail("ana@example.com", "Hello", "The link is https://example.com/x")
    assert "https://example.com/x" in caplog.text
    assert "no NETCOMPANION_MAIL_SERVER" in caplog.text


def test_invitation_email_reaches_the_invitee_with_a_working_link(
    app, make_app, make_company, smtp
):
    mail_app = make_app(**smtp.config)
    mail_app.test_client_class = FormClient
    owner = make_company(name="Acme Talent")
    client = mail_app.test_client()
    login(client, owner)
    client.submit("/team/invitations", {"email": "joiner@example.com", "role": "admin"})

    [message] = smtp.inbox.messages
    assert message["X-Envelope-To"] == "joiner@example.com"
    assert "Acme Talent" in message["Subject"]
    assert message["Reply-To"] == owner.email
    link = re.search(r"http://netcompanion\.test(/invite/\S+)", message.get_content()).group(1)
    page = mail_app.test_client().get(link)
    assert page.status_code == 200
    assert b"joiner@example.com" in page.data
