"""Signing out ends the session everywhere: a copy of the cookie taken before opens nothing."""

from __future__ import annotations

from tests.conftest import login


def test_a_copied_session_cookie_stops_working_at_sign_out(client, new_client, make_company):
    login(client, make_company())
    copied = client.get_cookie("session").value
    thief = new_client()
    thief.set_cookie("session", copied)
    assert thief.get("/events/").status_code == 200  # the copy works while the session lasts

    assert client.submit("/logout").status_code == 302
    response = thief.get("/events/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert thief.get("/api/v1/session").status_code == 401


def test_sign_out_says_every_device_is_signed_out(client, new_client, make_company):
    owner = make_company()
    laptop = new_client()
    login(laptop, owner)
    login(client, owner)
    page = client.submit("/logout", follow_redirects=True)
    assert "You are signed out on every device." in page.get_data(as_text=True)
    assert laptop.get("/").status_code == 302
