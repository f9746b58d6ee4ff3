"""The sandbox's limits: what a template builds, tests and compares is bounded, and so is time.

Each attack would cost seconds to hours, or gigabytes, without the limits; here each is refused
in milliseconds with a sentence for people, on preview and on save, and nothing is saved.
``bench/template_sandbox.py`` measures how fast.
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from netcompanion.extensions import db
from netcompanion.outreach import limits
from netcompanion.outreach.models import MessageTemplate
from netcompanion.outreach.rendering import TemplateProblem, check, render, sample_context

#: Two equal strings of 50,000 characters that are not the same object, and lists of them:
#: comparing ``a == b`` reads 500 MB.
TWINS = (
    "{% set s1 = 'x' * 49999 ~ 'y' %}{% set s2 = 'x' * 49999 ~ 'y' %}"
    "{% set a = [s1] * 10000 %}{% set b = [s2] * 10000 %}"
)
LONG = "{% set s = 'x' * 49999 %}"
HALF = "{% set h = 'x' * 20000 %}"

WHOLE_NUMBERS = "'is divisibleby' works on whole numbers only"
TOO_MUCH_WORK = "does too much work (it builds or compares more than 1,000,000 characters)"
TOO_LONG = "makes too much text (more than 50000 characters)"
TOO_LARGE = "makes a value too large for a message"
TOO_SLOW = "takes too long to render (more than 2 seconds)"

#: (template, what the refusal says): the issue's attacks, in loops and nested loops, and
#: their cousins through other tests, filters and literals.
ATTACKS = [
    ("{{ '%500000000s' is divisibleby 1 }}", WHOLE_NUMBERS),
    ("{% for i in range(1000) %}{{ '%500000000s' is divisibleby 1 }}{% endfor %}", WHOLE_NUMBERS),
    (
        "{% for i in range(100) %}{% for j in range(100) %}"
        "{% if ('%' ~ j ~ '00000000s') is divisibleby 1 %}{% endif %}{% endfor %}{% endfor %}",
        WHOLE_NUMBERS,
    ),
    ("{{ 1 is divisibleby '%500000000s' }}", WHOLE_NUMBERS),
    ("{{ '%500000000s' is even }}", "'is even' works on whole numbers only"),
    ("{{ '%500000000s' is odd }}", "'is odd' works on whole numbers only"),
    (LONG + "{% set l = [s] * 10000 %}{{ l is lower }}", "'is lower' works on text only"),
    (LONG + "{% set l = [s] * 10000 %}{{ l is upper }}", "'is upper' works on text only"),
    (LONG + "{{ s ~ s }}", TOO_LONG),
    (LONG + "{{ (" + " ~ ".join(["s"] * 200) + ")|length }}", TOO_MUCH_WORK),
    (LONG + "{% for i in range(1000) %}{% set t = s ~ i %}{% endfor %}", TOO_MUCH_WORK),
    (
        LONG + "{% for i in range(100) %}{% for j in range(100) %}"
        "{% set t = s ~ j %}{% endfor %}{% endfor %}",
        TOO_MUCH_WORK,
    ),
    (HALF + "{% for i in range(1000) %}{% set t = [h, h]|join %}{% endfor %}", TOO_MUCH_WORK),
    (LONG + "{% for i in range(1000) %}{% set t = s|upper %}{% endfor %}", TOO_MUCH_WORK),
    (LONG + "{% for i in range(1000) %}{% set t = s|truncate(49990) %}{% endfor %}", TOO_MUCH_WORK),
    (LONG + "{% for i in range(1000) %}{% set t = s[::-1] %}{% endfor %}", TOO_MUCH_WORK),
    (LONG + "{% for i in range(1000) %}{% if s * 1 %}{% endif %}{% endfor %}", TOO_MUCH_WORK),
    (LONG + "{{ ([s] * 10000)|join }}", TOO_MUCH_WORK),
    # Lists of lists: comparing or hashing them would walk 10^8 items, or 10^12.
    ("{% set a = [1] * 10000 %}{% set c = [a] * 10000 %}{{ c == c }}", TOO_LARGE),
    ("{% set a = [1] * 10000 %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}", TOO_LARGE),
    ("{% set a = [1] * 10000 %}{% set b = {'k': a, 'l': a} %}", TOO_LARGE),
    ("{% set t = (1,) * 10000 %}{{ {(t, t): 1}|length }}", TOO_LARGE),
    ("{% set a = [1] * 10000 %}{{ (a + a)|length }}", TOO_LARGE),
    # Comparing a and b reads a gigabyte: refused before it runs.
    (TWINS + "{% if a == b %}{% endif %}", TOO_MUCH_WORK),
    (TWINS + "{% if a is eq b %}{% endif %}", TOO_MUCH_WORK),
    (TWINS + "{% if s1 in b %}{% endif %}", TOO_MUCH_WORK),
    (TWINS + "{% if s1 is in b %}{% endif %}", TOO_MUCH_WORK),
    (TWINS + "{% for i in range(2) %}{{ loop.changed(a if i else b) }}{% endfor %}", TOO_MUCH_WORK),
    (LONG + "{% for i in range(1000) %}{% if s == s %}{% endif %}{% endfor %}", TOO_MUCH_WORK),
    ("{{ " + " and ".join(["1 == 1"] * 60) + " }}", "nests too deeply"),
]


@pytest.fixture
def sample(recruiter):
    return sample_context(recruiter)


@pytest.fixture
def slow_clock(monkeypatch):
    """Make every reading of the clock a second later than the last, as if each step were slow."""
    seconds = itertools.count()
    monkeypatch.setattr(limits, "time", SimpleNamespace(monotonic=lambda: next(seconds)))


def problem_of(body: str, context: dict) -> TemplateProblem:
    with pytest.raises(TemplateProblem) as caught:
        render("Subject", body, context)
    return caught.value


@pytest.mark.parametrize(("body", "says"), ATTACKS)
def test_attacks_on_the_servers_time_and_memory_are_refused_with_a_reason(body, says, sample):
    problem = problem_of(body, sample)
    assert problem.part == "body"
    assert problem.message.startswith("Line 1: ")
    assert says in problem.message


@pytest.mark.parametrize(
    "body",
    [
        "{% for i in range(1000) %}{{ i }}{% endfor %}",
        "{% for i in range(100) %}{% for j in range(100) %}{% endfor %}{% endfor %}",
        "{% for i in range(1000) %}{% if i == 3 %}{% endif %}{% endfor %}",
        "{% for i in range(1000) %}{{ loop.changed(i) }}{% endfor %}",
        "{{ " + " and ".join(["1 is eq 1"] * 40) + " }}",
    ],
)
def test_a_rendering_that_takes_too_long_stops_at_the_deadline(body, sample, slow_clock):
    assert TOO_SLOW in problem_of(body, sample).message


def test_the_deadline_covers_the_whole_message(sample, slow_clock):
    problems = check("{% for i in range(9) %}{{ i }}{% endfor %}", "{{ unknwn }}", sample)
    assert list(problems) == ["subject"]  # the body would be refused for the same reason
    assert TOO_SLOW in problems["subject"].message


def test_subject_and_body_share_one_budget(sample):
    loop = "{% for i in range(100) %}{% for j in range(59) %}{% endfor %}{% endfor %}"
    assert render(loop, "Hi", sample)
    with pytest.raises(TemplateProblem) as caught:
        render(loop, loop, sample)  # 6,000 steps in the subject and as many in the body
    assert caught.value.part == "body"
    assert "repeats too much" in caught.value.message


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", "nests too deeply"),
        ("{{ " + "[" * 3000 + "1" + "]" * 3000 + " }}", "nests too deeply"),
        ("{% if 1 %}" * 200 + "x" + "{% endif %}" * 200, "nests too deeply"),
        ("{{ 1 ~ " + "9" * 5000 + " }}", "cannot be read"),
        ("{{ 'x'|center(500000000) }}", "No filter named 'center'"),
        ("{{ 'x'|replace('x', 'yyyy') }}", "No filter named 'replace'"),
        ("{{ range is callable }}", "No test named 'callable'"),
        ("{{ '_piece' is filter }}", "No test named 'filter'"),
    ],
)
def test_what_the_sandbox_does_not_offer_is_refused_with_a_reason(body, says, sample):
    assert says in problem_of(body, sample).message


def test_tests_comparisons_and_literals_a_letter_may_use_still_work(sample):
    body = (
        "{% for note in notes %}{% if loop.index is odd %}odd{% endif %}"
        "{% if loop.index is divisibleby 2 %}even{% endif %}{% endfor %}|"
        "{{ contact.title is defined }} {{ 'Python' is in interests }} {{ rating is string }} "
        "{{ interests|length is gt 1 }} {{ 3 is even }} {{ 'ana' is lower }} {{ none is none }}|"
        "{{ contact.first_name ~ ' ' ~ contact.last_name ~ '!' }}|"
        "{{ [contact.first_name, company]|join(' at ') }}|{{ contact.name[:3] }}|"
        "{% set a, b = 'x', 'y' %}{{ a ~ b }}|{{ {'k': 1}|length }}|"
        "{% for first, last in [('A', 'B')] %}{{ first }}{{ last }}{% endfor %}|"
        "{{ interests == ['Kubernetes', 'Python'] }}"
    )
    subject, text = render("{{ 'Hi' ~ ' ' ~ contact.first_name }}", body, sample)
    assert subject == "Hi Ana"
    assert text == (
        "oddeven|True True True True False True True|Ana Souza!|Ana at Acme Talent|Ana|xy|1|AB|True"
    )


# Through the editor: preview and save -------------------------------------------------------


def saved_templates(user) -> list[MessageTemplate]:
    query = select(MessageTemplate).where(MessageTemplate.organization_id == user.organization_id)
    return list(db.session.scalars(query))


@pytest.mark.parametrize("action", ["preview", "save"])
@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("{{ '%500000000s' is divisibleby 1 }}", WHOLE_NUMBERS),
        (
            "Hi\n{% for i in range(100) %}{% for j in range(100) %}"
            "{{ '%500000000s' is divisibleby j }}{% endfor %}{% endfor %}",
            WHOLE_NUMBERS,
        ),
        (LONG + "\n{{ (" + " ~ ".join(["s"] * 200) + ")|length }}", TOO_MUCH_WORK),
        (LONG + "\n{% for i in range(1000) %}{{ (s ~ i)|length }}{% endfor %}", TOO_MUCH_WORK),
        (HALF + "\n{% for i in range(1000) %}{{ [h, h]|join|length }}{% endfor %}", TOO_MUCH_WORK),
    ],
)
def test_editor_refuses_the_attacks_with_the_line_and_saves_nothing(
    signed_in, recruiter, body, says, action
):
    response = signed_in.submit(
        "/templates/new", {"name": "Hostile", "subject": "Hi", "body": body, "action": action}
    )
    assert response.status_code == 422
    assert says.replace("'", "&#39;") in response.text
    assert "Line 2: " in response.text or "Line 1: " in response.text
    assert saved_templates(recruiter) == []


@pytest.mark.parametrize("action", ["preview", "save"])
def test_editor_refuses_a_slow_template_at_the_deadline(signed_in, recruiter, action, slow_clock):
    body = "Hi\n{% for i in range(1000) %}{{ i }}{% endfor %}"
    response = signed_in.submit(
        "/templates/new", {"name": "Slow", "subject": "Hi", "body": body, "action": action}
    )
    assert response.status_code == 422
    assert TOO_SLOW in response.text
    assert saved_templates(recruiter) == []


def test_editing_a_template_into_an_attack_keeps_the_saved_version(
    signed_in, make_template, recruiter
):
    template = make_template(name="Thanks", subject="Hi", body="Hi {{ contact.first_name }}")
    response = signed_in.submit(
        f"/templates/{template.public_id}/edit",
        {"name": "Thanks", "subject": "{{ '%500000000s' is odd }}", "body": "Hi", "action": "save"},
    )
    assert response.status_code == 422
    assert "&#39;is odd&#39; works on whole numbers only" in response.text
    db.session.refresh(template)
    assert template.subject == "Hi"


def test_preview_of_a_template_within_the_limits_renders(signed_in, recruiter):
    body = (
        "{% for note in notes %}{{ loop.index }}{% if loop.index is even %} (again){% endif %}: "
        "{{ note ~ '!' }}\n{% endfor %}{{ [company, event.name]|join(' · ') }}"
    )
    response = signed_in.submit(
        "/templates/new", {"name": "Notes", "subject": "Hi", "body": body, "action": "preview"}
    )
    assert response.status_code == 200
    assert "1: Wants to move from backend work into platform engineering.!" in response.text
    assert "2 (again): Prefers hybrid work" in response.text
    assert "Acme Talent · Berlin Tech Careers Fair" in response.text
    assert saved_templates(recruiter) == []


# Composing a message from a template saved before the limits ---------------------------------


def test_composing_from_an_attack_saved_earlier_explains_instead_of_hanging(
    signed_in, make_contact, make_template
):
    ana = make_contact()
    make_template(name="Old", subject="Hi", body=LONG + "\n{{ (s ~ s ~ s)|length }}")
    page = signed_in.get(f"/contacts/{ana.public_id}/message")
    assert page.status_code == 200
    assert "Line 2: the template " + TOO_LONG in page.text
