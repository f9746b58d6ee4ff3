"""The forms on a booth's public page: the details form, and "Share my card"."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional

from ..account.forms import email_field, strip
from ..attendee.forms import availability_choices
from ..event.models import Exhibitor
from ..webform import BaseForm
from .booth import MAX_MESSAGE, consent_wording

CONSENT_REQUIRED = _l("Tick the box to agree, or your details cannot be sent.")


class _Extras(BaseForm):
    """What both forms may carry besides who the person is."""

    interests = SelectMultipleField(
        _l("What interests you?"),
        choices=[],  # the event's chips, set per booth
        # A chip the organizer removed while the page was open is kept like a typed interest.
        validate_choice=False,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    other_interests = StringField(
        _l("Other interests"),
        validators=[Optional(), Length(max=500)],
        filters=[strip],
        description=_l("Separate them with commas."),
    )
    availability = RadioField(
        _l("Are you open to new opportunities?"),
        choices=availability_choices,
        validators=[Optional()],
    )
    message = TextAreaField(
        _l("Message to the team (optional)"),
        validators=[Optional(), Length(max=MAX_MESSAGE)],
        filters=[strip],
    )
    consent = BooleanField(validators=[DataRequired(message=CONSENT_REQUIRED)])

    def for_booth(self, booth: Exhibitor):
        """Offer the event's interest chips and name the company in the consent sentence."""
        self.interests.choices = list(booth.event.interest_tags or [])
        if not self.interests.choices:
            self.other_interests.label.text = _("Your interests")
        self.consent.label.text = consent_wording(booth.organization.name)
        return self

    def extras(self) -> dict:
        return {
            key: getattr(self, key).data
            for key in ("interests", "other_interests", "availability", "message")
        }


class BoothForm(_Extras):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Enter your name.")), Length(max=200)],
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
    linkedin_url = URLField(
        _l("LinkedIn"),
        validators=[Optional(), Length(max=500)],
        filters=[strip],
        render_kw={"placeholder": "linkedin.com/in/…", "inputmode": "url"},
    )
    website_url = URLField(
        _l("Website"),
        validators=[Optional(), Length(max=500)],
        filters=[strip],
        render_kw={"autocomplete": "url", "inputmode": "url"},
    )
    #: Hidden from people by CSS; naive bots fill every field they find.
    website2 = StringField(_l("Leave this empty"))

    def details(self) -> dict:
        return {
            key: getattr(self, key).data or ""
            for key in ("name", "email", "company", "title", "linkedin_url", "website_url")
        }


class ShareForm(_Extras):
    """One tap: the attendee's private badge key (remembered by this phone) and consent."""

    key = HiddenField(validators=[DataRequired(), Length(max=100)])
