"""Benchmark the exports: vCards beside vobject's own serialisation, CSV, and memory.

Run: ``.venv/bin/python bench/export.py`` (SQLite, 10,000 contacts, then 100,000 for memory:
a few minutes); ``--database postgresql`` for a fresh PostgreSQL database ``nc_bench_<pid>``
at 127.0.0.1:5432 as ``postgres`` (created and dropped here), or ``--database URL`` for an
empty database of your own; ``--contacts N``, ``--memory-contacts N`` (0: skip), ``--repeat``.

Set-up: migrate; an organizer with 12 events, each with two questions; an exhibiting company
with 5 recruiters; bulk-inserted contacts (names in several scripts), 1.2 captures each with
ratings, availabilities, answers, 1 to 3 interests and a multi-line note for half of them (a
second note for a tenth), 60 % of the contacts in one of 5 lists.

Measured in-process (no HTTP), each the median of ``--repeat`` runs:

- vCard export: the real export (``export.service.export``, 3.0), iterating its stream: keyset
  chunks of 500 contacts, the chunk's captures, interests, notes and lists in four queries,
  the context note, vobject, folding;
- floor: vobject's own serialisation of the same cards: every value already in memory (read
  and worked out before the clock starts), ``vCard()``, ``add()`` and ``serialize()`` per card;
- CSV export: the generic layout and the Salesforce preset;
- memory: each export of all contacts (vCards, the .zip, CSV) runs in a forked child, at
  ``--contacts`` and again at ``--memory-contacts``; the child's peak RSS less the RSS it
  started with is what the export used, and it must not grow with the number of contacts.

Target: the vCard export within 1.2× of the floor; memory that does not grow with the number
of contacts. The exit status is 0 when both are met.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import secrets
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import vobject  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from followup import (  # noqa: E402
    COMPANIES,
    FIRST,
    LAST,
    PASSWORD,
    TAGS,
    TITLES,
    bulk,
    database,
)
from sqlalchemy import select, text  # noqa: E402

from netcompanion import create_app  # noqa: E402
from netcompanion.account import service as accounts  # noqa: E402
from netcompanion.account.models import Organization, Role  # noqa: E402
from netcompanion.attendee.models import Availability  # noqa: E402
from netcompanion.capture.models import (  # noqa: E402
    Capture,
    CaptureTag,
    Contact,
    EventQuestion,
    Note,
    QuestionKind,
    Rating,
)
from netcompanion.contact import queries  # noqa: E402
from netcompanion.contact.matching import keys_for  # noqa: E402
from netcompanion.event import service as events  # noqa: E402
from netcompanion.export import cards, selection, service  # noqa: E402
from netcompanion.export.context import Wording, categories, context_note  # noqa: E402
from netcompanion.export.presets import PRESETS  # noqa: E402
from netcompanion.export.records import Reader  # noqa: E402
from netcompanion.extensions import db  # noqa: E402
from netcompanion.followup import service as followups  # noqa: E402
from netcompanion.followup.models import DueReason, EntryState, ListEntry  # noqa: E402
from netcompanion.ids import new_public_id  # noqa: E402
from netcompanion.names import split_name  # noqa: E402

TARGET_RATIO = 1.2
NOTES = [
    "Talked about the platform team; wants hybrid work.\nFollow up after the summer, "
    "mentioned a notice period of 3 months.",
    "Sehr interessiert an Go und Rust, möchte nach München ziehen; Gehaltsvorstellung offen.",
    "对分布式系统很感兴趣，下个月可以面试。😀",
    'Great chat at the booth, asked about the ML team, "remote-first" is a must, '
    "sent the job link by email.",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sqlite", help="sqlite, postgresql or a URL")
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--memory-contacts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with database(args.database) as url:
        return run(url, args.contacts, args.memory_contacts, args.repeat)


def run(url: str, n_contacts: int, memory_contacts: int, repeat: int) -> bool:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "ENV": "development",
            "RATELIMIT_ENABLED": False,
            "BASE_URL": "http://bench.test",
            "MAIL_SERVER": None,
        }
    )
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        world = setup()
        add_contacts(world, n_contacts)
        analyze()
        print(f"\n== {db.engine.dialect.name}: {n_contacts:,} contacts loaded in "
              f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    with app.test_request_context():
        ok = timings(world, n_contacts, repeat)
        small = memory(world)
    if memory_contacts > n_contacts:
        with app.app_context():
            started = time.perf_counter()
            add_contacts(world, memory_contacts - n_contacts)
            analyze()
            print(f"\n   now {memory_contacts:,} contacts (+{time.perf_counter() - started:.0f} s)")
        with app.test_request_context():
            large = memory(world)
        print(
            "\nmemory each export used (a forked child's peak RSS less its RSS at the start), "
            f"{n_contacts:,} → {memory_contacts:,} contacts:"
        )
        for kind in small:
            (base_s, peak_s, secs_s), (base_l, peak_l, secs_l) = small[kind], large[kind]
            used_s, used_l = peak_s - base_s, peak_l - base_l
            grows = used_l > used_s * 1.5 + 10
            ok &= not grows
            print(f"   {kind:<14} {used_s:6.1f} MB ({secs_s:5.1f} s) → {used_l:6.1f} MB "
                  f"({secs_l:6.1f} s)   {'GROWS' if grows else 'flat'}")  # fmt: skip
    with app.app_context():
        db.engine.dispose()
    print(f"target: vCards ≤ {TARGET_RATIO}× the floor, flat memory: {'met' if ok else 'NOT met'}")
    return ok


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# Measuring ------------------------------------------------------------------------------------


def scope(world: dict) -> selection.Scope:
    org = db.session.get(Organization, world["org_id"])
    return selection.searched(org, queries.Filters(), "contacts")


def drain(download: service.Download) -> int:
    return sum(len(chunk) for chunk in download.chunks)


def timings(world: dict, n_contacts: int, repeat: int) -> bool:
    def median_of(action) -> tuple[float, object]:
        times, result = [], None
        for _ in range(repeat):
            db.session.expire_all()
            started = time.perf_counter()
            result = action()
            times.append(time.perf_counter() - started)
        return statistics.median(times), result

    vcard_options = selection.Options("3.0")
    export_s, size = median_of(lambda: drain(service.export(scope(world), "vcf", vcard_options)))
    values = card_values(world)
    floor_s, floor_size = median_of(lambda: floor(values))
    csv_s, csv_size = median_of(
        lambda: drain(service.export(scope(world), "csv", selection.Options()))
    )
    sf_s, _ = median_of(
        lambda: drain(
            service.export(scope(world), "csv", selection.Options(preset=PRESETS["salesforce"]))
        )
    )
    zip_s, zip_size = median_of(lambda: drain(service.export(scope(world), "zip", vcard_options)))
    ratio = export_s / floor_s
    print(f"\n{'':<44} {'median s':>9} {'per contact':>12} {'MB':>7}")
    rows = [
        ("vCard export (3.0), through the export code", export_s, size),
        ("floor: vobject serialize() of the same cards", floor_s, floor_size),
        ("vCards as a .zip (one per file)", zip_s, zip_size),
        ("CSV export, generic", csv_s, csv_size),
        ("CSV export, Salesforce preset", sf_s, None),
    ]
    for label, seconds, nbytes in rows:
        mb = f"{nbytes / 1e6:7.1f}" if nbytes else ""
        print(f"{label:<44} {seconds:9.3f} {seconds / n_contacts * 1e6:9.0f} µs {mb:>7}")
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(f"vCard export ÷ floor: {ratio:.2f}× ({verdict} the {TARGET_RATIO}× target)")
    return ratio <= TARGET_RATIO


def card_values(world: dict) -> list[dict]:
    """Every card's final values, read and worked out before the floor's clock starts."""
    org = db.session.get(Organization, world["org_id"])
    wording = Wording()
    out = []
    for record in Reader(org.id).contacts(scope(world).contacts):
        given, family = split_name(record.name)
        out.append(
            {
                "uid": cards.contact_uid(org.public_id, record.public_id),
                "fn": wording.display_name(record),
                "n": (family, given),
                "org": record.company,
                "title": record.title,
                "email": record.email,
                "tel": record.phone,
                "urls": [u for u in (record.linkedin_url, record.website_url) if u],
                "note": context_note(record, wording),
                "categories": categories(record),
                "rev": record.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
    return out


def floor(values: list[dict]) -> int:
    """vobject alone: build each card from values in memory and serialize() it."""
    size = 0
    for v in values:
        card = vobject.vCard()
        card.add("version").value = "3.0"
        card.add("prodid").value = cards.PRODID
        card.add("uid").value = v["uid"]
        card.add("fn").value = v["fn"]
        card.add("n").value = vobject.vcard.Name(family=v["n"][0], given=v["n"][1])
        if v["org"]:
            card.add("org").value = [v["org"]]
        if v["title"]:
            card.add("title").value = v["title"]
        if v["email"]:
            email = card.add("email")
            email.value = v["email"]
            email.params["TYPE"] = ["INTERNET"]
        if v["tel"]:
            card.add("tel").value = v["tel"]
        for url in v["urls"]:
            card.add("url").value = url
        if v["note"]:
            card.add("note").value = v["note"]
        if v["categories"]:
            card.add("categories").value = v["categories"]
        card.add("rev").value = v["rev"]
        size += len(card.serialize().encode())
    return size


def memory(world: dict) -> dict[str, tuple[float, float, float]]:
    """Each export of every contact, streamed to nowhere in a forked child: the RSS at the
    start, the child's peak RSS, and the time it took (no tracemalloc, which would slow it)."""
    out = {}
    for label, fmt, options in (
        ("vCards (.vcf)", "vcf", selection.Options("3.0")),
        ("vCards (.zip)", "zip", selection.Options("3.0")),
        ("CSV (generic)", "csv", selection.Options()),
    ):
        db.session.remove()  # the child opens its own connections
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: export, report, exit without running the parent's cleanup
            status = 1
            try:
                os.close(read)
                db.engine.dispose(close=False)
                baseline = _rss_mb()
                started = time.perf_counter()
                drain(service.export(scope(world), fmt, options))
                elapsed = time.perf_counter() - started
                os.write(write, f"{baseline} {_max_rss_mb()} {elapsed}".encode())
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        with os.fdopen(read) as pipe:
            reported = pipe.read().split()
        _pid, status = os.waitpid(pid, 0)
        assert status == 0 and reported, f"the {label} export failed in the child"
        out[label] = tuple(float(value) for value in reported)
    return out


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# Loading ------------------------------------------------------------------------------------


def setup() -> dict:
    organizer = accounts.sign_up("Olivia Organizer", "olivia@bench.example", PASSWORD, "Fairs")
    company = accounts.sign_up("Rita Recruiter", "rita@bench.example", PASSWORD, "Bench Talent")
    db.session.flush()
    recruiters = [company]
    for n in range(4):
        _, token = accounts.invite(company, f"r{n}@bench.example", Role.RECRUITER)
        recruiters.append(accounts.accept_invitation(token, f"Recruiter {n}", PASSWORD))
    event_ids, questions = [], []
    start = date.today() - timedelta(days=400)
    for n in range(12):
        values = {
            "name": f"Bench Fair {n}",
            "starts_on": start + timedelta(days=30 * n),
            "ends_on": start + timedelta(days=30 * n + 1),
            "timezone": ["Europe/Berlin", "America/New_York", "Asia/Tokyo"][n % 3],
            "venue": "Hall",
            "description": "",
        }
        ev = events.create_event(organizer, values, with_booth=True)
        events.join(company, ev.join_code, "Bench Talent", "B1")
        relocate = EventQuestion(
            organization_id=organizer.organization_id,
            event_id=ev.id,
            kind=QuestionKind.SINGLE,
            prompt="Open to relocation?",
            options=["Yes", "No"],
            position=0,
        )
        stack = EventQuestion(
            organization_id=organizer.organization_id,
            event_id=ev.id,
            kind=QuestionKind.MULTIPLE,
            prompt="Languages",
            options=["Go", "Rust", "Python"],
            position=1,
        )
        db.session.add_all([relocate, stack])
        db.session.flush()
        event_ids.append(ev.id)
        questions.append((relocate.public_id, stack.public_id))
    lists = [followups.create_list(company, f"Pool {n}") for n in range(5)]
    db.session.commit()
    return {
        "org_id": company.organization_id,
        "recruiters": [r.id for r in recruiters],
        "event_ids": event_ids,
        "questions": questions,
        "lists": [(lst.id, [s.id for s in lst.stages]) for lst in lists],
        "loaded": 0,
    }


def add_contacts(world: dict, n_contacts: int) -> None:
    rng = random.Random(world["loaded"] + 7)  # noqa: S311 - a repeatable sample, not a secret
    org_id, recruiters = world["org_id"], world["recruiters"]
    now = datetime.now(UTC)
    first = world["loaded"]
    for start in range(first, first + n_contacts, 20_000):
        connection = db.session.connection()  # each batch commits, which releases the last
        stop = min(start + 20_000, first + n_contacts)
        contact_rows = []
        for n in range(start, stop):
            details = {
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "email": f"person{n}@mail{n % 97}.example",
                "company": rng.choice(COMPANIES),
                "title": rng.choice(TITLES),
                "phone": f"+4930{n:08d}",
                "linkedin_url": f"https://www.linkedin.com/in/person-{n}",
                "website_url": f"https://person{n}.example" if n % 4 == 0 else "",
            }
            met = now - timedelta(days=rng.randint(1, 400), minutes=n % 600)
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
        contact_ids = bulk(connection, Contact, contact_rows, returning=True)
        capture_rows = []
        for n, (contact_id, row) in enumerate(zip(contact_ids, contact_rows, strict=True)):
            for k in range(2 if n % 5 == 0 else 1):
                e = (n + k * 5) % len(world["event_ids"])
                relocate, stack = world["questions"][e]
                capture_rows.append(
                    {
                        "public_id": new_public_id(),
                        "organization_id": org_id,
                        "event_id": world["event_ids"][e],
                        "contact_id": contact_id,
                        "source": "badge",
                        **{key: row[key] for key in ("name", "email", "company", "title")},
                        "phone": row["phone"],
                        "linkedin_url": row["linkedin_url"],
                        "website_url": row["website_url"],
                        "rating": rng.choice([Rating.HOT, Rating.WARM, Rating.COLD, None]),
                        "availability": rng.choice([*Availability, None]),
                        "answers": {relocate: rng.choice(["Yes", "No"]), stack: ["Go", "Rust"]}
                        if n % 2
                        else {},
                        "consent_text": "",
                        "consent_locale": "",
                        "captured_by_id": recruiters[n % len(recruiters)],
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
            for k in range(2 if n % 10 == 0 else (1 if n % 2 == 0 else 0)):
                note_rows.append(
                    {
                        "public_id": new_public_id(),
                        "organization_id": org_id,
                        "capture_id": capture_id,
                        "author_id": recruiters[(n + k) % len(recruiters)],
                        "body": NOTES[(n + k) % len(NOTES)],
                        "written_at": now,
                        "created_at": now,
                    }
                )
        bulk(connection, CaptureTag, tag_rows)
        bulk(connection, Note, note_rows)
        entry_rows = []
        for n, contact_id in enumerate(contact_ids):
            if n % 10 >= 6:
                continue
            list_id, stage_ids = world["lists"][n % len(world["lists"])]
            entry_rows.append(
                {
                    "public_id": new_public_id(),
                    "organization_id": org_id,
                    "list_id": list_id,
                    "contact_id": contact_id,
                    "stage_id": stage_ids[n % len(stage_ids)],
                    "owner_id": recruiters[n % len(recruiters)],
                    "state": EntryState.ACTIVE,
                    "step": 1,
                    "anchor_at": now - timedelta(days=30),
                    "next_due_on": now.date() + timedelta(days=rng.randint(-30, 90)),
                    "due_reason": DueReason.STEP,
                    "added_at": now,
                    "updated_at": now,
                }
            )
        bulk(connection, ListEntry, entry_rows)
        db.session.commit()
    world["loaded"] = first + n_contacts
    total = db.session.scalar(
        select(db.func.count()).select_from(Contact).where(Contact.organization_id == org_id)
    )
    assert total == world["loaded"], (total, world["loaded"])


def analyze() -> None:
    """Fresh statistics, as autovacuum leaves them after a bulk load."""
    with db.engine.connect() as conn:
        is_pg = db.engine.dialect.name == "postgresql"
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("VACUUM ANALYZE" if is_pg else "ANALYZE")
        )


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
