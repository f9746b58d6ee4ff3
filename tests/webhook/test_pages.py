"""The webhook pages: for owners and admins only, with checked addresses, the delivery log and
redelivery."""

from __future__ import annotations

import html
import json

import pytest
from markupsafe import escape

from netcompanion.account.models import Role
from netcompanion.extensions import db
from netcompanion.webhook.models import DeliveryState, Topic, WebhookEndpoint

from .conftest import ALL_TOPICS, attempts, deliveries
from .receiver import Reply


def endpoints() -> list[WebhookEndpoint]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(WebhookEndpoint)))


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OWNER])
def test_admins_register_an_endpoint_and_see_its_secret(
    make_company, make_member, login_as, client, receiver, role
):
    owner = make_company()
    login_as(owner if role is Role.OWNER else make_member(owner, role))
    page = client.get("/settings/webhooks/new")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count('type="checkbox"') == len(Topic)

    response = client.submit(
        "/settings/webhooks/new",
        {"url": receiver.url(), "description": "HubSpot sync", "topics": ALL_TOPICS[:2]},
    )
    (endpoint,) = endpoints()
    assert response.status_code == 302
    assert response.location.endswith(f"/settings/webhooks/{endpoint.public_id}")
    assert endpoint.topics == ["capture.created", "capture.updated"]
    assert endpoint.enabled and endpoint.organization_id == owner.organization_id
    shown = client.get(response.location).get_data(as_text=True)
    assert endpoint.secret in shown and "webhook-signature" in shown
    listing = client.get("/settings/webhooks").get_data(as_text=True)
    assert "HubSpot sync" in listing and receiver.url() in listing


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hooks.example.com/x", "https://"),
        ("https://user:secret@hooks.example.com/x", "user name and password"),
        ("https://hooks.example.com/x#top", "fragment"),
        ("https://exa_mple.com/", "must be a name"),
        ("https://hooks.example.com/a b", "Leave spaces"),
        ("ftp://hooks.example.com/", "https://"),
        ("https://127.0.0.1/hook", "private or local"),
        ("https://localhost/hook", "private or local"),
        ("https://10.1.2.3/hook", "private or local"),
        ("https://169.254.169.254/latest/meta-data", "private or local"),
        ("https://[::1]/hook", "private or local"),
        ("https://[::ffff:192.168.0.1]/hook", "private or local"),
        ("https://100.64.0.1/hook", "private or local"),
        ("https://0.0.0.0/hook", "private or local"),
    ],
)
def test_unsafe_addresses_are_refused_and_the_input_kept(
    app, make_company, login_as, client, url, reason
):
    app.config["WEBHOOK_ALLOW_PRIVATE_HOSTS"] = False
    login_as(make_company())
    response = client.submit(
        "/settings/webhooks/new", {"url": url, "description": "Kept", "topics": ALL_TOPICS}
    )
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert reason in page
    assert 'value="Kept"' in page
    assert endpoints() == []


def test_a_public_address_is_accepted_without_the_private_setting(
    app, make_company, login_as, client
):
    app.config["WEBHOOK_ALLOW_PRIVATE_HOSTS"] = False
    login_as(make_company())
    response = client.submit(
        "/settings/webhooks/new", {"url": "https://93.184.216.34/hook", "topics": ALL_TOPICS}
    )
    assert response.status_code == 302
    assert endpoints()[0].url == "https://93.184.216.34/hook"


def test_an_endpoint_needs_a_topic(make_company, login_as, client, receiver):
    login_as(make_company())
    response = client.submit("/settings/webhooks/new", {"url": receiver.url()})
    assert response.status_code == 422
    assert "Choose at least one event" in response.get_data(as_text=True)
    assert endpoints() == []


def test_recruiters_get_403_everywhere(
    make_company, make_member, make_endpoint, login_as, client, receiver
):
    owner = make_company()
    endpoint = make_endpoint(owner, receiver.url())
    login_as(make_member(owner, Role.RECRUITER))
    base = f"/settings/webhooks/{endpoint.public_id}"
    for url in ("/settings/webhooks", "/settings/webhooks/new", base):
        assert client.get(url).status_code == 403, url
    for url in (base, f"{base}/pause", f"{base}/secret", f"{base}/test", f"{base}/delete"):
        assert client.submit(url, {"url": "https://x.example.com"}).status_code == 403, url
    assert endpoints()[0].enabled


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/settings/webhooks")
    assert response.status_code == 302 and "/login" in response.location


def test_edit_pause_resume_roll_and_delete(make_company, make_endpoint, login_as, client, receiver):
    owner = make_company()
    endpoint = make_endpoint(owner, receiver.url())
    login_as(owner)
    base = f"/settings/webhooks/{endpoint.public_id}"
    old_secret = endpoint.secret

    bad = client.submit(base, {"url": "http://nope.example.com", "topics": ALL_TOPICS})
    assert bad.status_code == 422 and "http://nope.example.com" in bad.get_data(as_text=True)
    edit = {"url": receiver.url("/v2"), "description": "ATS", "topics": ["contact.updated"]}
    assert client.submit(base, edit).status_code == 302
    assert client.submit(f"{base}/pause").status_code == 302
    (endpoint,) = endpoints()
    assert endpoint.url == receiver.url("/v2") and endpoint.topics == ["contact.updated"]
    assert not endpoint.enabled
    assert "Resume" in client.get(base).get_data(as_text=True)
    client.submit(f"{base}/resume")
    client.submit(f"{base}/secret")
    (endpoint,) = endpoints()
    assert endpoint.enabled
    assert endpoint.secret != old_secret and endpoint.previous_secret == old_secret
    assert client.submit(f"{base}/delete").status_code == 302
    assert endpoints() == []
    assert client.get(base).status_code == 404


def test_test_event_delivery_log_and_redelivery(
    make_company, make_endpoint, login_as, client, receiver, runner
):
    owner = make_company()
    endpoint = make_endpoint(owner, receiver.url("/hook"), description="CRM")
    login_as(owner)
    base = f"/settings/webhooks/{endpoint.public_id}"
    receiver.script("/hook", Reply(500, body="Oops <b>bold</b>"), Reply(200))

    assert client.submit(f"{base}/test").status_code == 302
    result = runner.invoke(args=["webhooks", "deliver", "--once"])
    assert "to retry 1" in result.output, result.output
    (delivery,) = deliveries()
    log = client.get(base).get_data(as_text=True)
    assert "ping" in log and delivery.event.public_id in log and "last answer 500" in log

    url = f"{base}/deliveries/{delivery.public_id}"
    page = client.get(url).get_data(as_text=True)
    (sent,) = receiver.on("/hook")
    assert str(escape(sent.body.decode())) in page  # the exact body sent
    assert "Answered 500" in page and "Oops &lt;b&gt;bold&lt;/b&gt;" in page
    assert "scheduled" in page

    assert client.submit(f"{url}/redeliver").status_code == 302
    runner.invoke(args=["webhooks", "deliver", "--once"])
    (delivery,) = deliveries()
    assert delivery.state is DeliveryState.DELIVERED
    assert [a.manual for a in attempts(delivery)] == [False, True]
    assert "manual redelivery" in client.get(url).get_data(as_text=True)
    assert json.loads(receiver.on("/hook")[1].body)["type"] == "ping"
    health = client.get("/settings/webhooks").get_data(as_text=True)
    assert "1 delivered" in health


def test_a_delivery_of_another_endpoint_is_not_found(
    make_company, make_endpoint, login_as, client, receiver
):
    owner = make_company()
    first = make_endpoint(owner, receiver.url("/a"))
    second = make_endpoint(owner, receiver.url("/b"))
    login_as(owner)
    client.submit(f"/settings/webhooks/{first.public_id}/test")
    (delivery,) = deliveries()
    wrong = f"/settings/webhooks/{second.public_id}/deliveries/{delivery.public_id}"
    assert client.get(wrong).status_code == 404
    assert client.submit(f"{wrong}/redeliver").status_code == 404
