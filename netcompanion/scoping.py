"""The one way views read company-owned rows.

Rule: every row that belongs to a company carries ``organization_id``, and every query a view
runs starts from :func:`scoped` (or a service built on it). Asking for another company's row by
its public id therefore finds nothing and answers 404, the same as an id that never existed, so
nothing leaks, not even existence. ``tests/test_isolation_sweep.py`` checks every route.
"""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select

from .extensions import db

M = TypeVar("M")


def current_org_id() -> int:
    """Return the signed-in user's organization id; 401 when nobody is signed in."""
    if not current_user.is_authenticated:
        abort(401)
    return current_user.organization_id


def scoped(model: type[M], org_id: int | None = None) -> Select[tuple[M]]:
    """Select ``model`` rows owned by ``org_id`` (default: the signed-in user's company)."""
    if org_id is None:
        org_id = current_org_id()
    return select(model).where(model.organization_id == org_id)


def get_or_404(model: type[M], public_id: str, org_id: int | None = None) -> M:
    """Return the company's ``model`` row with this public id, or answer 404."""
    row = db.session.scalars(scoped(model, org_id).where(model.public_id == public_id)).first()
    if row is None:
        abort(404)
    return row
