"""Admins register webhook endpoints, read the delivery log and redeliver."""

from __future__ import annotations

from flask import Blueprint

from . import models  # noqa: F401  (registers the tables)

bp = Blueprint("webhooks", __name__)
