"""Admins create, see and revoke the company's API tokens."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api_tokens", __name__)
