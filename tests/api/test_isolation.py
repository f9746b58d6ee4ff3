"""The isolation sweep again, through company A's read and write API token: every /api/ route
that takes an identifier, asked for company B's objects, answers 404 or 403 and changes
nothing; and no list endpoint ever shows B's rows."""

from __future__ import annotations

import itertools

from tests.test_isolation_sweep import ALSO_REFUSED, B_SECRETS, path_for, snapshot_of_b

from .conftest import check_response

#: A body a write might carry, so handlers get as far as their access checks.
BODY = {
    "name": "Hijacked",
    "email": "attacker@example.com",
    "body": "Hijacked",
    "kind": "call",
    "rating": "hot",
    "state": "paused",
    "title": "Hijacked",
}


def _api_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            yield rule


def test_a_token_never_reaches_another_companys_objects(app, world, make_token, spec):
    subjects, owner_a, b_org_id = world
    client = app.test_client()
    headers = {"Authorization": f"Bearer {make_token(owner_a, 'read_write')}"}
    before = snapshot_of_b(b_org_id)
    checked = 0
    for rule in _api_rules(app):
        if not rule.arguments:
            continue
        args = sorted(rule.arguments)
        for owners in itertools.product("ab", repeat=len(args)):
            if "b" not in owners:
                continue
            values = {
                arg: getattr(subjects, who)[arg] for arg, who in zip(args, owners, strict=True)
            }
            url = path_for(app, rule.endpoint, values)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                body = None if method == "GET" else {**BODY, "contact": subjects.b["contact_id"]}
                response = client.open(url, method=method, json=body, headers=headers)
                check_response(spec, response)  # refusals are documented answers too
                where = f"{method} {url} ({rule.endpoint}, with B's {owners})"
                refused = {403, 404, ALSO_REFUSED.get(rule.endpoint, (404,))[0]}
                assert response.status_code in refused, f"{where} answered {response.status_code}"
                text = response.get_data().decode("utf-8", "replace")
                for secret in B_SECRETS:
                    assert secret not in text, f"{where} leaked {secret!r}"
                checked += 1
    assert checked >= 20
    assert snapshot_of_b(b_org_id) == before, "a token request changed another company's data"


def test_list_endpoints_never_show_another_companys_rows(app, world, make_token):
    subjects, owner_a, b_org_id = world
    client = app.test_client()
    headers = {"Authorization": f"Bearer {make_token(owner_a, 'read')}"}
    a = subjects.a
    urls = [
        "/api/v1/events",
        "/api/v1/captures",
        "/api/v1/contacts",
        "/api/v1/lists",
        "/api/v1/lists?archived=true",
        f"/api/v1/events/{a['event_id']}/attendees",
        f"/api/v1/lists/{a['list_id']}/entries",
    ]
    # Every route without identifiers is among them (the exports' too).
    urls += [
        rule.rule
        for rule in _api_rules(app)
        if not rule.arguments and "GET" in rule.methods and rule.rule not in urls
    ]
    for url in urls:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        text = response.get_data().decode("utf-8", "replace")
        for secret in B_SECRETS:
            assert secret not in text, f"{url} leaked {secret!r}"
    # B's objects as filters are refused, not used.
    b = subjects.b
    for query in (
        f"event={b['event_id']}",
        f"list={b['list_id']}",
        f"owner={b['member_id']}",
    ):
        answer = client.get(f"/api/v1/contacts?{query}", headers=headers)
        assert answer.status_code == 422, query
    answer = client.get(f"/api/v1/captures?event={b['event_id']}", headers=headers)
    assert answer.status_code == 422
