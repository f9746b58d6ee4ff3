"""Cursor pagination for every list endpoint: ``?limit=`` and ``?cursor=``, answered with
``{"<items>": [...], "next": "<cursor>" | null}``.

A page is the rows after the previous page's last row in a fixed order whose last key is the
primary key, so pages never skip or repeat rows when ties share a sort value, and a deep page
costs what the first does (no OFFSET). The cursor carries the last row's sort values, which end
with its integer key, encrypted and authenticated (Fernet, with a key derived from the app's
secret) and named for its list: integer keys never leave the server readable, and a cursor that
was altered, made up, respelt (padding, alphabet, trailing bits) or taken from another list is
refused with 422 (field ``cursor``).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import Select, and_, false, or_

from .. import tokens as canonical
from ..extensions import db
from .inputs import Invalid

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True)
class Key:
    """One sort key: the column, how to read it from a row, and its direction.

    ``nullable`` keys sort their nulls last (what "nothing due" needs on a list's entries).
    """

    column: object
    get: Callable[[object], object]
    kind: type = int
    descending: bool = False
    nullable: bool = False

    def ordering(self):
        ordered = self.column.desc() if self.descending else self.column.asc()
        return ordered.nulls_last() if self.nullable else ordered

    def after(self, value):
        """Rows strictly after ``value`` on this key; None when nothing can follow (a null)."""
        if value is None:
            return None
        beyond = self.column < value if self.descending else self.column > value
        return or_(beyond, self.column.is_(None)) if self.nullable else beyond

    def same(self, value):
        return self.column.is_(None) if value is None else self.column == value


def _dump(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _load(kind: type, value):
    if value is None:
        return None
    if kind is datetime:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("naive instant")
        return parsed
    if kind is date:
        return date.fromisoformat(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError("wrong type")
    return value


def _fernet() -> Fernet:
    secret = current_app.config["SECRET_KEY"]
    digest = hashlib.sha256(b"netcompanion api cursor\0" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _bad_cursor() -> Invalid:
    return Invalid(_("This page link is damaged."), {"cursor": _("Not a cursor we issued.")})


def decode(name: str, keys: Sequence[Key], cursor: str) -> list:
    """The sort values a cursor of list ``name`` carries; 422 for anything we did not issue."""
    try:
        # Fernet decodes base64 leniently; only the spelling we issued names this page.
        canonical.urlsafe_b64(cursor, padded=True)
        named, values = json.loads(_fernet().decrypt(cursor.encode()))
        if named != name or not isinstance(values, list) or len(values) != len(keys):
            raise ValueError("another list's cursor")
        values = [_load(key.kind, value) for key, value in zip(keys, values, strict=True)]
    except (canonical.NotCanonical, InvalidToken, ValueError, TypeError, UnicodeError):
        raise _bad_cursor() from None
    if values[-1] is None:  # the last key is the primary key
        raise _bad_cursor()
    return values


def encode(name: str, keys: Sequence[Key], row) -> str:
    values = [_dump(key.get(row)) for key in keys]
    return _fernet().encrypt(json.dumps([name, values]).encode()).decode()


def after(keys: Sequence[Key], values: list):
    """Rows that come after ``values`` in the keys' order (a lexicographic comparison)."""
    alternatives = []
    for index, key in enumerate(keys):
        beyond = key.after(values[index])
        if beyond is None:
            continue
        same = [k.same(v) for k, v in zip(keys[:index], values[:index], strict=True)]
        alternatives.append(and_(*same, beyond))
    return or_(*alternatives) if alternatives else false()


def limit_arg(fields: dict) -> int:
    """``?limit=``: 1 to 200, 50 when absent; a reason in ``fields`` otherwise."""
    raw = request.args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    limit = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else 0
    if not 1 <= limit <= MAX_LIMIT:
        fields["limit"] = _("A number from 1 to %(limit)d.", limit=MAX_LIMIT)
        return DEFAULT_LIMIT
    return limit


@dataclass
class Page:
    rows: list
    next: str | None


def page(name: str, query: Select, keys: Sequence[Key], limit: int) -> Page:
    """One page of ``query`` in the keys' order, after ``?cursor=`` when given.

    Read ``limit + 1`` rows: the extra one only says whether another page follows.
    """
    cursor = request.args.get("cursor")
    query = query.order_by(None).order_by(*(key.ordering() for key in keys))
    if cursor:
        query = query.where(after(keys, decode(name, keys, cursor)))
    rows = list(db.session.scalars(query.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode(name, keys, rows[-1]) if more else None)
