"""Benchmark the capture API over HTTP through gunicorn, beside a floor and a ceiling.

Run: ``.venv/bin/python bench/capture.py`` (5 to 10 minutes; ``--quick``: 1.5 to 3 minutes;
``--database sqlite`` or ``postgresql`` for one database). PostgreSQL is a fresh database
``nc_bench_<pid>`` at 127.0.0.1:5432 as ``postgres`` (trust auth), created and dropped here;
SQLite is a temporary file.

Set-up, before gunicorn starts: migrate; sign up an organizer and an exhibiting company, create
the event and join it, all with the services; bulk-insert attendees with ``attendee.bulk`` (a
third consent to share their contact details, so their captures carry email and phone and take
the by-email paths) and mint their badges with ``badge_token``. gunicorn serves
``bench/capture_app.py``, the real app configured as in production (``ENV`` production, a
random secret key, rate limits and CSRF on) plus two endpoints that exist only there. The
client signs in through ``/login`` like a browser, reads the API's CSRF token from
``/api/v1/session`` and sends the session cookie and ``X-CSRFToken`` with every POST. Every
request carries the body of a single capture (a batch, 500 of them):

- bare: ``POST /bench/bare`` answers ``{"ok": true}``: the ceiling (HTTP, Flask, session
  cookie, CSRF check, security headers; no user, no database);
- floor: ``POST /bench/floor`` authenticates the session (``current_user``), verifies the badge
  token, inserts and commits one row: the least a capture can cost;
- single: ``POST /api/v1/captures``, each the first scan of its attendee; 60 % with a rating,
  40 % with tags, 20 % with a note;
- batch: ``POST /api/v1/captures/batch`` with 500 of them.

Each endpoint runs for ``--seconds`` on 64 keep-alive connections (threads of this process, one
socket each), in ``--rounds`` rounds that rotate the order of the endpoints, after a warm-up;
then floor, single and batch run on one connection. Before every phase the captures of the
previous one are deleted, so every phase starts from the same data: the company's
``--existing`` captures at the event (sent as batches through the API after the warm-up).
A connection sends requests back to back until the time is up and then waits for its last
answer; req/s is answers over the time to the last answer. Latency runs from sending a request
to reading its whole answer: at 64 connections it is mostly queueing (64 requests share 2
cores); the 1-connection rows are what one phone sees on an idle server, and the 0.25 s target
for a 500-capture batch is about them. ``CPU ms/req`` is CPU time per answer of the gunicorn
workers (app) and of the PostgreSQL server processes (db), read from /proc.

This machine's speed drifts by up to 2× from minute to minute, so figures are medians over
the rounds, and the ratios to the floor and the ceiling (measured in the same rounds) are the
figures to compare across machines. Targets: single ÷ floor req/s at least 40 %, a 500-capture
batch in 0.25 s or less, no errors (answers that are not 2xx, batch items answered
``"status":"error"``, failed connections, errors in gunicorn's log) and no "database is locked"
in any answer or in gunicorn's stderr, on both databases. The exit status is 0 when all are met.

``--server`` picks gunicorn's worker class and size (default ``gthread:4x16``, the fastest of
sync and gthread sizes tried on this 2-core machine; a list measures each), and ``--pool`` the
database connections per worker: by default one per thread, as a deployment with threads needs
(``--pool 0`` keeps the app's default of 5 plus 10 overflow connections that are closed as soon
as they are returned; at 64 connections PostgreSQL then starts a backend for many requests).
``--profile`` instead runs cProfile in one worker (see ``capture_app.py``) and prints where the
floor's, a single capture's and a batch's time goes. At the end, when ``bench/scanner.py``
exists, it runs and its figures follow (``--no-scanner`` skips it).
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import io
import json
import os
import pstats
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password-not-secret"  # noqa: S105 - a throwaway account in a throwaway database
EXHIBITOR_EMAIL = "rita@acme-talent.example.com"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGET_SINGLE_VS_FLOOR = 0.40
TARGET_BATCH_SECONDS = 0.25
BATCH = 500
DEFAULT_APP = "bench.capture_app:app"
LOCKED_LABEL = '"database is locked"'
ENDPOINTS = ("bare", "floor", "single", "batch")
PATHS = {
    "bare": "/bench/bare",
    "floor": "/bench/floor",
    "single": "/api/v1/captures",
    "batch": "/api/v1/captures/batch",
}
LABELS = {
    "bare": "bare JSON (ceiling)",
    "floor": "floor: token + 1 row",
    "single": "single capture",
    "batch": "500-capture batch",
}
NAMES = [
    "María José Fernández", "Jean-Éric Müller", "Łukasz Wiśniewski", "Olivia Smith",
    "Ngọc Anh Trần", "Дмитрий Иванов", "Γιώργος Παπαδόπουλος", "王小明", "田中 さくら", "김민준",
    "محمد عبد الله", "Chloé Lefèvre", "Maria Fernanda de los Santos García-Villalobos",
]  # fmt: skip
COMPANIES = ["Acme Corporation", "Globex GmbH", "Initech", "Umbrella Holdings Ltd", "Hooli Inc."]
TAGS = ["Backend", "Rust", "Data", "ML", "Frontend", "Platform", "Security", "Mobile"]


# Database and data set -----------------------------------------------------------------------


@contextlib.contextmanager
def database(kind: str):
    """Yield the URL of a fresh, empty database; drop it afterwards."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="nc-bench-")
        try:
            yield f"sqlite:///{folder}/netcompanion.sqlite"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    import sqlalchemy

    name = f"nc_bench_{os.getpid()}"
    admin = sqlalchemy.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def server_env(url: str, secret_key: str, pool: int = 0) -> dict[str, str]:
    """Production settings, the same for this process's app and for gunicorn; ``pool``
    connections per worker process (0: the app's default pool)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("NETCOMPANION_") and k != "DATABASE_URL"
    }
    env.update(
        NETCOMPANION_ENV="production",
        NETCOMPANION_SECRET_KEY=secret_key,
        NETCOMPANION_DATABASE_URL=url,
        NETCOMPANION_BASE_URL="https://events.netcompanion.example",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if pool:
        env["NETCOMPANION_SQLALCHEMY_ENGINE_OPTIONS"] = json.dumps(
            {"pool_pre_ping": True, "pool_size": pool, "max_overflow": 2}
        )
    return env


def create_fair():
    """Sign up the organizer and create their event, today and tomorrow; return both."""
    from netcompanion.account import service as accounts
    from netcompanion.event import service as events

    organizer = accounts.sign_up(
        "Olga Organizer", "olga@fair-organizers.example.com", PASSWORD, "Fair Organizers"
    )
    today = date.today()
    event = events.create_event(
        organizer,
        {
            "name": "Berlin Tech Careers Fair",
            "starts_on": today,
            "ends_on": today + timedelta(days=1),
            "timezone": "Europe/Berlin",
            "venue": "Messe Berlin",
            "description": "",
        },
    )
    return organizer, event


class DataSet:
    """The event, its exhibitor and attendees, built in this process with the services."""

    def __init__(self, url: str, env: dict[str, str]):
        os.environ.clear()
        os.environ.update(env)
        from flask_migrate import upgrade

        from netcompanion import create_app
        from netcompanion.extensions import db

        self.app = create_app()
        self.db = db
        self.attendees = 0  # inserted so far
        self.last_attendee_id = 0  # the highest attendee id, to find the ones inserted next
        with self.app.app_context():
            with contextlib.redirect_stderr(io.StringIO()):  # alembic logs each migration
                upgrade()
            self._companies()

    def _companies(self) -> None:
        from netcompanion.account import service as accounts
        from netcompanion.event import service as events

        organizer, event = create_fair()
        exhibitor = accounts.sign_up("Rita Recruiter", EXHIBITOR_EMAIL, PASSWORD, "Acme Talent")
        events.join(exhibitor, event.join_code, "Acme Talent", "Hall 2, B12")
        self.db.session.commit()
        self.event_id, self.organizer_org = event.id, organizer.organization_id
        self.event_public_id, self.recruiter_public_id = event.public_id, exhibitor.public_id
        self.db.session.remove()

    def add_attendees(self, count: int) -> list[str]:
        """Insert ``count`` more attendees with ``attendee.bulk``; return their badge tokens."""
        from sqlalchemy import func, select, update

        from netcompanion.attendee import bulk, changes
        from netcompanion.attendee.csvimport import ParsedRow
        from netcompanion.attendee.models import Attendee
        from netcompanion.badge.service import badge_token
        from netcompanion.dbtypes import utcnow

        rng = random.Random(self.attendees)  # noqa: S311 - a repeatable sample, not a secret
        first = self.attendees
        rows = []
        for n in range(first, first + count):
            rows.append(
                ParsedRow(
                    n,
                    {
                        "name": rng.choice(NAMES),
                        "email": f"attendee{n}@example.com",
                        "company": rng.choice(COMPANIES),
                        "title": "Software Engineer",
                        "phone": f"+49 30 {n:07d}",
                        "linkedin_url": f"https://www.linkedin.com/in/attendee{n}",
                        "website_url": "",
                    },
                )
            )
        with self.app.app_context():
            bulk.apply(self.event_id, self.organizer_org, changes.plan(self.event_id, rows))
            self.db.session.execute(
                update(Attendee)
                .where(
                    Attendee.event_id == self.event_id,
                    Attendee.id > self.last_attendee_id,
                    Attendee.id % 3 == 0,
                )
                .values(
                    consent_share_contact=True,
                    consent_text="Share my contact details with exhibitors who scan my badge.",
                    consent_locale="en",
                    consent_at=utcnow(),
                )
            )
            self.db.session.commit()
            event = SimpleNamespace(public_id=self.event_public_id)
            query = select(
                Attendee.public_id, Attendee.badge_version, Attendee.name, Attendee.company
            ).where(Attendee.event_id == self.event_id, Attendee.id > self.last_attendee_id)
            tokens = [
                badge_token(SimpleNamespace(event=event, **row._asdict()))
                for row in self.db.session.execute(query)
            ]
            self.last_attendee_id = self.db.session.scalar(select(func.max(Attendee.id)))
            self.db.session.remove()
        self.attendees += count
        random.Random(first).shuffle(tokens)  # noqa: S311
        return tokens

    #: What a capture leaves behind, children first: reset() deletes in this order.
    CAPTURE_TABLES = ("capture_tag", "note", "capture_receipt", "capture", "contact")

    def marks(self) -> dict[str, int]:
        """The highest id in each table a capture writes: the state reset() returns to."""
        from sqlalchemy import func, select

        from netcompanion.capture.models import Capture, CaptureReceipt, Contact, Note

        with self.app.app_context():
            marks = {
                model.__tablename__: self.db.session.scalar(select(func.max(model.id))) or 0
                for model in (Note, CaptureReceipt, Capture, Contact)
            }
            self.db.session.remove()
        return marks

    def count_captures(self) -> int:
        """How many captures the database holds."""
        from sqlalchemy import func, select

        from netcompanion.capture.models import Capture

        with self.app.app_context():
            count = self.db.session.scalar(select(func.count(Capture.id)))
            self.db.session.remove()
        return count

    def reset(self, marks: dict[str, int]) -> None:
        """Delete what captures wrote after ``marks``, so each phase starts from the same data."""
        from sqlalchemy import delete

        from netcompanion.capture.models import Capture, CaptureReceipt, CaptureTag, Contact, Note

        with self.app.app_context():
            session = self.db.session
            session.execute(delete(CaptureTag).where(CaptureTag.capture_id > marks["capture"]))
            for model in (Note, CaptureReceipt, Capture, Contact):
                session.execute(delete(model).where(model.id > marks[model.__tablename__]))
            session.commit()
            session.remove()

    def close(self) -> None:
        with self.app.app_context():
            self.db.engine.dispose()


class Badges:
    """Badge tokens handed out once each, so every capture is a first scan of its attendee."""

    def __init__(self, data: DataSet, count: int):
        self.data = data
        self.tokens = data.add_attendees(count)
        self.taken = self.start = 0
        self.reused = 0
        self.lock = threading.Lock()

    def keep(self) -> None:
        """Never hand out the tokens taken so far again (their captures stay)."""
        self.start = self.taken

    def rewind(self) -> None:
        """Hand out the tokens taken since keep() again: reset() deleted their captures."""
        self.taken = self.start

    def take(self, n: int) -> list[str]:
        with self.lock:
            start = self.taken
            self.taken += n
        if start + n <= len(self.tokens):
            return self.tokens[start : start + n]
        self.reused += n  # ran out: rescans merge, which the figures should not include
        return [self.tokens[(start + i) % len(self.tokens)] for i in range(n)]

    def any(self) -> str:
        return self.tokens[random.randrange(len(self.tokens))]  # noqa: S311

    def ensure(self, needed: int) -> None:
        """Top up between phases so a phase never runs out."""
        left = len(self.tokens) - self.taken
        if left < needed:
            self.tokens.extend(self.data.add_attendees(needed - left + 10_000))


# HTTP client ---------------------------------------------------------------------------------


class Closed(ConnectionError):
    """The server closed the connection before answering (an idle keep-alive timed out)."""


class Connection:
    """An HTTP/1.1 keep-alive connection on a plain socket: little client CPU per request."""

    def __init__(self, port: int):
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, b""

    def exchange(self, request: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        reused = self.sock is not None
        if not reused:
            self.sock = socket.create_connection(("127.0.0.1", self.port))
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            self.sock.sendall(request)
            return self._response()
        except Closed:
            self.close()
            if not reused:
                raise
            # The server closed an idle keep-alive connection before reading: send again.
            return self.exchange(request)
        except OSError:
            self.close()
            raise

    def _recv(self) -> bytes:
        chunk = self.sock.recv(262144)
        if not chunk:
            raise Closed
        return chunk

    def _response(self):
        buffer = self.buffer
        while b"\r\n\r\n" not in buffer:
            try:
                buffer += self._recv()
            except Closed:
                if buffer:  # part of an answer came: sending again could record twice
                    raise ConnectionResetError("closed in the middle of an answer") from None
                raise
        head, _, rest = buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        headers = []
        length, close, chunked = None, False, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip()
            headers.append((name, value))
            if name == b"content-length":
                length = int(value)
            elif name == b"connection":
                close = value.lower() == b"close"
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
        if chunked:
            body, rest = self._body(self._chunked, rest)
        elif length is not None:
            body, rest = self._body(self._sized, rest, length)
        else:
            try:
                while True:
                    rest += self._recv()
            except Closed:
                pass
            body, rest, close = rest, b"", True
        self.buffer = rest
        if close:
            self.close()
        return status, headers, body

    def _body(self, read, *args) -> tuple[bytes, bytes]:
        try:
            return read(*args)
        except Closed:
            raise ConnectionResetError("closed in the middle of an answer") from None

    def _sized(self, data: bytes, length: int) -> tuple[bytes, bytes]:
        while len(data) < length:
            data += self._recv()
        return data[:length], data[length:]

    def _chunked(self, data: bytes) -> tuple[bytes, bytes]:
        body = b""
        while True:
            while b"\r\n" not in data:
                data += self._recv()
            size_line, _, data = data.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            while len(data) < size + 2:
                data += self._recv()
            body, data = body + data[:size], data[size + 2 :]
            if size == 0:
                return body, data


def http_request(
    port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def session_cookie(headers, current: str | None) -> str | None:
    for name, value in headers:
        if name == b"set-cookie" and value.startswith(b"session="):
            return value.split(b";", 1)[0].decode()
    return current


def sign_in(port: int) -> tuple[str, str]:
    """Sign in as the exhibitor through /login; return the session cookie and API CSRF token."""
    connection = Connection(port)
    status, headers, page = connection.exchange(http_request(port, "GET", "/login"))
    cookie = session_cookie(headers, None)
    token = re.search(rb'<meta name="csrf-token" content="([^"]+)"', page).group(1).decode()
    form = urllib.parse.urlencode(
        {"csrf_token": token, "email": EXHIBITOR_EMAIL, "password": PASSWORD}
    ).encode()
    status, headers, _ = connection.exchange(
        http_request(
            port,
            "POST",
            "/login",
            form,
            {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        )
    )
    if status != 302:
        raise RuntimeError(f"sign-in answered {status}")
    cookie = session_cookie(headers, cookie)
    status, headers, answer = connection.exchange(
        http_request(port, "GET", "/api/v1/session", headers={"Cookie": cookie})
    )
    if status != 200:
        raise RuntimeError(f"/api/v1/session answered {status}")
    connection.close()
    return session_cookie(headers, cookie), json.loads(answer)["csrf_token"]


# Requests ------------------------------------------------------------------------------------


class Requests:
    """Builds each request's bytes from pre-encoded parts: a few microseconds each."""

    def __init__(self, port: int, cookie: str, csrf: str, event: str, recruiter: str, badges):
        self.badges = badges
        self.port, self.cookie, self.csrf = port, cookie, csrf
        self.profiled(False)
        now = datetime.now(UTC).isoformat()
        self.prefix = f'{{"event":"{event}","recruiter":"{recruiter}","captured_at":"{now}"'
        self.prefix = self.prefix.encode()
        rng = random.Random(5)  # noqa: S311 - a repeatable mix, not a secret
        self.extras = []
        for n in range(40):
            extra: dict = {}
            if n % 10 < 6:
                extra["rating"] = ("hot", "warm", "cold")[n % 3]
            if n % 5 >= 3:
                extra["tags"] = rng.sample(TAGS, 1 + n % 3)
            if n % 5 == 4:
                extra["note"] = "Wants to lead a platform team; ask about relocation to Berlin."
            if n % 8 == 1:
                extra["availability"] = "3_months"
            self.extras.append(json.dumps(extra, ensure_ascii=False)[1:-1].encode())
        self.counter = 0

    def profiled(self, on: bool) -> None:
        """Mark requests for cProfile in the workers (see capture_app.py), or stop marking."""
        extra = "X-Bench-Profile: 1\r\n" if on else ""
        self.head = {
            path: (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                f"Cookie: {self.cookie}\r\nX-CSRFToken: {self.csrf}\r\n{extra}"
                "Content-Type: application/json\r\nAccept: application/json\r\nContent-Length: "
            ).encode()
            for path in PATHS.values()
        }

    def _item(self, token: str) -> bytes:
        self.counter += 1
        extra = self.extras[self.counter % len(self.extras)]
        return b"".join(
            [
                self.prefix,
                b',"client_id":"',
                str(uuid.uuid4()).encode(),
                b'","badge":"',
                token.encode(),
                b'",' if extra else b'"',
                extra,
                b"}",
            ]
        )

    def build(self, endpoint: str) -> bytes:
        if endpoint == "batch":
            body = b'{"captures":[' + b",".join(map(self._item, self.badges.take(BATCH))) + b"]}"
        elif endpoint == "single":
            body = self._item(self.badges.take(1)[0])
        else:  # the same body, without using up an attendee
            body = self._item(self.badges.any())
        return self.head[PATHS[endpoint]] + str(len(body)).encode() + b"\r\n\r\n" + body


# Load ----------------------------------------------------------------------------------------


@dataclass
class Phase:
    endpoint: str
    connections: int
    answers: int = 0
    items: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    item_statuses: Counter = field(default_factory=Counter)
    locked: int = 0
    failures: int = 0
    app_cpu: float = 0.0
    db_cpu: float = 0.0
    client_cpu: float = 0.0

    @property
    def rate(self) -> float:
        return self.answers / self.seconds

    @property
    def item_rate(self) -> float:
        return self.items / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies) or [float("nan")]
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    @property
    def errors(self) -> int:
        bad = sum(n for status, n in self.statuses.items() if not 200 <= status < 300)
        return bad + self.item_statuses["error"] + self.failures


def cpu_seconds(pids) -> dict[int, float]:
    """CPU seconds used so far by each of these processes and their reaped children (so the
    PostgreSQL postmaster accounts for backends that exited, e.g. pool overflow connections)."""
    used = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks = sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
            used[pid] = ticks / os.sysconf("SC_CLK_TCK")
    return used


def cpu_used(before: dict[int, float], pids) -> float:
    """CPU seconds used since ``before``; processes started since count from zero."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in cpu_seconds(pids).items())


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
    return pids


def run_phase(server, requests: Requests, endpoint: str, connections: int, seconds: float) -> Phase:
    """Send ``endpoint`` requests on ``connections`` connections for ``seconds``."""
    phase = Phase(endpoint, connections)
    lock = threading.Lock()
    start_line = threading.Barrier(connections + 1)
    ends: list[float] = []

    def connection_loop():
        connection = Connection(server.port)
        latencies, statuses, items, locked, failures = [], Counter(), Counter(), 0, 0
        start_line.wait()
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            request = requests.build(endpoint)
            sent = time.perf_counter()
            try:
                status, _, body = connection.exchange(request)
            except OSError:
                failures += 1
                continue
            latencies.append(time.perf_counter() - sent)
            statuses[status] += 1
            if b"database is locked" in body:
                locked += 1
            if endpoint == "batch":
                for outcome in ("created", "merged", "already_synced", "error"):
                    items[outcome] += body.count(b'"status":"%s"' % outcome.encode())
        connection.close()
        with lock:
            ends.append(time.perf_counter())
            phase.latencies += latencies
            phase.statuses += statuses
            phase.item_statuses += items
            phase.locked += locked
            phase.failures += failures

    threads = [threading.Thread(target=connection_loop) for _ in range(connections)]
    for thread in threads:
        thread.start()
    app_pids = server.worker_pids()
    db_pids = postgres_pids() if server.db_kind == "postgresql" else []
    app_cpu, db_cpu, client_cpu = cpu_seconds(app_pids), cpu_seconds(db_pids), time.process_time()
    start_line.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    phase.seconds = max(ends) - began
    phase.answers = len(phase.latencies)
    phase.items = phase.answers * (BATCH if endpoint == "batch" else 1)
    if phase.answers:
        phase.app_cpu = cpu_used(app_cpu, app_pids) / phase.answers
        if db_pids:  # backends that connected during the phase count from zero
            phase.db_cpu = cpu_used(db_cpu, postgres_pids()) / phase.answers
        phase.client_cpu = (time.process_time() - client_cpu) / phase.seconds
    return phase


# Server --------------------------------------------------------------------------------------


@dataclass
class ServerOptions:
    worker_class: str = "gthread"
    workers: int = 4
    threads: int = 16
    #: Database connections each worker keeps; 0 keeps the app's default (5, and up to 10 more
    #: that are closed again as soon as they are returned while 5 wait idle).
    pool: int = 0

    def __str__(self) -> str:
        pool = f", {self.pool} database connections each" if self.pool else ", default pool"
        if self.worker_class == "sync":
            return f"sync, {self.workers} workers{pool}"
        return f"{self.worker_class}, {self.workers} workers × {self.threads} threads{pool}"

    @classmethod
    def parse(cls, text: str, pool: int | None) -> ServerOptions:
        """``sync:8`` or ``gthread:4x16``; the pool defaults to one connection per thread."""
        kind, _, size = text.partition(":")
        workers, _, threads = size.partition("x")
        threads = int(threads or 1)
        return cls(kind, int(workers or 4), threads, threads if pool is None else pool)


class Gunicorn:
    def __init__(self, env: dict[str, str], options: ServerOptions, db_kind: str, app=DEFAULT_APP):
        self.env, self.options, self.app = env, options, app
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        self.db_kind = db_kind

    def __enter__(self):
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "--no-control-socket",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.options.workers),
            "--worker-class", self.options.worker_class,
            "--threads", str(self.options.threads),
            self.app,
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=self.stderr
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.log())
            try:
                connection = Connection(self.port)
                status, _, _ = connection.exchange(http_request(self.port, "GET", "/healthz"))
                connection.close()
                if status == 200 and len(self.worker_pids()) == self.options.workers:
                    time.sleep(0.5)  # let the other workers finish loading the app
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer within 60 s:\n" + self.log())

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        with contextlib.suppress(OSError):
            return [int(pid) for pid in path.read_text().split()]
        return []

    def log(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.stderr.close()


def stderr_problems(log: str) -> tuple[int, int]:
    """Return ("database is locked" lines, error lines) in gunicorn's stderr."""
    locked = log.count("database is locked")
    errors = sum(1 for line in log.splitlines() if "[ERROR]" in line or "Traceback" in line)
    return locked, errors


# Measuring one database ----------------------------------------------------------------------


@dataclass
class Results:
    kind: str
    title: str
    loaded: dict[str, list[Phase]] = field(default_factory=dict)
    sequential: dict[str, list[Phase]] = field(default_factory=dict)
    log_locked: int = 0
    log_errors: int = 0
    reused: int = 0
    setup_seconds: float = 0.0
    attendees: int = 0
    existing: int = 0


def measure(kind: str, args, options: ServerOptions) -> Results:
    secret_key = secrets.token_urlsafe(48)
    with database(kind) as url:
        env = server_env(url, secret_key, options.pool)
        began = time.perf_counter()
        data = DataSet(url, env)
        badges = Badges(data, args.attendees)
        setup = time.perf_counter() - began
        title = database_title(kind, data)
        results = Results(kind, title, setup_seconds=setup)
        try:
            with Gunicorn(env, options, kind, args.app) as server:
                cookie, csrf = sign_in(server.port)
                requests = Requests(
                    server.port, cookie, csrf, data.event_public_id, data.recruiter_public_id,
                    badges,
                )  # fmt: skip
                load(server, requests, data, args, results)
                results.log_locked, results.log_errors = stderr_problems(server.log())
            if args.verbose and server.log().strip():
                print(server.log()[-4000:], file=sys.stderr)
        finally:
            data.close()
        results.reused, results.attendees = badges.reused, len(badges.tokens)
    return results


def database_title(kind: str, data: DataSet | None) -> str:
    if kind == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (WAL)"
    if data is None:
        return "PostgreSQL"
    with data.app.app_context():
        version = data.db.session.connection().exec_driver_sql("SHOW server_version").scalar()
        data.db.session.remove()
    return f"PostgreSQL {version.split()[0]}"


def load(server, requests: Requests, data: DataSet, args, results: Results) -> None:
    badges = requests.badges
    estimate = {"single": 1000.0, "batch": 5000.0}  # items/s, refined as phases run
    baseline = data.marks()

    def phase(endpoint: str, connections: int, seconds: float) -> Phase:
        data.reset(baseline)
        badges.rewind()
        if endpoint in estimate:
            in_flight = connections * (BATCH if endpoint == "batch" else 1)
            badges.ensure(int(estimate[endpoint] * (seconds + 3) * 1.5) + in_flight)
        result = run_phase(server, requests, endpoint, connections, seconds)
        if endpoint in estimate and result.answers:
            estimate[endpoint] = max(estimate[endpoint], result.item_rate)
        return result

    for endpoint in ENDPOINTS:  # warm-up: caches, connection pools, compiled statements
        phase(endpoint, args.connections, args.warmup)
    baseline = seed(server, requests, data, args.existing)
    results.existing = data.count_captures()
    order = list(ENDPOINTS)
    for n in range(args.rounds):
        for endpoint in order[n % 4 :] + order[: n % 4]:
            results.loaded.setdefault(endpoint, []).append(
                phase(endpoint, args.connections, args.seconds)
            )
            if args.verbose:
                show_phase(results.loaded[endpoint][-1])
        for endpoint in ("floor", "single", "batch"):
            results.sequential.setdefault(endpoint, []).append(
                phase(endpoint, 1, args.seconds if endpoint == "batch" else args.seconds / 2)
            )
            if args.verbose:
                show_phase(results.sequential[endpoint][-1])


def seed(server, requests: Requests, data: DataSet, existing: int) -> dict[str, int]:
    """Delete every capture, then send ``existing`` as batches: the company's captures at the
    event that every phase starts from. Return the marks to reset to."""
    data.reset(dict.fromkeys(data.CAPTURE_TABLES, 0))
    requests.badges.start = 0
    requests.badges.rewind()
    connection = Connection(server.port)
    for _ in range(existing // BATCH):
        status, _, _ = connection.exchange(requests.build("batch"))
        if status != 200:
            raise RuntimeError(f"seeding captures: batch answered {status}")
    connection.close()
    requests.badges.keep()
    return data.marks()


def show_phase(p: Phase) -> None:
    print(
        f"    [{p.endpoint} ×{p.connections}] {p.rate:8.1f} req/s"
        f"  p50 {p.percentile(0.5) * 1e3:7.1f} ms  p99 {p.percentile(0.99) * 1e3:7.1f} ms"
        f"  statuses {dict(p.statuses)}"
        f" items {dict(p.item_statuses)} client CPU {p.client_cpu:.0%}",
        file=sys.stderr,
    )


# Report --------------------------------------------------------------------------------------


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def median(values) -> float:
    return statistics.median(list(values))


def report(results: Results, args, options: ServerOptions) -> bool:
    """Print one database's table and targets; return whether every target is met."""
    loaded, sequential = results.loaded, results.sequential
    print(f"\n{results.title} · gunicorn {options} · {args.connections} connections")
    print(
        f"  {args.rounds} round{'s' if args.rounds > 1 else ''} of {args.seconds:g} s per"
        f" endpoint, medians; {results.attendees:,} attendees; every phase starts from the"
        f" company's {results.existing:,} captures at the event"
    )
    print(
        f"  {'':<24} {'req/s':>7} {'captures/s':>10} {'p50':>9} {'p99':>9}"
        f" {'CPU ms/req: app':>15} {'db':>6} {'errors':>6}"
    )
    print(f"  {args.connections} connections")
    for endpoint in ENDPOINTS:
        print(row(endpoint, loaded[endpoint], results.kind))
    print("  1 connection (one phone, idle server)")
    for endpoint in ("floor", "single", "batch"):
        print(row(endpoint, sequential[endpoint], results.kind))

    def ratio(a: str, b: str, phases: dict) -> float:
        return median(x.rate / y.rate for x, y in zip(phases[a], phases[b], strict=True))

    vs_floor = ratio("single", "floor", loaded)
    single_ok = vs_floor >= TARGET_SINGLE_VS_FLOOR
    batch = sequential["batch"]
    p50 = median(p.percentile(0.5) for p in batch)
    p99 = median(p.percentile(0.99) for p in batch)
    phases = [p for ps in (*loaded.values(), *sequential.values()) for p in ps]
    answers = sum(p.answers for p in phases)
    statuses = sum((p.statuses for p in phases), Counter())
    not_2xx = sum(n for status, n in statuses.items() if not 200 <= status < 300)
    refused = sum(p.item_statuses["error"] for p in phases)
    failures = sum(p.failures for p in phases)
    locked = sum(p.locked for p in phases)
    no_errors = not (not_2xx or refused or failures or results.log_errors)
    not_locked = not (locked or results.log_locked)

    print("  targets")
    print(
        f"  {'single ÷ floor req/s':<40} {vs_floor:>10.0%}   ≥ {TARGET_SINGLE_VS_FLOOR:.0%}"
        f"  {mark(single_ok)}   (1 connection: {ratio('single', 'floor', sequential):.0%})"
    )
    print(f"  {'single ÷ bare req/s':<40} {ratio('single', 'bare', loaded):>10.0%}")
    print(
        f"  {'500-capture batch, 1 connection, p50':<40} {p50:>8.3f} s   ≤"
        f" {TARGET_BATCH_SECONDS:g} s  {mark(p50 <= TARGET_BATCH_SECONDS)}"
    )
    print(
        f"  {'500-capture batch, 1 connection, p99':<40} {p99:>8.3f} s   ≤"
        f" {TARGET_BATCH_SECONDS:g} s  {mark(p99 <= TARGET_BATCH_SECONDS)}"
    )
    print(
        f"  {'errors':<40} {not_2xx + refused + failures + results.log_errors:>10d}   none"
        f"    {mark(no_errors)}   ({answers:,} answers: {not_2xx} not 2xx, {refused} batch"
        f" items refused, {failures} connection failures, {results.log_errors} errors logged)"
    )
    print(
        f"  {LOCKED_LABEL:<40} {locked + results.log_locked:>10d}   none"
        f"    {mark(not_locked)}   ({locked} in answers, {results.log_locked} in gunicorn's"
        " stderr)"
    )
    batch_vs_single = median(
        b.item_rate / s.item_rate for b, s in zip(loaded["batch"], loaded["single"], strict=True)
    )
    client_bare = median(p.client_cpu for p in loaded["bare"])
    client_single = median(p.client_cpu for p in loaded["single"])
    print(
        f"  batches record {batch_vs_single:.1f}× the captures/s of single POSTs; the load"
        f" generator used {client_bare:.0%} of a core during bare, {client_single:.0%} during"
        " single"
    )
    if results.reused:
        print(f"  WARNING: {results.reused:,} captures rescanned an attendee (the pool ran out)")
    return single_ok and p99 <= TARGET_BATCH_SECONDS and no_errors and not_locked


def row(endpoint: str, phases: list[Phase], kind: str) -> str:
    seconds = endpoint == "batch"
    captures = ""
    if endpoint in ("single", "batch"):
        captures = f"{median(p.item_rate for p in phases):,.0f}"
    db_cpu = f"{median(p.db_cpu for p in phases) * 1e3:.2f}" if kind == "postgresql" else "-"
    return (
        f"    {LABELS[endpoint]:<22} {median(p.rate for p in phases):7.1f} {captures:>10}"
        f" {latency(median(p.percentile(0.5) for p in phases), seconds):>9}"
        f" {latency(median(p.percentile(0.99) for p in phases), seconds):>9}"
        f" {median(p.app_cpu for p in phases) * 1e3:15.2f} {db_cpu:>6}"
        f" {sum(p.errors for p in phases):6d}"
    )


def latency(value: float, seconds: bool) -> str:
    return f"{value:.3f} s" if seconds else f"{value * 1e3:.1f} ms"


# Profiling -----------------------------------------------------------------------------------


def profile(kind: str, args) -> None:
    """Profile the floor, single captures and batches in a worker; print where time goes."""
    folder = tempfile.mkdtemp(prefix="nc-bench-profile-")
    # One worker, one thread, one connection: cProfile counts wall time, so nothing may queue.
    options = ServerOptions("gthread", 1, 1, pool=1)
    try:
        with database(kind) as url:
            env = server_env(url, secrets.token_urlsafe(48), options.pool)
            env["CAPTURE_BENCH_PROFILE"] = folder
            data = DataSet(url, env)
            badges = Badges(data, args.attendees)
            try:
                with Gunicorn(env, options, kind, args.app) as server:
                    cookie, csrf = sign_in(server.port)
                    requests = Requests(
                        server.port, cookie, csrf, data.event_public_id,
                        data.recruiter_public_id, badges,
                    )  # fmt: skip
                    for endpoint in ("floor", "single", "batch"):  # warm-up, not profiled
                        run_phase(server, requests, endpoint, 1, 1.0)
                    baseline = seed(server, requests, data, args.existing)
                    requests.profiled(True)
                    for endpoint in ("floor", "single", "batch"):
                        data.reset(baseline)
                        badges.rewind()
                        show_phase(run_phase(server, requests, endpoint, 1, args.seconds))
            finally:
                data.close()
        print(f"\n{database_title(kind, None)}: cProfile in one gunicorn worker, 1 thread,")
        print(f"1 connection, {args.existing:,} captures of the company at the event")
        for endpoint in ("floor", "single", "batch"):
            name = PATHS[endpoint].strip("/").replace("/", "_")
            stats = pstats.Stats(*glob.glob(f"{folder}/{name}-*.prof"), stream=sys.stdout)
            print_profile(endpoint, stats)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def package(filename: str, function: str) -> str:
    """Who a profiled function belongs to: a package, the app, the stdlib, or C code."""
    if filename == "~":  # a built-in: name the extension module when it says
        for driver in ("sqlite3", "psycopg"):
            if driver in function:
                return f"{driver} (C: the database round trip)"
        return "builtins"
    if "site-packages/" in filename:
        name = filename.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
        return "psycopg (with its wait for the server)" if name == "psycopg" else name
    if "/netcompanion/" in filename:
        return "netcompanion (the app's own code)"
    if "/bench/" in filename:
        return "bench"
    return "stdlib " + Path(filename).stem


def print_profile(endpoint: str, stats: pstats.Stats) -> None:
    requests = max(
        (cc for (file, _, func), (cc, *_rest) in stats.stats.items() if func == "wsgi_app"),
        default=1,
    )
    total = sum(tt for _, _, tt, _, _ in stats.stats.values())
    groups = Counter()
    for (file, _, func), (_, _, tt, _, _) in stats.stats.items():
        groups[package(file, func)] += tt
    print(f"\n=== {LABELS[endpoint]} ({PATHS[endpoint]}): {requests} requests,")
    print(f"    {total / requests * 1e3:.2f} ms each under cProfile; own time by package:")
    for group, tt in groups.most_common(12):
        print(f"    {tt / requests * 1e3:9.3f} ms  {tt / total:4.0%}  {group}")
    print("  functions by own time:")
    stats.sort_stats("tottime").print_stats(15)
    print("  the app's functions by cumulative time:")
    stats.sort_stats("cumulative").print_stats(r"netcompanion|capture_app", 25)


# Main ----------------------------------------------------------------------------------------


def postgres_available() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
        return True
    except OSError:
        return False


def run_scanner_bench(quick: bool) -> None:
    """Run bench/scanner.py (the scanner page's size and scan-to-saved time) when it exists."""
    script = ROOT / "bench" / "scanner.py"
    print("\nScanner page (bench/scanner.py)")
    if not script.exists():
        print("  bench/scanner.py does not exist yet: nothing measured")
        return
    command = [sys.executable, str(script)]
    if quick:
        usage = subprocess.run(  # noqa: S603 - our own script
            [*command, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        if "--quick" in usage.stdout:
            command.append("--quick")
    sys.stdout.flush()
    result = subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603
    if result.returncode:
        print(f"  bench/scanner.py exited with status {result.returncode}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=5.0, help="per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (figures are medians)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--server",
        default="gthread:4x16",
        help="gunicorn worker class and size, gthread:<workers>x<threads> or sync:<workers>;"
        " a comma-separated list measures each",
    )
    parser.add_argument("--attendees", type=int, default=40_000, help="attendees to start with")
    parser.add_argument(
        "--existing",
        type=int,
        default=5_000,
        help="the company's captures at the event before each phase (multiple of 500)",
    )
    parser.add_argument(
        "--pool",
        type=int,
        help="database connections per worker (default: one per thread; 0: the app's default)",
    )
    parser.add_argument("--app", default=DEFAULT_APP, help="what gunicorn serves (for experiments)")
    parser.add_argument("--quick", action="store_true", help="1 round of 2 s, short warm-up")
    parser.add_argument("--profile", action="store_true", help="print cProfile hot spots instead")
    parser.add_argument("--no-scanner", action="store_true", help="skip bench/scanner.py")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every phase")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.rounds, args.warmup = 2.0, 1, 0.5
    servers = [ServerOptions.parse(text, args.pool) for text in args.server.split(",")]
    sys.setswitchinterval(0.001)  # 64 client threads: hand the GIL over promptly

    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    if "postgresql" in kinds and not postgres_available():
        print("PostgreSQL does not answer on 127.0.0.1:5432: measuring SQLite only")
        kinds.remove("postgresql")
    if args.profile:
        for kind in kinds:
            profile(kind, args)
        return
    print("Capture API over HTTP through gunicorn on loopback (bench/capture.py)")
    ok = True
    for kind in kinds:
        for options in servers:
            results = measure(kind, args, options)
            ok = report(results, args, options) and ok
            sys.stdout.flush()
    if not args.no_scanner:
        run_scanner_bench(args.quick)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
