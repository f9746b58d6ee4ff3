"""Error responses: an HTML page for people, one JSON shape under /api/.

JSON shape: ``{"error": {"code": "not_found", "message": "...", "fields": {...}}}``; ``fields``
appears when specific inputs are at fault.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db, login_manager

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


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood. Go back and try again."),
        401: _("Please sign in to continue."),
        403: _("You do not have permission to do this."),
        404: _("We could not find that page. It may have been removed, or the link is wrong."),
        405: _("This page does not accept that kind of request."),
        413: _("That upload is too large."),
        429: _("Too many attempts. Wait a minute and try again."),
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
        return jsonify(body), status
    return render_template("errors/error.html", code=status, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_response(
            400,
            _("This form expired or was sent from elsewhere. Reload the page and try again."),
            code="csrf_failed",  # the scanner fetches a fresh token and retries
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 401 and not wants_json():
            return login_manager.unauthorized()
        return error_response(error.code or 500)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        db.session.rollback()
        return error_response(500)
