"""Company API tokens: created by admins on their page, shown once, stored hashed, revocable."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from netcompanion.account import service as accounts
from netcompanion.account.models import Role
from netcompanion.api import tokens
from netcompanion.api.models import ApiToken, TokenScope
from netcompanion.exceptions import Rejected
from netcompanion.extensions import db

SECRET = re.compile(r'id="api-secret" value="(nct_[A-Za-z0-9]{43})"')


def create_on_page(client, name="HubSpot sync", scope="read"):
    return client.submit("/settings/api-tokens", {"name": name, "scope": scope})


def test_admin_creates_a_token_shown_once_and_only_its_hash_is_stored(
    make_company, login_as, client, api_as
):
    owner = make_company()
    login_as(owner)
    page = create_on_page(client, "HubSpot sync", "read_write")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    secret = SECRET.search(html).group(1)
    assert "won’t see it again" in html
    assert "readonly" in html

    stored = db.session.scalars(select(ApiToken)).one()
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert stored.prefix == secret[:8] and stored.scope is TokenScope.READ_WRITE
    assert secret not in str([tuple(row) for row in db.session.execute(select(ApiToken.__table__))])
    # Not in a flash cookie, and never shown again.
    assert secret not in (page.headers.get("Set-Cookie") or "")
    listing = client.get("/settings/api-tokens").get_data(as_text=True)
    assert secret not in listing
    assert f"{secret[:8]}…" in listing and "HubSpot sync" in listing and "Never used" in listing

    assert api_as(token=secret).get("/events").status_code == 200


def test_bad_form_keeps_input_and_creates_nothing(make_company, login_as, client):
    owner = make_company()
    login_as(owner)
    page = create_on_page(client, "", "everything")
    assert page.status_code == 422
    assert db.session.scalars(select(ApiToken)).all() == []
    long_name = create_on_page(client, "x" * 81, "read")
    assert long_name.status_code == 422 and "x" * 81 in long_name.get_data(as_text=True)


def test_last_used_is_recorded_and_shown(make_company, make_token, login_as, client, api_as):
    owner = make_company()
    secret = make_token(owner, "read", name="Nightly export")
    token = db.session.scalars(select(ApiToken)).one()
    assert token.last_used_at is None
    assert api_as(token=secret).get("/events").status_code == 200
    db.session.expire_all()
    first = token.last_used_at
    assert first is not None
    # Within a minute, a busy integration does not write on every request.
    assert api_as(token=secret).get("/events").status_code == 200
    db.session.expire_all()
    assert token.last_used_at == first
    token.last_used_at = first - timedelta(minutes=5)
    db.session.commit()
    api_as(token=secret).get("/events")
    db.session.expire_all()
    assert token.last_used_at > first - timedelta(minutes=5)
    login_as(owner)
    assert "Last used" in client.get("/settings/api-tokens").get_data(as_text=True)


def test_revoked_token_answers_401(make_company, make_token, login_as, client, api_as):
    owner = make_company()
    secret = make_token(owner, name="Old sync")
    token = db.session.scalars(select(ApiToken)).one()
    login_as(owner)
    revoked = client.submit(f"/settings/api-tokens/{token.public_id}/revoke")
    assert revoked.status_code == 302
    db.session.expire_all()
    assert token.revoked_at is not None and token.revoked_by_id == owner.id
    answer = api_as(token=secret).get("/events")
    assert answer.status_code == 401
    assert answer.json["error"]["code"] == "invalid_token"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    listing = client.get("/settings/api-tokens").get_data(as_text=True)
    assert "Revoked" in listing


def test_token_stops_working_when_its_creator_leaves(make_company, make_member, make_token, api_as):
    owner = make_company()
    admin = make_member(owner, Role.ADMIN)
    secret = make_token(admin)
    assert api_as(token=secret).get("/events").status_code == 200
    accounts.remove_member(owner, admin)
    db.session.commit()
    assert api_as(token=secret).get("/events").status_code == 401


def test_non_admins_get_403_on_the_page_and_in_the_service(
    make_company, make_member, make_token, login_as, client
):
    owner = make_company()
    secret = make_token(owner)
    token = db.session.scalars(select(ApiToken)).one()
    recruiter = make_member(owner, Role.RECRUITER)
    login_as(recruiter)
    assert client.get("/settings/api-tokens").status_code == 403
    assert create_on_page(client).status_code == 403
    assert client.submit(f"/settings/api-tokens/{token.public_id}/revoke").status_code == 403
    with pytest.raises(Rejected):
        tokens.create(recruiter, "Mine", TokenScope.READ)
    with pytest.raises(Rejected):
        tokens.revoke(recruiter, token)
    db.session.rollback()
    assert db.session.scalars(select(ApiToken)).one().revoked_at is None
    assert tokens.authenticate(secret) is not None


def test_admin_page_lists_tokens_and_links_to_docs_and_webhooks(
    make_company, make_member, make_token, login_as, client
):
    owner = make_company()
    admin = make_member(owner, Role.ADMIN, name="Ada Admin")
    make_token(admin, "read", name="Reader")
    login_as(admin)
    page = client.get("/settings/api-tokens")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Reader" in html and "Ada Admin" in html and "Read" in html
    assert 'href="/developers/api"' in html and 'href="/settings/webhooks"' in html
    assert 'data-confirm="Revoke' in html  # revoking asks first


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/settings/api-tokens").status_code == 302


def test_revoke_needs_the_forms_csrf_token(make_company, make_token, login_as, client):
    owner = make_company()
    make_token(owner)
    token = db.session.scalars(select(ApiToken)).one()
    login_as(owner)
    forged = client.post(f"/settings/api-tokens/{token.public_id}/revoke")
    assert forged.status_code == 400
    db.session.expire_all()
    assert token.revoked_at is None


def test_tokens_look_like_their_documented_format(make_company):
    owner = make_company()
    _token, secret = tokens.create(owner, "Format", TokenScope.READ)
    assert re.fullmatch(r"nct_[A-Za-z0-9]{43}", secret)
    assert tokens.looks_like_token(secret)
    assert not tokens.looks_like_token(secret[:-1])
    assert not tokens.looks_like_token("nct_" + "!" * 43)
