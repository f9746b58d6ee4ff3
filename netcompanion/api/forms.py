"""The API token form: a name to recognise the token by, and what it may do."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length

from ..account.forms import strip
from ..webform import BaseForm
from .models import TokenScope


class TokenForm(BaseForm):
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Name the token after what uses it, e.g. HubSpot sync.")),
            Length(max=80),
        ],
        description=_l("What uses the token, e.g. “HubSpot sync”."),
    )
    scope = RadioField(
        _l("Access"),
        choices=lambda: [(scope.value, scope.label) for scope in TokenScope],
        default=TokenScope.READ.value,
        validators=[DataRequired()],
    )
