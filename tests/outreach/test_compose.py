"""A message to one contact: the personalised preview, sending by SMTP or the mail app, refusals."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from babel.dates import format_date
from sqlalchemy import select

from netcompanion.contact.models import Touch, TouchKind
from netcompanion.dbtypes import utcnow
from netcompanion.extensions import db
from netcompanion.followup.models import CadenceStep
from tests.conftest import FormClient, login
from tests.outreach.conftest import SIGNATURE, add_to_list, days_ago
from tests.smtp import free_port

BODY = (
    "Hi {{ contact.first_name }},\n\n"
    "great to meet you at {{ event.name }} on {{ event.date }} ({{ event.venue }}).\n"
    "You told me about {{ interests|join(' and ') }}.\n"
    "{% for note in notes %}* {{ note }}\n{% endfor %}"
    "Availability: {{ availability }}.\n\n"
    "{{ recruiter.signature }}"
)


def touches(contact) -> list[Touch]:
    db.session.expire_all()
    return list(db.session.scalars(select(Touch).where(Touch.contact_id == contact.id)))


@pytest.fixture
def ana(make_contact):
    return make_contact()


@pytest.fixture
def thanks(make_template):
    return make_template(
        name="Thanks", subject="Great to meet you, {{ contact.first_name }}", body=BODY
    )


def message_url(contact, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/contacts/{contact.public_id}/message" + (f"?{query}" if query else "")


def test_preview_shows_the_personalised_message(signed_in, ana, thanks, fair_event):
    page = signed_in.get(message_url(ana))
    assert page.status_code == 200
    text = page.text
    assert "Great to meet you, Ana" in text
    met = format_date(days_ago(10).date(), "long", locale="en")  # e.g. "March 14, 2026"
    assert f"great to meet you at Berlin Tech Careers Fair on {met} (Messe Berlin)." in text
    assert "(Messe Berlin)" in text
    assert "You told me about Kubernetes and Python." in text
    assert "* Loves type hints.\n* Open to hybrid work in Berlin." in text
    assert "Availability: Open in about 3 months." in text
    assert SIGNATURE.split("\n")[1] in text
    assert "ana.souza@example.com" in text
    assert "form-action 'self' mailto:" in page.headers["Content-Security-Policy"]


def test_send_by_smtp_from_the_recruiter_logs_the_touch_and_moves_the_follow_up(
    mail_client, smtp, ana, thanks, make_list, recruiter
):
    entry = add_to_list(make_list(), ana, recruiter)
    due_before = entry.next_due_on
    assert due_before < date.today()  # the thank-you was due two days after the fair
    response = mail_client.submit(
        message_url(ana, entry=entry.public_id),
        {
            "subject": "Great to meet you, Ana",
            "body": "Hi Ana,\r\nthanks!\r\nRita",
            "action": "send",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/contacts/{ana.public_id}")

    [message] = smtp.inbox.messages
    assert message["From"] == "Rita Recruiter <rita@acme-talent.example.com>"
    assert message["Reply-To"] == "rita@acme-talent.example.com"
    assert message["To"] == "Ana Souza <ana.souza@example.com>"
    assert message["X-Envelope-To"] == "ana.souza@example.com"
    assert message["Subject"] == "Great to meet you, Ana"
    assert message.get_content().replace("\r\n", "\n") == "Hi Ana,\nthanks!\nRita\n"

    [touch] = touches(ana)
    assert (touch.kind, touch.via, touch.by_id) == (TouchKind.EMAIL, "smtp", recruiter.id)
    assert touch.subject == "Great to meet you, Ana"
    assert touch.body == "Hi Ana,\nthanks!\nRita"
    db.session.refresh(entry)
    assert entry.next_due_on > date.today()
    assert entry.last_touch_at is not None


def test_send_goes_back_to_a_local_next_page(mail_client, smtp, ana, thanks):
    response = mail_client.submit(
        message_url(ana, next="/today"), {"subject": "Hi", "body": "Hi", "action": "send"}
    )
    assert response.headers["Location"] == "/today"
    response = mail_client.submit(
        message_url(ana, next="https://evil.example/"),
        {"subject": "Hi", "body": "Hi", "action": "send"},
    )
    assert response.headers["Location"] == f"/contacts/{ana.public_id}"


def test_smtp_down_shows_a_clear_error_keeps_the_text_and_logs_nothing(
    make_app, recruiter, ana, thanks
):
    down = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False)
    down.test_client_class = FormClient
    client = down.test_client()
    login(client, recruiter)
    response = client.submit(
        message_url(ana),
        {"subject": "My tweaked subject", "body": "Tweaked body", "action": "send"},
    )
    assert response.status_code == 502
    assert "The mail server did not take the message" in response.text
    assert "connection was refused" in response.text
    assert "My tweaked subject" in response.text and "Tweaked body" in response.text
    assert touches(ana) == []


def test_without_a_mail_server_sending_is_refused_and_the_mail_app_suggested(
    signed_in, ana, thanks
):
    page = signed_in.get(message_url(ana))
    assert 'value="send"' not in page.text
    assert "Open in my mail app" in page.text
    response = signed_in.submit(message_url(ana), {"subject": "Hi", "body": "Hi", "action": "send"})
    assert response.status_code == 409
    assert "no mail server set up" in response.text
    assert "Open in my mail app" in response.text
    assert touches(ana) == []


def test_mail_app_answers_a_mailto_redirect_and_logs_the_touch(signed_in, ana, recruiter):
    body = "Hi Ana,\nthanks & see you soon?\n\nRita 100%"
    response = signed_in.submit(
        message_url(ana), {"subject": "Café & jobs?", "body": body, "action": "mailto"}
    )
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("mailto:ana.souza@example.com?subject=")
    assert "%0D%0A" in location and "\n" not in location and " " not in location
    assert "subject=Caf%C3%A9%20%26%20jobs%3F&body=" in location
    query = parse_qs(urlsplit(location).query)
    assert query["body"] == [body.replace("\n", "\r\n")]
    assert unquote(location.split("subject=")[1].split("&")[0]) == "Café & jobs?"
    [touch] = touches(ana)
    assert (touch.via, touch.kind, touch.body) == ("mailto", TouchKind.EMAIL, body)


@pytest.mark.parametrize("action", ["send", "mailto"])
def test_do_not_contact_blocks_both_ways_even_a_forged_post(
    mail_client, smtp, make_contact, thanks, recruiter, action
):
    ana = make_contact(do_not_contact_at=utcnow(), do_not_contact_reason="Asked by email")
    page = mail_client.get(message_url(ana))
    assert page.status_code == 200
    assert "Great to meet you, Ana" in page.text  # the preview is still shown
    assert "asked not to be contacted" in page.text
    assert 'value="send"' not in page.text and 'value="mailto"' not in page.text
    forged = mail_client.submit(message_url(ana), {"subject": "Hi", "body": "Hi", "action": action})
    assert forged.status_code == 409
    assert "asked not to be contacted" in forged.text
    assert "Location" not in forged.headers
    assert smtp.inbox.messages == []
    assert touches(ana) == []


@pytest.mark.parametrize("action", ["send", "mailto"])
def test_missing_consent_blocks_both_ways(mail_client, smtp, make_contact, thanks, action):
    ana = make_contact(consent=False)
    page = mail_client.get(message_url(ana))
    assert "There is no consent on record" in page.text
    assert 'value="mailto"' not in page.text
    forged = mail_client.submit(message_url(ana), {"subject": "Hi", "body": "Hi", "action": action})
    assert forged.status_code == 409
    assert "There is no consent on record" in forged.text
    assert smtp.inbox.messages == []
    assert touches(ana) == []


def test_recorded_consent_unblocks_a_contact_met_without_it(signed_in, make_contact, recruiter):
    ana = make_contact(consent=False, consent_text="Said yes on the phone", consent_at=utcnow())
    response = signed_in.submit(
        message_url(ana), {"subject": "Hi", "body": "Hi", "action": "mailto"}
    )
    assert response.status_code == 303


def test_a_template_that_fails_for_this_contact_explains_instead_of_failing(
    signed_in, make_contact, make_template
):
    ana = make_contact(name="Ana")  # no last name
    make_template(name="Formal", subject="Hello", body="Dear Ms {{ contact.last_name }},")
    page = signed_in.get(message_url(ana))
    assert page.status_code == 200
    assert "Line 1: &#39;contact.last_name&#39; has no value here" in page.text


def test_a_list_entry_prepares_its_cadence_steps_template(
    signed_in, ana, make_template, make_list, recruiter
):
    make_template(name="A first", subject="First", body="First body")
    checkin = make_template(name="B check-in", subject="Check-in", body="Check-in body")
    lst = make_list()
    entry = add_to_list(lst, ana, recruiter)
    step = db.session.scalars(
        select(CadenceStep).where(CadenceStep.list_id == lst.id, CadenceStep.position == 0)
    ).one()
    step.template_id = checkin.id
    db.session.commit()
    assert "Check-in body" in signed_in.get(message_url(ana, entry=entry.public_id)).text
    assert "First body" in signed_in.get(message_url(ana)).text
    chosen = signed_in.get(message_url(ana, template=checkin.public_id))
    assert "Check-in body" in chosen.text


def test_unknown_template_entry_or_other_companys_contact_is_not_found(
    signed_in, ana, make_company, make_contact
):
    assert signed_in.get(message_url(ana, template="nope")).status_code == 404
    assert signed_in.get(message_url(ana, entry="nope")).status_code == 404
    other = make_company(name="Other Co")
    theirs = make_contact(owner=other, email="theirs@example.com")
    assert signed_in.get(message_url(theirs)).status_code == 404
    response = signed_in.submit(
        message_url(theirs), {"subject": "Hi", "body": "Hi", "action": "mailto"}
    )
    assert response.status_code == 404
    assert touches(theirs) == []


def test_empty_message_is_refused_with_the_field_errors(signed_in, ana):
    response = signed_in.submit(message_url(ana), {"subject": "", "body": "", "action": "mailto"})
    assert response.status_code == 422
    assert touches(ana) == []


def test_outreach_can_go_out_from_the_apps_address_under_the_recruiters_name(
    make_app, smtp, recruiter, ana, thanks
):
    strict_relay = make_app(
        **smtp.config,
        OUTREACH_FROM="app",
        MAIL_DEFAULT_SENDER="Acme Careers <careers@acme-talent.example.com>",
    )
    strict_relay.test_client_class = FormClient
    client = strict_relay.test_client()
    login(client, recruiter)
    client.submit(message_url(ana), {"subject": "Hi", "body": "Hi", "action": "send"})

    [message] = smtp.inbox.messages
    assert message["From"] == "Rita Recruiter <careers@acme-talent.example.com>"
    assert message["Reply-To"] == "rita@acme-talent.example.com"
