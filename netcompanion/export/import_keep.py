"""What an imported card brings to a contact it matched, beyond filling gaps; both imports.

- Every email and phone of the card that is not the contact's own becomes one of its further
  emails and phones (``ContactPoint``), with the card's TYPE: the card's preferred number too,
  when the contact has another; the contact's own is never replaced.
- A company or job title that differs from the contact's is not applied: it is written in a
  note on the contact (``ContactNote``) for a person to decide, and the contact's is kept.
- Into a list, which has no capture for the card's note and categories: the NOTE, CATEGORIES
  and further web addresses go into that note too. Our own export's NOTE and CATEGORIES repeat
  the history of a contact the company has: they are left aside for a contact that existed.
One note per card and contact (by the card's digest): importing the card again adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..capture.models import Contact
from ..contact import points
from ..contact.models import ContactNote, PointKind
from ..dbtypes import utcnow
from ..extensions import db
from ..ids import new_public_id
from ..inserts import insert_skipping_duplicates
from .vcard_reading import Card

#: The details a card may disagree on; the contact's stay, the card's go into the note.
PROPOSED = ("company", "title")


@dataclass
class Kept:
    """What one card kept, added and left aside, as the report says it."""

    kept: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    left_aside: list[str] = field(default_factory=list)


class Keeper:
    """Decide for each card and its contact; write (unless a dry run) at ``write``."""

    def __init__(self, into: str, user_id: int | None, contacts: list[Contact | None]):
        self.into = into
        self.user_id = user_id
        ids = {c.id for c in contacts if c is not None and c.id is not None}
        self.points = points.existing(ids)
        self.digests = _note_digests(ids)
        self.point_rows: list[dict] = []
        self.note_rows: list[dict] = []

    def card(self, card: Card, contact: Contact | None, existed: bool) -> Kept:
        """``contact``: None for a contact the import would create; ``existed``: it was there
        before this import (its note and categories are then not repeated from our cards)."""
        kept = Kept()
        have = self.points.setdefault(contact.id if contact is not None else id(card), set())
        proposals = self._proposals(card, contact, kept)
        self._points(card, contact, have, kept)
        text = Kept()
        parts = [proposals] if proposals else []
        if self.into == "list":
            parts += self._text(card, existed, text)
        kept.left_aside += text.left_aside
        digest = card.digest()
        key = contact.id if contact is not None else id(card)
        if parts and (key, digest) not in self.digests:  # else the note is there already
            self.digests.add((key, digest))
            kept.added += text.added
            if contact is not None and contact.id is not None:
                self.note_rows.append(self._note(contact, digest, "\n\n".join(parts)))
        return kept

    def _proposals(self, card: Card, contact: Contact | None, kept: Kept) -> str:
        differ = []
        for key in PROPOSED:
            theirs = getattr(contact, key) if contact is not None else ""
            ours = card.details[key]
            if theirs and ours and theirs.casefold() != ours.casefold():
                differ.append((key, ours, theirs))
                kept.kept.append(_("%(field)s %(value)s kept", field=_field(key), value=theirs))
                kept.left_aside.append(
                    _(
                        "%(field)s %(value)s not applied: differs from %(kept)s, see the "
                        "contact's notes",
                        field=_field(key),
                        value=ours,
                        kept=theirs,
                    )
                )
        if not differ:
            return ""
        gives = ", ".join(f"{_field(key)} {ours}" for key, ours, _t in differ)
        keeps = ", ".join(theirs for _k, _o, theirs in differ)
        return _(
            "Card imported on %(date)s gives %(gives)s (kept: %(kept)s).",
            date=utcnow().date().isoformat(),
            gives=gives,
            kept=keeps,
        )

    def _points(self, card: Card, contact: Contact | None, have: set, kept: Kept) -> None:
        primary = {}
        for kind in PointKind:
            own = points.primary_key(contact, kind) if contact is not None else ""
            primary[kind.value] = own or next(
                (points.point_key(k, v) for k, v, _l in card.points if k == kind.value), ""
            )
        for kind, value, label in card.points:
            key = points.point_key(kind, value)
            if not key or key == primary[kind] or (kind, key) in have:
                continue
            have.add((kind, key))
            if contact is not None and contact.id is not None:
                self.point_rows.append(points.row(contact, kind, value, label))
            text = _("%(field)s %(value)s added", field=PointKind(kind).label, value=value)
            if "pref" in label.split(",") and contact is not None:
                mine = contact.email if kind == PointKind.EMAIL else contact.phone
                if mine:
                    text = _(
                        "%(field)s %(value)s (preferred on the card) added; the contact's "
                        "%(mine)s stays first",
                        field=PointKind(kind).label,
                        value=value,
                        mine=mine,
                    )
            kept.added.append(text)

    def _text(self, card: Card, existed: bool, kept: Kept) -> list[str]:
        notes, _emails, _phones, others = card.content
        notes = [n for n in notes if n]
        if card.ours and existed:
            if notes or card.tags:
                kept.left_aside.append(
                    _("The note and categories of our own export: this contact's history is here")
                )
            return []
        parts = list(notes)
        if card.tags:
            parts.append(_("Categories on the card: %(list)s", list=", ".join(card.tags)))
        if others:
            parts.append(_("Other web addresses on the card: %(list)s", list=", ".join(others)))
        if notes:
            kept.added.append(_("the card's note added to the contact's notes"))
        if card.tags:
            kept.added.append(
                _("categories %(list)s added to the contact's notes", list=", ".join(card.tags))
            )
        if others:
            kept.added.append(_("other web addresses added to the contact's notes"))
        return parts

    def _note(self, contact: Contact, digest: str, body: str) -> dict:
        return {
            "public_id": new_public_id(),
            "organization_id": contact.organization_id,
            "contact_id": contact.id,
            "author_id": self.user_id,
            "body": body,
            "card_digest": digest,
            "created_at": utcnow(),
        }

    def write(self) -> None:
        points.insert(self.point_rows)
        if self.note_rows:
            table = ContactNote.__table__
            statement = insert_skipping_duplicates(table, ["contact_id", "card_digest"])
            db.session.connection().execute(statement, self.note_rows)
        self.point_rows, self.note_rows = [], []


def _field(key: str) -> str:
    return {"company": _("company"), "title": _("title")}[key]


def _note_digests(contact_ids: set[int]) -> set[tuple[int, str]]:
    if not contact_ids:
        return set()
    query = select(ContactNote.contact_id, ContactNote.card_digest).where(
        ContactNote.contact_id.in_(contact_ids), ContactNote.card_digest.is_not(None)
    )
    return {(contact_id, digest) for contact_id, digest in db.session.execute(query)}
