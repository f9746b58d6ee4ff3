"""Typed badge codes checked while typing: what is printed on the badge, or 404 alike."""

from __future__ import annotations

import secrets

from netcompanion.attendee.models import format_badge_code
from tests.conftest import FormClient, login

from .conftest import item


def lookup(client, event, code: str):
    return client.get(f"/api/v1/events/{event.public_id}/badge-codes/{code}")


def test_a_typed_code_names_the_person_printed_on_the_badge(fair, make_attendee, login_as, client):
    organizer, event, exhibitor = fair
    anna = make_attendee(organizer, event, name="Anna Schmidt", company="Zalando")
    login_as(exhibitor)
    response = lookup(client, event, format_badge_code(anna.badge_code))
    assert response.status_code == 200, response.json
    assert response.json == {
        "badge": {
            "code": format_badge_code(anna.badge_code),
            "name": "Anna Schmidt",
            "company": "Zalando",
        }
    }
    assert "email" not in response.get_data(as_text=True).lower()


def test_case_spaces_and_dashes_do_not_matter(fair, make_attendee, login_as, client):
    organizer, event, exhibitor = fair
    anna = make_attendee(organizer, event, name="Anna Schmidt")
    login_as(exhibitor)
    typed = f" {anna.badge_code[:4].lower()} -{anna.badge_code[4:]} "
    assert lookup(client, event, typed).json["badge"]["name"] == "Anna Schmidt"


def test_unknown_and_other_events_codes_answer_the_same_404(
    fair, make_company, make_event, make_attendee, login_as, client
):
    organizer, event, exhibitor = fair
    elsewhere = make_event(organizer, name="Another Fair")
    theirs = make_attendee(organizer, elsewhere, name="Bea Other")
    rival = make_company("Rival Co")
    rival_event = make_event(rival, name="Rival Fair")
    rivals = make_attendee(rival, rival_event, name="Cem Rival")
    login_as(exhibitor)

    unknown = lookup(client, event, "ABCD-EFGH")
    other_event = lookup(client, event, theirs.badge_code)
    assert unknown.status_code == other_event.status_code == 404
    assert unknown.json == other_event.json
    assert unknown.json["error"]["code"] == "not_found"
    # Another company's event: the event itself is not found.
    assert lookup(client, rival_event, rivals.badge_code).status_code == 404


def test_codes_as_an_attacker_types_them_answer_404_not_500(fair, make_attendee, login_as, client):
    organizer, event, exhibitor = fair
    make_attendee(organizer, event)
    login_as(exhibitor)
    for typed in [
        "%00",
        "ABCD%00EFGH",
        "' OR 1=1 --",
        "🙂🙂🙂🙂🙂🙂🙂🙂",
        "ﺏﺏﺏﺏ-ﺏﺏﺏﺏ",
        "A" * 400,
        "0O1I-LU00",
    ]:
        response = lookup(client, event, typed)
        assert response.status_code == 404, typed
        assert response.json["error"]["code"] == "not_found"


def test_only_members_may_look_codes_up(fair, make_attendee, client):
    organizer, event, exhibitor = fair
    anna = make_attendee(organizer, event)
    response = lookup(client, event, anna.badge_code)
    assert response.status_code == 401
    assert "Anna" not in response.get_data(as_text=True)


def test_lookups_are_limited_per_member(fair, make_attendee, make_app, make_member):
    organizer, event, exhibitor = fair
    anna = make_attendee(organizer, event)
    colleague = make_member(exhibitor)
    limited = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_KEY_PREFIX=secrets.token_hex(6),
        BADGE_CODE_RATE_LIMIT="2 per minute",
    )
    limited.test_client_class = FormClient
    first, second = limited.test_client(), limited.test_client()
    login(first, exhibitor)
    login(second, colleague)
    codes = [lookup(first, event, anna.badge_code).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert lookup(first, event, anna.badge_code).json["error"]["code"] == "rate_limited"
    assert lookup(second, event, anna.badge_code).status_code == 200


def test_a_capture_with_a_code_of_another_event_is_refused_with_a_field_to_correct(
    fair, make_event, make_attendee, login_as, api
):
    organizer, event, exhibitor = fair
    elsewhere = make_event(organizer, name="Another Fair")
    theirs = make_attendee(organizer, elsewhere)
    login_as(exhibitor)
    response = api.post("/api/v1/captures", item(event, badge_code=theirs.badge_code))
    assert response.status_code == 422
    assert response.json["error"]["code"] == "unknown_badge_code"
    assert "badge_code" in response.json["error"]["fields"]
