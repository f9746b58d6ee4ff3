"""Outgoing mail: the one place the app sends from.

With ``MAIL_SERVER`` set, messages go through that SMTP server (STARTTLS or implicit TLS as
configured). Without it, each message is written to the log instead, so a newcomer running the
app on a laptop still sees invitation links.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app


def mail_configured() -> bool:
    return bool(current_app.config["MAIL_SERVER"])


def build_message(
    to: str, subject: str, body: str, *, reply_to: str | None = None, sender: str | None = None
) -> EmailMessage:
    """The message, its headers checked: raises ``ValueError`` for one that cannot be sent.

    A subject is one line: a name stored with a line break in it must not end the header.
    """
    config = current_app.config
    msg = EmailMessage()
    msg["From"] = sender or config["MAIL_DEFAULT_SENDER"]
    msg["To"] = to
    msg["Subject"] = " ".join(subject.split())
    msg["Message-ID"] = make_msgid(domain="netcompanion")
    if reply_to:
        msg["Reply-To"] = reply_to
    msg.set_content(body)
    return msg


def send_mail(
    to: str, subject: str, body: str, *, reply_to: str | None = None, sender: str | None = None
) -> EmailMessage:
    """Send a plain-text message, or log it when no SMTP server is configured."""
    return deliver(build_message(to, subject, body, reply_to=reply_to, sender=sender))


def deliver(msg: EmailMessage) -> EmailMessage:
    """Send a message built by ``build_message``: after the change it tells of is committed."""
    config = current_app.config
    if not config["MAIL_SERVER"]:
        current_app.logger.warning(
            "Mail not sent (no NETCOMPANION_MAIL_SERVER configured):\n%s", msg.as_string()
        )
        return msg

    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(msg)
    return msg
