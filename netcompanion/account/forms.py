"""Account forms; every one carries a CSRF token through Flask-WTF."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from ..webform import BaseForm
from .models import Role
from .passwords import MAX_LENGTH, MIN_LENGTH


def strip(value):
    """Phone keyboards add trailing spaces; never let them fail validation."""
    return value.strip() if isinstance(value, str) else value


def _password_field(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(),
            Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                message=_l("Use at least %(num)d characters.", num=MIN_LENGTH),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def email_field(label=None, required: bool = True):
    """An email address, trimmed of the spaces phone keyboards add."""
    return EmailField(
        label or _l("Work email"),
        validators=[
            DataRequired() if required else Optional(),
            Email(message=_l("Enter a valid email address.")),
            Length(max=254),
        ],
        filters=[strip],
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )


def role_choices():
    return [
        (Role.RECRUITER.value, _l("Recruiter: captures and follows up")),
        (Role.ADMIN.value, _l("Admin: also manages the team and events")),
        (Role.OWNER.value, _l("Owner: full control, including owners")),
    ]


class SignupForm(BaseForm):
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(), Length(max=120)],
        filters=[strip],
        render_kw={"autocomplete": "name"},
    )
    email = email_field()
    company = StringField(
        _l("Company or team name"),
        validators=[DataRequired(), Length(max=120)],
        filters=[strip],
        render_kw={"autocomplete": "organization"},
    )
    password = _password_field(_l("Password"))


class LoginForm(BaseForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = _password_field(_l("New password"))
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class InviteForm(BaseForm):
    email = email_field()
    role = SelectField(_l("Role"), choices=role_choices, default=Role.RECRUITER.value)


class RoleForm(BaseForm):
    role = SelectField(_l("Role"), choices=role_choices)


class AcceptInvitationForm(BaseForm):
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(), Length(max=120)],
        filters=[strip],
        render_kw={"autocomplete": "name"},
    )
    password = _password_field(_l("Choose a password"))


class ConfirmForm(BaseForm):
    """An empty form for buttons that change something: it carries the CSRF token."""
