"""Small helpers shared by views that render forms."""

from flask import flash, request

from .exceptions import Rejected


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
