"""Run the real app on loopback: under gunicorn for tests that need separate processes, or in
threads of the test process for tests that need concurrent requests."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from werkzeug.serving import make_server

from tests.smtp import free_port

ROOT = Path(__file__).resolve().parent.parent


class Gunicorn:
    def __init__(self, env: dict[str, str]):
        self.port = free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("NETCOMPANION_")}
        self.env.update(env)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.process = subprocess.Popen(
            [gunicorn, "-w", "1", "--no-control-socket", "-b", f"127.0.0.1:{self.port}", "app:app"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited: " + self.process.stderr.read().decode())
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)
                return self
            except OSError:  # not listening yet, or the worker is still booting
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer within 30 s")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stderr.close()

    def post(self, path: str, data: dict) -> int:
        body = urllib.parse.urlencode(data).encode()
        try:
            with urllib.request.urlopen(self.url + path, data=body, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            error.close()
            return error.code


class ThreadedServer:
    """Serve a test app from this process on a loopback port, one thread per request.

    Real HTTP and real concurrency against the test's database, for races that only show when
    two requests run at once.
    """

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
