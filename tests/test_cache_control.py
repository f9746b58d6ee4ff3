"""Private answers are sent with ``Cache-Control: no-store``; public files keep their caching.

Like the isolation sweep, the test walks the whole URL map (with the sweep's two companies), so
a route added later is covered without editing this file, unless its view chooses its own
caching (``OWN_CACHING``) or never looks at who asks (``FOR_EVERYONE``): then it goes there,
with the reason.
"""

from __future__ import annotations

import pytest

from netcompanion.account import service as accounts
from netcompanion.account.models import Role
from netcompanion.api import tokens
from netcompanion.api.models import TokenScope
from netcompanion.badge.service import badge_token
from netcompanion.extensions import db
from tests.conftest import login
from tests.test_isolation_sweep import PUBLIC, path_for, world  # noqa: F401 - the sweep's companies

#: Views that set their own Cache-Control, and why that is safe.
OWN_CACHING = {
    "static": "front-end files, the same for everyone; the service workers revalidate them",
    "pwa.manifest": "the installable app's manifest: no one's data",
    "pwa.service_worker": "the scanner's service worker: code, the same for everyone",
    "badge.mine_service_worker": "the badge page's service worker: code, the same for everyone",
    "badge.badge_qr": "a badge's QR image: what is printed on the badge, kept for good",
    "badge.vcard": "the badge's public card as a vCard, revalidated at each request",
    "api.openapi_document": "the API's public description, the same for everyone",
}

#: Pages that never look at who is asking, so they hold no one's data, and why.
FOR_EVERYONE = {
    "health.healthz": "the load balancer's check: the same few bytes for everyone",
}


def get_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods:
            yield rule


def fillable(rule, ids: dict) -> bool:
    return all(arg in ids for arg in rule.arguments)


def cache_control(response) -> str:
    response.close()
    return response.headers.get("Cache-Control", "")


def test_every_page_a_member_opens_is_not_stored(app, client, world):  # noqa: F811
    subjects, owner_a, _ = world
    login(client, owner_a)
    checked = 0
    for rule in get_routes(app):
        if rule.endpoint in OWN_CACHING or rule.endpoint in FOR_EVERYONE:
            continue
        if not fillable(rule, subjects.a):
            assert rule.endpoint in PUBLIC, f"{rule.rule}: the sweep cannot fill its arguments"
            continue
        url = path_for(app, rule.endpoint, {arg: subjects.a[arg] for arg in rule.arguments})
        response = client.get(url)
        assert "no-store" in cache_control(response), f"GET {url} ({rule.endpoint})"
        checked += 1
    assert checked >= 50  # the sweep really ran over the app's pages


def test_every_api_answer_to_a_token_is_not_stored(app, new_client, world):  # noqa: F811
    subjects, owner_a, _ = world
    _, secret = tokens.create(owner_a, "Cache sweep", TokenScope.READ_WRITE)
    db.session.commit()
    integration = new_client()
    checked = 0
    for rule in get_routes(app):
        if not rule.rule.startswith("/api/") or rule.endpoint in OWN_CACHING:
            continue
        assert fillable(rule, subjects.a), f"{rule.rule}: the sweep cannot fill its arguments"
        url = path_for(app, rule.endpoint, {arg: subjects.a[arg] for arg in rule.arguments})
        for headers in ({"Authorization": f"Bearer {secret}"}, {}):  # a token, and no one
            response = integration.get(url, headers=headers)
            assert "no-store" in cache_control(response), f"GET {url} {headers}"
            checked += 1
    assert checked >= 20


def test_api_errors_are_not_stored(client):
    response = client.get("/api/v1/events", headers={"Authorization": "Bearer nct_wrong"})
    assert response.status_code == 401
    assert cache_control(response) == "no-store"
    assert cache_control(client.get("/api/v1/no-such-thing")) == "no-store"


@pytest.mark.parametrize("signed_in", [False, True])
def test_static_files_and_public_badge_pages_keep_their_caching(
    app, client, make_company, make_event, make_attendee, signed_in
):
    owner = make_company()
    attendee = make_attendee(owner, make_event(owner))
    token = badge_token(attendee)
    if signed_in:
        login(client, owner)
    for url in ("/static/css/app.css", "/sw.js", f"/b/{token}/qr.svg"):
        assert "no-store" not in cache_control(client.get(url)), url
    assert cache_control(client.get(f"/b/{token}/qr.svg")).startswith("public")
    card = client.get(f"/b/{token}")
    assert card.status_code == 200
    # A member sees the attendee's shared contact details on the card: kept nowhere.
    assert ("no-store" in cache_control(card)) is signed_in


def test_a_page_a_member_opened_is_not_stored_after_sign_out(client, make_company):
    """The back button after signing out shows no copy of a private page."""
    login(client, make_company())
    assert cache_control(client.get("/contacts")) == "no-store"
    client.submit("/logout")
    assert client.get("/contacts").status_code == 302


def test_an_invitation_is_not_stored_for_the_visitor_who_opens_it(client, make_company):
    """Not signed in, but the page names the company and the invited address."""
    _, token = accounts.invite(make_company(), "invited@example.com", Role.RECRUITER)
    db.session.commit()
    page = client.get(f"/invite/{token}")
    assert page.status_code == 200 and b"invited@example.com" in page.data
    assert cache_control(page) == "no-store"
    refused = client.submit(f"/invite/{token}", data={"name": "", "password": ""})
    assert refused.status_code == 422 and cache_control(refused) == "no-store"
