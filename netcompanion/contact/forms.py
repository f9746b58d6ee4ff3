"""Forms of the contact pages: details, touches, consent, do not contact, lists, merging."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from ..account.forms import email_field, strip
from ..attendee.models import DETAIL_LIMITS
from ..webform import BaseForm
from .models import TouchKind

#: The longest touch body kept: a long email pasted in, not a document.
MAX_TOUCH_BODY = 5000
MAX_CONSENT = 2000
MAX_DNC_REASON = 500
#: Older is a typo (and far enough back, a date no clock can hold once moved to UTC).
EARLIEST_TOUCH = date(1970, 1, 1)


class ContactForm(BaseForm):
    """The person's details as the company knows them; the same limits as a capture's."""

    name = StringField(_l("Name"), filters=[strip], validators=[Length(max=DETAIL_LIMITS["name"])])
    email = email_field(_l("Email"), required=False)
    company = StringField(
        _l("Company"), filters=[strip], validators=[Length(max=DETAIL_LIMITS["company"])]
    )
    title = StringField(
        _l("Job title"), filters=[strip], validators=[Length(max=DETAIL_LIMITS["title"])]
    )
    phone = TelField(_l("Phone"), filters=[strip], validators=[Length(max=DETAIL_LIMITS["phone"])])
    linkedin_url = URLField(
        _l("LinkedIn"),
        filters=[strip],
        validators=[Optional(), URL(), Length(max=DETAIL_LIMITS["linkedin_url"])],
    )
    website_url = URLField(
        _l("Website"),
        filters=[strip],
        validators=[Optional(), URL(), Length(max=DETAIL_LIMITS["website_url"])],
    )


class TouchForm(BaseForm):
    """A touch logged by hand; ``today`` is the recruiter's date, for "not in the future"."""

    kind = SelectField(
        _l("What happened"),
        choices=lambda: [(kind.value, kind.label) for kind in TouchKind],
        validators=[DataRequired()],
    )
    body = TextAreaField(
        _l("What was said (optional)"),
        filters=[strip],
        validators=[
            Length(
                max=MAX_TOUCH_BODY,
                message=_l("At most %(max)d characters.", max=MAX_TOUCH_BODY),
            )
        ],
    )
    happened_on = DateField(
        _l("When"),
        validators=[Optional()],
        description=_l("Leave empty for now."),
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_happened_on(self, field) -> None:
        if field.data is not None and field.data > self.today:
            raise ValidationError(_l("A touch cannot be logged for a future date."))
        if field.data is not None and field.data < EARLIEST_TOUCH:
            raise ValidationError(_l("Give a date in 1970 or later."))


class ConsentForm(BaseForm):
    text = TextAreaField(
        _l("What the person agreed to"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Write down what the person agreed to, in their words.")),
            Length(max=MAX_CONSENT),
        ],
        description=_l(
            'For example: "Happy to hear about backend roles by email", said at the booth.'
        ),
    )


class DoNotContactForm(BaseForm):
    reason = StringField(
        _l("Reason"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Say why, so that colleagues understand later.")),
            Length(max=MAX_DNC_REASON),
        ],
        description=_l('For example: "Asked by email on 3 May not to be contacted again."'),
    )


class LiftDoNotContactForm(BaseForm):
    confirm = BooleanField(
        _l("The person agreed to be contacted again"),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class EraseForm(BaseForm):
    confirm = BooleanField(
        _l("Delete everything we hold about this person, at every event"),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class AddToListForm(BaseForm):
    list = SelectField(_l("List"), choices=[], validate_choice=True)


class MergeForm(BaseForm):
    """The two contacts and which one stays; both are public ids, checked by the view."""

    other = HiddenField(validators=[DataRequired()])
    keep = RadioField(_l("Which one stays"), choices=[], validate_choice=True)


class KeepForm(BaseForm):
    """Merging a suggested pair: which of the two stays (a public id)."""

    keep = RadioField(_l("Which one stays"), choices=[], validate_choice=True)
