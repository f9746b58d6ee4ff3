"""Capture fixtures: a company exhibiting at an organizer's event, signed in on the API."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from netcompanion.badge.service import badge_token


@pytest.fixture
def fair(make_company, make_event, join_event):
    """An organizer's event, and an exhibiting company with two recruiters' worth of owner."""
    organizer = make_company("Fair Organizers")
    event = make_event(organizer, name="Berlin Tech Careers Fair")
    exhibitor = make_company("Acme Talent")
    join_event(exhibitor, event, "Acme Talent", "Hall 2, B12")
    return organizer, event, exhibitor


def item(event, **fields) -> dict:
    """One upload as the scanner sends it."""
    body = {
        "client_id": str(uuid.uuid4()),
        "event": event.public_id,
        "captured_at": datetime.now(UTC).isoformat(),
    }
    body.update(fields)
    return body


def badge_item(event, attendee, **fields) -> dict:
    return item(event, badge=badge_token(attendee), **fields)


@pytest.fixture
def api(client):
    """POST JSON with the session's CSRF token, the way the scanner does."""

    class Api:
        def token(self):
            response = client.get("/api/v1/session")
            assert response.status_code == 200, response.json
            return response.json["csrf_token"]

        def post(self, url, body, csrf=True):
            headers = {"X-CSRFToken": self.token()} if csrf else {}
            return client.post(url, json=body, headers=headers)

        def batch(self, items):
            return self.post("/api/v1/captures/batch", {"captures": items})

        def get(self, url):
            return client.get(url)

    return Api()
