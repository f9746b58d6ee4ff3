import re
from pathlib import Path

from tests.conftest import PASSWORD, login

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_every_page_sends_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_templates_hold_no_inline_script_style_or_event_handlers():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        # A JSON data block is never executed, so it is allowed; code always comes from a file.
        if re.search(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", text):
            offenders.append(f"{path.name}: inline <script>")
        if re.search(r"\sstyle=", text) or "<style" in text:
            offenders.append(f"{path.name}: inline style")
        if re.search(r"\son[a-z]+=", text):
            offenders.append(f"{path.name}: inline event handler")
    assert offenders == []


def test_production_session_cookie_is_secure_httponly_lax(make_app, make_company):
    app = make_app(ENV="production", SECRET_KEY="p" * 48)
    from tests.conftest import FormClient

    app.test_client_class = FormClient
    owner = make_company()
    client = app.test_client()
    response = client.submit(
        "/login", {"email": owner.email, "password": PASSWORD}, base_url="https://localhost"
    )
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_is_renewed_at_sign_in(client, make_company):
    client.get("/login")
    before = client.get_cookie("session").value
    login(client, make_company())
    assert client.get_cookie("session").value != before


def test_public_ids_in_urls_are_random_not_row_numbers(client, make_company, make_event):
    owner = make_company()
    event = make_event(owner)
    login(client, owner)
    assert len(event.public_id) >= 16
    assert str(event.id) != event.public_id
    assert client.get(f"/events/{event.id}").status_code == 404
