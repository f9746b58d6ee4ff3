"""Who is calling: Bearer parsing, scopes, sessions and CSRF, and the one error shape."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from netcompanion.attendee.models import Attendee
from netcompanion.capture.models import Contact
from netcompanion.extensions import db


def attendee_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Attendee))


@pytest.mark.parametrize(
    "header",
    ["Bearer {t}", "bearer {t}", "BEARER {t}", "Bearer   {t}", "Bearer {t}   "],
)
def test_bearer_scheme_is_case_insensitive_and_spaces_are_forgiven(
    make_company, make_token, api_as, header
):
    owner = make_company()
    secret = make_token(owner)
    api = api_as(token=None)
    answer = api.get("/session", headers={"Authorization": header.format(t=secret)})
    assert answer.status_code == 200
    assert answer.json["user"]["id"] == owner.public_id


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer ",
        "Token {t}",
        "Basic {t}",
        "{t}",
        "Bearer {t}x",
        "Bearer nct_{short}",
        "Bearer xyz_{rest}",
        "Bearer {t} {t}",
    ],
)
def test_malformed_or_unknown_tokens_answer_401(make_company, make_token, api_as, header):
    owner = make_company()
    secret = make_token(owner)
    value = header.format(t=secret, short=secret[4:20], rest=secret[4:])
    answer = api_as(token=None).get("/events", headers={"Authorization": value})
    assert answer.status_code == 401
    assert answer.json["error"]["code"] == "invalid_token"
    assert answer.json["error"]["message"]
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_bad_token_never_falls_back_to_the_session_cookie(make_company, login_as, client, spec):
    from tests.api.conftest import check_response

    owner = make_company()
    login_as(owner)
    assert client.get("/api/v1/events").status_code == 200  # the session works on its own
    answer = client.get("/api/v1/events", headers={"Authorization": "Bearer nct_nope"})
    check_response(spec, answer)
    assert answer.status_code == 401 and answer.json["error"]["code"] == "invalid_token"


def test_the_token_decides_whose_data_a_request_sees(
    make_company, make_event, make_token, login_as, client
):
    alpha = make_company("Alpha")
    make_event(alpha, name="Alpha Meetup")
    zeta = make_company("Zeta")
    make_event(zeta, name="Zeta Summit")
    login_as(zeta)
    secret = make_token(alpha)
    answer = client.get("/api/v1/events", headers={"Authorization": f"Bearer {secret}"})
    assert [e["name"] for e in answer.json["events"]] == ["Alpha Meetup"]


def test_no_token_and_no_session_answers_401(api_as):
    answer = api_as(token=None).get("/events")
    assert answer.status_code == 401
    assert answer.json["error"]["code"] == "unauthorized"


def test_read_token_cannot_write_and_writes_nothing(fair, make_token, api_as):
    organizer, event, exhibitor = fair
    api = api_as(organizer, "read")
    answer = api.post(
        f"/events/{event.public_id}/attendees", {"name": "Ana", "email": "ana@example.com"}
    )
    assert answer.status_code == 403
    assert answer.json["error"]["code"] == "insufficient_scope"
    assert attendee_count() == 0
    assert api.get(f"/events/{event.public_id}/attendees").status_code == 200


def test_read_token_is_refused_before_the_body_is_read(fair, api_as):
    organizer, event, exhibitor = fair
    api = api_as(exhibitor, "read")
    for method, path in [
        ("POST", "/captures"),
        ("POST", "/captures/batch"),
        ("PATCH", "/contacts/whatever"),
        ("PATCH", "/entries/whatever"),
    ]:
        answer = api.open(method, path, data=b"{not json", content_type="application/json")
        assert answer.status_code == 403, (method, path)
        assert answer.json["error"]["code"] == "insufficient_scope"


def test_token_writes_need_no_csrf_token(fair, api_as):
    organizer, event, exhibitor = fair
    answer = api_as(organizer).post(
        f"/events/{event.public_id}/attendees", {"name": "Ana", "email": "ana@example.com"}
    )
    assert answer.status_code == 201
    assert attendee_count() == 1


def test_session_writes_still_need_the_csrf_token(fair, login_as, client, spec):
    from tests.api.conftest import check_response

    organizer, event, exhibitor = fair
    contact = Contact(organization_id=exhibitor.organization_id, name="Ana")
    db.session.add(contact)
    db.session.commit()
    login_as(exhibitor)
    url = f"/api/v1/contacts/{contact.public_id}"
    refused = client.patch(url, json={"company": "Initech"})
    check_response(spec, refused)
    assert refused.status_code == 400 and refused.json["error"]["code"] == "csrf_failed"
    db.session.expire_all()
    assert contact.company == ""
    csrf = client.get("/api/v1/session").json["csrf_token"]
    done = client.patch(url, json={"company": "Initech"}, headers={"X-CSRFToken": csrf})
    check_response(spec, done)
    assert done.status_code == 200 and done.json["contact"]["company"] == "Initech"


def test_every_error_has_the_one_shape(fair, api_as, login_as, client):
    organizer, event, exhibitor = fair
    api = api_as(organizer)
    answers = {
        404: api.get("/nothing-here"),
        405: api.open("DELETE", "/events"),
        422: api.post(
            f"/events/{event.public_id}/attendees",
            data=b'{"name": ',
            content_type="application/json",
        ),
    }
    for status, answer in answers.items():
        assert answer.status_code == status
        assert set(answer.json) == {"error"}
        assert {"code", "message"} <= set(answer.json["error"])
    assert answers[405].json["error"]["code"] == "method_not_allowed"
    assert answers[422].json["error"]["code"] == "invalid_json"
    not_an_object = api.post(f"/events/{event.public_id}/attendees", json=["Ana"])
    assert not_an_object.status_code == 422
    assert not_an_object.json["error"]["code"] == "invalid_json"
    wrong_type = api.post(
        f"/events/{event.public_id}/attendees",
        data='{"name": "Ana", "email": "ana@example.com"}',
        content_type="text/plain",
    )
    assert wrong_type.status_code == 422
    assert attendee_count() == 0


def test_bearer_headers_outside_the_api_are_ignored(make_company, make_token, client):
    owner = make_company()
    secret = make_token(owner)
    page = client.get("/contacts", headers={"Authorization": f"Bearer {secret}"})
    assert page.status_code == 302  # the web pages want a session, tokens are for /api/


def test_session_endpoint_names_the_tokens_creator(make_company, make_token, api_as):
    owner = make_company("Initech Talent")
    body = api_as(owner, "read").get("/session").json
    assert body["user"] == {"id": owner.public_id, "name": owner.name}
    assert body["organization"]["name"] == "Initech Talent"


def test_a_respelt_token_gets_the_answer_an_unknown_one_gets(app, make_company, make_token):
    from netcompanion.api.tokens import PREFIX
    from tests.spelling import BASE62, respellings

    secret = make_token(make_company())
    client = app.test_client()

    def answer(token: str):
        response = client.get("/api/v1/events", headers={"Authorization": f"Bearer {token}"})
        return response.status_code, response.data

    assert answer(secret)[0] == 200
    unknown = answer(PREFIX + "A" * (len(secret) - len(PREFIX)))
    assert unknown[0] == 401
    printable = "+/=.%~é\u00a0\u202e"  # a header carries no NUL or line break
    variants = respellings(secret, BASE62, printable)
    variants = [v for v in variants if "\0" not in v and "\n" not in v and v.strip(" \t") == v]
    for variant in variants + [secret.upper(), "NCT_" + secret[4:], secret + "\u00a0"]:
        assert answer(variant) == unknown, variant


WRITES = ("POST", "PATCH", "DELETE")


def api_writes(app):
    """(method, path) of every write some API route takes, and of every one it refuses."""
    from tests.routes import allowed_methods, sample_path

    paths = {sample_path(app, r) for r in app.url_map.iter_rules() if r.rule.startswith("/api/")}
    for path in sorted(paths):
        allowed = allowed_methods(app, path)
        for method in WRITES:
            yield method, path, method in allowed


def test_writes_without_credentials_answer_401_not_csrf(app, client, spec):
    from tests.api.conftest import check_response

    taken = 0
    for method, path, allowed in api_writes(app):
        answer = client.open(path, method=method, json={})
        if not allowed:
            assert answer.status_code == 405, (method, path)
            continue
        check_response(spec, answer)
        assert answer.status_code == 401, (method, path, answer.json)
        assert answer.json == {
            "error": {"code": "unauthorized", "message": answer.json["error"]["message"]}
        }
        assert answer.headers["WWW-Authenticate"].startswith("Bearer realm=")
        taken += 1
    assert taken >= 9  # every write the API has


def test_a_session_cookie_without_a_sign_in_is_no_credential(app, client):
    client.csrf_token()  # a visitor's session cookie, holding a CSRF token but no member
    assert client.get_cookie("session") is not None
    for method, path, allowed in api_writes(app):
        if allowed:
            answer = client.open(path, method=method, json={})
            assert answer.status_code == 401, (method, path)
            assert answer.json["error"]["code"] == "unauthorized"


def test_signed_in_writes_without_the_csrf_token_are_refused_as_before(
    app, make_company, login_as, client
):
    login_as(make_company())
    for method, path, allowed in api_writes(app):
        if allowed:
            answer = client.open(path, method=method, json={})
            assert answer.status_code == 400, (method, path)
            assert answer.json["error"]["code"] == "csrf_failed"
