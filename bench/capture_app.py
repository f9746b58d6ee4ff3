"""The real app plus two bench-only endpoints, for ``bench/capture.py``; never shipped.

gunicorn loads it as ``bench.capture_app:app`` from the repository root (so the root's
``gunicorn.conf.py`` applies too). It is ``netcompanion.create_app()`` configured from the
environment exactly as in production: ``NETCOMPANION_ENV=production``, a random 64-character
secret key, an https ``BASE_URL``, rate limits on, CSRF on; ``bench/capture.py`` sets these.
The session cookie is ``Secure`` in production; the bench client sends it over plain http
anyway, as a TLS-terminating proxy would.

Two endpoints are added, both behind the same CSRF check as the capture API (the client sends
the session cookie and ``X-CSRFToken`` on every POST), and both take the body a single capture
sends, so the three differ only in the work done:

- ``POST /bench/bare`` answers ``{"ok": true}`` and touches neither the user nor the database:
  the ceiling of the stack (gunicorn, Flask, session cookie, CSRF check, security headers).
- ``POST /bench/floor`` does the least a capture must do: authenticate the session with
  flask-login's ``current_user`` (one query, as the API's ``current_org_id()``), parse the
  JSON, verify the badge token's signature with ``netcompanion.badge.token.decode``, insert one
  row (a ``CaptureReceipt`` with the item's fresh client id) and commit.

``CAPTURE_BENCH_PROFILE=<dir>`` profiles requests that carry ``X-Bench-Profile: 1`` (so a
warm-up can run unprofiled) with cProfile, one profiler per request so threads do not mix, and
writes each worker's stats per endpoint to ``<dir>/<endpoint>-<pid>.prof`` at most twice a
second and when the worker exits. cProfile measures wall time, so profile with one thread per
worker.
"""

from __future__ import annotations

import atexit
import cProfile
import os
import pstats
import threading
import time
from pathlib import Path

from flask import Blueprint, jsonify, request
from sqlalchemy import insert

from netcompanion import create_app
from netcompanion.badge import token as tokens
from netcompanion.capture.models import CaptureReceipt
from netcompanion.dbtypes import utcnow
from netcompanion.errors import error_response
from netcompanion.extensions import db
from netcompanion.scoping import current_org_id

bp = Blueprint("bench", __name__, url_prefix="/bench")


@bp.post("/bare")
def bare():
    return jsonify(ok=True)


@bp.post("/floor")
def floor():
    org_id = current_org_id()
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("badge"), str):
        return error_response(422)
    try:
        claims = tokens.decode(body["badge"].rsplit("/", 1)[-1], tokens.Kind.BADGE)
    except tokens.InvalidToken:
        return error_response(422)
    db.session.execute(
        insert(CaptureReceipt).values(
            organization_id=org_id,
            client_id=str(body.get("client_id"))[:36],
            outcome="created",
            received_at=utcnow(),
        )
    )
    db.session.commit()
    return jsonify(ok=True, attendee=claims.subject_public_id), 201


class Profiled:
    """WSGI middleware: cProfile each request, accumulate per path, dump now and then."""

    def __init__(self, wsgi_app, directory: str):
        self.wsgi_app = wsgi_app
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.stats: dict[str, pstats.Stats] = {}
        self.lock = threading.Lock()
        self.last_dump = time.monotonic()
        atexit.register(self.dump)

    def __call__(self, environ, start_response):
        if environ.get("HTTP_X_BENCH_PROFILE") != "1":
            return self.wsgi_app(environ, start_response)
        profile = cProfile.Profile()
        profile.enable()
        try:
            iterable = self.wsgi_app(environ, start_response)
            body = list(iterable)
            if hasattr(iterable, "close"):
                iterable.close()
        finally:
            profile.disable()
        name = environ.get("PATH_INFO", "/").strip("/").replace("/", "_") or "root"
        with self.lock:
            if name in self.stats:
                self.stats[name].add(profile)
            else:
                self.stats[name] = pstats.Stats(profile)
            if time.monotonic() - self.last_dump > 0.5:
                self._dump_locked()
        return body

    def dump(self) -> None:
        with self.lock:
            self._dump_locked()

    def _dump_locked(self) -> None:
        self.last_dump = time.monotonic()
        for name, stats in self.stats.items():
            stats.dump_stats(self.directory / f"{name}-{os.getpid()}.prof")


def build():
    app = create_app()
    app.register_blueprint(bp)
    if os.environ.get("CAPTURE_BENCH_PROFILE"):
        app.wsgi_app = Profiled(app.wsgi_app, os.environ["CAPTURE_BENCH_PROFILE"])
    return app


app = build()
