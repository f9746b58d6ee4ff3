"""Forms of outreach: writing a template, and the message a recruiter checks before sending."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..account.forms import strip
from ..webform import BaseForm
from .limits import MAX_OUTPUT
from .rendering import TemplateProblem

MAX_NAME = 120
MAX_SUBJECT = 300
MAX_BODY = 20_000


class TemplateForm(BaseForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=MAX_NAME)],
        filters=[strip],
        description=_l("For you and your team, e.g. “Thank you after the event”."),
    )
    subject = StringField(
        _l("Subject"), validators=[DataRequired(), Length(max=MAX_SUBJECT)], filters=[strip]
    )
    body = TextAreaField(
        _l("Message"),
        validators=[DataRequired(), Length(max=MAX_BODY)],
        render_kw={"rows": 14, "spellcheck": "true"},
    )

    def show_problems(self, problems: dict[str, TemplateProblem]) -> None:
        """Put each part's problem under its field, with the line number."""
        for part, problem in problems.items():
            field = getattr(self, part)
            field.errors = [*field.errors, problem.message]


class MessageForm(BaseForm):
    """The rendered message, as the recruiter edited it. ``action`` is the button pressed."""

    subject = StringField(
        _l("Subject"), validators=[DataRequired(), Length(max=MAX_SUBJECT)], filters=[strip]
    )
    body = TextAreaField(
        _l("Message"),
        validators=[DataRequired(), Length(max=MAX_OUTPUT)],
        render_kw={"rows": 16, "spellcheck": "true"},
    )
