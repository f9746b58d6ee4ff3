"""The organizer's capture sheet: interest chips and questions, for owners and admins only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from netcompanion.account.models import Role
from netcompanion.capture import questions
from netcompanion.capture.models import EventQuestion, QuestionKind
from netcompanion.event import service as events
from netcompanion.event.models import Event
from netcompanion.extensions import db
from tests.conftest import login


def sheet(event) -> str:
    return f"/events/{event.public_id}/questions"


def all_questions(event) -> list[EventQuestion]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(EventQuestion)
            .where(EventQuestion.event_id == event.id)
            .order_by(EventQuestion.position, EventQuestion.id)
        )
    )


def add(client, event, prompt="Which team?", kind="single", options="Backend\nData"):
    return client.submit(
        sheet(event) + "/new", {"prompt": prompt, "kind": kind, "options": options}
    )


@pytest.fixture
def organizer(client, fair):
    organizer, event, _ = fair
    login(client, organizer)
    return event


def test_the_event_page_links_the_capture_sheet_for_the_organizer(client, organizer):
    page = client.get(f"/events/{organizer.public_id}").get_data(as_text=True)
    assert "Interests and questions for the capture sheet" in page
    assert client.get(sheet(organizer)).status_code == 200


def test_organizer_saves_interest_chips_one_per_line_or_by_commas(client, organizer):
    response = client.submit(
        sheet(organizer) + "/tags", {"tags": "Backend, Data science\n  backend \n\nRust"}
    )

    assert response.status_code == 302
    assert db.session.get(Event, organizer.id).interest_tags == ["Backend", "Data science", "Rust"]
    page = client.get(sheet(organizer)).get_data(as_text=True)
    assert "Backend\nData science\nRust" in page


def test_too_many_or_too_long_chips_are_refused_per_field(client, organizer):
    many = client.submit(sheet(organizer) + "/tags", {"tags": ",".join(f"t{i}" for i in range(31))})
    assert many.status_code == 422
    assert "At most 30 interests." in many.get_data(as_text=True)
    assert 'id="tags-error"' in many.get_data(as_text=True)

    long = client.submit(sheet(organizer) + "/tags", {"tags": "x" * 41})
    assert long.status_code == 422
    assert "An interest has at most 40 characters" in long.get_data(as_text=True)
    assert db.session.get(Event, organizer.id).interest_tags == []


def test_organizer_adds_edits_moves_and_deletes_questions(client, organizer):
    assert add(client, organizer, "Which team?", "single", "Backend\nData\n").status_code == 302
    assert add(client, organizer, "Tech you use", "multiple", "Go\nRust\nPython").status_code == 302
    assert add(client, organizer, "Anything else?", "text", "ignored").status_code == 302
    first, second, third = all_questions(organizer)
    assert (first.prompt, first.kind, first.options) == (
        "Which team?",
        QuestionKind.SINGLE,
        ["Backend", "Data"],
    )
    assert second.kind == QuestionKind.MULTIPLE and third.options == []
    page = client.get(sheet(organizer)).get_data(as_text=True)
    assert "Which team?" in page and "Go / Rust / Python" in page

    edit = f"{sheet(organizer)}/{first.public_id}"
    assert 'value="Which team?"' in client.get(edit).get_data(as_text=True)
    response = client.submit(
        edit, {"prompt": "Which team interests you?", "kind": "multiple", "options": "A\nB\nC"}
    )
    assert response.status_code == 302
    edited = all_questions(organizer)[0]
    assert (edited.prompt, edited.kind, edited.options) == (
        "Which team interests you?",
        QuestionKind.MULTIPLE,
        ["A", "B", "C"],
    )

    client.submit(f"{sheet(organizer)}/{third.public_id}/move", {"direction": "up"})
    assert [q.prompt for q in all_questions(organizer)] == [
        "Which team interests you?",
        "Anything else?",
        "Tech you use",
    ]
    client.submit(f"{sheet(organizer)}/{first.public_id}/move", {"direction": "up"})  # at the top
    client.submit(f"{sheet(organizer)}/{first.public_id}/move", {"direction": "down"})
    assert [q.prompt for q in all_questions(organizer)][:2] == [
        "Anything else?",
        "Which team interests you?",
    ]

    client.submit(f"{sheet(organizer)}/{second.public_id}/delete")
    assert [q.public_id for q in all_questions(organizer)] == [third.public_id, first.public_id]


@pytest.mark.parametrize(
    "prompt, kind, options, field, message",
    [
        ("Which team?", "single", "Backend", "options", "Give at least 2 answers to choose from."),
        ("Which team?", "multiple", "Go\ngo\nRust", "options", "Each answer only once: go"),
        ("Which?", "single", "\n".join(f"o{i}" for i in range(13)), "options", "At most 12"),
        ("Which?", "single", "x" * 61 + "\nB", "options", "at most 60 characters"),
        ("x" * 201, "text", "", "prompt", "Field cannot be longer than 200 characters."),
        ("", "text", "", "prompt", "Enter the question."),
        ("Which?", "essay", "", "kind", "Not a valid choice"),
    ],
)
def test_bad_questions_are_refused_per_field(
    client, organizer, prompt, kind, options, field, message
):
    response = add(client, organizer, prompt, kind, options)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page or (field == "kind" and "error" in page)
    assert all_questions(organizer) == []


def test_editing_with_bad_input_keeps_the_question_and_says_why(client, organizer):
    add(client, organizer)
    [question] = all_questions(organizer)
    response = client.submit(
        f"{sheet(organizer)}/{question.public_id}",
        {"prompt": "Which team?", "kind": "single", "options": "Only one"},
    )
    assert response.status_code == 422
    assert "Give at least 2 answers to choose from." in response.get_data(as_text=True)
    assert all_questions(organizer)[0].options == ["Backend", "Data"]


def test_exhibitors_get_403_and_strangers_404(client, fair, make_company, new_client):
    organizer, event, exhibitor = fair
    other = new_client()
    login(other, organizer)
    add(other, event)
    [question] = all_questions(event)
    paths = [
        ("GET", sheet(event)),
        ("POST", sheet(event) + "/tags"),
        ("POST", sheet(event) + "/new"),
        ("GET", f"{sheet(event)}/{question.public_id}"),
        ("POST", f"{sheet(event)}/{question.public_id}"),
        ("POST", f"{sheet(event)}/{question.public_id}/move"),
        ("POST", f"{sheet(event)}/{question.public_id}/delete"),
    ]
    data = {"tags": "Hijacked", "prompt": "Hijacked?", "kind": "text", "direction": "up"}

    def status(method, path):
        return (
            client.get(path).status_code
            if method == "GET"
            else client.submit(path, data).status_code
        )

    login(client, exhibitor)
    assert [status(*p) for p in paths] == [403] * len(paths)
    client.submit("/logout")
    login(client, make_company())
    assert [status(*p) for p in paths] == [404] * len(paths)
    assert [q.prompt for q in all_questions(event)] == ["Which team?"]
    assert db.session.get(Event, event.id).interest_tags == []


def test_the_organizers_recruiters_are_refused_clearly(client, fair, make_member):
    organizer, event, _ = fair
    recruiter = make_member(organizer, Role.RECRUITER)
    login(client, recruiter)

    response = client.get(sheet(event))
    assert response.status_code == 403
    assert "Only owners and admins can change the capture sheet." in response.get_data(as_text=True)
    assert add(client, event).status_code == 403
    assert all_questions(event) == []
    page = client.get(f"/events/{event.public_id}").get_data(as_text=True)
    assert "Interests and questions for the capture sheet" not in page


def test_an_admin_may_edit_the_sheet(client, fair, make_member):
    organizer, event, _ = fair
    login(client, make_member(organizer, Role.ADMIN))
    assert add(client, event).status_code == 302
    assert len(all_questions(event)) == 1


def test_the_scanner_of_an_exhibitor_offers_the_sheet_in_order(client, fair, new_client):
    organizer, event, exhibitor = fair
    login(client, organizer)
    client.submit(sheet(event) + "/tags", {"tags": "Backend\nData"})
    add(client, event, "First?", "text", "")
    add(client, event, "Second?", "single", "Yes\nNo")
    second = all_questions(event)[1]
    client.submit(f"{sheet(event)}/{second.public_id}/move", {"direction": "up"})

    recruiter = new_client()
    login(recruiter, exhibitor)
    page = recruiter.get(f"/events/{event.public_id}/scan").get_data(as_text=True)
    assert page.index("Second?") < page.index("First?")
    assert '"tags": ["Backend", "Data"]' in page or '"tags":["Backend","Data"]' in page


def test_a_sheet_holds_at_most_twenty_questions(client, organizer, fair):
    owner = fair[0]
    ev = events.access(owner.organization_id, organizer.public_id)
    for i in range(questions.MAX_QUESTIONS):
        questions.add_question(owner, ev, QuestionKind.TEXT, f"Question {i}?", [])
    db.session.commit()

    response = add(client, organizer, "One more?", "text", "")

    assert response.status_code == 422
    assert "At most 20 questions per event." in response.get_data(as_text=True)
    assert len(all_questions(organizer)) == questions.MAX_QUESTIONS
