"""The base of every web form: no field's text reaches a validator or the database unchecked.

Every ``FlaskForm`` of the app derives from :class:`BaseForm` (a test walks them all), so each
field, including those inside ``FormField`` and ``FieldList``, is held to ``text_input``'s rule
before its own validators run: those may query the database, which must not see a NUL.

A one-line field (any text input but a textarea or a password) holds no line break: a name,
company or title stays one line wherever it goes (a CSV cell, a vCard's FN and ORG, a file name
in a header, a badge, a mail's subject). A browser's text input never sends one, so a form
filled in by a person (the form read from the request) refuses one with an error on the field
and writes nothing; the API refuses one the same way (``api.inputs.text``). A form filled from
values already stored or read from a file (the API's forms, the importers) folds each line break
into a space instead: refusing there would lose a row, or a change to another field.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from werkzeug.datastructures import MultiDict
from wtforms import Field, FieldList, FormField, PasswordField, StringField, TextAreaField
from wtforms.fields.core import UnboundField

from . import text_input


def _fields(form):
    for field in form:
        if isinstance(field, FormField):
            yield from _fields(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                yield from _fields(entry.form) if isinstance(entry, FormField) else (entry,)
        else:
            yield field


def _refused(field: Field) -> bool:
    return any(
        isinstance(raw, str) and not text_input.is_clean(raw) for raw in field.raw_data or ()
    )


#: Line breaks, as ``str.splitlines`` counts them, with the spaces around them.
_LINE_BREAKS = re.compile(r"[ \t]*[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+[ \t]*")


#: The field error for a line break in a one-line field, on pages and in the API.
LINE_BREAK_MESSAGE = _l("Keep this on one line: remove the line break.")


def has_line_break(value) -> bool:
    """Whether ``value`` is text with a line break in it."""
    return isinstance(value, str) and _LINE_BREAKS.search(value) is not None


def one_line(value):
    """``value`` with each line break (and the spaces around it) as one space."""
    return _LINE_BREAKS.sub(" ", value) if isinstance(value, str) else value


class ListTextField(StringField):
    """A one-line field holding a list, where a pasted line break separates items as a comma
    does: its line breaks are kept for the form to read."""


def _one_line_field(field_class) -> bool:
    return issubclass(field_class, StringField) and not issubclass(
        field_class, TextAreaField | PasswordField | ListTextField
    )


def _line_feeds(value):
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """A Flask-WTF form whose fields refuse the characters no person types."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            """Fold line breaks in one-line fields before the field's own filters (strip)."""
            if _one_line_field(unbound_field.field_class):
                options["filters"] = (one_line, *unbound_field.kwargs.get("filters", ()))
            return super().bind_field(form, unbound_field, options)

        def wrap_formdata(self, form, formdata):
            """Line breaks as LF, as the API, imports and the scanner store them.

            Browsers send every line break of a textarea as CRLF: kept as sent, saving a page
            untouched would rewrite each multi-line text and tell the webhooks it changed.
            """
            form.typed = formdata is _Auto
            data = super().wrap_formdata(form, formdata)
            if data is None:
                return None
            return MultiDict([(key, _line_feeds(value)) for key, value in data.items(multi=True)])

    #: Whether the form was filled in by a person (read from the request), not from values.
    typed = False

    def validate(self, extra_validators=None) -> bool:
        errors = {field: str(text_input.MESSAGE) for field in _fields(self) if _refused(field)}
        if self.typed:
            for field in _fields(self):
                if field not in errors and _one_line_field(type(field)) and _broken(field):
                    errors[field] = str(LINE_BREAK_MESSAGE)
        if not errors:
            return super().validate(extra_validators)
        for field in _fields(self):
            field.errors = [errors[field]] if field in errors else []
        return False


def _broken(field: Field) -> bool:
    return any(has_line_break(raw) for raw in field.raw_data or ())


def declared_names() -> set[str]:
    """The names of every field a ``BaseForm`` declares: the forms answer for those."""
    names: set[str] = set()
    pending = [BaseForm]
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        for klass in cls.__mro__:
            names |= {n for n, v in vars(klass).items() if isinstance(v, UnboundField)}
    return names
