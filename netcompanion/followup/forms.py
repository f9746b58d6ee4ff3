"""Forms of the follow-up pages: a new list, and the edit page's stage and cadence editors.

The editors are plain rows (``stages-0-name``, ``steps-1-offset_days``...): existing rows carry
their public id, blank rows at the end add one, a position number reorders stages. The rules
that span rows (unique names, growing offsets, where a deleted stage's people go) live in
``entries.update_list``; these forms only read the values.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..account.forms import strip
from ..webform import BaseForm
from .entries import MAX_DAYS, MAX_STAGE_NAME, ListDetails, StageRow, StepRow
from .models import FollowupList, StepAction

#: Blank rows offered for adding stages and steps.
BLANK_STAGES = 2
BLANK_STEPS = 2
#: More rows than this in one post is not a person editing.
MAX_ROWS = 40


class ListForm(BaseForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Give the list a name.")), Length(max=120)],
        filters=[strip],
        description=_l('For example "Backend engineers — nurture".'),
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Length(max=2000)],
        filters=[strip],
        description=_l("Who belongs here and what you offer them."),
    )


class StageRowForm(Form):
    key = HiddenField()
    name = StringField(_l("Stage name"), validators=[Length(max=MAX_STAGE_NAME)], filters=[strip])
    position = IntegerField(
        _l("Position"),
        validators=[Optional(), NumberRange(min=1, max=MAX_ROWS, message=_l("From 1 to 40."))],
    )
    final = BooleanField(_l("Final: nothing is due here"))
    delete = BooleanField(_l("Delete"))
    move_to = SelectField(_l("Move its people to"), choices=[], validate_choice=False)


def action_choices():
    return [(action.value, action.label) for action in StepAction]


class StepRowForm(Form):
    key = HiddenField()
    offset_days = IntegerField(
        _l("Days into the relationship"),
        validators=[
            Optional(),
            NumberRange(min=0, max=MAX_DAYS, message=_l("Between 0 and 3650 days.")),
        ],
    )
    action = SelectField(_l("Action"), choices=action_choices, validate_choice=False)
    template = SelectField(_l("Message template"), choices=[], validate_choice=False)
    delete = BooleanField(_l("Delete"))


class ListEditForm(ListForm):
    keep_in_touch_days = IntegerField(
        _l("Keep in touch every (days)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_DAYS, message=_l("Between 1 and 3650 days.")),
        ],
        description=_l("After the last step, repeat from the last touch. Empty: stop there."),
    )
    stages = FieldList(FormField(StageRowForm), max_entries=MAX_ROWS)
    steps = FieldList(FormField(StepRowForm), max_entries=MAX_ROWS)

    @classmethod
    def for_list(cls, lst: FollowupList) -> ListEditForm:
        """The edit form, filled from the list on first display, from the post otherwise."""
        stages = [
            {"key": s.public_id, "name": s.name, "position": i + 1, "final": s.is_final}
            for i, s in enumerate(lst.stages)
        ]
        stages += [
            {"key": "", "name": "", "position": len(stages) + i + 1} for i in range(BLANK_STAGES)
        ]
        steps = [
            {
                "key": s.public_id,
                "offset_days": s.offset_days,
                "action": s.action.value,
                "template": s.template.public_id if s.template else "",
            }
            for s in lst.steps
        ]
        steps += [{"key": "", "offset_days": None} for _ in range(BLANK_STEPS)]
        return cls(
            data={
                "name": lst.name,
                "description": lst.description,
                "keep_in_touch_days": lst.keep_in_touch_days,
                "stages": stages,
                "steps": steps,
            }
        )

    def offer(self, lst: FollowupList, templates: list[tuple[str, str]]) -> None:
        """Fill the rows' menus: stages to move people to, and the company's templates."""
        stage_choices = [("", _l("Choose a stage"))] + [(s.public_id, s.name) for s in lst.stages]
        template_choices = [("", _l("No template"))] + templates
        for row in self.stages:
            row.form.move_to.choices = stage_choices
        for row in self.steps:
            row.form.template.choices = template_choices

    def details(self) -> ListDetails:
        return ListDetails(
            self.name.data or "", self.description.data or "", self.keep_in_touch_days.data
        )

    def stage_rows(self) -> list[StageRow]:
        return [
            StageRow(
                public_id=row.form.key.data or "",
                name=row.form.name.data or "",
                position=row.form.position.data,
                final=bool(row.form.final.data),
                delete=bool(row.form.delete.data),
                move_to=row.form.move_to.data or "",
            )
            for row in self.stages
        ]

    def step_rows(self) -> list[StepRow]:
        return [
            StepRow(
                public_id=row.form.key.data or "",
                offset_days=row.form.offset_days.data,
                action=row.form.action.data or "",
                template=row.form.template.data or "",
                delete=bool(row.form.delete.data),
            )
            for row in self.steps
        ]

    def fields_by_id(self) -> dict:
        """Every field, sub-rows included, by its HTML id: where a service's problem goes."""
        found = {}
        for field in self:
            if isinstance(field, FieldList):
                found[field.id] = field
                for row in field:
                    for sub in row.form:
                        found[sub.id] = sub
            else:
                found[field.id] = field
        return found
