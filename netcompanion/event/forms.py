"""Event, booth and join forms."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..account.forms import strip
from ..webform import BaseForm
from .service import timezones


class EventForm(BaseForm):
    name = StringField(
        _l("Event name"), validators=[DataRequired(), Length(max=160)], filters=[strip]
    )
    starts_on = DateField(
        _l("First day"), validators=[DataRequired(message=_l("Enter the first day of the event."))]
    )
    ends_on = DateField(
        _l("Last day"), validators=[DataRequired(message=_l("Enter the last day of the event."))]
    )
    timezone = SelectField(_l("Time zone"), choices=lambda: timezones(), default="UTC")
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)], filters=[strip])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])

    def details(self) -> dict:
        return {
            "name": self.name.data.strip(),
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "timezone": self.timezone.data,
            "venue": (self.venue.data or "").strip(),
            "description": (self.description.data or "").strip(),
        }


class NewEventForm(EventForm):
    with_booth = BooleanField(_l("We also exhibit at this event (our own booth)"), default=True)


class BoothForm(BaseForm):
    booth_name = StringField(
        _l("Booth name"), validators=[DataRequired(), Length(max=120)], filters=[strip]
    )
    booth_location = StringField(
        _l("Location (hall, stand number)"),
        validators=[Optional(), Length(max=120)],
        filters=[strip],
    )


class JoinForm(BoothForm):
    code = StringField(
        _l("Join code"),
        validators=[DataRequired(), Length(max=20)],
        filters=[strip],
        render_kw={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"},
    )
