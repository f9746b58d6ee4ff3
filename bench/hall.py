"""Benchmark a hall behind one address: 2,000 attendees open their badge pages from one NAT.

Run: ``.venv/bin/python bench/hall.py`` (about a minute; ``--attendees N``, ``--connections N``,
``--database postgresql`` for a fresh PostgreSQL database instead of a SQLite file).

Set-up: migrate; an organizer and their event; ``--attendees`` attendees, each with the private
link to their own badge page (``/me/<key>``) and their badge token. gunicorn (gthread, 2 workers
x 8 threads) serves the real app as in production: ``ENV`` production, rate limits with their
default values, counted in Redis (``--redis``, a key prefix of this run's own) as several
workers must.

Every request comes from 127.0.0.1, as a whole hall does behind the venue's Wi-Fi. Each
attendee's phone does what Chromium was seen to do on a first visit (tests/browser, counted on
the server): the badge page; the stylesheet, icon, scripts and QR image it names; the service
worker it names; then the service worker keeps the page for offline use, asking again for the
page and revalidating the stylesheet, icon and scripts (the QR image is ``immutable`` and comes
from the phone's cache). Then the attendee's card is opened the way a phone camera opens a
scanned badge (the public card, its files, its vCard), as attendees swap contacts. The
requests are read from the pages themselves, so the replay follows the templates.

The replay squeezes the visits into as little time as ``--connections`` keep-alive
connections allow: the real 10 minutes become seconds, which only makes the per-minute and
per-10-minute budgets harder to stay within. The floor is the same replay against a second
gunicorn with rate limits off, in the same run: the ratio is what counting costs. Printed:
requests and visits per second for both, answers by status (429s must be 0), and for each
limited page its requests in the replay beside the anonymous per-address budget. Exit status 0
when nothing was throttled and every answer was expected.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from capture import create_fair  # noqa: E402
from capture import server_env as capture_server_env  # noqa: E402
from followup import database  # noqa: E402
from limits import parse_many  # noqa: E402

from netcompanion.config import Defaults  # noqa: E402

#: What a page names that a browser then fetches: stylesheets, icons, scripts, images, and
#: the badge page's service worker.
ASSET = re.compile(
    r'<link rel="(?:stylesheet|icon)" href="([^"]+)"|<script[^>]* src="([^"]+)"'
    r'|<img[^>]* src="([^"]+)"|data-service-worker="([^"]+)"'
)
VCARD = re.compile(r'href="(/b/[^"]+/contact\.vcf)"')


def server_env(url: str, secret_key: str, **settings: str) -> dict[str, str]:
    """capture.py's production settings, plus ``settings`` (without the prefix)."""
    env = capture_server_env(url, secret_key)
    env.update({f"NETCOMPANION_{key}": value for key, value in settings.items()})
    return env


def prepare(env: dict[str, str], count: int) -> list[tuple[str, str]]:
    """Migrate, create the event and ``count`` attendees; return their (page key, badge token)."""
    os.environ.clear()
    os.environ.update(env)
    from flask_migrate import upgrade
    from sqlalchemy import select

    from netcompanion import create_app
    from netcompanion.attendee import service as attendees
    from netcompanion.attendee.bulk import apply_rows
    from netcompanion.attendee.csvimport import ParsedRow
    from netcompanion.attendee.models import Attendee
    from netcompanion.badge.service import badge_token
    from netcompanion.extensions import db

    app = create_app()
    with app.app_context():
        with contextlib.redirect_stderr(io.StringIO()):  # alembic logs each migration
            upgrade()
        organizer, event = create_fair()
        rows = [
            ParsedRow(n, {"name": f"Zoë Ångström {n}", "email": f"attendee{n}@example.com"})
            for n in range(count)
        ]
        apply_rows(event.id, organizer.organization_id, rows)
        people = db.session.scalars(select(Attendee).where(Attendee.event_id == event.id))
        links = [(attendees.new_access_key(person), badge_token(person)) for person in people]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return links


class Gunicorn:
    def __init__(self, env: dict[str, str], port: int):
        self.port = port
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            *("-c", "gunicorn.conf.py", "-k", "gthread", "-w", "2", "--threads", "8"),
            *("--no-control-socket", "-b", f"127.0.0.1:{port}", "app:app"),
        ]
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited: " + self.process.stderr.read().decode())
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> str:
        self.process.terminate()
        self.process.wait(timeout=10)
        log = self.process.stderr.read().decode(errors="replace")
        self.process.stderr.close()
        return log


class Phone:
    """One keep-alive connection, doing what one attendee's phone does."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.statuses: Counter[int] = Counter()
        self.by_page: Counter[str] = Counter()  # limited pages: requests by endpoint
        self.validators: dict[str, dict[str, str]] = {}

    def get(self, path: str, revalidate: bool = False) -> str:
        headers = {"User-Agent": "Mozilla/5.0 (Linux; Android 14) hall-bench"}
        if revalidate and path in self.validators:
            headers.update(self.validators[path])
        self.connection.request("GET", path, headers=headers)
        response = self.connection.getresponse()
        body = response.read()
        self.statuses[response.status] += 1
        if not path.startswith("/static/"):
            self.by_page[page_name(path)] += 1
        found = {}
        if response.getheader("ETag"):
            found["If-None-Match"] = response.getheader("ETag")
        if response.getheader("Last-Modified"):
            found["If-Modified-Since"] = response.getheader("Last-Modified")
        if found:
            self.validators[path] = found
        return body.decode(errors="replace") if response.status == 200 else ""

    def visit(self, key: str, token: str) -> None:
        self.validators.clear()  # each attendee is a new phone with an empty cache
        page = self.get(f"/me/{key}")
        assets = [next(group for group in match if group) for match in ASSET.findall(page)]
        for path in dict.fromkeys(assets):
            self.get(path)
        # The service worker keeps the page and its files: the page again, the rest revalidated
        # (the QR image is immutable, so the phone's HTTP cache answers for it).
        self.get(f"/me/{key}")
        for path in dict.fromkeys(assets):
            if path.startswith("/static/"):
                self.get(path, revalidate=True)
        card = self.get(f"/b/{token}")
        for match in ASSET.findall(card):
            path = next(group for group in match if group)
            if path.startswith("/static/"):
                self.get(path, revalidate=True)
        for path in VCARD.findall(card):
            self.get(path.replace("&amp;", "&"))


def page_name(path: str) -> str:
    if path == "/me/sw.js":
        return "service worker /me/sw.js (not limited)"
    if path.startswith("/me/"):
        return "badge page /me/<key>"
    if path.endswith((".svg", ".png")):
        return "QR image /b/<token>/qr.svg"
    if path.endswith(".vcf"):
        return "vCard /b/<token>/contact.vcf"
    return "public card /b/<token>"


def replay(port: int, links: list[tuple[str, str]], connections: int) -> dict:
    phones = [Phone(port) for _ in range(connections)]
    shares = [links[i::connections] for i in range(connections)]
    errors: list[str] = []

    def run(phone: Phone, share):
        try:
            for key, token in share:
                phone.visit(key, token)
        except Exception as error:  # noqa: BLE001 - reported, and the run fails
            errors.append(repr(error))

    threads = [threading.Thread(target=run, args=pair) for pair in zip(phones, shares, strict=True)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    statuses: Counter[int] = sum((phone.statuses for phone in phones), Counter())
    by_page: Counter[str] = sum((phone.by_page for phone in phones), Counter())
    return {
        "seconds": seconds,
        "requests": sum(statuses.values()),
        "statuses": statuses,
        "by_page": by_page,
        "errors": errors,
    }


def hammer(port: int, key: str) -> list[int]:
    """One phone asking for one badge page past its per-badge budget: proof the limits are on."""
    phone = Phone(port)
    (per_link,) = budget("LINK_RATE_LIMIT")
    for _ in range(per_link.amount + 1):
        phone.get(f"/me/{key}")
    return sorted(phone.statuses.elements())


def budget(setting: str) -> list:
    return parse_many(getattr(Defaults, setting))


def median_run(runs: list[dict]) -> dict:
    """The run of median throughput; statuses and pages are the same in every run."""
    return sorted(runs, key=lambda run: run["requests"] / run["seconds"])[len(runs) // 2]


def report(args, results: dict[str, list[dict]]) -> bool:
    limited, floor = median_run(results["limited"]), median_run(results["floor"])
    print(
        f"{args.attendees} attendees opening their badge pages behind one address, "
        f"{args.connections} connections, median of {args.rounds} rounds"
    )
    rows = (("limits on (production defaults)", limited), ("floor: limits off", floor))
    for name, run in rows:
        print(
            f"  {name:33} {run['requests']:6} requests in {run['seconds']:5.1f} s: "
            f"{run['requests'] / run['seconds']:5.0f} req/s, "
            f"{args.attendees / run['seconds']:4.0f} visits/s"
        )
    ratio = (limited["requests"] / limited["seconds"]) / (floor["requests"] / floor["seconds"])
    print(f"  limits on / floor throughput: {ratio:.0%}")
    print(
        f"  {args.attendees} visits (the hall's 10 minutes) replayed in {limited['seconds']:.0f} s"
    )
    statuses = Counter()
    for run in results["limited"]:
        statuses.update(run["statuses"])
    print(
        "  answers, limits on, all rounds: "
        + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
    )
    throttled = statuses[429]
    print(f"  throttled (429): {throttled} (must be 0)")
    (per_address,) = budget("BADGE_RATE_LIMIT")
    (per_link,) = budget("LINK_RATE_LIMIT")
    print(f"  requests per limited page in one round, against the per-address {per_address}:")
    for page, count in sorted(limited["by_page"].items()):
        used = "" if "not limited" in page else f" ({count / per_address.amount:.0%} of it)"
        print(f"    {page:40} {count:6}{used}")
    by_page = limited["by_page"]
    per_key = by_page["badge page /me/<key>"] / args.attendees
    per_token = sum(n for p, n in by_page.items() if p.startswith(("QR", "public", "vCard")))
    print(
        f"  per badge and requester ({per_link}): {per_key:.0f} per badge page, "
        f"{per_token / args.attendees:.0f} per badge token"
    )
    hammered = results["hammered"]
    print(
        f"  one phone asking for one badge page {len(hammered)} times: "
        f"{hammered.count(429)} refused with 429 (must be 1: the limits are on)"
    )
    runs = results["limited"] + results["floor"]
    errors = [error for run in runs for error in run["errors"]]
    unexpected = {s for run in runs for s in run["statuses"]} - {200, 304}
    for error in errors[:5]:
        print("  error:", error)
    ok = not throttled and not errors and not unexpected and hammered.count(429) == 1
    print(
        "  result:", "ok" if ok else f"FAILED (statuses {sorted(unexpected)}, {len(errors)} errors)"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attendees", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", default="sqlite", help="sqlite, postgresql or a URL")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()

    import redis

    prefix = "nc-hall-bench-" + secrets.token_hex(6)
    store = redis.Redis.from_url(args.redis)

    def forget_counts():
        """Each round is a fresh hall: its 10 minutes start with no requests counted."""
        for stored in store.scan_iter(f"*{prefix}*"):
            store.delete(stored)

    with database(args.database) as url:
        secret_key = secrets.token_urlsafe(48)
        links = prepare(server_env(url, secret_key), args.attendees)
        envs = {
            "limited": server_env(
                url, secret_key, RATELIMIT_STORAGE_URI=args.redis, RATELIMIT_KEY_PREFIX=prefix
            ),
            "floor": server_env(url, secret_key, RATELIMIT_ENABLED="false"),
        }
        servers = {}
        try:
            for port, (name, env) in enumerate(envs.items(), start=18731):
                servers[name] = Gunicorn(env, port)
            results = {name: [] for name in servers}
            for server in servers.values():
                replay(server.port, links[:50], args.connections)  # warm-up
            for round_ in range(args.rounds):
                order = list(servers) if round_ % 2 == 0 else list(reversed(servers))
                for name in order:
                    forget_counts()
                    results[name].append(replay(servers[name].port, links, args.connections))
            forget_counts()
            results["hammered"] = hammer(servers["limited"].port, links[0][0])
        finally:
            logs = [server.stop() for server in servers.values()]
            forget_counts()
    ok = report(args, results)
    tracebacks = [log for log in logs if "Traceback" in log]
    if tracebacks:
        print("  gunicorn logged errors:", tracebacks[0][-2000:])
    return 0 if ok and not tracebacks else 1


if __name__ == "__main__":
    sys.exit(main())
