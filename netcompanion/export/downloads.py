"""An export as an HTTP download: streamed, private, named for any language."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import quote

from flask import Response, current_app, stream_with_context

from .service import Download

_NOT_PLAIN = re.compile(r"[^A-Za-z0-9 ._()-]+")


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and the real name in
    ``filename*`` (RFC 6266, RFC 5987), so "Müller.vcf" or "王芳.vcf" arrive intact."""
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    stem, dot, extension = plain.rpartition(".")
    stem = " ".join(_NOT_PLAIN.sub(" ", stem).split()) or "export"
    plain = f"{stem}{dot}{extension}"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


class ExportInterrupted(RuntimeError):
    """An export failed after its answer had started: the download ends incomplete."""


def respond(download: Download) -> Response:
    """Stream the export as it is written; the database session stays open until the end.

    The first chunk (up to 250 cards or 500 rows, and the queries that read them) is written
    before the answer starts, so the usual failures get the usual error answer: a page, or the
    API's JSON error, with the security headers. A failure after that cannot change the status
    already sent: it is logged, and the stream stops without its end (chunked transfer without
    its last chunk, a zip without its directory), which clients report as a failed download.
    """
    chunks = iter(download.chunks)
    first = b""
    for first in chunks:  # an empty chunk would not start the answer
        if first:
            break
    body = stream_with_context(_after(first, chunks, download.filename))
    response = Response(body, content_type=download.content_type)
    response.headers["Content-Disposition"] = content_disposition(download.filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _after(first: bytes, chunks: Iterator[bytes], filename: str) -> Iterator[bytes]:
    yield first
    try:
        yield from chunks
    except Exception as error:
        current_app.logger.exception("Export %s failed after it started; it ends here.", filename)
        raise ExportInterrupted(filename) from error
