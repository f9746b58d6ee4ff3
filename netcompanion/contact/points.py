"""A contact's further emails and phones (``ContactPoint``): their match keys, and adding them.

A point is kept once per contact, kind and key: the address lower-cased, the number's E.164
digits (``matching.phone_key``), else the number as written. A value equal to the contact's own
email or phone is not a further one.
"""

from __future__ import annotations

from sqlalchemy import select

from ..capture.models import Contact
from ..dbtypes import utcnow
from ..extensions import db
from ..inserts import insert_skipping_duplicates
from .matching import phone_key
from .models import ContactPoint, PointKind


def point_key(kind: str, value: str) -> str:
    value = (value or "").strip()
    if kind == PointKind.EMAIL:
        return value.lower()
    return phone_key(value) or value.casefold()


def primary_key(contact, kind: str) -> str:
    """The key of the contact's own email or phone."""
    return point_key(kind, contact.email if kind == PointKind.EMAIL else contact.phone)


def existing(contact_ids: set[int]) -> dict[int, set[tuple[str, str]]]:
    """Contact id → its points' (kind, key)."""
    found: dict[int, set[tuple[str, str]]] = {cid: set() for cid in contact_ids}
    if contact_ids:
        query = select(ContactPoint.contact_id, ContactPoint.kind, ContactPoint.key).where(
            ContactPoint.contact_id.in_(contact_ids)
        )
        for contact_id, kind, key in db.session.execute(query):
            found[contact_id].add((str(kind), key))
    return found


def row(contact: Contact, kind: str, value: str, label: str) -> dict:
    return {
        "organization_id": contact.organization_id,
        "contact_id": contact.id,
        "kind": PointKind(kind),
        "value": value[:254],
        "key": point_key(kind, value)[:254],
        "label": label,
        "created_at": utcnow(),
    }


def insert(rows: list[dict]) -> None:
    """Add these points; one another request added meanwhile is there once."""
    if rows:
        table = ContactPoint.__table__
        statement = insert_skipping_duplicates(table, ["contact_id", "kind", "key"])
        db.session.connection().execute(statement, rows)
