"""Sending a message to a contact: through the app's SMTP server, or the recruiter's mail app.

Rules:
- Nothing goes to a person whom ``contact.consent.blocked_reason`` refuses ("do not contact",
  no email address, no consent on record), whatever the request says.
- By SMTP, the message is From the recruiter (``Name <their email>``, or with
  ``OUTREACH_FROM = "app"`` the app's own address under their name) with Reply-To their
  address, so answers reach them and not a no-reply box.
- A touch is logged once the message has left: after the SMTP server accepted it, or when the
  recruiter is handed to their mail app. A refused or failed send logs nothing.

Functions flush; the caller commits.
"""

from __future__ import annotations

import smtplib
from email.errors import MessageError
from email.headerregistry import Address
from email.utils import parseaddr
from urllib.parse import quote

from flask import current_app
from flask_babel import gettext as _

from ..capture.models import Capture, Contact
from ..contact.consent import blocked_reason
from ..contact.models import Touch, TouchKind
from ..followup.service import log_touch
from ..mail import mail_configured, send_mail


class NotSent(Exception):
    """The message did not leave: ``message`` says why, ``status`` is the HTTP answer."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


def _refuse_if_blocked(contact: Contact, captures: list[Capture] | None) -> None:
    reason = blocked_reason(contact, captures)
    if reason:
        raise NotSent(reason, 409)


def _address(name: str, email: str) -> str:
    return str(Address(display_name=name, addr_spec=email))


def _sender(user) -> str:
    if current_app.config["OUTREACH_FROM"] == "app":
        return _address(user.name, parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1])
    return _address(user.name, user.email)


def send_by_smtp(
    user, contact: Contact, subject: str, body: str, captures: list[Capture] | None = None
) -> Touch:
    """Send the message from the recruiter through the SMTP server and log the touch."""
    _refuse_if_blocked(contact, captures)
    if not mail_configured():
        raise NotSent(
            _(
                "This server has no mail server set up, so it cannot send email. "
                "Use “Open in my mail app” to send the message from your own mailbox."
            ),
            409,
        )
    try:
        send_mail(
            _address(contact.name, contact.email),
            subject,
            body,
            reply_to=user.email,
            sender=_sender(user),
        )
    except (ValueError, IndexError, MessageError):
        raise NotSent(
            _("The address %(email)s is not a valid email address.", email=contact.email), 422
        ) from None
    except (smtplib.SMTPException, OSError) as error:
        current_app.logger.warning("Outreach mail to contact %s failed: %r", contact.id, error)
        raise NotSent(
            _(
                "The mail server did not take the message (%(reason)s). Nothing was sent and "
                "no touch was logged; try again later, or use “Open in my mail app”.",
                reason=_smtp_reason(error),
            ),
            502,
        ) from None
    return log_touch(user, contact, TouchKind.EMAIL, subject=subject, body=body, via="smtp")


def _smtp_reason(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {error.smtp_error.decode('utf-8', 'replace')}"[:200]
    if isinstance(error, ConnectionRefusedError):
        return _("the connection was refused")
    if isinstance(error, TimeoutError):
        return _("no answer in time")
    return type(error).__name__


def open_in_mail_app(
    user, contact: Contact, subject: str, body: str, captures: list[Capture] | None = None
) -> str:
    """Log the touch and return the ``mailto:`` URL that opens the message in a mail app."""
    _refuse_if_blocked(contact, captures)
    log_touch(user, contact, TouchKind.EMAIL, subject=subject, body=body, via="mailto")
    return mailto_url(contact.email, subject, body)


def mailto_url(address: str, subject: str, body: str) -> str:
    """A ``mailto:`` URL per RFC 6068: every part percent-encoded, line breaks as CRLF."""
    crlf = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    return (
        f"mailto:{quote(address, safe='@')}"
        f"?subject={quote(subject, safe='')}&body={quote(crlf, safe='')}"
    )
