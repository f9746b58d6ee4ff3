"""Each API token has its own rate limit across every endpoint; sessions are not counted."""

from __future__ import annotations

import secrets

import pytest

from tests.conftest import FormClient, login

from .conftest import ApiClient


@pytest.fixture
def limited(app, make_app, spec):
    """An app with small limits, built last: the limiter takes the latest app's settings."""
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_KEY_PREFIX=secrets.token_hex(6),
        API_RATE_LIMIT="3 per minute",
    )
    app.test_client_class = FormClient
    return app


def test_the_fourth_request_of_a_token_answers_429_and_others_are_unaffected(
    limited, spec, make_company, make_token
):
    owner = make_company()
    first, second = make_token(owner), make_token(owner, "read")
    api = ApiClient(limited, spec, first)
    # One budget across endpoints, the scanner's included.
    codes = [api.get(path).status_code for path in ("/events", "/contacts", "/captures")]
    assert codes == [200, 200, 200]
    refused = api.get("/lists")
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "rate_limited"
    assert refused.json["error"]["message"].startswith(
        "Too many requests with this API token. Try again in "
    )
    assert int(refused.headers["Retry-After"]) > 0
    assert api.post("/captures/batch", {"captures": []}).status_code == 429
    assert ApiClient(limited, spec, second).get("/events").status_code == 200


def test_session_requests_are_not_counted(limited, make_company):
    owner = make_company()
    client = limited.test_client()
    login(client, owner)
    codes = [client.get("/api/v1/events").status_code for _ in range(6)]
    assert codes == [200] * 6


def test_requests_with_a_bad_token_are_refused_before_counting(
    limited, spec, make_company, make_token
):
    owner = make_company()
    api = ApiClient(limited, spec, make_token(owner))
    bad = ApiClient(limited, spec, "nct_" + "x" * 43)
    assert [bad.get("/events").status_code for _ in range(5)] == [401] * 5
    assert api.get("/events").status_code == 200


def test_a_tokens_budget_follows_the_token_not_the_address(
    make_app, spec, make_company, make_token
):
    """Behind a venue's NAT or a company proxy, each token still has its own budget, and a token
    moving between addresses cannot buy a new one."""
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_KEY_PREFIX=secrets.token_hex(6),
        API_RATE_LIMIT="3 per minute",
        TRUSTED_PROXIES=1,
    )
    owner = make_company()
    first, second = make_token(owner), make_token(owner)
    api = ApiClient(app, spec, first)
    addresses = ["198.51.100.1", "198.51.100.2", "2001:db8::7", "203.0.113.5"]
    codes = [api.get("/events", headers={"X-Forwarded-For": a}).status_code for a in addresses]
    assert codes == [200, 200, 200, 429]
    same_address = {"X-Forwarded-For": addresses[-1]}
    assert ApiClient(app, spec, second).get("/events", headers=same_address).status_code == 200
