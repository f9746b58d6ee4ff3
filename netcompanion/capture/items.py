"""What a client uploads for one capture, checked field by field before anything is written.

Messages are sentences for the recruiter's screen; codes are for programs.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from ..attendee.models import DETAIL_LIMITS, Availability, read_badge_code
from ..dbtypes import OutOfRange, parse_instant, utcnow
from ..webform import LINE_BREAK_MESSAGE, has_line_break
from . import cards
from .models import EventQuestion, QuestionKind, Rating

MAX_NOTE = 5000
MAX_TAGS = 20
MAX_TAG = 60
MAX_ANSWER = 500
#: A device clock may be off a little; more than a day ahead, the server's time is taken instead
#: (the device's is kept as sent), so a phone with a broken clock still loses no capture.
CLOCK_SLACK = timedelta(days=1)

CONTACT_FIELDS = DETAIL_LIMITS


class ItemError(Exception):
    """One item cannot be recorded, for good: the client shows the message and keeps the item."""

    def __init__(self, code: str, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.code, self.message, self.fields = code, message, fields or {}

    def as_json(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


@dataclass
class Item:
    client_id: str
    event: str
    captured_at: datetime
    recruiter: str | None = None
    #: The device's time as sent, when it was more than CLOCK_SLACK ahead and not taken.
    device_time: datetime | None = None
    badge: str | None = None
    badge_code: str | None = None
    #: Contact details from a card or typed by hand; None for badges.
    contact: dict[str, str] | None = None
    from_card: bool = False
    rating: Rating | None = None
    availability: Availability | None = None
    tags: list[str] = field(default_factory=list)
    answers: dict = field(default_factory=dict)
    note: str = ""
    #: Public id of a follow-up list to queue the person in ("queue for follow-up").
    follow_up: str | None = None


def _invalid(fields: dict[str, str]) -> ItemError:
    return ItemError("invalid", _("Some details are missing or wrong."), fields)


def _text(raw: dict, key: str, errors: dict, limit: int, one_line: bool = False) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[key] = _("Must be text.")
        return ""
    value = value.strip()
    if one_line and has_line_break(value):
        errors[key] = str(LINE_BREAK_MESSAGE)
    elif len(value) > limit:
        errors[key] = _("At most %(limit)d characters.", limit=limit)
    return value


def parse(raw) -> Item:
    """Check one uploaded item; raise ItemError with a reason per field."""
    if not isinstance(raw, dict):
        raise _invalid({"item": _("Each capture must be a JSON object.")})
    errors: dict[str, str] = {}

    client_id = raw.get("client_id")
    try:
        client_id = str(uuid.UUID(str(client_id)))
    except ValueError:
        errors["client_id"] = _("Must be a UUID made by the device.")
    event = raw.get("event")
    if not isinstance(event, str) or not event:
        errors["event"] = _("Say which event this capture belongs to.")
    captured_at = _instant(raw.get("captured_at"), errors)
    device_time = None
    if captured_at is not None and captured_at > utcnow() + CLOCK_SLACK:
        device_time, captured_at = captured_at, utcnow()
    recruiter = raw.get("recruiter")
    if recruiter is not None and not isinstance(recruiter, str):
        errors["recruiter"] = _("Must be text.")

    item = Item(
        client_id=client_id,
        event=event,
        captured_at=captured_at,
        recruiter=recruiter,
        device_time=device_time,
    )
    _who(raw, item, errors)
    _assessment(raw, item, errors)
    if errors:
        raise _invalid(errors)
    return item


def _instant(value, errors: dict) -> datetime | None:
    if not isinstance(value, str):
        errors["captured_at"] = _("Give the device time as an ISO 8601 date and time.")
        return None
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        errors["captured_at"] = _("Give the device time as an ISO 8601 date and time.")
        return None
    if instant.tzinfo is None:
        errors["captured_at"] = _("The time needs a UTC offset, such as Z or +02:00.")
        return None
    try:
        return parse_instant(value)
    except OutOfRange:
        errors["captured_at"] = _("Give a date and time between the years 1 and 9999 in UTC.")
        return None


def _who(raw: dict, item: Item, errors: dict) -> None:
    """Exactly one way of saying who was met: badge, typed badge code, contact card, by hand."""
    given = [key for key in ("badge", "badge_code", "vcard", "contact") if raw.get(key)]
    if len(given) != 1:
        errors["badge"] = _("Give exactly one of: badge, badge_code, vcard, contact.")
        return
    key = given[0]
    value = raw[key]
    if key in ("badge", "badge_code", "vcard") and not isinstance(value, str):
        errors[key] = _("Must be text.")
    elif key == "badge":
        item.badge = value.strip()
    elif key == "badge_code":
        item.badge_code = read_badge_code(value)
        if item.badge_code is None:
            errors["badge_code"] = _("A badge code is the 8 letters and digits under the QR code.")
    elif key == "vcard":
        try:
            item.contact = cards.parse(value)
        except cards.CardError:
            errors["vcard"] = _("This contact card could not be read.")
            return
        item.from_card = True
        _check_contact(item.contact, errors, prefix="vcard")
    else:
        if not isinstance(value, dict):
            errors["contact"] = _("Must be an object with the person's details.")
            return
        own: dict[str, str] = {}
        contact = {
            key: _text(value, key, own, limit, one_line=True)
            for key, limit in CONTACT_FIELDS.items()
        }
        errors.update({f"contact.{key}": reason for key, reason in own.items()})
        if not contact["name"]:
            errors["contact.name"] = _("Enter the person's name.")
        item.contact = contact
        _check_contact(contact, errors, prefix="contact")


def _check_contact(contact: dict, errors: dict, prefix: str) -> None:
    if prefix == "vcard":  # a card is what it is: keep what fits rather than refuse it
        for key, limit in CONTACT_FIELDS.items():
            contact[key] = contact[key][:limit]
    if contact["email"]:
        try:
            contact["email"] = validate_email(
                contact["email"], check_deliverability=False
            ).normalized.lower()
        except EmailNotValidError:
            errors[f"{prefix}.email"] = _("Enter a valid email address.")
    for key in ("linkedin_url", "website_url"):
        url = contact[key]
        if url and not url.lower().startswith(("http://", "https://")):
            if "://" in url or " " in url:
                errors[f"{prefix}.{key}"] = _("Enter a web address starting with https://.")
            else:
                contact[key] = "https://" + url


def _assessment(raw: dict, item: Item, errors: dict) -> None:
    rating = raw.get("rating")
    if rating is not None:
        try:
            item.rating = Rating(rating)
        except ValueError:
            errors["rating"] = _("Choose hot, warm or cold.")
    availability = raw.get("availability")
    if availability is not None:
        try:
            item.availability = Availability(availability)
        except ValueError:
            errors["availability"] = _("Choose one of the availability options.")
    tags = raw.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        errors["tags"] = _("Tags must be a list of texts.")
    else:
        item.tags = clean_tags(tags)
        if len(item.tags) > MAX_TAGS:
            errors["tags"] = _("At most %(limit)d tags.", limit=MAX_TAGS)
        elif any(len(tag) > MAX_TAG for tag in item.tags):
            errors["tags"] = _("A tag has at most %(limit)d characters.", limit=MAX_TAG)
    answers = raw.get("answers") or {}
    if not isinstance(answers, dict):
        errors["answers"] = _("Answers must be an object keyed by question.")
    else:
        item.answers = answers
    item.note = _text(raw, "note", errors, MAX_NOTE)
    follow_up = raw.get("follow_up")
    if follow_up is not None and follow_up != "":
        if not isinstance(follow_up, str) or len(follow_up) > 40:
            errors["follow_up"] = _("Give the id of one of your follow-up lists.")
        else:
            item.follow_up = follow_up


def clean_tags(tags: list[str]) -> list[str]:
    """Trimmed, without empties and without case-insensitive repeats, in the order given."""
    seen, out = set(), []
    for tag in tags:
        tag = " ".join(tag.split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            out.append(tag)
    return out


def check_answers(answers: dict, questions: list[EventQuestion]) -> dict:
    """Answers keyed by question public id, checked against the event's questions."""
    if not answers:
        return {}
    by_id = {q.public_id: q for q in questions}
    errors, clean = {}, {}
    for key, value in answers.items():
        question = by_id.get(key)
        if question is None:
            errors[f"answers.{key}"] = _("This event has no such question.")
            continue
        if value in (None, "", []):
            continue
        if question.kind == QuestionKind.TEXT:
            if not isinstance(value, str) or len(value) > MAX_ANSWER:
                errors[f"answers.{key}"] = _("At most %(limit)d characters.", limit=MAX_ANSWER)
            else:
                clean[key] = value.strip()
        elif question.kind == QuestionKind.SINGLE:
            if value not in question.options:
                errors[f"answers.{key}"] = _("Choose one of the offered answers.")
            else:
                clean[key] = value
        else:
            if not isinstance(value, list) or any(v not in question.options for v in value):
                errors[f"answers.{key}"] = _("Choose among the offered answers.")
            else:
                clean[key] = [option for option in question.options if option in value]
    if errors:
        raise _invalid(errors)
    return clean
