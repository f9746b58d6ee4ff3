"""Answers that carry a member's data are never stored: ``Cache-Control: no-store``.

Rule: every answer to a signed-in member, and every answer under ``/api/`` (token, session or
neither), is sent with ``Cache-Control: no-store`` unless its view chose its own caching (the
public QR images, the OpenAPI document, the service workers, the attendee's own badge page). So
neither a shared computer's browser cache, nor its back button after sign-out, nor a proxy keeps
personal data. A page that shows someone's data to a visitor who is not signed in (an invitation
shows the company and the invited address) says so with ``@never_stored``. Static files keep
their caching whoever asks: they are the same for everyone, and the service workers revalidate
them.
"""

from __future__ import annotations

import functools

from flask import Flask, Response, g, make_response, request

NO_STORE = "no-store"


def is_private(response: Response) -> bool:
    """Whether this answer is the private kind a view left to the default."""
    if "Cache-Control" in response.headers or request.endpoint == "static":
        return False
    return request.path.startswith("/api/") or _made_for_a_member()


def _made_for_a_member() -> bool:
    """Whether the view looked up a signed-in member; never loads one itself."""
    user = g.get("_login_user")  # where Flask-Login keeps the member it loaded
    return user is not None and user.is_authenticated


def never_stored(view):
    """Send a view's answers with ``no-store`` whoever asks."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = NO_STORE
        return response

    return wrapper


def register(app: Flask) -> None:
    @app.after_request
    def keep_private_answers_out_of_caches(response: Response) -> Response:
        if is_private(response):
            response.headers["Cache-Control"] = NO_STORE
        return response
