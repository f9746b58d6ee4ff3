"""The template sandbox: personalised text, clear problems, and no way to internals or a hang."""

from __future__ import annotations

import pytest

from netcompanion.outreach.rendering import (
    MAX_OUTPUT,
    TemplateProblem,
    check,
    context_for,
    render,
    sample_context,
)


@pytest.fixture
def sample(recruiter):
    return sample_context(recruiter)


def problem_of(body: str, context: dict) -> TemplateProblem:
    with pytest.raises(TemplateProblem) as caught:
        render("Subject", body, context)
    return caught.value


@pytest.mark.parametrize(
    "body",
    [
        "{{ contact.__class__ }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ contact._values }}",
        "{{ contact['_values'] }}",
        "{{ interests.__len__() }}",
        "{{ range.__self__ }}",
        "{{ event.date.__class__ }}",
        "{{ '{0.__class__}'.format(contact) }}",
        "{% for x in notes %}{{ loop.__class__ }}{% endfor %}",
    ],
)
def test_sandbox_refuses_python_internals(body, sample):
    problem = problem_of(body, sample)
    assert problem.line == 1
    assert "not available in message templates" in problem.message


@pytest.mark.parametrize(
    "body",
    [
        "{{ self }}",
        "{{ cycler }}",
        "{{ lipsum() }}",
        "{{ namespace() }}",
        "{{ config }}",
        "{{ request }}",
    ],
)
def test_jinja_and_flask_globals_are_not_reachable(body, sample):
    assert "unknown field" in problem_of(body, sample).message


@pytest.mark.parametrize(
    "body",
    [
        "{% for a in range(1000) %}{% for b in range(1000) %}{% endfor %}{% endfor %}",
        "{% for a in range(10**9) %}x{% endfor %}",
        "{{ 'x' * 10**9 }}",
        "{{ 9 ** 9 ** 9 }}",
        "{{ '%999999999d' % 1 }}",
        "{{ '{:>999999999}'.format(1) }}",
        "{% set l = ['x' * 40000] * 5000 %}{{ l|join }}",
        "{% for a in range(1000) %}{{ 'y' * 1000 }}{% endfor %}",
        "{% for x in [1] recursive %}{{ loop([1, 1]) }}{{ loop([1, 1]) }}{% endfor %}",
        "{% macro m(n) %}{{ m(n) }}{{ m(n) }}{% endmacro %}{{ m(1) }}",
        "{% set x %}{% for a in range(1000) %}{{ 'z' * 1000 }}{% endfor %}{% endset %}",
        "{% filter upper %}{% for a in range(1000) %}x{% endfor %}{% endfilter %}",
    ],
)
def test_sandbox_refuses_work_that_would_hang_or_bloat_the_server(body, sample):
    problem = problem_of(body, sample)
    assert problem.line == 1
    assert problem.message.startswith("Line 1: ")


def test_output_stops_at_the_limit(sample):
    just_under = "{{ 'x' * " + str(MAX_OUTPUT - 10) + " }}"
    assert len(render("", just_under, sample)[1]) == MAX_OUTPUT - 10
    with pytest.raises(TemplateProblem):
        render("", just_under + just_under, sample)


def test_unknown_field_names_the_field_and_its_line(sample):
    problem = problem_of("Hi,\n\nthanks\n{{ contact.fist_name }}", sample)
    assert problem.message == "Line 4: unknown field 'contact.fist_name'"
    assert problem.part == "body"


def test_unknown_field_is_found_in_a_branch_the_sample_skips(sample):
    problems = check("Hi", "{% if not interests %}\nHi {{ recruiter.nmae }}{% endif %}", sample)
    assert problems["body"].message == "Line 2: unknown field 'recruiter.nmae'"


def test_syntax_error_is_reported_with_its_line_and_part(sample):
    problems = check("Hello {{ contact.first_name }", "Fine", sample)
    assert list(problems) == ["subject"]
    assert problems["subject"].message.startswith("Line 1: ")
    assert problems["subject"].part == "subject"


def test_template_features_a_letter_needs_work(sample):
    body = (
        "{% for note in notes %}{{ loop.index }}. {{ note }}\n{% endfor %}"
        "{{ interests|join(' and ')|lower }} / {{ contact.name|upper }} / "
        "{{ event.date|date('yyyy') }} / {{ contact.title|default('x') }} / "
        "{{ notes|length }} / {{ interests|first }} / {{ notes_text|truncate(12) }}"
    )
    subject, text = render("Hi {{ contact.first_name }}\n  again", body, sample)
    assert subject == "Hi Ana again"  # one line: a header cannot carry line breaks
    assert text.startswith("1. ")
    assert "kubernetes and python / ANA SOUZA / " in text
    assert " / Backend engineer / 2 / Kubernetes / " in text


def test_context_of_a_contact_carries_the_last_encounter_and_the_recruiter(
    app, make_contact, recruiter, count_queries
):
    contact = make_contact(notes=("Loves type hints.", "Open to hybrid work in Berlin."))
    assert contact.name and recruiter.organization.name  # loaded, as in a request
    body = (
        "{{ contact.first_name }}|{{ contact.last_name }}|{{ event.name }}|{{ event.venue }}|"
        "{{ interests }}|{{ notes_text }}|{{ availability }}|{{ rating }}|"
        "{{ recruiter.first_name }}|{{ recruiter.signature }}|{{ company }}"
    )
    with count_queries() as queries:
        context = context_for(contact, recruiter)
    assert len(queries) == 3  # the last encounter with its event, its interests, its notes
    _, text = render("", body, context)
    assert text == (
        "Ana|Souza|Berlin Tech Careers Fair|Messe Berlin|Kubernetes, Python|"
        "Loves type hints.\nOpen to hybrid work in Berlin.|Open in about 3 months|Warm|"
        "Rita|Rita Recruiter\nAcme Talent · Talent partner|Acme Talent"
    )


def test_a_field_this_contact_lacks_explains_itself_and_takes_a_fallback(
    app, make_contact, recruiter
):
    contact = make_contact(name="Ana", availability=None)
    context = context_for(contact, recruiter)
    problem = problem_of("Dear {{ contact.last_name }}", context)
    assert "'contact.last_name' has no value here" in problem.message
    assert render("", '{{ contact.last_name|default("friend") }}', context)[1] == "friend"
    assert render("", "{% if availability %}x{% else %}y{% endif %}", context)[1] == "y"
    assert "'list' has no value here" in problem_of("{{ list }}", context).message


def test_a_group_of_fields_cannot_be_printed_whole(sample):
    assert "is a group of fields" in problem_of("{{ recruiter }}", sample).message


@pytest.mark.parametrize(
    ("name", "greeting"),
    [
        ("Madonna", "Madonna|"),
        ("김 민준", "민준|김"),
        ("María Fernández de la Vega", "María|Fernández de la Vega"),
    ],
)
def test_a_greeting_uses_the_given_name_or_the_one_name_there_is(
    app, make_contact, recruiter, name, greeting
):
    context = context_for(make_contact(name=name), recruiter)
    body = '{{ contact.first_name }}|{{ contact.last_name|default("") }}'
    assert render("", body, context)[1] == greeting
