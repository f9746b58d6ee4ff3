"""Attendee forms: the organizer's, and the public self-registration."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField, TelField, URLField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..account.forms import email_field, strip
from ..webform import BaseForm
from .models import Availability


def add_scheme(value):
    """People type "linkedin.com/in/ana"; store a link that works."""
    value = strip(value)
    if value and "://" not in value:
        return "https://" + value
    return value


def _is_web_link(form, field):
    value = field.data or ""
    if value and not (value.startswith(("http://", "https://")) and "." in value.split("/")[2]):
        raise ValidationError(_l("Enter a web address, e.g. https://example.com."))


def _is_linkedin(form, field):
    value = field.data or ""
    if value:
        host = value.split("/")[2].lower() if value.count("/") >= 2 else ""
        if not (host == "linkedin.com" or host.endswith(".linkedin.com")):
            raise ValidationError(
                _l("Enter a LinkedIn address, e.g. https://linkedin.com/in/name.")
            )


class AttendeeDetailsForm(BaseForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=200)],
        filters=[strip],
        render_kw={"autocomplete": "name"},
    )
    email = email_field(_l("Email"))
    company = StringField(
        _l("Company"),
        validators=[Optional(), Length(max=200)],
        filters=[strip],
        render_kw={"autocomplete": "organization"},
    )
    title = StringField(
        _l("Job title"),
        validators=[Optional(), Length(max=200)],
        filters=[strip],
        render_kw={"autocomplete": "organization-title"},
    )
    phone = TelField(
        _l("Phone"),
        validators=[
            Optional(),
            Length(max=50),
            Regexp(r"^[+0-9 ()./-]{5,}$", message=_l("Enter a phone number, e.g. +49 30 1234567.")),
        ],
        filters=[strip],
        render_kw={"autocomplete": "tel"},
    )
    linkedin_url = URLField(
        _l("LinkedIn"),
        validators=[Optional(), Length(max=500), _is_web_link, _is_linkedin],
        filters=[add_scheme],
        render_kw={"placeholder": "linkedin.com/in/…", "inputmode": "url"},
    )
    website_url = URLField(
        _l("Website"),
        validators=[Optional(), Length(max=500), _is_web_link],
        filters=[add_scheme],
        render_kw={"autocomplete": "url", "inputmode": "url"},
    )

    def details(self) -> dict:
        return {
            field: getattr(self, field).data or ""
            for field in (
                "name",
                "email",
                "company",
                "title",
                "phone",
                "linkedin_url",
                "website_url",
            )
        }


def availability_choices():
    return [(a.value, a.label) for a in Availability]


class SelfRegistrationForm(AttendeeDetailsForm):
    availability = RadioField(
        _l("Are you open to new opportunities?"),
        choices=availability_choices,
        validators=[Optional()],
    )
    show_linkedin = BooleanField(_l("Show my LinkedIn on my public badge card"))
    show_website = BooleanField(_l("Show my website on my public badge card"))
    share_contact = BooleanField(
        _l(
            "Share my contact details (email, phone, links) with the exhibitors who scan "
            "my badge at this event."
        )
    )
    #: Hidden from people by CSS; naive bots fill every field they find.
    website_confirm = StringField(_l("Leave this field empty"))


class ConsentForm(BaseForm):
    share_contact = BooleanField(
        _l(
            "Share my contact details (email, phone, links) with the exhibitors who scan "
            "my badge at this event."
        )
    )
    show_linkedin = BooleanField(_l("Show my LinkedIn on my public badge card"))
    show_website = BooleanField(_l("Show my website on my public badge card"))
