"""Two owners acting on each other at the same instant leave the company an active owner.

Each round signs two owners in over real HTTP to a threaded server and releases their requests
together behind a barrier, so the second one is judged while the first one is in flight.
"""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import func, select

from netcompanion.account.models import Role, User
from netcompanion.extensions import db
from tests.conftest import PASSWORD
from tests.servers import ThreadedServer

#: The race depends on thread timing; unguarded, most rounds of ten lose their last owner.
ROUNDS = 10
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class Browser:
    """One person's browser: its own cookies, and forms posted with the page's CSRF token."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base_url + path, timeout=30) as response:
            return response.read().decode()

    def csrf_token(self, path: str) -> str:
        return CSRF_META.search(self.get(path)).group(1)

    def post(self, path: str, data: dict, token: str) -> int:
        body = urllib.parse.urlencode({**data, "csrf_token": token}).encode()
        try:
            with self.opener.open(self.base_url + path, data=body, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            error.close()
            return error.code

    def sign_in(self, user: User) -> None:
        token = self.csrf_token("/login")
        assert self.post("/login", {"email": user.email, "password": PASSWORD}, token) == 200
        assert "/logout" in self.get("/team")


def at_once(*requests) -> list[int]:
    """Send each request from its own thread, released at the same instant."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = []

    def send(request):
        barrier.wait()
        statuses.append(request())

    threads = [threading.Thread(target=send, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def active_owners(org_id: int) -> int:
    db.session.expire_all()
    query = (
        select(func.count())
        .select_from(User)
        .where(User.organization_id == org_id, User.role == Role.OWNER, User.removed_at.is_(None))
    )
    return db.session.scalar(query)


@pytest.fixture
def two_owners_signed_in(app, make_company, make_member):
    """Per round: a company of two owners, each signed in in their own browser."""
    with ThreadedServer(app) as server:

        def build():
            first = make_company()
            second = make_member(first, Role.OWNER)
            browsers = []
            for user in (first, second):
                browser = Browser(server.url)
                browser.sign_in(user)
                browsers.append(browser)
            return first, second, browsers

        yield build


def test_two_owners_removing_each_other_at_once_leave_one_owner(two_owners_signed_in):
    for round_ in range(ROUNDS):
        first, second, (first_browser, second_browser) = two_owners_signed_in()
        tokens = [browser.csrf_token("/team") for browser in (first_browser, second_browser)]
        remove_second = f"/team/members/{second.public_id}/remove"
        remove_first = f"/team/members/{first.public_id}/remove"

        at_once(
            lambda: first_browser.post(remove_second, {}, tokens[0]),  # noqa: B023
            lambda: second_browser.post(remove_first, {}, tokens[1]),  # noqa: B023
        )
        assert active_owners(first.organization_id) == 1, f"round {round_}"


def test_two_owners_demoting_each_other_at_once_leave_one_owner(two_owners_signed_in):
    for round_ in range(ROUNDS):
        first, second, (first_browser, second_browser) = two_owners_signed_in()
        tokens = [browser.csrf_token("/team") for browser in (first_browser, second_browser)]
        demote_second = f"/team/members/{second.public_id}/role"
        demote_first = f"/team/members/{first.public_id}/role"

        at_once(
            lambda: first_browser.post(demote_second, {"role": "admin"}, tokens[0]),  # noqa: B023
            lambda: second_browser.post(demote_first, {"role": "admin"}, tokens[1]),  # noqa: B023
        )
        assert active_owners(first.organization_id) == 1, f"round {round_}"
