"""Error responses: an HTML page for people, one JSON shape under /api/.

JSON shape: ``{"error": {"code": "not_found", "message": "...", "fields": {...}}}``; ``fields``
appears when specific inputs are at fault.
"""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask, jsonify, render_template, request
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .exceptions import NotPermitted
from .extensions import db, limiter, login_manager

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
}


#: How the API authenticates (RFC 6750), for every 401 it answers.
API_CHALLENGE = 'Bearer realm="netcompanion"'


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood. Go back and try again."),
        401: _("Please sign in to continue."),
        403: _("You do not have permission to do this."),
        404: _("We could not find that page. It may have been removed, or the link is wrong."),
        405: _("This page does not accept that kind of request."),
        413: _("That upload is too large."),
        500: _(
            "Something went wrong on our side. Nothing you entered was saved; please try again."
        ),
    }


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(
    status: int, message: str | None = None, fields: dict | None = None, code: str | None = None
):
    message = message or _messages().get(status, _("Something went wrong."))
    if wants_json():
        body = {"error": {"code": code or CODES.get(status, "error"), "message": message}}
        if fields:
            body["error"]["fields"] = fields
        response = jsonify(body)
        if status == 401:  # RFC 9110: a 401 names how to authenticate
            response.headers["WWW-Authenticate"] = API_CHALLENGE
        return response, status
    return render_template("errors/error.html", code=status, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_response(
            400,
            _("This form expired or was sent from elsewhere. Reload the page and try again."),
            code="csrf_failed",  # the scanner fetches a fresh token and retries
        )

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(error: RateLimitExceeded):
        return error_response(429, _rate_limited_message())

    @app.errorhandler(NotPermitted)
    def not_permitted(error: NotPermitted):
        db.session.rollback()  # a refused action leaves nothing behind
        return error_response(403, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 401 and not wants_json():
            return login_manager.unauthorized()
        response, status = error_response(error.code or 500)
        return response, status, _protocol_headers(error)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        db.session.rollback()
        return error_response(500)


def _protocol_headers(error: HTTPException) -> dict[str, str]:
    """The headers Werkzeug gives the error (``Allow`` on 405, ``WWW-Authenticate`` on 401),
    which our own page would otherwise drop; the body's type stays ours."""
    return {k: v for k, v in error.get_headers() if k.lower() != "content-type"}


#: How ratelimits names who a limit counts against.
COUNTED_AS = ("token:", "member:", "address:")


def _rate_limited_message() -> str:
    """Say whose budget ran out and when it refills: a hall sharing one address needs to know
    it is the network, not them."""
    breached = limiter.current_limit
    seconds = max(1, int(breached.reset_at - time.time())) if breached else 60
    # The limiter's arguments are [key prefix,] key, scope; keys name who was counted.
    args = breached.request_args if breached else []
    counted = next((arg for arg in args if arg.startswith(COUNTED_AS)), "")
    if counted.startswith("token:"):
        return _(
            "Too many requests with this API token. Try again in %(seconds)d seconds.",
            seconds=seconds,
        )
    when = format_timedelta(timedelta(seconds=seconds), add_direction=True)
    if counted.startswith("address:"):
        return _("Too many requests from this network. Please try again %(when)s.", when=when)
    return _("Too many requests. Please try again %(when)s.", when=when)
