"""What a delivery looks like on the wire: its JSON body and its signature headers.

Rule (the Standard Webhooks scheme, https://www.standardwebhooks.com, so receivers can use its
libraries): every delivery carries

- ``webhook-id``: the delivery's public id, the same on every retry and redelivery of it: the
  receiver's idempotency key;
- ``webhook-timestamp``: the attempt's time in Unix seconds; receivers refuse old ones (replays);
- ``webhook-signature``: ``v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>``, where the
  key is the base64 part of the endpoint's secret ``whsec_<base64 of 32 random bytes>``. Just
  after a secret is rolled, a second signature made with the previous secret follows, separated
  by a space, until the previous one expires: a receiver holding either secret accepts.

The body is ``{"id", "type", "created_at", "organization", "data"}`` as compact UTF-8 JSON,
built from the stored event the same way on every attempt, so its bytes never change.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import datetime, timedelta

from .. import tokens as canonical
from ..dbtypes import utcnow
from .models import WebhookEndpoint, WebhookEvent

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
SECRET_BYTES = 32
#: How long the previous secret keeps signing after a roll.
PREVIOUS_SECRET_GRACE = timedelta(hours=24)
USER_AGENT = "NetCompanion-Webhooks/1"


def new_secret() -> str:
    """A signing secret: ``whsec_`` and 32 random bytes in base64 (256 bits)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def roll_secret(endpoint: WebhookEndpoint, now: datetime | None = None) -> None:
    """Give the endpoint a new secret; the old one keeps signing for a grace period."""
    now = now or utcnow()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_until = now + PREVIOUS_SECRET_GRACE
    endpoint.secret = new_secret()


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets a delivery made at ``now`` is signed with: the current one first."""
    found = [endpoint.secret]
    until = endpoint.previous_secret_until
    if endpoint.previous_secret and until is not None and now < until:
        found.append(endpoint.previous_secret)
    return found


def body(event: WebhookEvent, organization_public_id: str) -> bytes:
    """The exact bytes POSTed for this event."""
    document = {
        "id": event.public_id,
        "type": event.topic,
        "created_at": event.created_at.isoformat(),
        "organization": organization_public_id,
        "data": event.payload,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def signature(secret: str, message_id: str, timestamp: int, payload: bytes) -> str:
    """``v1,<base64 HMAC-SHA256>`` of ``<id>.<timestamp>.<body>`` with the secret's key."""
    key = canonical.standard_b64(secret.removeprefix(SECRET_PREFIX), size=SECRET_BYTES)
    signed = f"{message_id}.{timestamp}.".encode() + payload
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets_: list[str], message_id: str, timestamp: int, payload: bytes) -> dict[str, str]:
    """Every header a delivery carries besides Host and Content-Length."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            signature(secret, message_id, timestamp, payload) for secret in secrets_
        ),
    }
