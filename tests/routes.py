"""Walk the URL map: one concrete path per rule, for tests that cover every route."""

from __future__ import annotations

from werkzeug.routing import AnyConverter

#: Methods a client may send that some routes refuse.
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def sample_path(app, rule) -> str:
    """A path the rule matches, with a placeholder for each identifier."""
    values = {}
    for name, converter in rule._converters.items():
        values[name] = sorted(converter.items)[0] if isinstance(converter, AnyConverter) else "x1"
    return app.url_map.bind("localhost").build(rule.endpoint, values, method=_any(rule))


def allowed_methods(app, path: str) -> set[str]:
    """Every method some rule takes at this path (what ``Allow`` must list)."""
    return set(app.url_map.bind("localhost").allowed_methods(path))


def _any(rule) -> str:
    return sorted(rule.methods)[0]
