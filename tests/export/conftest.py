"""Export fixtures: a company with people whose names and notes test every escaping rule, and
readers of the files that share no code with the writer (Mozilla's ical.js, the npm package
vcard4, zipfile, csv)."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from netcompanion.capture.models import (
    Capture,
    CaptureSource,
    Contact,
    EventQuestion,
    QuestionKind,
)
from netcompanion.extensions import db
from netcompanion.followup import service as followups
from netcompanion.ids import new_public_id
from tests.contact import conftest as contact_fixtures

# The contact tests' fixtures: a company running its own fair, and contacts met there.
booth = contact_fixtures.booth
make_contact = contact_fixtures.make_contact
meet = contact_fixtures.meet

HERE = Path(__file__).parent
ROOT = HERE.parent.parent

#: A note long enough to fold many times, with a multi-byte character at many fold positions.
LONG_NOTE = "\n".join(
    f"Zeile {n}: Grüße aus Köln; café, naïve — 王芳说：你好！😀 "
    + "é" * n
    + ' \\ back\\slash, "quoted"'
    for n in range(1, 12)
)

#: People whose details exercise commas, semicolons, quotes, backslashes, accents, CJK, emoji.
TRICKY = [
    {
        "name": 'Zoë "Zee" O\'Brien-Łukasiewicz, Jr.; PhD',
        "email": "zoe@example.org",
        "company": "Acme; Widgets, Inc. \\ Europe",
        "title": "Head of R&D, Backend; Platform",
        "phone": "+49 30 1234567",
        "linkedin_url": "https://www.linkedin.com/in/zoë-o-brien,jr;x",
        "website_url": "https://example.org/a,b;c?x=1&y=2",
    },
    {
        "name": "王芳",
        "email": "wang.fang@example.cn",
        "company": "北京科技有限公司",
        "title": "高级工程师",
        "phone": "+86 10 6552 9988",
        "linkedin_url": "",
        "website_url": "",
    },
    {
        "name": "Αλεξάνδρα Παππά 😀",
        "email": "",
        "company": "",
        "title": "",
        "phone": "",
        "linkedin_url": "",
        "website_url": "https://παράδειγμα.example/διαδρομή",
    },
]


@pytest.fixture
def questions(booth):
    """The fair's organizer asks two questions of every capture."""
    owner, fair = booth
    relocate = EventQuestion(
        organization_id=owner.organization_id,
        event_id=fair.id,
        position=0,
        kind=QuestionKind.SINGLE,
        prompt="Open to relocation?",
        options=["Yes", "No"],
    )
    stacks = EventQuestion(
        organization_id=owner.organization_id,
        event_id=fair.id,
        position=1,
        kind=QuestionKind.MULTIPLE,
        prompt="Stacks, languages; tools",
        options=["Go", "Rust", "C#"],
    )
    db.session.add_all([relocate, stacks])
    db.session.commit()
    return relocate, stacks


@pytest.fixture
def people(booth, questions, make_contact, make_member, make_event):
    """The tricky people, met at the fair with ratings, interests, answers and notes; the
    first one also met earlier at a meetup, by a colleague; all of them in a list."""
    owner, fair = booth
    relocate, stacks = questions
    colleague = make_member(owner, name="Carla Colleague")
    meetup = make_event(owner, name="Rust Meetup")
    out = []
    for n, details in enumerate(TRICKY):
        encounters = [
            meet(
                fair,
                # 00:3x on the 15th in Berlin: the date is the event's, not UTC's.
                at=datetime(2025, 3, 14, 23, 30, tzinfo=UTC) + timedelta(minutes=n),
                rating="hot",
                availability="3_months",
                tags=["Backend", "ML; AI", "Go, Rust"],
                answers={relocate.public_id: "Yes", stacks.public_id: ["Go", "C#"]},
                notes=[LONG_NOTE, 'Second note, short; with \\ and "quotes".'],
            )
        ]
        if n == 0:
            encounters.append(
                meet(
                    meetup,
                    at=datetime(2024, 11, 2, 10, 0, tzinfo=UTC),
                    rating="cold",
                    notes=["First time we met."],
                    by=colleague,
                )
            )
        out.append(make_contact(owner, met=encounters, **details))
    pool = followups.create_list(owner, "Backend, nurture; 2025")
    followups.add_entries(pool, [followups.Candidate(c.id) for c in out], owner.id)
    db.session.commit()
    return out


@pytest.fixture
def make_many(booth):
    """Bulk-insert ``n`` contacts of the booth's company, each met once at the fair."""

    def build(n: int, org_id: int | None = None, event=None) -> list[int]:
        owner, fair = booth
        org_id = org_id or owner.organization_id
        event = event or fair
        now = datetime.now(UTC)
        rows = [
            {
                "public_id": new_public_id(),
                "organization_id": org_id,
                "name": f"Person {i:05d}",
                "email": f"person{i}@example.org",
                "company": "Initech",
                "title": "Engineer",
                "phone": "",
                "linkedin_url": "",
                "website_url": "",
                "phone_key": "",
                "linkedin_key": "",
                "search_text": f"person {i:05d}",
                "last_met_at": now,
                "created_at": now,
                "updated_at": now,
                "consent_text": "",
                "do_not_contact_reason": "",
            }
            for i in range(n)
        ]
        db.session.execute(insert(Contact), rows)
        ids = list(
            db.session.scalars(
                select(Contact.id)
                .where(Contact.organization_id == org_id, Contact.name.like("Person %"))
                .order_by(Contact.id)
            )
        )
        db.session.execute(
            insert(Capture),
            [
                {
                    "public_id": new_public_id(),
                    "organization_id": org_id,
                    "event_id": event.id,
                    "contact_id": contact_id,
                    "source": CaptureSource.WALK_IN,
                    "name": f"Person {i:05d}",
                    "email": "",
                    "company": "",
                    "title": "",
                    "phone": "",
                    "linkedin_url": "",
                    "website_url": "",
                    "answers": {},
                    "consent_text": "",
                    "consent_locale": "",
                    "captured_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
                for i, contact_id in enumerate(ids)
            ],
        )
        db.session.commit()
        return ids

    return build


# Independent readers --------------------------------------------------------------------------
# Each returns the parser's own values, undoctored: where a parser reads a value otherwise than
# its RFC says, the test that reads it says so (see ``test_vcards.READINGS``).


def _node_read(data: bytes, reader: str) -> list[dict]:
    result = subprocess.run(
        ["node", str(HERE / "read_vcards.mjs"), reader],
        input=data,
        capture_output=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def _cards(parsed: list[dict], *, grouped: bool) -> list[dict[str, list]]:
    """Each card as {property name: [value, ...]}; with ``grouped``, a grouped property is
    listed under "group.name" (``item1.url``)."""
    cards = []
    for card in parsed:
        assert card["kind"] == "vcard"
        properties: dict[str, list] = {}
        for prop in card["properties"]:
            name = prop["name"]
            if grouped and prop["group"]:
                name = f"{prop['group'].lower()}.{name}"
            values = prop["values"]
            properties.setdefault(name, []).append(
                values if len(values) > 1 or name == "categories" else values[0]
            )
        cards.append(properties)
    return cards


def ical_read(data: bytes, version: str, *, grouped: bool = False) -> list[dict[str, list]]:
    """Parse vCards with Mozilla's ical.js (node): each card as {property: [values, ...]}."""
    assert version in ("3.0", "4.0")
    return _cards(_node_read(data, "ical"), grouped=grouped)


def ical_params(data: bytes) -> list[dict[str, list[dict]]]:
    """The parameters ical.js reads on each property of each card: {name: [params, ...]}."""
    out = []
    for card in _node_read(data, "ical"):
        params: dict[str, list[dict]] = {}
        for prop in card["properties"]:
            params.setdefault(prop["name"], []).append(prop["params"])
        out.append(params)
    return out


def vcard4_read(data: bytes, *, grouped: bool = False) -> list[dict[str, list]]:
    """Parse vCard 4.0 with the npm package vcard4 (node); its N as the five parts, in order,
    and VERSION, which it leaves out of what it returns, as the 4.0 it checked."""
    cards = _cards(_node_read(data, "vcard4"), grouped=grouped)
    for card in cards:
        card["n"] = [list(n.values()) if isinstance(n, dict) else n for n in card.get("n", [])]
        card["version"] = ["4.0"]
    return cards


def vcard4_params(data: bytes) -> list[dict[str, list[dict]]]:
    out = []
    for card in _node_read(data, "vcard4"):
        params: dict[str, list[dict]] = {}
        for prop in card["properties"]:
            params.setdefault(prop["name"], []).append(prop["params"])
        out.append(params)
    return out


# What each parser returns --------------------------------------------------------------------
# Both versions escape a semicolon in every text value: RFC 2426 §5 requires it in 3.0; RFC 6350
# §3.4 allows it in 4.0 ("SEMICOLON characters in non-compound properties MAY be escaped. On
# input, an escaped SEMICOLON character is never a field separator"), and Apple and Google
# write it. No parser below reads every value as written; where one does not, it is listed
# here, per parser, version and property, with the reason. Anything not listed reads as written.


def _keeps_semicolon_escape(value: str) -> str:
    """ical.js's vCard text type unescapes ``\\\\``, ``\\,`` and ``\\n`` only, in 3.0 as in 4.0,
    so the backslash of ``\\;`` stays (RFC 2426 §5 and RFC 6350 §3.4 both read it as ``;``)."""
    return value.replace(";", "\\;")


def _drops_backslashes(value: str) -> str:
    """ical.js reads a 3.0 TEL as its phone-number type, which drops every backslash: ``\\;``
    and ``\\,`` come out right, but a backslash of the number itself would go."""
    return value.replace("\\", "")


#: (parser, version, property) → what the parser returns for a text value written from
#: ``value``. vcard4 is a 4.0 parser; its traps (a backslash before n, ``;``, ``:`` or ``,``,
#: text that parses as a URL) are shown with hard values in ``test_vcards``.
READINGS = {
    **{
        ("ical.js", version, prop): _keeps_semicolon_escape
        for version in ("3.0", "4.0")
        for prop in ("fn", "title", "note", "email", "categories")
    },
    ("ical.js", "3.0", "tel"): _drops_backslashes,
    # ical.js reads a 4.0 TEL as a URI by default, unescaped as its vCard text.
    ("ical.js", "4.0", "tel"): _keeps_semicolon_escape,
}


def read_as(parser: str, version: str, prop: str, value: str) -> str:
    """What ``parser`` returns for ``prop`` written from ``value`` in ``version``."""
    reading = READINGS.get((parser, version, prop))
    return reading(value) if reading else value
