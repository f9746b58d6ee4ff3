"""Undo the interests a capture's edit page once wrote from the Python repr of its tags.

The page pre-filled the interests field with ``str(capture.tags)``, e.g.
``[<CaptureTag 4, Backend>, <CaptureTag 4, Go>]``; saving split that text at commas into the
tags ``[<CaptureTag 4``, ``Backend>`` and ``Go>]`` (``[]`` for a capture without tags), and
each further save wrapped those again (``Backend>>``, ``<CaptureTag 4``, ``[<CaptureTag 4>]``).
A capture carrying such a head, ``<CaptureTag`` and its own id, is repaired: the heads go,
the names lose the ``>`` and ``>]`` the repr added, and the result merges with its real tags.
A repaired capture has no head left, so running the repair again changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import or_, select

from ..dbtypes import utcnow
from ..extensions import db
from ..webhook import changes as webhooks
from .items import clean_tags
from .models import Capture, CaptureTag

#: What an empty tag list wrote.
EMPTY = "[]"
_HEAD = re.compile(r"\[?<CaptureTag (\d+)")
_TAIL = (">]", ">")


@dataclass
class Repair:
    capture: Capture
    before: list[str]
    after: list[str]


def _is_head(name: str, capture_id: int) -> bool:
    found = _HEAD.fullmatch(name)
    return found is not None and int(found.group(1)) == capture_id


def _is_written_by_the_repr(capture: Capture) -> bool:
    return any(t.name == EMPTY or _is_head(t.name, capture.id) for t in capture.tags)


def _unwrapped(name: str) -> str:
    while name.endswith(_TAIL):
        name = name.removesuffix(">]") if name.endswith(">]") else name.removesuffix(">")
    return name


def restored_names(capture: Capture) -> list[str]:
    """The interests the repr held, without what the repr added."""
    names = []
    for tag in capture.tags:
        name = _unwrapped(tag.name)
        if name and name != EMPTY and not _is_head(name, capture.id):
            names.append(name)
    return clean_tags(names)


def _suspects() -> list[Capture]:
    ids = select(CaptureTag.capture_id).where(
        or_(CaptureTag.name == EMPTY, CaptureTag.name.contains("<CaptureTag "))
    )
    found = db.session.scalars(select(Capture).where(Capture.id.in_(ids)).order_by(Capture.id))
    return [capture for capture in found if _is_written_by_the_repr(capture)]


def find() -> list[Repair]:
    """Every capture whose tags the repr wrote, with the tags it should have."""
    return [Repair(c, c.tag_names, restored_names(c)) for c in _suspects()]


def apply(repairs: list[Repair]) -> None:
    """Give each capture its restored tags, and tell the webhooks, which heard the wrong ones."""
    for repair in repairs:
        capture = repair.capture
        wanted = {name.casefold(): name for name in repair.after}
        kept = [t for t in capture.tags if wanted.get(t.key) == t.name]
        capture.tags = kept + [
            CaptureTag(name=name, key=key)
            for key, name in wanted.items()
            if key not in {t.key for t in kept}
        ]
        capture.updated_at = utcnow()
        db.session.flush()
        webhooks.capture_updated(capture)
