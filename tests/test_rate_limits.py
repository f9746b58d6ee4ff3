import secrets

import pytest
from sqlalchemy import select

from netcompanion.attendee import service as attendees
from netcompanion.attendee.models import Attendee
from netcompanion.badge.service import badge_token, booth_token
from netcompanion.event.models import Exhibitor
from netcompanion.extensions import db
from netcompanion.outreach import calendar
from tests.conftest import FormClient, login
from tests.servers import Gunicorn


@pytest.fixture
def limited_client(app, make_app):
    def build(**limits):
        limited = make_app(
            RATELIMIT_ENABLED=True,
            RATELIMIT_KEY_PREFIX=secrets.token_hex(6),
            SECRET_KEY=app.config["SECRET_KEY"],  # badge and booth links signed in the tests
            **limits,
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


# A whole hall behind one venue address ------------------------------------------------------


@pytest.fixture
def badges(make_company, make_event, make_attendee):
    """Badge tokens of three attendees of one event, and the organizer."""
    owner = make_company()
    event = make_event(owner)
    names = ["Zoë Ångström", "محمد عبد الله", "Dmitri 🎤 Ivanov"]
    return owner, [badge_token(make_attendee(owner, event, name=name)) for name in names]


def test_anonymous_badge_pages_from_one_address_share_its_budget(limited_client, badges):
    _owner, tokens = badges
    client = limited_client(BADGE_RATE_LIMIT="3 per minute")
    assert [client.get(f"/b/{token}").status_code for token in tokens] == [200, 200, 200]
    refused = client.get(f"/b/{tokens[0]}")
    assert refused.status_code == 429
    assert b"Too many requests from this network. Please try again in 1 minute." in refused.data
    assert 0 < int(refused.headers["Retry-After"]) <= 60


def test_a_signed_in_member_is_not_throttled_by_the_halls_address_and_has_a_budget_of_their_own(
    limited_client, badges
):
    owner, tokens = badges
    hall = limited_client(BADGE_RATE_LIMIT="3 per minute")
    assert [hall.get(f"/b/{token}").status_code for token in tokens] == [200, 200, 200]
    assert hall.get(f"/b/{tokens[0]}/qr.svg").status_code == 200  # its own page, its own count
    assert hall.get(f"/b/{tokens[0]}").status_code == 429

    recruiter = hall.application.test_client()  # same app, same address: 127.0.0.1
    login(recruiter, owner)
    codes = [recruiter.get(f"/b/{token}").status_code for token in tokens]
    assert codes == [200, 200, 200]
    refused = recruiter.get(f"/b/{tokens[0]}")
    assert refused.status_code == 429
    assert b"Too many requests. Please try again in 1 minute." in refused.data


def test_members_behind_one_address_each_have_their_own_budget(limited_client, badges, make_member):
    owner, tokens = badges
    first = limited_client(BADGE_RATE_LIMIT="2 per minute")
    second = first.application.test_client()
    login(first, owner)
    login(second, make_member(owner))
    assert [first.get(f"/b/{token}").status_code for token in tokens] == [200, 200, 429]
    assert [second.get(f"/b/{token}").status_code for token in tokens] == [200, 200, 429]


def test_one_client_hammering_one_badge_is_stopped_while_other_badges_still_open(
    limited_client, badges
):
    _owner, (first, second, _third) = badges
    client = limited_client(LINK_RATE_LIMIT="3 per minute")
    # The badge's page, its QR image and its vCard draw on one budget for that badge.
    paths = [f"/b/{first}", f"/b/{first}/qr.svg", f"/b/{first}/contact.vcf", f"/b/{first}"]
    assert [client.get(path).status_code for path in paths] == [200, 200, 200, 429]
    assert client.get(f"/b/{second}").status_code == 200


def test_the_attendees_own_badge_page_is_limited_per_badge(limited_client, badges):
    attendee = db.session.scalars(select(Attendee)).first()
    key = attendees.new_access_key(attendee)
    db.session.commit()
    client = limited_client(LINK_RATE_LIMIT="2 per minute")
    assert [client.get(f"/me/{key}").status_code for _ in range(3)] == [200, 200, 429]
    # A mistyped or forged key is counted too, and refused the same way.
    assert client.get(f"/me/{key}x").status_code == 404


def test_behind_a_trusted_proxy_each_attendee_address_has_its_own_budget(limited_client, badges):
    _owner, tokens = badges
    client = limited_client(BADGE_RATE_LIMIT="2 per minute", TRUSTED_PROXIES=1)

    def from_address(address, token):
        return client.get(f"/b/{token}", headers={"X-Forwarded-For": address}).status_code

    assert [from_address("198.51.100.7", token) for token in tokens] == [200, 200, 429]
    assert from_address("2001:db8::1", tokens[2]) == 200


def test_without_a_trusted_proxy_a_forged_forwarded_for_header_does_not_buy_a_new_budget(
    limited_client, badges
):
    _owner, tokens = badges
    client = limited_client(BADGE_RATE_LIMIT="2 per minute")
    forged = ["198.51.100.1", "198.51.100.2, 10.0.0.1", "\u202e1.1.1.1"]
    codes = [
        client.get(f"/b/{token}", headers={"X-Forwarded-For": address}).status_code
        for token, address in zip(tokens, forged, strict=True)
    ]
    assert codes == [200, 200, 429]


@pytest.fixture
def booths(make_company, make_event, join_event):
    """Two companies' booths at one event."""
    event = make_event(make_company())
    join_event(make_company(), event, "Hall 2, B12")
    return db.session.scalars(select(Exhibitor).where(Exhibitor.event_id == event.id)).all()


def test_the_booth_form_is_limited_per_booth_and_for_all_booths_together(limited_client, booths):
    first, second = booths
    client = limited_client(
        LINK_RATE_LIMIT="2 per minute",
        BOOTH_FORM_RATE_LIMIT="3 per minute",
        WTF_CSRF_ENABLED=False,
    )
    junk = {"name": "", "email": "not an email\x00", "consent": ""}

    def send(booth):
        return client.post(f"/j/{booth_token(booth)}", data=junk).status_code

    assert [send(first), send(first), send(first)] == [422, 422, 429]
    assert send(second) == 422  # another booth: its own per-booth budget ...
    assert send(second) == 429  # ... but all booths together have three
    assert client.get(f"/j/{booth_token(first)}").status_code == 200  # reading is not counted


def test_calendar_feeds_are_limited_per_feed_not_per_calendar_service(limited_client, make_company):
    client = limited_client(CALENDAR_RATE_LIMIT="2 per minute")
    first, second = (calendar.new_key(make_company()) for _ in range(2))
    db.session.commit()
    assert [client.get(f"/calendar/{first}.ics").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(f"/calendar/{second}.ics").status_code == 200


def test_accepting_an_invitation_is_limited_per_invited_account(
    limited_client, make_company, make_member
):
    from netcompanion.account import service as accounts

    moving = make_member(make_company("Zeta Recruiting"))
    _invitation, token = accounts.invite(make_company("Acme Talent"), moving.email, moving.role)
    db.session.commit()
    client = limited_client(
        INVITE_ACCEPT_RATE_LIMIT="100 per hour", LOGIN_ACCOUNT_RATE_LIMIT="2 per hour"
    )
    codes = [
        client.submit(
            f"/invite/{token}", {"name": "M", "password": f"guess number {n}"}
        ).status_code
        for n in range(3)
    ]
    assert codes == [422, 422, 429]
