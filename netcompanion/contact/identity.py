"""A card's UID as the person's identity across imports.

Rules, checked before any other match (``contact.matching``):
- a UID this company's export issued (``export.cards.contact_uid``: a UUID 5 of the company's and
  the contact's public ids) is that contact;
- any other UID seen in an earlier import (a phone's, a CRM's, another company's export) is the
  contact that import made or matched (:class:`ContactUid`, unique per company).
A contact merged into another answers as the survivor. A contact erased takes its UIDs with it,
so its card, imported again, is a new person.
"""

from __future__ import annotations

from sqlalchemy import select

from ..account.models import Organization
from ..capture.models import Contact
from ..dbtypes import utcnow
from ..extensions import db
from ..inserts import insert_skipping_duplicates
from .models import ContactUid

#: The longest UID kept; a longer one is no identity anyone else would repeat.
MAX_UID = 255


def usable(uid: str) -> str:
    """The UID as stored, or "" when it cannot identify anyone."""
    uid = (uid or "").strip()
    return uid if 0 < len(uid) <= MAX_UID else ""


def resolve(org_id: int, uids: set[str]) -> dict[str, Contact]:
    """UID → the company's live contact it identifies, for the UIDs that identify one."""
    uids = {uid for uid in map(usable, uids) if uid}
    if not uids:
        return {}
    found: dict[str, int] = dict(
        db.session.execute(
            select(ContactUid.uid, ContactUid.contact_id).where(
                ContactUid.organization_id == org_id, ContactUid.uid.in_(uids)
            )
        ).all()
    )
    missing = {uid for uid in uids - found.keys() if uid.lower().startswith("urn:uuid:")}
    if missing:
        found |= _issued(org_id, missing)
    return _live(org_id, found)


def _issued(org_id: int, uids: set[str]) -> dict[str, int]:
    """UIDs our export gave the company's contacts. A UUID 5 cannot be read back, so the
    company's ids are hashed again: about a second per million contacts, and only for cards
    whose UID no import has stored yet."""
    from ..export.cards import contact_uid  # the writer owns the rule

    org_public_id = db.session.scalar(
        select(Organization.public_id).where(Organization.id == org_id)
    )
    wanted = {uid.lower() for uid in uids}
    found = {}
    rows = db.session.execute(
        select(Contact.id, Contact.public_id).where(Contact.organization_id == org_id)
    )
    for contact_id, public_id in rows:
        uid = contact_uid(org_public_id, public_id)
        if uid in wanted:
            found[uid] = contact_id
    return {uid: found[uid.lower()] for uid in uids if uid.lower() in found}


def _live(org_id: int, found: dict[str, int]) -> dict[str, Contact]:
    """Follow merges to the surviving contact."""
    contacts = {}
    ids = set(found.values())
    while ids:
        query = select(Contact).where(Contact.organization_id == org_id, Contact.id.in_(ids))
        loaded = {contact.id: contact for contact in db.session.scalars(query)}
        contacts |= loaded
        ids = {c.merged_into_id for c in loaded.values() if c.merged_into_id} - contacts.keys()
    out = {}
    for uid, contact_id in found.items():
        contact, hops = contacts.get(contact_id), 0
        while contact is not None and contact.merged_into_id and hops < 50:
            contact, hops = contacts.get(contact.merged_into_id), hops + 1
        if contact is not None and contact.merged_into_id is None:
            out[uid] = contact
    return out


def remember(org_id: int, pairs: list[tuple[str, int]]) -> None:
    """Store (UID, contact id) pairs; a UID stored already keeps its contact."""
    rows = {}
    for uid, contact_id in pairs:
        uid = usable(uid)
        if uid and contact_id:
            rows.setdefault(uid, {"organization_id": org_id, "uid": uid, "contact_id": contact_id})
    if rows:
        now = utcnow()
        statement = insert_skipping_duplicates(ContactUid.__table__, ["organization_id", "uid"])
        db.session.connection().execute(
            statement, [row | {"created_at": now} for row in rows.values()]
        )
