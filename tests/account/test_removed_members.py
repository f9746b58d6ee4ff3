"""A removed member's credentials end with the removal, and an invitation back revives none."""

from __future__ import annotations

import re

from sqlalchemy import select

from netcompanion.account.models import Role
from netcompanion.api.models import ApiToken
from netcompanion.dbtypes import utcnow
from netcompanion.extensions import db
from tests.account.test_team import invitation_token, invite
from tests.conftest import PASSWORD, login

SECRET = re.compile(r'id="api-secret" value="(nct_[A-Za-z0-9]{43})"')
FEED = re.compile(r'value="http://netcompanion\.test(/calendar/[A-Za-z0-9_-]{43}\.ics)"')


def api_status(client, secret: str) -> int:
    return client.get("/api/v1/events", headers={"Authorization": f"Bearer {secret}"}).status_code


def credentials_of(admin_browser) -> tuple[str, str]:
    """The admin makes a read-write API token and a calendar feed on their pages."""
    page = admin_browser.submit("/settings/api-tokens", {"name": "CRM", "scope": "read_write"})
    secret = SECRET.search(page.get_data(as_text=True)).group(1)
    feed = FEED.search(admin_browser.submit("/account/profile/calendar").get_data(as_text=True))
    return secret, feed.group(1)


def invite_back(owner_browser, new_client, email: str) -> None:
    invite(owner_browser, email=email, role="recruiter")
    token = invitation_token(owner_browser.get("/team"))
    joined = new_client().submit(f"/invite/{token}", {"name": "Back", "password": PASSWORD})
    assert joined.status_code == 302


def test_removing_an_admin_ends_their_api_tokens_and_feed_even_after_an_invitation_back(
    client, new_client, make_company, make_member
):
    owner = make_company()
    admin = make_member(owner, Role.ADMIN)
    admin_browser = new_client()
    login(admin_browser, admin)
    secret, feed = credentials_of(admin_browser)
    outsider = new_client()  # an integration or a calendar app: no session
    assert api_status(outsider, secret) == 200
    assert outsider.get(feed).status_code == 200

    login(client, owner)
    assert client.submit(f"/team/members/{admin.public_id}/remove").status_code == 302
    assert api_status(outsider, secret) == 401
    assert outsider.get(feed).status_code == 404
    stored = db.session.scalars(select(ApiToken)).one()
    assert stored.revoked_at is not None and stored.revoked_by_id == owner.id

    invite_back(client, new_client, admin.email)
    db.session.refresh(admin)
    assert admin.is_active and admin.role is Role.RECRUITER
    assert api_status(outsider, secret) == 401
    assert outsider.get(feed).status_code == 404
    assert admin.calendar_key_hash is None


def test_a_member_removed_with_live_credentials_comes_back_without_them(
    client, new_client, make_company, make_member
):
    """Members removed while removal still left their tokens and feed on start with none."""
    owner = make_company()
    admin = make_member(owner, Role.ADMIN)
    admin_browser = new_client()
    login(admin_browser, admin)
    secret, feed = credentials_of(admin_browser)
    admin.removed_at = utcnow()
    admin.session_version += 1
    db.session.commit()

    login(client, owner)
    invite_back(client, new_client, admin.email)
    outsider = new_client()
    assert api_status(outsider, secret) == 401
    assert outsider.get(feed).status_code == 404
    assert db.session.scalars(select(ApiToken)).one().revoked_at is not None
