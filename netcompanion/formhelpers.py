"""Small helpers shared by views that render forms."""

from flask import flash, request

from .exceptions import Rejected
from .extensions import db


def show_rejection(form, error: Rejected) -> None:
    """Attach a service's refusal to the field it names, or flash it for the whole page."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


def form_status(form) -> int:
    """422 when a submitted form is shown again with its errors, 200 on first display."""
    return 422 if request.method == "POST" else 200


def perform(action, success):
    """Run a button's service action: commit and flash ``success``, or roll back and say why not.

    ``success`` is a message, or a callable that builds it from the action's result.
    """
    try:
        result = action()
    except Rejected as error:
        db.session.rollback()
        flash(error.message, "error")
        return None
    db.session.commit()
    flash(success(result) if callable(success) else success, "success")
    return result
