"""Reading what an API client sent: the JSON body, query filters, ids, enums and dates.

Every problem is collected per field and answered at once as 422 ``invalid`` with
``fields`` (``{"rating": "Choose hot, warm or cold."}``), before anything is written. A body
that is not a JSON object answers 422 ``invalid_json``. A service's refusal (``Rejected``)
answers 422 too, naming its field when it has one.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask import Blueprint
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from .. import json_body
from ..dbtypes import OutOfRange, parse_instant
from ..errors import error_response
from ..exceptions import Rejected
from ..extensions import db
from ..webform import LINE_BREAK_MESSAGE, has_line_break

#: The one-line details: a line break in them is refused (see ``webform``).
ONE_LINE = frozenset({"name", "company", "title", "email", "phone", "linkedin_url", "website_url"})


class Invalid(Exception):
    """The request cannot be carried out as sent: 422 with a reason per field."""

    def __init__(self, message: str, fields: dict | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message, self.fields, self.code = message, fields or {}, code


def install(bp: Blueprint) -> None:
    """Answer ``Invalid`` and ``Rejected`` raised in the blueprint's views with 422."""

    @bp.errorhandler(Invalid)
    def _invalid(error: Invalid):
        db.session.rollback()
        return error_response(422, error.message, error.fields or None, code=error.code)

    @bp.errorhandler(Rejected)
    def _rejected(error: Rejected):
        db.session.rollback()
        fields = {error.field: str(error.message)} if error.field else None
        return error_response(422, str(error.message), fields)


def check(fields: dict, message: str | None = None) -> None:
    """Raise the collected problems, if any."""
    if fields:
        raise Invalid(message or _("Some values are not valid."), fields)


def body() -> dict:
    """The request's JSON object; 422 ``invalid_json`` for anything else."""
    data = json_body.current()
    if not isinstance(data, dict):
        raise Invalid(
            _("Send a JSON object with the Content-Type application/json."), code="invalid_json"
        )
    return data


def only(data: dict, allowed: tuple[str, ...] | set[str], fields: dict) -> None:
    """Refuse keys the endpoint does not take: a typo must not pass for a change made."""
    for key in data:
        if key not in allowed:
            fields[key] = _("Not a field this endpoint takes.")


def text(
    data: dict, key: str, fields: dict, limit: int, *, required: bool = False, one_line=False
) -> str | None:
    """A text field, trimmed; None when absent (and not required). A ``one_line`` field
    refuses a line break, as a form's one-line field does."""
    if key not in data or data[key] is None:
        if required:
            fields[key] = _("Required.")
        return None
    value = data[key]
    if not isinstance(value, str):
        fields[key] = _("Must be text.")
        return None
    value = value.strip()
    if required and not value:
        fields[key] = _("Required.")
    elif one_line and has_line_break(value):
        fields[key] = str(LINE_BREAK_MESSAGE)
    elif len(value) > limit:
        fields[key] = _("At most %(limit)d characters.", limit=limit)
    return value


def choice(kind: type[enum.Enum], raw, key: str, fields: dict, message: str):
    """An enum member from its value; None for absent or empty."""
    if raw is None or raw == "":
        return None
    try:
        return kind(raw)
    except (ValueError, TypeError):
        fields[key] = message
        return None


def instant(raw, key: str, fields: dict) -> datetime | None:
    """An ISO 8601 date and time with a UTC offset (``2030-01-31T09:00:00Z``), in UTC."""
    if raw is None or raw == "":
        return None
    try:
        return parse_instant(raw)
    except OutOfRange:
        fields[key] = _("Give a date and time between the years 1 and 9999 in UTC.")
    except (TypeError, ValueError):
        fields[key] = _("Give a date and time with a UTC offset, e.g. 2030-01-31T09:00:00Z.")
    return None


def day(raw, key: str, fields: dict) -> date | None:
    """A date, ``YYYY-MM-DD``."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    fields[key] = _("Give a date such as 2030-01-31.")
    return None


def form_data(values: dict) -> MultiDict:
    """JSON values as the form data a web form validates, to apply the web form's rules."""
    return MultiDict({key: "" if value is None else value for key, value in values.items()})
