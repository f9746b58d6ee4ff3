import secrets

import pytest

from tests.conftest import FormClient
from tests.servers import Gunicorn


@pytest.fixture
def limited_client(app, make_app):
    def build(**limits):
        limited = make_app(
            RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX=secrets.token_hex(6), **limits
        )
        limited.test_client_class = FormClient
        return limited.test_client()

    return build


def test_login_attempts_are_limited_per_client(limited_client, make_company):
    owner = make_company()
    client = limited_client(LOGIN_RATE_LIMIT="3 per minute")
    codes = [
        client.submit("/login", {"email": owner.email, "password": "wrong password"}).status_code
        for _ in range(4)
    ]
    assert codes == [422, 422, 422, 429]
    page = client.submit("/login", {"email": owner.email, "password": "wrong password"})
    assert b"Too many requests from this network. Please try again in 1 minute." in page.data
    assert "Retry-After" in page.headers


def test_reading_the_login_page_is_not_limited(limited_client):
    client = limited_client(LOGIN_RATE_LIMIT="1 per minute")
    assert [client.get("/login").status_code for _ in range(3)] == [200, 200, 200]


def test_signup_is_limited(limited_client):
    client = limited_client(SIGNUP_RATE_LIMIT="2 per hour")
    codes = [
        client.submit(
            "/signup", {"name": "", "email": "", "company": "", "password": ""}
        ).status_code
        for _ in range(3)
    ]
    assert codes == [422, 422, 429]


def test_gunicorn_hosts_share_limits_through_redis(migrated):
    """Two separate server processes, one Redis: the limit holds across both."""
    env = {
        "NETCOMPANION_ENV": "development",
        "NETCOMPANION_SECRET_KEY": secrets.token_urlsafe(40),
        "DATABASE_URL": migrated,
        "NETCOMPANION_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "NETCOMPANION_RATELIMIT_KEY_PREFIX": "nc-test-" + secrets.token_hex(6),
        "NETCOMPANION_LOGIN_RATE_LIMIT": "4 per minute",
        "NETCOMPANION_WTF_CSRF_ENABLED": "false",
    }
    attempt = {"email": "nobody@example.com", "password": "wrong password"}
    with Gunicorn(env) as first, Gunicorn(env) as second:
        codes = [(first if i % 2 else second).post("/login", attempt) for i in range(6)]
    assert codes == [422, 422, 422, 422, 429, 429]


def test_behind_a_trusted_proxy_limits_apply_per_client_not_per_proxy(limited_client, make_company):
    owner = make_company()
    client = limited_client(LOGIN_RATE_LIMIT="2 per minute", TRUSTED_PROXIES=1)
    attempt = {"email": owner.email, "password": "wrong password"}

    def from_client(address):
        headers = {"X-Forwarded-For": address}
        return client.submit("/login", attempt, headers=headers).status_code

    assert [from_client("198.51.100.7") for _ in range(3)] == [422, 422, 429]
    assert from_client("203.0.113.9") == 422  # another attendee on the same proxy


def test_guessing_one_accounts_password_from_many_addresses_is_limited(
    limited_client, make_company
):
    owner = make_company()
    client = limited_client(LOGIN_ACCOUNT_RATE_LIMIT="3 per hour", TRUSTED_PROXIES=1)

    def attempt(address, email):
        data = {"email": email, "password": "wrong password"}
        return client.submit("/login", data, headers={"X-Forwarded-For": address}).status_code

    codes = [attempt(f"198.51.100.{i}", owner.email.upper()) for i in range(1, 5)]
    assert codes == [422, 422, 422, 429]
    assert attempt("198.51.100.99", "someone.else@example.com") == 422
