"""Where to send the visitor next, without becoming an open redirect."""

from urllib.parse import urlsplit

from flask import request


def safe_next(default: str) -> str:
    """Return the ``next`` parameter when it is a path on this site, else ``default``."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if (
        target.startswith("/")
        and not target.startswith("//")
        and not parts.netloc
        and "\\" not in target
    ):
        return target
    return default
