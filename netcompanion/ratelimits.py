"""Rate limits count against the API token, else the signed-in member, else the address.

A venue's Wi-Fi puts a whole hall behind one address, so limits keyed by address alone throttle
everyone at once. Whoever can be told apart is counted apart, in this order:

- an API token: ``token:<public id>`` (it authenticated before the limiter runs);
- a signed-in member: ``member:<user id>``;
- anyone else: ``address:<client address>``, the address left after the trusted proxies
  (``TRUSTED_PROXIES``, applied by ProxyFix), so anonymous pages keep per-address limits.

Sign-in, sign-up and invitation forms count by :func:`client_address` alone: whoever posts
there has not proven who they are. :func:`per_link` adds a link's secret (a badge token, a
booth token, a calendar key) to the key, hashed so secrets never reach the limiter's storage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user


def client_address() -> str:
    return "address:" + get_remote_address()


def requester_key() -> str:
    """The key of whoever is asking; the limiter's default, so every limit uses it."""
    from .api.auth import current_token  # api.auth imports the limiter, which imports this

    token = current_token()
    if token is not None:
        return f"token:{token.public_id}"
    if current_user.is_authenticated:
        return f"member:{current_user.id}"
    return client_address()


def per_link(view_arg: str) -> Callable[[], str]:
    """Key by the requester and the link's secret in ``view_arg``: one badge, booth or feed."""

    def key() -> str:
        secret = str((request.view_args or {}).get(view_arg, ""))
        digest = hashlib.sha256(secret.encode()).hexdigest()[:24]
        return f"{requester_key()}:link:{digest}"

    return key


def configured(name: str) -> Callable[[], str]:
    """The limit in setting ``name``, read per request so tests and deployments can set it."""
    return lambda: current_app.config[name]


def not_posting() -> bool:
    """``exempt_when`` for forms: their limits count what is sent, not the page being read."""
    return request.method != "POST"
