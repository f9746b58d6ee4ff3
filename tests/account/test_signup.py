from sqlalchemy import func, select

from netcompanion.account.models import Organization, Role, User
from netcompanion.extensions import db
from tests.conftest import PASSWORD, login


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def signup_data(**overrides):
    data = {
        "name": "Dana Scully",
        "email": "Dana@Example.com ",
        "company": "Bureau Talent",
        "password": "a long enough password",
    }
    data.update(overrides)
    return data


def test_signup_creates_company_with_owner_and_signs_in(client):
    response = client.submit("/signup", signup_data())
    assert response.status_code == 302
    user = db.session.scalars(select(User)).one()
    assert user.email == "dana@example.com"
    assert user.role is Role.OWNER
    assert user.organization.name == "Bureau Talent"
    assert user.password_hash.startswith("$argon2id$")
    assert "a long enough password" not in user.password_hash
    dashboard = client.get("/")
    assert b"Hello, Dana" in dashboard.data


def test_signup_with_taken_email_explains_and_writes_nothing(client, make_company):
    make_company(owner_email="dana@example.com")
    before = (count(User), count(Organization))
    response = client.submit("/signup", signup_data(email="DANA@example.com"))
    assert response.status_code == 422
    assert b"An account with this email already exists" in response.data
    assert (count(User), count(Organization)) == before


def test_signup_with_empty_fields_keeps_input_and_writes_nothing(client):
    response = client.submit("/signup", signup_data(name="", company="", password="short"))
    assert response.status_code == 422
    assert b"This field is required." in response.data
    assert b"Use at least 10 characters." in response.data
    assert b'value="Dana@Example.com"' in response.data  # the user's input is kept
    assert count(User) == 0 and count(Organization) == 0


def test_signup_with_invalid_email_is_refused(client):
    response = client.submit("/signup", signup_data(email="not-an-email"))
    assert response.status_code == 422
    assert b"Enter a valid email address." in response.data
    assert count(User) == 0


def test_signup_without_csrf_token_is_refused(client):
    response = client.post("/signup", data=signup_data())
    assert response.status_code == 400
    assert b"This form expired" in response.data
    assert count(User) == 0


def test_login_with_wrong_password_says_so(client, make_company):
    owner = make_company()
    response = client.submit("/login", {"email": owner.email, "password": "wrong password!"})
    assert response.status_code == 422
    assert b"Email or password is not correct." in response.data
    assert client.get("/").status_code == 302


def test_login_with_unknown_email_gives_the_same_answer(client):
    response = client.submit("/login", {"email": "nobody@example.com", "password": "whatever123"})
    assert response.status_code == 422
    assert b"Email or password is not correct." in response.data


def test_login_is_case_insensitive_on_email_and_follows_safe_next(client, make_company):
    owner = make_company()
    response = client.submit(
        "/login?next=/events/", {"email": owner.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/events/"


def test_login_ignores_next_pointing_to_another_site(client, make_company):
    owner = make_company()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        client.post("/logout", data={"csrf_token": client.csrf_token()})
        response = client.submit(
            f"/login?next={target}", {"email": owner.email, "password": PASSWORD}
        )
        assert response.headers["Location"] == "/", target


def test_logout_ends_the_session(client, make_company):
    login(client, make_company())
    assert client.get("/").status_code == 200
    response = client.submit("/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_a_request_begun_before_sign_out_cannot_sign_back_in(client, new_client, make_company):
    """The session cookie is sent only when the session changes: a slow answer to a request
    that carried the old cookie (a service worker fetching files, an API call) does not put
    the signed-in session back after the sign-out answered."""
    login(client, make_company())
    client.get("/api/v1/session")  # the CSRF token is in the session from here on
    for url in ("/", "/api/v1/session", "/static/css/app.css", "/manifest.webmanifest"):
        response = client.get(url)
        response.close()
        assert "Set-Cookie" not in response.headers, url
    assert "Set-Cookie" in client.submit("/logout").headers


def test_logout_is_post_only(client, make_company):
    login(client, make_company())
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_pages_need_sign_in(client):
    response = client.get("/events/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
