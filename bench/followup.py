"""Benchmark the follow-up pages on 100,000 contacts: Today, a list page, contact search.

Run: ``.venv/bin/python bench/followup.py`` (both databases, about 5 minutes;
``--database sqlite`` or ``postgresql`` for one; ``--contacts N`` for another size).
PostgreSQL is a fresh database ``nc_bench_<pid>`` at 127.0.0.1:5432 as ``postgres`` (trust
auth), created and dropped here; SQLite is a temporary file.

Set-up: migrate; sign up an organizer with 20 events and an exhibiting company with 5
recruiters at every event; bulk-insert N contacts (names in several scripts, unique emails),
1.2 captures each (ratings, availabilities, 1 to 3 interest tags, a note for half of them),
list entries for 60 % of the contacts in 5 lists (owners spread over 4 recruiters; the fifth
owns one, for the one-row pages of the query counts; due dates
from 60 days ago to 180 days ahead, so each recruiter has thousands due), and a touch for a
third of them. Then VACUUM ANALYZE (PostgreSQL) or ANALYZE (SQLite), as autovacuum would.

Each page is requested in-process through the real app (the Flask test client, signed in as
a recruiter: no HTTP, no network), ``--repeat`` times after 3 warm-ups; "server ms" is the
median (and p90) of the wall time of the whole request: routing, session, queries, template.
Queries are counted per request with an SQLAlchemy ``before_cursor_execute`` listener, on a
full page and on a page with few rows: the same count means no N+1. The floor is the cheapest
signed-in page (the change-password form) measured the same way in the same run.

Target: 150 ms or less for each page on a 2-core machine, query counts that do not grow with
the rows shown. The exit status is 0 when all are met.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event as sa_event  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from netcompanion import create_app  # noqa: E402
from netcompanion.account import service as accounts  # noqa: E402
from netcompanion.account.models import Role  # noqa: E402
from netcompanion.attendee.models import Availability  # noqa: E402
from netcompanion.capture.models import Capture, CaptureTag, Contact, Note, Rating  # noqa: E402
from netcompanion.contact.matching import keys_for  # noqa: E402
from netcompanion.contact.models import Touch, TouchKind  # noqa: E402
from netcompanion.event import service as events  # noqa: E402
from netcompanion.extensions import db  # noqa: E402
from netcompanion.followup import service as followups  # noqa: E402
from netcompanion.followup.models import DueReason, EntryState, ListEntry  # noqa: E402
from netcompanion.ids import new_public_id  # noqa: E402

TARGET_MS = 150
PASSWORD = "bench-password-not-secret"  # noqa: S105 - a throwaway account in a throwaway database
FIRST = ["Ana", "Jonas", "Lucía", "Müller", "Wei", "Aiko", "Olu", "Søren", "Zoë", "Ivan",
         "Fatima", "Noah", "Chloé", "Mateo", "Élodie", "Ravi", "Sven", "Yara", "Kenji", "Mia",
         "Дмитрий", "王", "민준", "Αλεξάνδρα", "ليلى"]  # fmt: skip
LAST = ["Weber", "Lima", "Fernández", "Schmidt", "Chen", "Sato", "Adeyemi", "Nielsen", "Brown",
        "Petrov", "Khan", "Müller", "Dubois", "García", "Martin", "Patel", "Larsen", "Haddad",
        "Kim", "Rossi", "Иванов", "芳", "김", "Παππά", "حداد"]  # fmt: skip
BRANDS = ["Initech", "Globex", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Soylent"]
COMPANIES = [f"{brand} {kind}" for brand in BRANDS for kind in ("GmbH", "Labs", "AG")]
TITLES = ["Backend engineer", "Data scientist", "SRE", "Engineering manager", "iOS engineer",
          "Security engineer", "ML engineer", "Product manager", "Staff engineer"]  # fmt: skip
TAGS = ["Backend", "Data", "ML / AI", "Mobile", "Security", "Leadership", "Remote", "Go", "Rust"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--keep", action="store_true", help="keep the loaded database to study plans; print where"
    )
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    ok = True
    for kind in kinds:
        with database(kind, args.keep) as url:
            ok &= run(kind, url, args.contacts, args.repeat)
    return 0 if ok else 1


@contextlib.contextmanager
def database(kind: str, keep: bool = False):
    """A fresh database for ``kind`` ("sqlite" or "postgresql"), dropped afterwards unless
    ``keep``; any other value is taken as the URL of an empty database of your own."""
    if kind not in ("sqlite", "postgresql"):
        yield kind
        return
    if kind == "sqlite":
        if keep:
            path = Path(tempfile.mkdtemp()) / "bench.sqlite"
            print(f"keeping {path}")
            yield f"sqlite:///{path}"
            return
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite"
        return
    name = f"nc_bench_{os.getpid()}"
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-qc"]
    subprocess.run([*psql, f'CREATE DATABASE "{name}"'], check=True)  # noqa: S603
    if keep:
        print(f"keeping database {name}")
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        return
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        subprocess.run([*psql, drop], check=False)  # noqa: S603


def run(kind: str, url: str, n_contacts: int, repeat: int) -> bool:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "ENV": "development",
            "RATELIMIT_ENABLED": False,
            "BASE_URL": "http://bench.test",
            "MAIL_SERVER": None,
            "WTF_CSRF_ENABLED": False,  # the bench signs in with a plain POST
        }
    )
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        world = load(n_contacts)
        db.session.commit()
        # Fresh statistics and visibility maps, as autovacuum leaves them after a bulk load.
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE" if kind == "postgresql" else "ANALYZE")
            )
        print(
            f"\n== {kind}: loaded {n_contacts:,} contacts in {time.perf_counter() - started:.0f} s"
        )
        print(
            f"   {world['captures']:,} captures, {world['entries']:,} list entries, "
            f"{world['touches']:,} touches; the recruiter has {world['due']:,} entries due"
        )
        counter = QueryCounter(db.engine)
        db.session.remove()
    ok = report(app, counter, world, repeat)
    with app.app_context():
        db.engine.dispose()
    return ok


def report(app, counter: QueryCounter, world: dict, repeat: int) -> bool:
    """Time each page; print the table; whether every target is met.

    Requests run outside the loader's app context, so each gets its own (its own database
    session and ``g``), as in production.
    """
    client = app.test_client()
    response = client.post("/login", data={"email": world["email"], "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    pages = [
        ("floor: change-password form", "/account/password"),
        ("Today (50 of the due, oldest first)", "/today"),
        ("Today, page 20", "/today?page=20"),
        ("list page, first page", f"/lists/{world['list']}"),
        (
            "list page, one stage, page 10",
            f"/lists/{world['list']}?stage={world['stage']}&page=10",
        ),
        ("contacts, latest met first", "/contacts"),
        ("contact search: a surname", "/contacts?q=fernandez"),
        ("contact search: an email", f"/contacts?q={world['some_email']}"),
        ("contacts: tag + rating filter", "/contacts?tag=backend&rating=hot"),
    ]
    rows = []
    for label, path in pages:
        timings, queries, status = measure(client, counter, path, repeat)
        rows.append((label, path, timings, queries, status))
    floor = statistics.median(rows[0][2])
    print(f"\n{'page':<40} {'server ms p50':>13} {'p90':>7} {'÷ floor':>8} {'queries':>8}")
    ok = True
    for label, _path, timings, queries, status in rows:
        p50 = statistics.median(timings)
        p90 = sorted(timings)[int(0.9 * (len(timings) - 1))]
        flag = ""
        if status != 200:
            flag, ok = f"  HTTP {status}", False
        elif not label.startswith("floor") and p50 > TARGET_MS:
            flag, ok = "  over target", False
        print(f"{label:<40} {p50:13.1f} {p90:7.1f} {p50 / floor:8.1f} {queries:8d}{flag}")
    print("\nqueries per request, a full page beside a page of one row (must not grow):")
    one_row = app.test_client()
    response = one_row.post("/login", data={"email": world["one_due"], "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    pairs = [
        ("Today", (client, "/today"), (one_row, "/today")),
        ("contacts", (client, "/contacts"), (client, f"/contacts?q={world['some_email']}")),
        (
            "list page",
            (client, f"/lists/{world['list']}"),
            (one_row, f"/lists/{world['list']}?owner={world['one_due_id']}"),
        ),
    ]
    for label, (full_client, full), (few_client, few) in pairs:
        _, many_q, _ = measure(full_client, counter, full, 1)
        _, few_q, _ = measure(few_client, counter, few, 1)
        verdict = "does not grow" if many_q <= few_q else "GROWS"
        ok &= many_q <= few_q
        print(f"   {label:<10} 50 rows: {many_q} queries; 1 row: {few_q} queries: {verdict}")
    print(f"target: each page ≤ {TARGET_MS} ms server time: {'met' if ok else 'NOT met'}")
    return ok


class QueryCounter:
    def __init__(self, engine):
        self.count = 0
        sa_event.listen(engine, "before_cursor_execute", self._tick)

    def _tick(self, *args):
        self.count += 1


def measure(client, counter: QueryCounter, path: str, repeat: int):
    for _ in range(3 if repeat > 1 else 0):
        client.get(path)
    timings, queries, status = [], 0, 200
    for _ in range(repeat):
        counter.count = 0
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        queries, status = counter.count, response.status_code
    return timings, queries, status


# Loading -----------------------------------------------------------------------------------


def load(n_contacts: int) -> dict:
    rng = random.Random(7)  # noqa: S311 - a repeatable sample, not a secret
    organizer = accounts.sign_up("Olivia Organizer", "olivia@bench.example", PASSWORD, "Fairs")
    company = accounts.sign_up("Rita Recruiter", "rita@bench.example", PASSWORD, "Bench Talent")
    db.session.flush()
    recruiters = [company]
    for n in range(4):
        _, token = accounts.invite(company, f"r{n}@bench.example", Role.RECRUITER)
        recruiters.append(accounts.accept_invitation(token, f"Recruiter {n}", PASSWORD))
    event_ids = []
    start = date.today() - timedelta(days=700)
    for n in range(20):
        values = {
            "name": f"Bench Fair {n}",
            "starts_on": start + timedelta(days=35 * n),
            "ends_on": start + timedelta(days=35 * n + 1),
            "timezone": "Europe/Berlin",
            "venue": "Hall",
            "description": "",
        }
        ev = events.create_event(organizer, values, with_booth=True)
        events.join(company, ev.join_code, "Bench Talent", "B1")
        event_ids.append(ev.id)
    db.session.commit()
    org_id = company.organization_id
    lists = [followups.create_list(company, f"Pool {n}") for n in range(5)]
    db.session.commit()

    now = datetime.now(UTC)
    today = now.date()
    connection = db.session.connection()
    contact_rows, emails = [], []
    for n in range(n_contacts):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        email = f"person{n}@mail{n % 97}.example"
        details = {
            "name": name,
            "email": email,
            "company": rng.choice(COMPANIES),
            "title": rng.choice(TITLES),
            "phone": f"+4930{n:08d}",
            "linkedin_url": f"https://www.linkedin.com/in/person-{n}",
            "website_url": "",
        }
        met = now - timedelta(days=rng.randint(1, 700), minutes=n % 600)
        contact_rows.append(
            {
                "public_id": new_public_id(),
                "organization_id": org_id,
                **details,
                **keys_for(details),
                "last_met_at": met,
                "created_at": met,
                "updated_at": met,
            }
        )
        emails.append(email)
    contact_ids = bulk(connection, Contact, contact_rows, returning=True)

    capture_rows = []
    for n, (contact_id, row) in enumerate(zip(contact_ids, contact_rows, strict=True)):
        for k in range(2 if n % 5 == 0 else 1):
            capture_rows.append(
                {
                    "public_id": new_public_id(),
                    "organization_id": org_id,
                    "event_id": event_ids[(n + k * 7) % len(event_ids)],
                    "contact_id": contact_id,
                    "source": "walk_in",
                    **{key: row[key] for key in ("name", "email", "company", "title", "phone")},
                    "linkedin_url": row["linkedin_url"],
                    "website_url": "",
                    "rating": rng.choice([Rating.HOT, Rating.WARM, Rating.COLD, None]),
                    "availability": rng.choice(list(Availability) + [None]),
                    "answers": {},
                    "consent_text": "",
                    "consent_locale": "",
                    "captured_by_id": recruiters[n % len(recruiters)].id,
                    "captured_at": row["last_met_at"] - timedelta(days=40 * k),
                    "created_at": now,
                    "updated_at": now,
                }
            )
    capture_ids = bulk(connection, Capture, capture_rows, returning=True)
    tag_rows, note_rows = [], []
    for n, capture_id in enumerate(capture_ids):
        for tag in rng.sample(TAGS, rng.randint(1, 3)):
            tag_rows.append({"capture_id": capture_id, "name": tag, "key": tag.casefold()})
        if n % 2 == 0:
            note_rows.append(
                {
                    "public_id": new_public_id(),
                    "organization_id": org_id,
                    "capture_id": capture_id,
                    "author_id": recruiters[n % len(recruiters)].id,
                    "body": "Talked about the platform team; wants hybrid work.",
                    "written_at": now,
                    "created_at": now,
                }
            )
    bulk(connection, CaptureTag, tag_rows)
    bulk(connection, Note, note_rows)

    entry_rows, touch_rows = [], []
    for n, contact_id in enumerate(contact_ids[: int(n_contacts * 0.6)]):
        lst = lists[n % len(lists)]
        due = today + timedelta(days=rng.randint(-60, 180))
        entry_rows.append(
            {
                "public_id": new_public_id(),
                "organization_id": org_id,
                "list_id": lst.id,
                "contact_id": contact_id,
                "stage_id": lst.stages[n % 4].id,
                "owner_id": recruiters[(n // len(lists)) % len(recruiters)].id,
                "state": EntryState.ACTIVE,
                "step": 1,
                "anchor_at": now - timedelta(days=30),
                "revisit_on": None,
                "snoozed_until": None,
                "next_due_on": due,
                "due_reason": DueReason.STEP,
                "added_at": now,
                "updated_at": now,
            }
        )
        if n % 3 == 0:
            touch_rows.append(
                {
                    "public_id": new_public_id(),
                    "organization_id": org_id,
                    "contact_id": contact_id,
                    "kind": TouchKind.EMAIL,
                    "via": "smtp",
                    "subject": "Hello",
                    "body": "",
                    "by_id": recruiters[n % len(recruiters)].id,
                    "happened_at": now - timedelta(days=30),
                    "created_at": now,
                }
            )
    # The last recruiter has one entry: the pages of one row, for the query counts.
    solo = recruiters[-1].id
    for n, row in enumerate(r for r in entry_rows if r["owner_id"] == solo):
        row["owner_id"] = recruiters[n % (len(recruiters) - 1)].id
    entry_rows[0]["owner_id"], entry_rows[0]["next_due_on"] = solo, today - timedelta(days=3)
    bulk(connection, ListEntry, entry_rows)
    bulk(connection, Touch, touch_rows)
    db.session.commit()
    due = sum(1 for r in entry_rows if r["owner_id"] == company.id and r["next_due_on"] <= today)
    return {
        "email": company.email,
        "one_due": recruiters[-1].email,
        "one_due_id": recruiters[-1].public_id,
        "list": lists[0].public_id,
        "stage": lists[0].stages[1].public_id,
        "some_email": emails[n_contacts // 2],
        "captures": len(capture_rows),
        "entries": len(entry_rows),
        "touches": len(touch_rows),
        "due": due,
    }


def bulk(connection, model, rows: list[dict], returning: bool = False) -> list[int]:
    """Insert in chunks; with ``returning``, the new ids in the order of the rows."""
    table = model.__table__
    ids: list[int] = []
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        if returning:
            statement = insert(table).returning(table.c.public_id, table.c.id)
            by_public = dict(connection.execute(statement, chunk).all())
            ids.extend(by_public[row["public_id"]] for row in chunk)
        else:
            connection.execute(insert(table), chunk)
    return ids


if __name__ == "__main__":
    sys.exit(main())
