"""Benchmark the message-template sandbox: how fast the costliest templates are refused.

Run: ``.venv/bin/python bench/template_sandbox.py`` (under a minute); ``--repeat N`` (default 3).

Measured in-process (no HTTP, no database), each the median of ``--repeat`` runs, compiling
included (the compiled-template cache is emptied first: an attacker changes the text each time):

- floor: the "Thank you after the event" starter rendered for the sample contact, what a
  recruiter's template costs;
- the attacks of the issue (``'%500000000s' is divisibleby 1``, ``~`` chains) in loops and
  nested loops, their cousins through other tests, filters and nested lists, and the ones that
  only the deadline stops: comparisons of the largest lists a template may build;
- the 20,000-character template that is slowest to compile, which renders.

Target: every refusal within 0.1 s, those that the deadline stops within 0.2 s of it, and the
largest template within the deadline. The exit status is 0 when every one meets it.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from netcompanion import create_app  # noqa: E402
from netcompanion.outreach import limits, rendering  # noqa: E402
from netcompanion.outreach.views import STARTERS  # noqa: E402

REFUSAL_SECONDS = 0.1
RENDER_SECONDS = 1.0

LONG = "{% set s = 'x' * 49999 %}"
TWINS = (
    "{% set s1 = 'x' * 49999 ~ 'y' %}{% set s2 = 'x' * 49999 ~ 'y' %}"
    "{% set a = [s1] * 10000 %}{% set b = [s2] * 10000 %}"
)

#: (label, template body): each is refused.
ATTACKS = [
    ("'%500000000s' is divisibleby 1", "{{ '%500000000s' is divisibleby 1 }}"),
    (
        "the same, 100 × 100 nested loops",
        "{% for i in range(100) %}{% for j in range(100) %}"
        "{{ '%500000000s' is divisibleby 1 }}{% endfor %}{% endfor %}",
    ),
    ("list of 10,000 × 50 KB is lower", LONG + "{{ ([s] * 10000) is lower }}"),
    ("s ~ s ~ … (200 × 50 KB)", LONG + "{{ " + " ~ ".join(["s"] * 200) + " }}"),
    (
        "s ~ j in 100 × 100 loops",
        LONG + "{% for i in range(100) %}{% for j in range(100) %}"
        "{% set t = s ~ j %}{% endfor %}{% endfor %}",
    ),
    (
        "|join, |upper, [::-1] in a loop",
        "{% set h = 'x' * 20000 %}{% for i in range(1000) %}"
        "{% set t = [h, h]|join|upper %}{% set u = h[::-1] %}{% endfor %}",
    ),
    (
        "[[1] * 10000] * 10000 == itself",
        "{% set a = [1] * 10000 %}{{ ([a] * 10000) == ([a] * 10000) }}",
    ),
    (
        "a == b, 10,000 × 50 KB each, in a loop",
        TWINS + "{% for i in range(1000) %}{{ a == b }}{% endfor %}",
    ),
    (
        "loop.changed(a or b), 100 × 100",
        TWINS + "{% for i in range(100) %}{% for j in range(100) %}"
        "{{ loop.changed(a if j is even else b) }}{% endfor %}{% endfor %}",
    ),
    ("200 filters in a row", "{{ company" + "|lower" * 200 + " }}"),
    ("280 loops inside one another", "{% for n in notes %}" * 280 + "{% endfor %}" * 280),
]

#: (label, template body): the costliest found that stay within the limits, and render.
COSTLIEST = [
    (
        "9,991 loop steps and calls",
        "{% for i in range(10) %}{% for j in range(997) %}{% endfor %}{% endfor %}",
    ),
    (
        "1,000,000 characters built",
        "{% for i in range(19) %}{% set t = 'x' * 49000 %}{% endfor %}",
    ),
    ("20,000 characters of ~", "{{ " + " ~ ".join(["'x'"] * 3332) + " }}"),
    ("nesting 50 deep", "{% with a = 1 %}" * 48 + "{% endwith %}" * 48),
]


def sample() -> dict:
    organization = SimpleNamespace(name="Acme Talent")
    recruiter = SimpleNamespace(
        name="Rita Recruiter",
        first_name="Rita",
        email="rita@acme-talent.example.com",
        signature="Rita Recruiter\nAcme Talent · Talent partner",
        organization=organization,
    )
    return rendering.sample_context(recruiter)


def outcome(subject: str, body: str, context: dict) -> str:
    rendering._compile.cache_clear()
    try:
        _, text = rendering.render(subject, body, context)
    except rendering.TemplateProblem as problem:
        return f"refused: {problem.message[:72]}"
    return f"{len(text):,} characters"


def timed(subject: str, body: str, context: dict, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        outcome(subject, body, context)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    app = create_app({"SECRET_KEY": secrets.token_urlsafe(32), "ENV": "development"})
    ok = True
    with app.test_request_context():
        context = sample()
        _name, subject, body = (str(text) for text in STARTERS[0])
        floor = timed(subject, body, context, max(args.repeat, 20))
        print(f"{'template':<42} {'s':>7} {'× floor':>9}  outcome")
        print(f"{'floor: the starter template':<42} {floor:7.4f} {1:8.1f}×  ", end="")
        print(outcome(subject, body, context))
        rows = [(label, body, True) for label, body in ATTACKS]
        rows += [(label, body, False) for label, body in COSTLIEST]
        for label, template, refused in rows:
            said = outcome("Hi", template, context)
            seconds = timed("Hi", template, context, args.repeat)
            target = REFUSAL_SECONDS if refused else RENDER_SECONDS
            met = seconds <= target and said.startswith("refused") == refused
            ok = ok and met
            mark = "" if met else "  (target NOT met)"
            print(f"{label:<42} {seconds:7.4f} {seconds / floor:8.1f}×  {said}{mark}")
    print(
        f"target: refusals ≤ {REFUSAL_SECONDS} s, the costliest templates within the limits "
        f"≤ {RENDER_SECONDS} s (the deadline is {limits.DEADLINE_SECONDS} s): "
        f"{'met' if ok else 'NOT met'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
