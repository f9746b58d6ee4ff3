"""The exports through the API, streamed like the downloads."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("export_api", __name__, url_prefix="/api/v1/exports")
