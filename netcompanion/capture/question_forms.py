"""Forms of the capture-sheet page: the interest chips, and one question."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..account.forms import strip
from ..webform import BaseForm
from . import questions
from .models import QuestionKind


class TagsForm(BaseForm):
    tags = TextAreaField(
        _l("Interest chips"),
        validators=[Length(max=5000)],
        description=_l("One per line, or separated by commas: up to 30, each up to 40 characters."),
    )

    def validate_tags(self, field):
        problem = questions.tags_problem(questions.split_tags(field.data))
        if problem:
            raise ValidationError(problem)

    def chips(self) -> list[str]:
        return questions.split_tags(self.tags.data)


def kind_choices():
    return [(kind.value, kind.label) for kind in QuestionKind]


class QuestionForm(BaseForm):
    prompt = StringField(
        _l("Question"),
        validators=[
            DataRequired(message=_l("Enter the question.")),
            Length(max=questions.MAX_PROMPT),
        ],
        filters=[strip],
        description=_l("Short: recruiters answer it between two conversations."),
    )
    kind = RadioField(_l("Answered by"), choices=kind_choices, default=QuestionKind.SINGLE.value)
    options = TextAreaField(
        _l("Answers to choose from"),
        validators=[Length(max=2000)],
        description=_l("One per line, 2 to 12, for single and multiple choice."),
    )

    def validate_options(self, field):
        if self.kind.data in {k.value for k in QuestionKind}:
            problem = questions.options_problem(
                QuestionKind(self.kind.data), questions.split_options(field.data)
            )
            if problem:
                raise ValidationError(problem)

    def values(self) -> tuple[QuestionKind, str, list[str]]:
        return (
            QuestionKind(self.kind.data),
            self.prompt.data,
            questions.split_options(self.options.data),
        )
