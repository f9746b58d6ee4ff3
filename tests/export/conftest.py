"""Export fixtures: a company with people whose names and notes test every escaping rule, and
readers of the files that share no code with the writer (Mozilla's ical.js, zipfile, csv)."""

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

#: Plain text properties: RFC 2426 escapes a semicolon in them, RFC 6350 does not, and ical.js
#: reads every version by RFC 6350 (its vCard text type knows \\, \, and \n only).
PLAIN_TEXT = {"fn", "note", "title", "email", "tel", "categories", "uid", "prodid", "rev"}


def ical_read(data: bytes, version: str) -> list[dict[str, list]]:
    """Parse vCards with ical.js (node): each card as {property name: [values, ...]}.

    For 3.0 the one escape ical.js does not apply, RFC 2426's ``\\;`` in a plain text value,
    is applied here to what it returns (it has already turned ``\\\\`` into ``\\``)."""
    result = subprocess.run(
        ["node", str(HERE / "read_vcards.mjs")],
        input=data,
        capture_output=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode()
    cards = []
    for card in json.loads(result.stdout):
        assert card["kind"] == "vcard"
        properties: dict[str, list] = {}
        for prop in card["properties"]:
            values = prop["values"]
            if version == "3.0" and prop["name"] in PLAIN_TEXT:
                values = [v.replace("\\;", ";") if isinstance(v, str) else v for v in values]
            properties.setdefault(prop["name"], []).append(
                values if len(values) > 1 or prop["name"] == "categories" else values[0]
            )
        cards.append(properties)
    return cards
