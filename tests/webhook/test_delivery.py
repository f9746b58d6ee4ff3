"""The worker delivers to a real HTTPS receiver: signed, with a stable idempotency key, retried
on the documented schedule, logged, and redelivered by hand."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta
from email.utils import format_datetime

import pytest

from netcompanion.exceptions import Rejected
from netcompanion.extensions import db
from netcompanion.webhook import outbox, service, signing
from netcompanion.webhook.models import DeliveryState, Topic
from tests.smtp import free_port

from .conftest import attempts, deliveries
from .receiver import Reply

SCHEDULE = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
]


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """Signature check as the endpoint page documents it (Standard Webhooks), written from the
    documentation rather than with the app's signing code."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(expected, sig.removeprefix("v1,"))
        for sig in headers["webhook-signature"].split()
        if sig.startswith("v1,")
    )


def queue(owner, payload=None, topic=Topic.CONTACT_UPDATED) -> None:
    """One event for every endpoint of the owner's company subscribed to ``topic``."""
    outbox.emit(owner.organization_id, topic, payload or {"id": "c1", "name": "Ana"})
    db.session.commit()


def test_delivery_is_signed_json_with_the_documented_headers(
    make_company, make_endpoint, make_worker, receiver, clock
):
    owner = make_company()
    endpoint = make_endpoint(owner, receiver.url())
    queue(owner, {"id": "c1", "name": "Zoë Ünal 张伟 🎉"})

    done = make_worker().run_once()

    assert done["delivered"] == 1
    (request,) = receiver.on("/hook")
    body = json.loads(request.body)
    assert set(body) == {"id", "type", "created_at", "organization", "data"}
    assert body["type"] == "contact.updated"
    assert body["organization"] == owner.organization.public_id
    assert body["data"] == {"id": "c1", "name": "Zoë Ünal 张伟 🎉"}
    (delivery,) = deliveries()
    assert body["id"] == delivery.event.public_id
    assert request.headers["webhook-id"] == delivery.public_id
    assert request.headers["webhook-timestamp"] == str(int(clock.now.timestamp()))
    assert request.headers["user-agent"] == "NetCompanion-Webhooks/1"
    assert request.headers["content-type"] == "application/json"
    assert endpoint.secret.startswith("whsec_")
    assert verify(endpoint.secret, request.headers, request.body)
    assert not verify(signing.new_secret(), request.headers, request.body)
    assert not verify(endpoint.secret, request.headers, request.body + b" ")
    assert delivery.state is DeliveryState.DELIVERED
    assert delivery.last_status == 200 and delivery.last_response_ms is not None
    (attempt,) = attempts(delivery)
    assert attempt.status == 200 and not attempt.manual and attempt.error == ""


def test_after_a_roll_both_secrets_sign_until_the_old_one_expires(
    make_company, make_endpoint, make_worker, receiver, clock
):
    owner = make_company()
    endpoint = make_endpoint(owner, receiver.url())
    old = endpoint.secret
    service.roll_secret(owner, endpoint)
    db.session.commit()
    new = endpoint.secret
    assert new != old
    queue(owner)
    make_worker().run_once()
    clock.now += signing.PREVIOUS_SECRET_GRACE + timedelta(seconds=1)
    queue(owner)
    make_worker().run_once()

    first, second = receiver.on("/hook")
    assert verify(old, first.headers, first.body) and verify(new, first.headers, first.body)
    assert verify(new, second.headers, second.body)
    assert not verify(old, second.headers, second.body)


def test_retries_follow_the_schedule_keep_the_key_and_fail_after_the_last(
    make_company, make_endpoint, make_worker, receiver, clock
):
    owner = make_company()
    make_endpoint(owner, receiver.url("/down"))
    receiver.script("/down", Reply(500, body="database on fire " + "x" * 2000))
    queue(owner)
    worker = make_worker()

    for delay in SCHEDULE:
        assert worker.run_once()["retrying"] == 1
        (delivery,) = deliveries()
        # Jitter is fixed at half its range (10 %): the wait is 1.1 times the step.
        assert delivery.next_attempt_at == clock.now + delay * 1.1
        assert delivery.state is DeliveryState.PENDING
        assert worker.run_once() == {}  # nothing is due before then
        clock.now = delivery.next_attempt_at
    assert worker.run_once()["failed"] == 1

    (delivery,) = deliveries()
    assert delivery.state is DeliveryState.FAILED
    assert delivery.attempts == 7 == len(attempts(delivery))
    assert delivery.last_status == 500
    assert delivery.last_error.startswith("database on fire") and len(delivery.last_error) == 500
    keys = {r.webhook_id for r in receiver.on("/down")}
    assert keys == {delivery.public_id}
    bodies = {r.body for r in receiver.on("/down")}
    assert len(bodies) == 1  # every retry sends the same bytes


def test_jitter_stretches_a_wait_by_at_most_a_fifth(
    make_company, make_endpoint, make_worker, receiver, clock
):
    owner = make_company()
    make_endpoint(owner, receiver.url("/down"))
    receiver.script("/down", Reply(503))
    queue(owner)
    queue(owner)
    make_worker(rand=iter([0.0, 0.999]).__next__).run_once()
    first, second = deliveries()
    assert first.next_attempt_at == clock.now + timedelta(minutes=1)
    assert clock.now + timedelta(minutes=1) < second.next_attempt_at
    assert second.next_attempt_at < clock.now + timedelta(minutes=1.2)


@pytest.mark.parametrize(
    ("status", "retry_after", "wait"),
    [
        (429, "3600", timedelta(hours=1)),  # longer than the schedule's step: honoured
        (429, "5", timedelta(minutes=1)),  # shorter: the schedule's step still holds
        (503, "999999", timedelta(hours=12)),  # capped
        (503, "http-date", timedelta(hours=2)),
        (500, "3600", timedelta(minutes=1)),  # only 429 and 503 carry a meaningful one
    ],
)
def test_retry_after_is_honoured_within_bounds(
    make_company, make_endpoint, make_worker, receiver, clock, status, retry_after, wait
):
    if retry_after == "http-date":
        retry_after = format_datetime(clock.now + timedelta(hours=2), usegmt=True)
        clock.now = clock.now.replace(microsecond=0)
    owner = make_company()
    make_endpoint(owner, receiver.url("/busy"))
    receiver.script("/busy", Reply(status, headers={"Retry-After": retry_after}))
    queue(owner)
    make_worker(rand=lambda: 0.0).run_once()
    (delivery,) = deliveries()
    assert delivery.next_attempt_at == clock.now + wait


def test_gone_fails_at_once_and_other_client_errors_are_retried(
    make_company, make_endpoint, make_worker, receiver
):
    owner = make_company()
    gone = make_endpoint(owner, receiver.url("/gone"))
    missing = make_endpoint(owner, receiver.url("/missing"))
    receiver.script("/gone", Reply(410))
    receiver.script("/missing", Reply(404))
    queue(owner)
    done = make_worker().run_once()
    assert done == {"failed": 1, "retrying": 1}
    assert deliveries(gone)[0].state is DeliveryState.FAILED
    assert deliveries(missing)[0].state is DeliveryState.PENDING


def test_redirects_are_not_followed(make_company, make_endpoint, make_worker, receiver):
    owner = make_company()
    make_endpoint(owner, receiver.url("/moved"))
    receiver.script("/moved", Reply(302, headers={"Location": receiver.url("/elsewhere")}))
    queue(owner)
    assert make_worker().run_once() == {"retrying": 1}
    assert len(receiver.on("/moved")) == 1 and receiver.on("/elsewhere") == []
    assert deliveries()[0].last_status == 302


@pytest.mark.parametrize("slow", [Reply(delay=3), Reply(trickle=0.2)], ids=["silent", "trickle"])
def test_a_receiver_slower_than_the_read_timeout_is_a_failed_attempt(
    make_company, make_endpoint, make_worker, receiver, slow
):
    owner = make_company()
    make_endpoint(owner, receiver.url("/slow"))
    receiver.script("/slow", slow)
    queue(owner)
    assert make_worker().run_once() == {"retrying": 1}
    (delivery,) = deliveries()
    assert delivery.last_status is None
    assert delivery.last_error == "No answer within 1 s."


def test_connection_refused_and_untrusted_certificates_are_failed_attempts(
    make_company, make_endpoint, make_worker, make_app, hook_config, receiver
):
    owner = make_company()
    make_endpoint(owner, f"https://127.0.0.1:{free_port()}/nobody")
    queue(owner)
    make_worker().run_once()
    (delivery,) = deliveries()
    assert delivery.last_error == "Connection refused." and delivery.attempts == 1

    other = make_company()
    make_endpoint(other, receiver.url())
    queue(other)
    strict = make_app(**{**hook_config, "WEBHOOK_CA_BUNDLE": None})
    with strict.app_context():
        make_worker(app=strict).run_once()
    assert receiver.requests == []
    delivery = deliveries()[-1]
    assert delivery.last_error.startswith("TLS certificate not accepted")


def test_private_addresses_are_refused_at_delivery_time(
    make_company, make_endpoint, make_worker, make_app, hook_config, receiver
):
    """An endpoint whose host now points at a private address is not called."""
    owner = make_company()
    make_endpoint(owner, receiver.url(host="localhost"))
    queue(owner)
    strict = make_app(**{**hook_config, "WEBHOOK_ALLOW_PRIVATE_HOSTS": False})
    with strict.app_context():
        assert make_worker(app=strict).run_once() == {"retrying": 1}
    assert receiver.requests == []
    assert "private or local network" in deliveries()[0].last_error


def test_redelivery_starts_a_new_round_now_marked_manual(
    make_company, make_endpoint, make_worker, receiver, clock
):
    owner = make_company()
    make_endpoint(owner, receiver.url("/flaky"))
    receiver.script("/flaky", Reply(410), Reply(200))
    queue(owner)
    worker = make_worker()
    worker.run_once()
    (delivery,) = deliveries()
    assert delivery.state is DeliveryState.FAILED

    clock.now += timedelta(hours=1)
    service.redeliver(owner, delivery, clock.now)
    db.session.commit()
    assert delivery.state is DeliveryState.PENDING and delivery.round_attempts == 0
    assert worker.run_once() == {"delivered": 1}

    (delivery,) = deliveries()
    assert delivery.state is DeliveryState.DELIVERED and delivery.attempts == 2
    assert [a.manual for a in attempts(delivery)] == [False, True]
    first, second = receiver.on("/flaky")
    assert first.webhook_id == second.webhook_id == delivery.public_id
    assert first.body == second.body


def test_a_delivery_being_sent_cannot_be_redelivered(
    make_company, make_endpoint, make_worker, receiver, clock
):
    owner = make_company()
    make_endpoint(owner, receiver.url())
    queue(owner)
    make_worker().claim()
    (delivery,) = deliveries()
    with pytest.raises(Rejected):
        service.redeliver(owner, delivery, clock.now)
    db.session.rollback()


def test_paused_endpoints_get_nothing_new_and_their_queue_waits(
    make_company, make_endpoint, make_worker, receiver
):
    owner = make_company()
    endpoint = make_endpoint(owner, receiver.url())
    queue(owner)
    service.set_enabled(owner, endpoint, False)
    db.session.commit()
    queue(owner)  # while paused: not queued for it
    assert make_worker().run_once() == {}
    assert len(deliveries()) == 1

    service.set_enabled(owner, endpoint, True)
    db.session.commit()
    assert make_worker().run_once() == {"delivered": 1}


def test_an_endpoint_gets_only_its_topics(make_company, make_endpoint, make_worker, receiver):
    owner = make_company()
    make_endpoint(owner, receiver.url("/captures"), topics=[Topic.CAPTURE_CREATED])
    make_endpoint(owner, receiver.url("/everything"))
    queue(owner, topic=Topic.CONTACT_UPDATED)
    queue(owner, topic=Topic.CAPTURE_CREATED)
    make_worker().run_once()
    assert [json.loads(r.body)["type"] for r in receiver.on("/captures")] == ["capture.created"]
    assert len(receiver.on("/everything")) == 2


def test_a_test_event_pings_one_endpoint(make_company, make_endpoint, make_worker, receiver):
    owner = make_company()
    endpoint = make_endpoint(owner, receiver.url("/one"), topics=[Topic.CAPTURE_CREATED])
    make_endpoint(owner, receiver.url("/other"))
    delivery = service.send_test(owner, endpoint)
    db.session.commit()
    make_worker().run_once()
    (request,) = receiver.on("/one")
    body = json.loads(request.body)
    assert body["type"] == "ping" and body["data"]["endpoint"] == endpoint.public_id
    assert request.webhook_id == delivery.public_id
    assert receiver.on("/other") == []


def test_an_address_beyond_ascii_is_requested_percent_encoded(
    make_company, make_endpoint, make_worker, receiver
):
    owner = make_company()
    make_endpoint(owner, receiver.url("/hoök?für=ü"))
    queue(owner)
    assert make_worker().run_once() == {"delivered": 1}
    assert [r.path for r in receiver.requests] == ["/ho%C3%B6k?f%C3%BCr=%C3%BC"]


BROKEN_ANSWERS = {
    "closed after the status line": Reply(raw=b"HTTP/1.1 200 OK\r\n"),
    "status line without its end": Reply(raw=b"HTTP/1.1 200"),
    "half a header": Reply(raw=b"HTTP/1.1 200 OK\r\nContent-Le"),
    "headers without the blank line": Reply(raw=b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"),
    "Content-Length body cut short": Reply(raw=b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok"),
    "chunked body cut short": Reply(
        raw=b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"
    ),
    "status line, then silence": Reply(raw=b"HTTP/1.1 200 OK\r\n", hold=3),
}


@pytest.mark.parametrize("broken", BROKEN_ANSWERS.values(), ids=BROKEN_ANSWERS.keys())
def test_an_answer_cut_short_is_a_failed_attempt_retried_on_schedule(
    make_company, make_endpoint, make_worker, receiver, clock, broken
):
    owner = make_company()
    make_endpoint(owner, receiver.url("/broken"))
    receiver.script("/broken", broken)
    queue(owner)
    assert make_worker().run_once() == {"retrying": 1}
    (delivery,) = deliveries()
    assert delivery.state is DeliveryState.PENDING and delivery.delivered_at is None
    assert delivery.last_status is None and delivery.last_error
    assert delivery.next_attempt_at == clock.now + SCHEDULE[0] * 1.1  # jitter at half
    (attempt,) = attempts(delivery)
    assert attempt.status is None and attempt.error == delivery.last_error


WHOLE_ANSWERS = {
    "Content-Length": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    "no body": b"HTTP/1.1 204 No Content\r\n\r\n",
    "chunked": b"HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
    "body to the close": b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nthanks",
    "bare line ends": b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok",
}


@pytest.mark.parametrize("whole", WHOLE_ANSWERS.values(), ids=WHOLE_ANSWERS.keys())
def test_a_whole_answer_however_framed_is_delivered(
    make_company, make_endpoint, make_worker, receiver, whole
):
    owner = make_company()
    make_endpoint(owner, receiver.url("/whole"))
    receiver.script("/whole", Reply(raw=whole))
    queue(owner)
    assert make_worker().run_once() == {"delivered": 1}
    assert deliveries()[0].state is DeliveryState.DELIVERED
