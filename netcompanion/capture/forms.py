"""Forms of the capture pages: editing a capture later, adding a note."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TelField, TextAreaField, URLField
from wtforms.validators import URL, Length, Optional

from ..account.forms import email_field, strip
from ..attendee.models import Availability
from ..webform import BaseForm
from .items import MAX_NOTE
from .models import Rating


class CaptureForm(BaseForm):
    name = StringField(_l("Name"), filters=[strip], validators=[Length(max=200)])
    email = email_field(_l("Email"), required=False)
    company = StringField(_l("Company"), filters=[strip], validators=[Length(max=200)])
    title = StringField(_l("Job title"), filters=[strip], validators=[Length(max=200)])
    phone = TelField(_l("Phone"), filters=[strip], validators=[Length(max=50)])
    linkedin_url = URLField(
        _l("LinkedIn"), filters=[strip], validators=[Optional(), URL(), Length(max=500)]
    )
    website_url = URLField(
        _l("Website"), filters=[strip], validators=[Optional(), URL(), Length(max=500)]
    )
    rating = RadioField(
        _l("Rating"),
        choices=lambda: [("", _l("Not rated"))] + [(r.value, r.label) for r in Rating],
        default="",
    )
    availability = SelectField(
        _l("Availability"),
        choices=lambda: [("", _l("Not known"))] + [(a.value, a.label) for a in Availability],
        default="",
    )
    tags = StringField(
        _l("Interests"),
        filters=[strip],
        validators=[Length(max=1000)],
        description=_l("Separate interests with commas."),
    )


class NoteForm(BaseForm):
    body = TextAreaField(
        _l("Add a note"), filters=[strip], validators=[Length(min=1, max=MAX_NOTE)]
    )
