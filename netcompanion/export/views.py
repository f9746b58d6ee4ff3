"""Downloads: vCards (one, a .vcf of many, a .zip of one per file) and CSV for CRMs."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("export", __name__)
