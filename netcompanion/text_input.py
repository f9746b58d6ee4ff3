"""The rule for text that people send: which characters no person types, and what happens to them.

Refused: NUL and the other C0 controls except tab, line feed and carriage return (U+0000–U+001F),
DEL (U+007F), and lone surrogates (U+D800–U+DFFF, which JSON's ``\\ud800`` escapes can carry but
UTF-8 cannot store). PostgreSQL cannot store NUL or a lone surrogate at all, and SQLite stores them
silently, so the two databases would disagree; none of them is typed on a keyboard or pasted
from a document on purpose.

C1 controls (U+0080–U+009F) are kept: text decoded as Latin-1 where Windows-1252 was meant
turns typographic quotes and dashes into C1 characters, and refusing a person's pasted notes
for that helps no one; both databases store them.

Where text is typed (forms, API fields, query strings) it is refused with an error naming the
field and nothing is written. Where it comes in a file (attendee CSV, vCard), the characters
are removed and the import's report says which field of which row or card lost some.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import UnprocessableEntity

#: Characters no person types; see the module docstring.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

#: The field error for refused text, the same sentence on every page and in the API.
MESSAGE = _l("Contains a control character (such as NUL) that cannot be saved. Remove it.")


def is_clean(value: str) -> bool:
    """True when ``value`` holds none of the refused characters."""
    return FORBIDDEN.search(value) is None


def clean(value: str) -> tuple[str, bool]:
    """``value`` without the refused characters, and whether any were removed (for files)."""
    cleaned = FORBIDDEN.sub("", value)
    return cleaned, len(cleaned) != len(value)


def refusals(values, prefix: str = "") -> dict[str, str]:
    """Per field path, the error for every string in ``values`` that holds a refused character.

    ``values`` is decoded JSON or a multi-dict's ``lists()``; paths read like the field names
    clients send: ``note``, ``captures[3].contact.name``. A key that itself holds a refused
    character is named by its cleaned form.
    """
    found: dict[str, str] = {}
    if isinstance(values, dict):
        pairs = values.items()
    elif isinstance(values, list | tuple):
        pairs = ((f"[{index}]", value) for index, value in enumerate(values))
    else:
        if isinstance(values, str) and not is_clean(values):
            found[prefix or "body"] = str(MESSAGE)
        return found
    for key, value in pairs:
        key = str(key)
        path = key if not prefix else f"{prefix}{key}" if key.startswith("[") else f"{prefix}.{key}"
        if not is_clean(key):
            found[clean(path)[0] or "body"] = str(MESSAGE)
            continue
        found.update(refusals(value, path))
    return found


def refusals_in_multidict(values) -> dict[str, str]:
    """``refusals`` for form data or a query string: a field is named once, without an index."""
    return {
        clean(key)[0] or "body": str(MESSAGE)
        for key, items in values.lists()
        if not is_clean(key) or not all(is_clean(item) for item in items if isinstance(item, str))
    }


#: The methods whose body a form sends (as Flask-WTF counts a form as submitted).
SENDS_A_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})

#: Stands in for a path segment with a refused character: in no id's or token's alphabet.
UNKNOWN = "\ufffd"


class RefusedText(UnprocessableEntity):
    """A value bound for the database holds a refused character that no check before caught."""


def _refuse_parameters(_conn, _cursor, _statement, parameters, _context, _executemany) -> None:
    """The last line: no statement carries a refused character to either database.

    Forms, the API and the importers refuse or clean text before this; a view that reads a
    request value directly (a filter, a list id) would otherwise reach PostgreSQL, which fails
    on NUL where SQLite stores it, so the request is refused the same way on both.
    """
    pending = [parameters]  # one row or many, as a tuple, list or dict, by dialect
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if FORBIDDEN.search(value):
                raise RefusedText()
        elif isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list | tuple):
            pending.extend(value)


def register(app) -> None:
    """Hold the request's path, query string and body to the rule before any view runs.

    A path segment with a refused character names nothing that exists: the view's own 404. A
    query string or a JSON body answers 422 ``invalid`` with ``fields`` under /api/, and an error
    page naming the parameter elsewhere. The JSON body is decoded here, once (``json_body``),
    and a page, which takes only its forms, answers 415 to one. Web form fields are left to
    their form (``webform.BaseForm``), which shows the error on the field and keeps what was
    typed; form values no form declares are refused here, and any value that still reaches a
    statement is refused there.
    """
    from flask import g, request
    from flask_babel import gettext as _
    from sqlalchemy import event

    from . import json_body
    from .errors import error_response, wants_json
    from .extensions import db
    from .webform import declared_names

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", _refuse_parameters)

    @app.errorhandler(RefusedText)
    def _refused_late(_error):
        db.session.rollback()
        return error_response(422, str(MESSAGE))

    @app.url_value_preprocessor
    def _refuse_paths(_endpoint, values):
        # A character no identifier holds: the view answers as for any unknown id or token,
        # with its own 404, so a refused spelling tells no more than a wrong one.
        # The path decides first: what it names does not exist, whatever the query says.
        for key, value in (values or {}).items():
            if isinstance(value, str) and not is_clean(value):
                values[key] = UNKNOWN
                g.unknown_path = True

    def _answer(fields: dict[str, str]):
        if wants_json():
            return error_response(422, _("Some values are not valid."), fields)
        names = ", ".join(sorted(fields))
        return error_response(
            422,
            _("%(names)s contains a control character (such as NUL). Remove it.", names=names),
        )

    @app.before_request
    def _refuse_requests():
        if g.get("unknown_path"):
            return None
        if request.is_json and not wants_json() and request.method in SENDS_A_BODY:
            # Pages take what their forms send; Flask-WTF would read a JSON body as form data
            # of any type (numbers, lists), which no form's field expects.
            return error_response(415, _("This page takes its form, not a JSON body."))
        fields = refusals_in_multidict(request.args)
        if wants_json() and request.is_json:
            try:
                fields.update(refusals(json_body.read()))
            except json_body.TooDeep:
                reason = _("Nested more than %(depth)d levels deep.", depth=json_body.MAX_DEPTH)
                return error_response(422, _("Some values are not valid."), {"body": reason})
        elif request.form:
            declared = declared_names()
            form_fields = refusals_in_multidict(request.form)
            fields.update(
                (key, reason)
                for key, reason in form_fields.items()
                if key.split("-", 1)[0] not in declared
            )
        if fields:
            return _answer(fields)
        return None
