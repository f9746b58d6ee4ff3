"""Changing a capture after the event: corrections to details and assessment, and more notes."""

from __future__ import annotations

from sqlalchemy import delete as delete_rows
from sqlalchemy import func, select

from ..account.models import User
from ..attendee.models import Availability
from ..dbtypes import utcnow
from ..extensions import db
from ..webhook import changes as webhooks
from . import items as checks
from .models import Capture, CaptureTag, Contact, Note, Rating


def update(
    capture: Capture, details: dict, rating: str, availability: str, tags: list[str], answers: dict
) -> bool:
    """Replace what the form shows; notes are not part of it and stay as they are.

    Returns whether anything changed: an untouched save neither dates the capture nor
    tells the webhooks, so integrations only hear of real edits.
    """
    wanted = {tag.casefold(): tag for tag in checks.clean_tags(tags)}
    values = {key: details.get(key, "") for key in checks.CONTACT_FIELDS}
    values["rating"] = Rating(rating) if rating else None
    values["availability"] = Availability(availability) if availability else None
    values["answers"] = answers
    kept = [t for t in capture.tags if t.key in wanted]
    added = [
        CaptureTag(name=name, key=key)
        for key, name in wanted.items()
        if key not in {t.key for t in capture.tags}
    ]
    changed = {key for key, value in values.items() if getattr(capture, key) != value}
    if not changed and not added and len(kept) == len(capture.tags):
        return False
    for key in changed:
        setattr(capture, key, values[key])
    capture.tags = kept + added
    capture.updated_at = utcnow()
    db.session.flush()
    webhooks.capture_updated(capture)
    return True


def add_note(capture: Capture, author: User, body: str) -> Note:
    note = Note(
        organization_id=capture.organization_id,
        capture_id=capture.id,
        author_id=author.id,
        body=body,
        written_at=utcnow(),
    )
    db.session.add(note)
    capture.updated_at = utcnow()
    db.session.flush()
    webhooks.capture_updated(capture)
    return note


def delete(capture: Capture) -> None:
    """Remove a capture with its notes and tags; its contact too when nothing else refers to it.

    Receipts go with it (cascade), so a device replaying that upload later would record it
    again: deleting is for mistakes and erasure requests, which a new scan rightly overrides.
    """
    contact_id = capture.contact_id
    db.session.delete(capture)
    db.session.flush()
    if not _still_known(contact_id):
        db.session.execute(delete_rows(Contact).where(Contact.id == contact_id))


def _still_known(contact_id: int) -> bool:
    """Whether the contact has other captures, list entries or touches: then it stays.
    (Erasing the person altogether is ``contact.erasure``.)"""
    from ..contact.models import Touch
    from ..followup.models import ListEntry

    for model in (Capture, ListEntry, Touch):
        found = select(func.count()).select_from(model).where(model.contact_id == contact_id)
        if db.session.scalar(found):
            return True
    return False
