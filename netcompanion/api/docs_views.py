"""The API page: /developers/api, rendered on the server from the OpenAPI document.

Public, like the document itself: it holds no company data, and the developer wiring up a CRM
may not have an account. Every endpoint is listed with its parameters, a curl line and an
example answer built from the schemas, so the page cannot drift from the document.
"""

from __future__ import annotations

import json

from flask import current_app, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from limits import parse_many

from . import openapi, paging, tokens
from .token_views import bp

METHODS = ("get", "post", "patch", "put", "delete")


def example(schema: dict, components: dict, depth: int = 0):
    """A plausible value for ``schema``: its ``example``, or one built from its parts."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return example(components["schemas"][name], components, depth)
    if "example" in schema:
        return schema["example"]
    if "anyOf" in schema:
        choices = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return example(choices[0], components, depth) if choices else None
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        if depth > 6:
            return {}
        properties = schema.get("properties", {})
        wanted = schema.get("required", list(properties))
        return {key: example(properties[key], components, depth + 1) for key in wanted}
    if kind == "array":
        return [example(schema.get("items", {}), components, depth + 1)]
    if "enum" in schema:
        return next((value for value in schema["enum"] if value is not None), None)
    return {
        "integer": 1,
        "boolean": False,
        "null": None,
        "string": {"date-time": "2030-05-14T09:30:00+00:00", "date": "2030-05-14"}.get(
            schema.get("format", ""), ""
        ),
    }.get(kind)


def _pretty(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _operations(doc: dict, base: str) -> list[dict]:
    """Every operation, in the document's order, ready for the template."""
    components = doc["components"]
    out = []
    for path, item in doc["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [
                components["parameters"][p["$ref"].rsplit("/", 1)[-1]] if "$ref" in p else p
                for p in (*item.get("parameters", ()), *operation.get("parameters", ()))
            ]
            body = None
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                body = _pretty(example(content["application/json"]["schema"], components))
            success = next(
                (status for status in operation["responses"] if status.startswith("2")), None
            )
            answer, media = None, None
            if success:
                response = operation["responses"][success]
                media = next(iter(response.get("content", {})), None)
                if media == "application/json" and path != "/openapi.json":
                    answer = _pretty(example(response["content"][media]["schema"], components))
            out.append(
                {
                    "id": operation.get("operationId", f"{method}-{path}"),
                    "tag": (operation.get("tags") or ["API"])[0],
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": parameters,
                    "body": body,
                    "status": success,
                    "media": media,
                    "answer": answer,
                    "others": sorted(s for s in operation["responses"] if not s.startswith("2")),
                    "curl": _curl(base, method.upper(), path, parameters, body, operation),
                }
            )
    return out


def _curl(base: str, method: str, path: str, parameters, body, operation) -> str:
    public = operation.get("security") == []
    line = ["curl" if method == "GET" else f"curl -X {method}"]
    if not public:
        line.append('-H "Authorization: Bearer $NETCOMPANION_TOKEN"')
    if body is not None:
        line.append("-H 'Content-Type: application/json'")
        line.append("-d '" + json.dumps(json.loads(body), ensure_ascii=False) + "'")
    url = base + path.replace("{", "<").replace("}", ">")
    line.append(f'"{url}"')
    return " \\\n  ".join(line)


def _spoken_limit(setting: str) -> str:
    """The rate limit setting ("600 per minute;10000 per day") in the reader's language."""
    phrases = {
        "second": lambda n: ngettext("%(num)d request a second", "%(num)d requests a second", n),
        "minute": lambda n: ngettext("%(num)d request a minute", "%(num)d requests a minute", n),
        "hour": lambda n: ngettext("%(num)d request an hour", "%(num)d requests an hour", n),
        "day": lambda n: ngettext("%(num)d request a day", "%(num)d requests a day", n),
    }
    spoken = []
    for item in parse_many(setting):
        unit = item.GRANULARITY.name
        if item.multiples == 1 and unit in phrases:
            spoken.append(phrases[unit](item.amount))
        else:
            spoken.append(str(item))
    return _(" and ").join(spoken)


@bp.get("/developers/api")
def docs():
    doc = openapi.document()
    base = current_app.config["BASE_URL"].rstrip("/") + openapi.PREFIX
    operations = _operations(doc, base)
    tags = [t["name"] for t in doc["tags"] if any(o["tag"] == t["name"] for o in operations)]
    error_example = _pretty(
        {
            "error": {
                "code": "invalid",
                "message": "Some values are not valid.",
                "fields": {"rating": "Choose hot, warm or cold."},
            }
        }
    )
    return render_template(
        "api/docs.html",
        base=base,
        operations=operations,
        tags=tags,
        error_codes=openapi.ERROR_CODES,
        error_example=error_example,
        rate_limit=_spoken_limit(current_app.config["API_RATE_LIMIT"]),
        token_prefix=tokens.PREFIX,
        token_length=tokens.LENGTH,
        max_limit=paging.MAX_LIMIT,
        default_limit=paging.DEFAULT_LIMIT,
        document_url=url_for("api.openapi_document"),
    )
