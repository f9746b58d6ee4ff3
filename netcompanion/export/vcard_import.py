"""Importing a .vcf into an event's captures or a follow-up list, with a report per card.

Into an event: each card becomes a capture by the importing member through
``capture.recording.record``, the path every scan takes, so matching, suggestions for doubtful
matches, the event's follow-up rules and webhooks apply exactly as for a card scanned at the
booth (source "vcard"). A card's client id is derived from the event and the card's content
(uuid5), so importing the same file again, or a later export that repeats some cards, records
each card once and reports the rest as already imported. ``record`` takes ``MAX_BATCH`` items a
call and commits each; the whole file is read and checked before the first call, so a malformed
file writes nothing, and an import cut short (a restart) is completed by importing the file again.

Into a list: each card is matched to a contact by the same rules (``contact.matching``) or
becomes a new contact, and joins the list through ``followup.service.add_entries``; possible
duplicates become suggestions, as for scans. One transaction: the caller commits.

Both: a card's further emails and phones are kept on its contact, a company or title that
differs is proposed in a note, and a list import keeps the card's note and categories there
(``import_keep``); the report says per card what was kept, added and left aside.

A dry run (the preview) reports what the import would do, writing nothing.
"""

from __future__ import annotations

import uuid

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..account.models import User
from ..attendee.csvimport import FIELDS
from ..capture import recording
from ..capture.models import Capture, CaptureReceipt, Contact
from ..contact import identity, matching
from ..contact.models import MatchReason, MatchSuggestion
from ..dbtypes import utcnow
from ..event.service import EventAccess
from ..exceptions import Rejected
from ..extensions import db
from ..followup import service as followups
from ..followup.models import FollowupList, ListEntry
from ..ids import new_public_id
from ..inserts import insert_skipping_duplicates
from . import import_restore
from .import_keep import Keeper
from .import_report import (
    ADDING,
    Report,
    Row,
    SeenInFile,
    Status,
    display,
    doubts_of,
    sort_out,
)
from .vcard_reading import Card

#: How a card was recognised by its UID (the report's reason).
SAME_UID = _l("Same card (its UID)")

#: Namespace of the client ids of imported cards (uuid5 of event and card content).
CLIENT_ID_NAMESPACE = uuid.UUID("6f1c2a8e-52a4-4d0b-9a57-0c6b1f7d3e21")


# Into an event's captures ---------------------------------------------------------------------


def client_id(ev: EventAccess, card: Card) -> str:
    return str(uuid.uuid5(CLIENT_ID_NAMESPACE, f"{ev.event.public_id}:{card.digest()}"))


def check_event(ev: EventAccess) -> None:
    if ev.booth is None:
        raise Rejected(_("Your company has no booth at this event. Join it as an exhibitor first."))


def into_event(user: User, ev: EventAccess, cards: list[Card], dry_run: bool = False) -> Report:
    """Capture every usable card at the event; commits (see the module docstring)."""
    check_event(ev)
    rows, usable = sort_out(cards)
    matches = matching.find(user.organization_id, [card.details for card in usable])
    known = identity.resolve(user.organization_id, {card.uid for card in usable if card.uid})
    if dry_run:
        rows += _predict_event(user, ev, usable, matches, known)
    else:
        rows += _record_event(user, ev, usable, matches, known)
    rows.sort(key=lambda row: row.card.number)
    return Report("event", dry_run, rows)


def _item(ev: EventAccess, card: Card, now: str, restored=None) -> dict:
    """The card as the scanner would upload it: a plain vCard 3.0 of the chosen details, which
    ``capture.cards`` reads back exactly, so the capture's source is "vcard" as for a scan."""
    details = card.details
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{_escaped(details['name'])}"]
    for key, name in _CARD_LINES:
        if details[key]:
            lines.append(f"{name}:{_escaped(details[key])}")
    item = {
        "client_id": client_id(ev, card),
        "event": ev.event.public_id,
        "captured_at": now,
        "vcard": "\r\n".join([*lines, "END:VCARD", ""]),
        "tags": card.tags,
        "note": card.note,
    }
    if restored is not None:
        item |= {"tags": restored.tags, "note": restored.note, "answers": restored.answers}
        item |= {"rating": restored.rating, "availability": restored.availability}
    return item


#: Details and the property that carries each; both URLs go in URL lines, LinkedIn's first.
_CARD_LINES = (
    ("email", "EMAIL"),
    ("phone", "TEL"),
    ("company", "ORG"),
    ("title", "TITLE"),
    ("linkedin_url", "URL"),
    ("website_url", "URL"),
)


def _escaped(text: str) -> str:
    """vCard 3.0 text escaping (RFC 2426), as vobject would write it, without its cost: a
    5,000-card import would spend seconds serialising cards only to read them back."""
    for char, escape in (("\\", "\\\\"), (",", "\\,"), (";", "\\;"), ("\n", "\\n")):
        text = text.replace(char, escape)
    return text


def _record_event(
    user: User, ev: EventAccess, usable: list[Card], matches, known: dict[str, Contact]
) -> list[Row]:
    now = utcnow().isoformat()
    restored = _restored(user.organization_id, ev, usable, known)
    items = [_item(ev, card, now, restored.get(card.number)) for card in usable]
    by_client = {
        item["client_id"]: known[card.uid].id
        for item, card in zip(items, usable, strict=True)
        if card.uid in known
    }
    outcomes = []
    for start in range(0, len(items), recording.MAX_BATCH):
        outcomes += recording.record(user, items[start : start + recording.MAX_BATCH], by_client)
    rows = []
    first_of_contact: dict[str, int] = {}
    first_of_capture: dict[str, int] = {}
    for card, match, outcome in zip(usable, matches, outcomes, strict=True):
        if outcome.status == "error":
            reasons = [outcome.error.message, *outcome.error.fields.values()]
            rows.append(Row(card, Status.SKIPPED, reason=" ".join(reasons)))
            continue
        summary = outcome.summary
        row = Row(card, Status.NEW, contact_id=summary["contact"], capture_id=summary["id"])
        if outcome.status == "already_synced":
            row.status = Status.ALREADY_IMPORTED
        elif summary["id"] in first_of_capture:
            row.status, row.same_as = Status.SAME_PERSON, first_of_capture[summary["id"]]
        elif outcome.status == "merged":
            row.status = Status.MERGED
        elif summary["contact"] in first_of_contact:
            row.status, row.same_as = Status.SAME_PERSON, first_of_contact[summary["contact"]]
        elif card.uid in known:
            row.status, row.reason = Status.MATCHED, SAME_UID
        elif match.contact is not None and match.contact.public_id == summary["contact"]:
            row.status, row.reason = Status.MATCHED, match.reason.label
        if row.status is not Status.ALREADY_IMPORTED:
            doubts = doubts_of(match, known.get(card.uid) or match.contact)
            row.doubts = [(o.public_id, display(o)) for o, _r in doubts]
        first_of_contact.setdefault(summary["contact"], card.number)
        first_of_capture.setdefault(summary["id"], card.number)
        rows.append(row)
    _remember(user.organization_id, [(row.card.uid, row.contact_id) for row in rows])
    _keep(user, rows, write=True)
    db.session.commit()
    return rows


def _keep(user: User, rows: list[Row], write: bool) -> None:
    """Each added card's further emails and phones, and its differing company and title
    (``import_keep``); ``write`` False for the preview."""
    rows = [row for row in rows if row.status in ADDING]
    ids = {row.contact_id for row in rows if row.contact_id}
    contacts = {}
    if ids:
        query = select(Contact).where(
            Contact.organization_id == user.organization_id, Contact.public_id.in_(ids)
        )
        contacts = {contact.public_id: contact for contact in db.session.scalars(query)}
    keeper = Keeper("event", user.id, list(contacts.values()))
    for row in rows:
        row.keep(keeper.card(row.card, contacts.get(row.contact_id), existed=True))
    if write:
        keeper.write()


def _restored(org_id: int, ev: EventAccess, usable: list[Card], known: dict) -> dict:
    """Card number → what our own card restores (``import_restore``), for our own cards."""
    own = [card for card in usable if card.ours]
    if not own:
        return {}
    records = import_restore.histories(org_id, [known[c.uid] for c in own if c.uid in known])
    questions = import_restore.questions_of(ev.event.id)
    return {
        card.number: import_restore.restore(
            card, records.get(known[card.uid].id) if card.uid in known else None, questions
        )
        for card in own
    }


def _remember(org_id: int, pairs: list[tuple[str, str | None]]) -> None:
    """Store the UIDs of the cards imported, with the contact (public id) each went to."""
    pairs = [(uid, contact) for uid, contact in pairs if uid and contact]
    if not pairs:
        return
    ids = dict(
        db.session.execute(
            select(Contact.public_id, Contact.id).where(
                Contact.organization_id == org_id,
                Contact.public_id.in_({contact for _uid, contact in pairs}),
            )
        ).all()
    )
    identity.remember(org_id, [(uid, ids.get(contact)) for uid, contact in pairs])


def _predict_event(
    user: User, ev: EventAccess, usable: list[Card], matches, identified: dict[str, Contact]
) -> list[Row]:
    org_id = user.organization_id
    ids = {client_id(ev, card): card for card in usable}
    imported = {
        client: (capture_id, contact_id)
        for client, capture_id, contact_id in db.session.execute(
            select(CaptureReceipt.client_id, Capture.public_id, Contact.public_id)
            .join(Capture, Capture.id == CaptureReceipt.capture_id)
            .join(Contact, Contact.id == Capture.contact_id)
            .where(CaptureReceipt.organization_id == org_id, CaptureReceipt.client_id.in_(ids))
        )
    }
    emails = {card.details["email"] for card in usable if card.details["email"]}
    at_event = _captures_at(org_id, ev, Capture.email, emails)
    met_here = _captures_at(
        org_id, ev, Capture.contact_id, {contact.id for contact in identified.values()}
    )
    seen = SeenInFile()
    by_uid: dict[str, int] = {}
    rows = []
    for card, match in zip(usable, matches, strict=True):
        keys = matching.keys_for(card.details)
        row = Row(card, Status.NEW)
        known = imported.get(client_id(ev, card))
        earlier = seen.find(card.details, keys)
        if known:
            row.status = Status.ALREADY_IMPORTED
            row.capture_id, row.contact_id = known
        elif card.details["email"] in at_event:
            row.status = Status.MERGED
            row.capture_id, row.contact_id = at_event[card.details["email"]]
        elif card.uid in by_uid:
            row.status, row.same_as = Status.SAME_PERSON, by_uid[card.uid]
        elif card.uid in identified and identified[card.uid].id in met_here:
            row.status = Status.MERGED
            row.capture_id, row.contact_id = met_here[identified[card.uid].id]
        elif card.uid in identified:
            row.status, row.reason = Status.MATCHED, SAME_UID
            row.contact_id = identified[card.uid].public_id
        elif earlier is not None:
            row.status, row.same_as = Status.SAME_PERSON, earlier[0]
        elif match.contact is not None:
            row.status, row.reason = Status.MATCHED, match.reason.label
            row.contact_id = match.contact.public_id
        if not known:
            person = identified.get(card.uid) or match.contact
            row.doubts = [(o.public_id, display(o)) for o, _r in doubts_of(match, person)]
            seen.add(card.details, keys, card.number, None)
            if card.uid:
                by_uid.setdefault(card.uid, card.number)
        rows.append(row)
    _keep(user, rows, write=False)
    return rows


def _captures_at(org_id: int, ev: EventAccess, column, values: set) -> dict:
    """``column``'s value → (capture, contact) public ids of a capture at the event with it."""
    if not values:
        return {}
    query = (
        select(column, Capture.public_id, Contact.public_id)
        .join(Contact, Contact.id == Capture.contact_id)
        .where(
            Capture.organization_id == org_id,
            Capture.event_id == ev.event.id,
            column.in_(values),
        )
        .order_by(Capture.id.desc())  # the oldest last: it wins, as when recording
    )
    return {row[0]: (row[1], row[2]) for row in db.session.execute(query)}


# Into a follow-up list ------------------------------------------------------------------------


def check_list(lst: FollowupList) -> None:
    if lst.archived_at is not None:
        raise Rejected(_("This list is archived. Unarchive it to add people."))


def into_list(user: User, lst: FollowupList, cards: list[Card], dry_run: bool = False) -> Report:
    """Add every usable card's person to the list; flushes, the caller commits."""
    check_list(lst)
    org_id = user.organization_id
    rows, usable = sort_out(cards)
    keys = [matching.keys_for(card.details) for card in usable]
    matches = matching.find(org_id, [card.details for card in usable], keys)
    known = identity.resolve(org_id, {card.uid for card in usable if card.uid})
    by_uid: dict[str, tuple[int, object]] = {}
    seen = SeenInFile()
    placed: list[tuple[Row, object]] = []
    suggestions: list[tuple[object, Contact, MatchReason]] = []
    for card, key, match in zip(usable, keys, matches, strict=True):
        row = Row(card, Status.NEW)
        contact = known.get(card.uid) or match.contact
        earlier = None
        if card.uid in by_uid and card.uid not in known:
            earlier = by_uid[card.uid]
        elif contact is None:
            earlier = seen.find(card.details, key)
        if contact is not None:
            row.status = Status.MATCHED
            row.reason = SAME_UID if card.uid in known else match.reason.label
            row.filled = _fill_gaps(contact, card.details, dry_run)
        elif earlier is not None:
            row.status, row.same_as = Status.SAME_PERSON, earlier[0]
            contact = earlier[1]
        elif not dry_run:
            contact = Contact(organization_id=org_id, **card.details)
            db.session.add(contact)
        doubts = doubts_of(match, contact)
        if match.contact is not None and match.contact is not contact:
            doubts.insert(0, (match.contact, match.reason))
        row.doubts = [(other.public_id, display(other)) for other, _r in doubts]
        suggestions += [(contact, other, reason) for other, reason in doubts]
        seen.add(card.details, key, card.number, contact)
        if card.uid:
            by_uid.setdefault(card.uid, (card.number, contact))
        placed.append((row, contact))
    if not dry_run:
        db.session.flush()
        _suggest(org_id, suggestions)
        identity.remember(
            org_id, [(row.card.uid, c.id) for row, c in placed if row.card.uid and c is not None]
        )
    present = _in_list(lst, [c.id for _row, c in placed if c is not None and c.id is not None])
    joining: list[int] = []
    for row, contact in placed:
        if contact is not None:
            row.contact_id = contact.public_id
        if row.status is Status.MATCHED and contact.id in present:
            row.status = Status.ALREADY_IN_LIST
        elif contact is not None and contact.id not in joining:
            joining.append(contact.id)
        rows.append(row)
    keeper = Keeper("list", user.id, [contact for _row, contact in placed])
    for row, contact in placed:
        existed = row.status in (Status.MATCHED, Status.ALREADY_IN_LIST)
        row.keep(keeper.card(row.card, contact, existed))
    if not dry_run:
        keeper.write()
        followups.add_entries(lst, followups.candidates_for_contacts(joining), user.id)
        db.session.flush()
    rows.sort(key=lambda row: row.card.number)
    return Report("list", dry_run, rows)


def _fill_gaps(contact: Contact, details: dict, dry_run: bool) -> list[str]:
    """Details the contact lacks, taken from the card; nothing the company knew is replaced."""
    filled = []
    for key, value in details.items():
        if value and not getattr(contact, key):
            filled.append(str(FIELDS[key]))
            if not dry_run:
                setattr(contact, key, value)
    return filled


def _in_list(lst: FollowupList, contact_ids: list[int]) -> set[int]:
    if not contact_ids:
        return set()
    query = select(ListEntry.contact_id).where(
        ListEntry.list_id == lst.id, ListEntry.contact_id.in_(contact_ids)
    )
    return set(db.session.scalars(query))


def _suggest(org_id: int, doubts: list[tuple[Contact, Contact, MatchReason]]) -> None:
    """Possible duplicates, for review: never merged silently (as ``recording`` does)."""
    rows = {}
    for contact, other, reason in doubts:
        if contact.id != other.id:
            rows.setdefault(
                (contact.id, other.id),
                {
                    "public_id": new_public_id(),
                    "organization_id": org_id,
                    "contact_id": contact.id,
                    "other_id": other.id,
                    "reason": reason,
                    "created_at": utcnow(),
                },
            )
    if rows:
        table = MatchSuggestion.__table__
        statement = insert_skipping_duplicates(table, ["contact_id", "other_id"])
        db.session.connection().execute(statement, list(rows.values()))
