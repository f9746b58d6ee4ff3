"""One HTTPS POST to a receiver, with the address checks, timeouts and limits deliveries need.

Rules: the host is resolved and every address checked (``addresses.resolve``) right before
connecting, and the connection goes to one of those checked addresses, never to a name that
could resolve anew. TLS is verified against the host name (the system's CAs, plus
``WEBHOOK_CA_BUNDLE``). Connecting may take ``WEBHOOK_CONNECT_TIMEOUT`` seconds; the answer,
TLS handshake included, ``WEBHOOK_READ_TIMEOUT`` seconds in all, whatever the receiver trickles.
Redirects are not followed (a 3xx is an answer like any other). Of the response, only the status,
the Retry-After header and, for errors, the first 500 characters of the body are kept.

A delivery counts only on a whole answer: a status line and headers ended by their blank line,
and for a 2xx the whole body its framing announces (Content-Length or chunks). A receiver that
closes mid-status, mid-headers or mid-body has not answered: the attempt failed and is retried.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import quote, urlsplit

from . import addresses

#: What is kept of an error response's body, or of an error message.
EXCERPT = 500
#: What is read of an error response to make the excerpt (bytes).
READ_AT_MOST = 2048
#: A host with more addresses than this is tried on its first ones only.
MAX_ADDRESSES = 3


@dataclass
class Answer:
    """What one attempt came to: a status, or an error before any status."""

    status: int | None = None
    response_ms: int | None = None
    error: str = ""
    retry_after: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Settings:
    connect_timeout: float
    read_timeout: float
    allow_private: bool
    ca_bundle: str | None

    @classmethod
    def from_config(cls, config) -> Settings:
        return cls(
            connect_timeout=float(config["WEBHOOK_CONNECT_TIMEOUT"]),
            read_timeout=float(config["WEBHOOK_READ_TIMEOUT"]),
            allow_private=bool(config["WEBHOOK_ALLOW_PRIVATE_HOSTS"]),
            ca_bundle=config["WEBHOOK_CA_BUNDLE"],
        )

    @cached_property
    def tls_context(self) -> ssl.SSLContext:
        """Built once per worker: loading the system's CAs takes a while."""
        context = ssl.create_default_context()
        if self.ca_bundle:
            context.load_verify_locations(cafile=self.ca_bundle)
        return context


def post(url: str, body: bytes, headers: dict[str, str], settings: Settings) -> Answer:
    """POST ``body`` to ``url``; every failure becomes an Answer with an error, never raises."""
    started = time.monotonic()
    try:
        host, port = addresses.check_url(url)
        found = addresses.resolve(host, port, settings.allow_private)
    except addresses.Refused as refused:
        return Answer(error=_cut(str(refused.message)))
    last_error = ""
    for address in found[:MAX_ADDRESSES]:
        try:
            raw = socket.create_connection((str(address), port), timeout=settings.connect_timeout)
        except OSError as error:
            last_error = _describe(error)
            continue
        return _exchange(raw, host, port, _path(url), body, headers, settings, started)
    return Answer(response_ms=_ms(started), error=_cut(last_error or "Could not connect."))


class _Deadline:
    """Shuts a socket down when time is up: a receiver that trickles its answer a byte at a
    time never trips the per-read timeout, but this ends any read in progress."""

    def __init__(self, seconds: float):
        self.sock: socket.socket | None = None
        self.passed = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def _expire(self) -> None:
        self.passed = True
        if self.sock is not None:
            # The plain socket's shutdown: the TLS layer is in use by the reading thread.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(self.sock, socket.SHUT_RDWR)

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()


class _LastLine:
    """A response's stream that remembers the last line read from it."""

    def __init__(self, fp):
        self._fp, self.last = fp, b""

    def readline(self, *args):
        self.last = self._fp.readline(*args)
        return self.last

    def __getattr__(self, name):
        return getattr(self._fp, name)


class _WholeHeadResponse(http.client.HTTPResponse):
    """http.client takes the end of the stream for the end of the headers, and a status line
    without its line end for a whole one; here both are a receiver that never finished."""

    def __init__(self, sock, *args, **kwargs):
        super().__init__(sock, *args, **kwargs)
        self.fp = _LastLine(self.fp)

    def begin(self):
        super().begin()
        if self.fp.last not in (b"\r\n", b"\n"):
            raise http.client.RemoteDisconnected("The receiver closed its answer mid-headers.")


def _read_whole_body(response: http.client.HTTPResponse) -> None:
    """Read (and drop) the body to its announced end; IncompleteRead when it is cut short."""
    while response.read(64 * 1024):
        pass
    if response.length:  # read(amt) ends quietly at a close before the Content-Length
        raise http.client.IncompleteRead(b"", response.length)


def _exchange(raw, host, port, path, body, headers, settings: Settings, started: float) -> Answer:
    """TLS, the request and the answer, on a connected socket, within the read timeout."""
    raw.settimeout(settings.read_timeout)
    connection = http.client.HTTPSConnection(host, port)
    connection.response_class = _WholeHeadResponse
    with _Deadline(settings.read_timeout) as deadline:
        deadline.sock = raw
        try:
            try:
                connection.sock = settings.tls_context.wrap_socket(raw, server_hostname=host)
            except BaseException:
                raw.close()
                raise
            deadline.sock = connection.sock
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            answer = Answer(
                status=response.status,
                response_ms=_ms(started),
                retry_after=response.getheader("Retry-After"),
            )
            if answer.ok:
                try:
                    _read_whole_body(response)
                except http.client.IncompleteRead:
                    message = (
                        f"HTTP {response.status}, but the body ended before its announced end."
                    )
                    return Answer(response_ms=_ms(started), error=_cut(message))
            else:
                with contextlib.suppress(OSError, ValueError, http.client.HTTPException):
                    # A body that never comes still leaves the status to go by.
                    answer.error = _cut(response.read(READ_AT_MOST).decode("utf-8", "replace"))
            return answer
        except (OSError, ValueError, http.client.HTTPException) as error:
            if deadline.passed or isinstance(error, TimeoutError):
                message = f"No answer within {settings.read_timeout:g} s."
            else:
                message = _describe(error)
            return Answer(response_ms=_ms(started), error=_cut(message))
        finally:
            connection.close()


def _path(url: str) -> str:
    """The request target, with any character beyond ASCII percent-encoded."""
    parts = urlsplit(url.strip())
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return quote(target, safe="/?&=%:@!$'()*+,;-._~")


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _describe(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "Timed out."
    if isinstance(error, ConnectionRefusedError):
        return "Connection refused."
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS certificate not accepted: {error.verify_message}."
    return f"{type(error).__name__}: {error}".strip()


def _cut(text: str) -> str:
    return text[:EXCERPT]
