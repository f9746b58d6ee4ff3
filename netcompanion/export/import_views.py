"""Upload a .vcf into an event's captures or a follow-up list, and read the report."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("vcard_import", __name__)
