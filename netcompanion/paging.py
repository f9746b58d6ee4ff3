"""Pages of a long, filtered list in one pass: the page's ids and the total together.

Counting the matches and reading one page of them are the same work twice when the filters
are subqueries: with 100,000 contacts each pass costs tens of milliseconds. Here the matches
are worked out once (a ``MATERIALIZED`` common table expression, so that PostgreSQL does not
trade it for a walk of the whole index in display order), then sorted, with
``count(*) OVER ()`` giving the total beside each id of the page. The page's rows then come
by primary key.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Select, func, select

from .extensions import db

#: The highest page number a list takes: far past any list's end, and small enough that its
#: OFFSET fits every database's integer (PostgreSQL refuses one beyond 64 bits).
MAX_PAGE = 100_000


def page_number(args) -> int:
    """``?page=`` as a page number from 1 to ``MAX_PAGE``: 1 when absent or not plain digits
    (``-1``, ``1e3``, full-width digits), ``MAX_PAGE`` when larger, whose page is empty or, on
    lists that show one, the last."""
    raw = args.get("page", "")
    if not (raw.isascii() and raw.isdigit()):
        return 1
    if len(raw) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(max(int(raw), 1), MAX_PAGE)


class IdPage:
    """What the ``pager`` macro needs, like Flask-SQLAlchemy's ``Pagination``.

    ``matches`` selects ``id`` and the sort keys of every match, unordered; ``order`` gives the
    display order from the matches' columns; ``load`` returns rows by id.
    """

    def __init__(
        self,
        matches: Select,
        order: Callable[[Any], list],
        load: Callable[[Sequence[int]], dict[int, Any]],
        page: int,
        per_page: int,
    ):
        found = matches.cte("matches").prefix_with("MATERIALIZED")
        self._ordered = select(found.c.id, func.count().over()).order_by(*order(found.c))
        self.per_page = per_page
        self.page = max(page, 1)
        rows = self._read(self.page)
        if rows:
            self.total = rows[0][1]
        else:  # past the end, or nothing matches: count, and show the last page
            self.total = db.session.scalar(select(func.count()).select_from(found))
            last = max(math.ceil(self.total / per_page), 1)
            if self.total and self.page > last:
                self.page = last
                rows = self._read(last)
        self.pages = max(math.ceil(self.total / per_page), 1)
        wanted = [row_id for row_id, _total in rows]
        loaded = load(wanted) if wanted else {}
        self.items = [loaded[row_id] for row_id in wanted if row_id in loaded]

    def _read(self, page: int) -> list[tuple[int, int]]:
        query = self._ordered.limit(self.per_page).offset((page - 1) * self.per_page)
        return [tuple(row) for row in db.session.execute(query)]

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
