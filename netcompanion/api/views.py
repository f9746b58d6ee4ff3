"""The integrations API's resources under /api/v1/, for company API tokens and sessions alike."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
