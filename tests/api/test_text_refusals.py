"""Every text input of every API operation, walked from the OpenAPI document, fuzzed with
Hypothesis: refused characters answer 422 naming the field (404 in a path) and write nothing;
no input answers 5xx; and SQLite and PostgreSQL answer alike (``hostile_text.record_answers``)."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from netcompanion.api import openapi
from tests.hostile_text import record_answers, refused_texts, row_counts, texts

DOCUMENT = openapi.document()
SETTINGS = settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # a failure names its input; shrinking is slow
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        kind, name = node["$ref"].split("/")[-2:]
        node = DOCUMENT["components"][kind][name]
    return node


def _body_slots(schema: dict, prefix: str = "", depth: int = 0):
    """Field paths of every text a body holds, as the API's errors name them."""
    schema = _resolve(schema)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        for name, sub in schema.get("properties", {}).items():
            yield from _body_slots(sub, f"{prefix}.{name}" if prefix else name, depth + 1)
        if schema.get("additionalProperties") not in (None, False) and depth < 3:
            yield from _body_slots({"type": "string"}, f"{prefix}.key" if prefix else "key")
    elif kind == "array" and depth < 3:
        yield from _body_slots(schema.get("items", {}), f"{prefix}[0]", depth + 1)
    elif kind in ("string", None) or isinstance(kind, list):
        yield prefix


def _put(path: str, value) -> dict:
    """A JSON body with ``value`` at ``path`` (``captures[0].contact.name``)."""
    parts = re.findall(r"[^.\[\]]+|\[0\]", path)
    root: dict | list = {}
    node = root
    for part, following in zip(parts, parts[1:] + [None], strict=True):
        child = value if following is None else [] if following == "[0]" else {}
        if isinstance(node, list):
            node.append(child)
        else:
            node[part] = child
        node = child
    return root


def operations():
    """(method, path template, query names, path names, body field paths) of every operation."""
    for template, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            params = [_resolve(p) for p in operation.get("parameters", [])]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            yield (
                method.upper(),
                template,
                [p["name"] for p in params if p["in"] == "query"],
                [p["name"] for p in params if p["in"] == "path"],
                list(_body_slots(body["schema"])) if body else [],
            )


OPERATIONS = list(operations())


def _ids(world) -> dict[str, str]:
    subjects, _owner, _org = world
    return {**subjects.a, "token": subjects.a["token"]}


def _answer(response) -> list:
    error = (response.get_json(silent=True) or {}).get("error") or {}
    return [response.status_code, error.get("code"), sorted(error.get("fields") or {})]


def _send(api, method, template, ids, *, path=None, query=None, body=None):
    url = template
    for name, value in ids.items():
        url = url.replace("{" + name + "}", value)
    if path is not None:
        name, value = path
        url = template.replace("{" + name + "}", _quoted(value))
        for other, real in ids.items():
            url = url.replace("{" + other + "}", real)
    kwargs = {"query_string": query or {}}
    if body is not None:
        kwargs["json"] = body
    # The raw client: exports answer files, which schemathesis checks against the document.
    headers = {"Authorization": f"Bearer {api.token}"}
    response = api.client.open(openapi.PREFIX + url, method=method, headers=headers, **kwargs)
    response.get_data()  # a streamed export runs to its end inside its request
    response.close()
    return response


def _quoted(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def test_the_walk_finds_every_kind_of_text_input():
    names = {(m, t): (q, p, b) for m, t, q, p, b in OPERATIONS}
    assert "q" in names["GET", "/contacts"][0]
    assert "note" in names["POST", "/captures"][2]
    assert "captures[0].contact.name" in names["POST", "/captures/batch"][2]
    assert "contact_id" in names["PATCH", "/contacts/{contact_id}"][1]
    assert len(OPERATIONS) >= 30


def test_refused_text_in_any_input_answers_422_naming_it_and_writes_nothing(world, api_as):
    ids, api, answers = _ids(world), api_as(world[1]), {}
    before = row_counts()

    @SETTINGS
    @given(data=st.data())
    def send_all(data):
        _refused_everywhere(data, api, ids, answers)

    send_all()
    assert row_counts() == before
    record_answers("api-refused", answers)


def _refused_everywhere(data, api, ids, answers) -> None:
    for method, template, query, path, body in OPERATIONS:
        for name in query:
            value = data.draw(refused_texts(surrogates=False), label=name)
            response = _send(api, method, template, ids, query={name: value})
            assert response.status_code == 422, (method, template, name, response.json)
            assert name in response.json["error"]["fields"]
            answers[f"{method} {template} ?{name}={value!r}"] = _answer(response)
        for name in path:
            value = data.draw(refused_texts(surrogates=False), label=name)
            response = _send(api, method, template, ids, path=(name, value))
            # What the path names does not exist: the answer an unknown id or token gets, or a
            # routing answer when the text holds a slash (PATH_INFO decodes %2F).
            unknown = _send(api, method, template, ids, path=(name, "unknown"))
            routed = "/" in value or response.status_code in (404, 308)
            assert routed or _answer(response) == _answer(unknown), (method, template, name)
            answers[f"{method} {template} /{name}={value!r}"] = _answer(response)
        for field in body:
            value = data.draw(refused_texts(), label=field)
            response = _send(api, method, template, ids, body=_put(field, value))
            assert response.status_code == 422, (method, template, field, response.json)
            assert response.json["error"]["code"] == "invalid"
            assert field.replace(".key", "") in str(response.json["error"]["fields"]), field
            answers[f"{method} {template} {field}={value!r}"] = _answer(response)


def test_no_text_in_any_input_answers_a_server_error(world, api_as):
    ids, api, answers = _ids(world), api_as(world[1]), {}

    @SETTINGS
    @given(data=st.data())
    def send_all(data):
        _anything_everywhere(data, api, ids, answers)

    send_all()
    record_answers("api-any", answers)


def _anything_everywhere(data, api, ids, answers) -> None:
    for method, template, query, _path, body in OPERATIONS:
        for name in query:
            value = data.draw(texts, label=name).encode("utf-8", "ignore").decode()
            response = _send(api, method, template, ids, query={name: value})
            assert response.status_code < 500, (method, template, name, value)
            answers[f"{method} {template} ?{name}={value!r}"] = _answer(response)
        for field in body:
            value = data.draw(texts, label=field)
            response = _send(api, method, template, ids, body=_put(field, value))
            assert response.status_code < 500, (method, template, field, value)
            answers[f"{method} {template} {field}={value!r}"] = _answer(response)
