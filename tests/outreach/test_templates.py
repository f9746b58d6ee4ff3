"""The template pages: listing, writing with field-level errors, starters, deleting."""

from __future__ import annotations

from sqlalchemy import func, select

from netcompanion.extensions import db
from netcompanion.outreach.models import MessageTemplate


def templates_of(user) -> list[MessageTemplate]:
    query = (
        select(MessageTemplate)
        .where(MessageTemplate.organization_id == user.organization_id)
        .order_by(MessageTemplate.name)
    )
    return list(db.session.scalars(query))


def test_template_list_shows_the_companys_templates_only(
    signed_in, make_template, make_company, recruiter
):
    make_template(name="Thank-you note")
    other = make_company(name="Other Co")
    make_template(name="Other company's note", owner=other)
    page = signed_in.get("/templates")
    assert page.status_code == 200
    assert "Thank-you note" in page.text
    assert "Other company" not in page.text


def test_a_company_without_templates_can_add_the_two_starters_once(signed_in, recruiter):
    page = signed_in.get("/templates")
    assert "Add starter templates" in page.text
    response = signed_in.submit("/templates/starters")
    assert response.status_code == 302
    starters = templates_of(recruiter)
    assert [t.name for t in starters] == [
        "Check-in when they said they'd be available",
        "Thank you after the event",
    ]
    assert all("{{ contact.first_name" in t.body for t in starters)
    signed_in.submit("/templates/starters")
    assert len(templates_of(recruiter)) == 2
    assert "Add starter templates" not in signed_in.get("/templates").text


def test_saving_a_template_checks_it_against_a_sample_contact(signed_in, recruiter):
    response = signed_in.submit(
        "/templates/new",
        {
            "name": "Thanks",
            "subject": "Great to meet you at {{ event.name }}",
            "body": "Hi {{ contact.first_name }},\n\nthanks!\n{{ recruiter.signature }}",
            "action": "save",
        },
    )
    assert response.status_code == 302
    [template] = templates_of(recruiter)
    assert template.subject == "Great to meet you at {{ event.name }}"
    assert template.created_by_id == recruiter.id


def test_broken_template_shows_the_line_and_saves_nothing(signed_in, recruiter):
    body = "Hi {{ contact.first_name }},\n\nthanks for the chat.\n{{ contact.fist_name }}"
    response = signed_in.submit(
        "/templates/new",
        {"name": "Broken", "subject": "Hello", "body": body, "action": "save"},
    )
    assert response.status_code == 422
    assert "Line 4: unknown field &#39;contact.fist_name&#39;" in response.text
    assert "thanks for the chat." in response.text  # the input is kept
    assert templates_of(recruiter) == []


def test_syntax_error_in_an_edited_template_keeps_the_saved_version(
    signed_in, make_template, recruiter
):
    template = make_template(name="Thanks", subject="Hi {{ contact.first_name }}", body="Hi")
    response = signed_in.submit(
        f"/templates/{template.public_id}/edit",
        {"name": "Thanks", "subject": "Hi", "body": "One\nTwo {% if %}\n", "action": "save"},
    )
    assert response.status_code == 422
    assert "Line 2: " in response.text
    db.session.refresh(template)
    assert template.body == "Hi"


def test_preview_renders_the_sample_contact_without_saving(signed_in, recruiter):
    response = signed_in.submit(
        "/templates/new",
        {
            "name": "Thanks",
            "subject": "Hi {{ contact.first_name }}",
            "body": "We met at {{ event.name }}.\n{{ recruiter.signature }}",
            "action": "preview",
        },
    )
    assert response.status_code == 200
    assert "We met at Berlin Tech Careers Fair." in response.text
    assert "Acme Talent · Talent partner" in response.text  # the recruiter's own signature
    assert templates_of(recruiter) == []


def test_editor_lists_the_fields_with_examples(signed_in):
    page = signed_in.get("/templates/new")
    assert "{{ contact.first_name }}" in page.text
    assert "{{ recruiter.signature }}" in page.text
    assert "Open in about 3 months" in page.text


def test_too_long_fields_are_refused(signed_in, recruiter):
    response = signed_in.submit(
        "/templates/new",
        {"name": "x" * 121, "subject": "s" * 301, "body": "b" * 20_001, "action": "save"},
    )
    assert response.status_code == 422
    assert response.text.count('class="error"') == 3
    assert templates_of(recruiter) == []


def test_deleting_a_template(signed_in, make_template, recruiter):
    template = make_template(name="Old one")
    response = signed_in.submit(f"/templates/{template.public_id}/delete")
    assert response.status_code == 302
    count = db.session.scalar(select(func.count()).select_from(MessageTemplate))
    assert count == 0


def test_another_companys_template_is_not_found(signed_in, make_template, make_company):
    other = make_company(name="Other Co")
    theirs = make_template(name="Theirs", owner=other)
    assert signed_in.get(f"/templates/{theirs.public_id}/edit").status_code == 404
    assert signed_in.submit(f"/templates/{theirs.public_id}/delete").status_code == 404
    assert len(templates_of(other)) == 1
