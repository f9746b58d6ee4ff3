"""Forms of the capture pages: editing a capture later, adding a note."""

from __future__ import annotations

import csv
import io

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TelField, TextAreaField, URLField
from wtforms.validators import URL, Length, Optional, ValidationError

from ..account.forms import email_field, strip
from ..attendee.models import Availability
from ..webform import BaseForm, ListTextField
from .items import CONTACT_FIELDS, MAX_NOTE, MAX_TAG, MAX_TAGS, clean_tags
from .models import Capture, Rating


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
    tags = ListTextField(
        _l("Interests"),
        filters=[strip],
        validators=[Length(max=1000)],
        description=_l("Separate interests with commas."),
    )

    def validate_tags(self, field) -> None:
        names = clean_tags(interest_names(field.data or ""))
        if len(names) > MAX_TAGS:
            raise ValidationError(_l("At most %(limit)d interests.", limit=MAX_TAGS))
        if any(len(name) > MAX_TAG for name in names):
            raise ValidationError(
                _l("An interest has at most %(limit)d characters.", limit=MAX_TAG)
            )

    def interests(self) -> list[str]:
        return interest_names(self.tags.data or "")

    @classmethod
    def for_capture(cls, capture: Capture) -> CaptureForm:
        """The form showing the capture; a post's fields replace what they carry.

        Not ``obj=capture``: WTForms takes an attribute of ``obj`` before ``data``, and
        ``capture.tags`` is a list of rows, which the field would show as their Python repr.
        """
        return cls(
            data={
                **{key: getattr(capture, key) for key in CONTACT_FIELDS},
                "rating": capture.rating.value if capture.rating else "",
                "availability": capture.availability.value if capture.availability else "",
                "tags": interests_text(capture.tag_names),
            }
        )


def interests_text(names: list[str]) -> str:
    """Interests as the field shows them: comma-separated, quoted where a name holds a comma."""
    return ", ".join(_csv_field(name) for name in names)


def _csv_field(name: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([name])
    return out.getvalue()


def interest_names(text: str) -> list[str]:
    """The interests typed in the field, read the way ``interests_text`` writes them.

    A pasted line break separates interests as a comma does.
    """
    line = ",".join(text.splitlines())
    return [name for row in csv.reader([line], skipinitialspace=True) for name in row]


class NoteForm(BaseForm):
    body = TextAreaField(
        _l("Add a note"), filters=[strip], validators=[Length(min=1, max=MAX_NOTE)]
    )
