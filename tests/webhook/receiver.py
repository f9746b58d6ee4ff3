"""A real HTTPS webhook receiver on loopback, with a certificate from a test CA (trustme).

It records every request (path, headers, body) and answers as told, per path: a status with
headers and a body, after a delay, or trickled a byte at a time. Requests arrive in threads,
as several workers would send them.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import trustme


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: str = "ok"
    #: Seconds to wait before answering.
    delay: float = 0.0
    #: Send the answer a byte at a time, this many seconds apart.
    trickle: float = 0.0
    #: Called when the request arrived, before the answer.
    then: Callable[[], None] | None = None
    #: Send exactly these bytes instead of an answer (a broken one, say), then hang up.
    raw: bytes | None = None
    #: Seconds to keep the connection open after ``raw`` before hanging up.
    hold: float = 0.0


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 10

    def setup(self):
        self.request.do_handshake()
        super().setup()

    def do_POST(self):  # noqa: N802 (http.server's hook name)
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        receiver = self.server.receiver
        receiver.record(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        reply = receiver.reply_for(self.path)
        if reply.then is not None:
            reply.then()
        if reply.delay:
            time.sleep(reply.delay)
        if reply.raw is not None:
            self._send_raw(reply)
            return
        payload = reply.body.encode()
        head = f"HTTP/1.1 {reply.status} Status\r\nContent-Length: {len(payload)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in reply.headers.items())
        raw = (head + "Connection: close\r\n\r\n").encode() + payload
        try:
            if reply.trickle:
                for byte in raw:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(reply.trickle)
            else:
                self.wfile.write(raw)
        except OSError:
            pass  # the client gave up, as it should on a slow answer
        self.close_connection = True

    def _send_raw(self, reply: Reply) -> None:
        try:
            self.wfile.write(reply.raw)
            self.wfile.flush()
            time.sleep(reply.hold)
            self.request.unwrap()  # a clean TLS close: the answer ends where the bytes end
        except OSError:
            pass
        self.close_connection = True

    def log_message(self, format, *args):  # quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, receiver: Receiver, context: ssl.SSLContext):
        self.receiver = receiver
        self.context = context
        super().__init__(("127.0.0.1", 0), _Handler)

    def get_request(self):
        sock, address = self.socket.accept()
        # The handshake happens in the request's thread, not in the accepting loop.
        return self.context.wrap_socket(
            sock, server_side=True, do_handshake_on_connect=False
        ), address

    def handle_error(self, request, client_address):  # a client that hung up: not a failure
        pass


class Receiver:
    """Start with ``with Receiver(ca) as receiver``; URLs come from ``receiver.url(path)``."""

    def __init__(self, ca: trustme.CA):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self._server = _Server(self, context)
        self._lock = threading.Lock()
        self._replies: dict[str, list[Reply]] = {}
        self.requests: list[Received] = []

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        return f"https://{host}:{self.port}{path}"

    def script(self, path: str, *replies: Reply) -> None:
        """Answer ``path`` with these replies in turn; the last one repeats."""
        with self._lock:
            self._replies[path] = list(replies)

    def reply_for(self, path: str) -> Reply:
        with self._lock:
            replies = self._replies.get(path)
            if not replies:
                return Reply()
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def record(self, received: Received) -> None:
        with self._lock:
            self.requests.append(received)

    def on(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def __enter__(self):
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
