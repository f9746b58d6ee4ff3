"""An export as an HTTP download: streamed, private, named for any language."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Response, stream_with_context

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


def respond(download: Download) -> Response:
    """Stream the export as it is written; the database session stays open until the end."""
    response = Response(stream_with_context(download.chunks), content_type=download.content_type)
    response.headers["Content-Disposition"] = content_disposition(download.filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response
