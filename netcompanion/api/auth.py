"""Who is calling ``/api/``: a company API token (``Authorization: Bearer nct_…``) or a session.

Rules:
- A request that carries an ``Authorization`` header is judged by it alone: cookies are
  ignored, so a browser session can never lend its rights to a bad token. A missing, malformed,
  revoked or unknown token answers 401 with ``WWW-Authenticate: Bearer``.
- A read token may only read (GET, HEAD, OPTIONS); anything else answers 403
  ``insufficient_scope``.
- Token requests skip the CSRF check: a browser cannot attach a Bearer header to a cross-site
  request without a CORS preflight, which this app never grants. Session requests keep it.
- A request with neither a token nor a signed-in session answers 401 ``unauthorized`` with
  ``WWW-Authenticate: Bearer``, writes included: who is calling is settled before whether a
  session's form token is right, so a client without credentials is told to authenticate.
- Writes through a token are recorded as by the admin who created it (``current_user``).
- Each token has its own rate limit (``API_RATE_LIMIT``); keyed by the token (see
  ``ratelimits``), so it never shares a budget with the address it calls from.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import API_CHALLENGE, error_response
from ..extensions import csrf, limiter
from ..ratelimits import configured
from . import tokens
from .models import ApiToken

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def current_token() -> ApiToken | None:
    """The token this request authenticated with, or None for a session (or no one)."""
    return g.get("api_token")


def _unauthorized(message: str):
    response, status = error_response(401, message, code="invalid_token")
    response.headers["WWW-Authenticate"] = f'{API_CHALLENGE}, error="invalid_token"'
    return response, status


def _authenticate_bearer():
    if not request.path.startswith("/api/"):
        return None
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, secret = header.partition(" ")
    secret = secret.strip(" \t")  # the header's own spaces (RFC 9110 OWS), nothing else
    if scheme.lower() != "bearer" or not secret:
        return _unauthorized(_("Send an API token as: Authorization: Bearer <token>."))
    token = tokens.authenticate(secret)
    if token is None:
        return _unauthorized(_("This API token is not valid. It may have been revoked."))
    g.api_token = token
    g._login_user = token.created_by  # Flask-Login's current_user for this request
    if request.method not in READ_METHODS and not token.scope.can_write:
        return error_response(
            403,
            _("This token may only read. Create a read and write token."),
            code="insufficient_scope",
        )
    return None


def _protect_forms():
    """Flask-WTF's default CSRF check, for every request not authenticated by a token."""
    if current_token() is not None or not current_app.config["WTF_CSRF_ENABLED"]:
        return
    if request.method not in current_app.config["WTF_CSRF_METHODS"] or not request.endpoint:
        return
    if request.path.startswith("/api/") and not current_user.is_authenticated:
        return error_response(401)  # with the challenge, added for every API 401 (errors.py)
    csrf.protect()


def register(app: Flask) -> None:
    """Install the hooks; call before the rate limiter's, so limits can key on the token."""
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # _protect_forms runs it instead
    app.before_request(_authenticate_bearer)
    app.before_request(_protect_forms)


#: Apply to API blueprints: ``token_limit(bp)``. One budget per token across every endpoint;
#: session requests (the scanner) are not counted.
token_limit = limiter.shared_limit(
    configured("API_RATE_LIMIT"), scope="api-token", exempt_when=lambda: current_token() is None
)
