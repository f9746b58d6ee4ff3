"""Forms of the webhook pages: an endpoint's settings, and the buttons' CSRF-only forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField, URLField, widgets
from wtforms.validators import DataRequired, Length

from ..account.forms import strip
from ..webform import BaseForm
from . import addresses
from .models import Topic
from .service import MAX_DESCRIPTION


class EndpointForm(BaseForm):
    url = URLField(
        _l("Endpoint URL"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the https:// address that receives the events.")),
            Length(max=addresses.MAX_URL),
        ],
        description=_l(
            "An https:// address on the public internet, e.g. https://hooks.example.com/netcompanion"
        ),
    )
    description = StringField(
        _l("Description"),
        filters=[strip],
        validators=[Length(max=MAX_DESCRIPTION)],
        description=_l("What receives the events, e.g. “HubSpot sync”. Optional."),
    )
    topics = SelectMultipleField(
        _l("Events to send"),
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validators=[DataRequired(_l("Choose at least one event."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics.choices = [(topic.value, topic.label) for topic in Topic]


class ConfirmForm(BaseForm):
    """The CSRF token of a button that posts."""
