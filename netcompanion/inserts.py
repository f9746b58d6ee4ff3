"""Bulk inserts that skip rows a unique constraint already holds, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Insert, Table
from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db


def insert_skipping_duplicates(table: Table, unique_columns: list[str]) -> Insert:
    """``INSERT … ON CONFLICT (columns) DO NOTHING``: two requests adding the same row at the
    same moment both succeed, and the row exists once."""
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing(index_elements=unique_columns)
