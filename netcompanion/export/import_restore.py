"""Our own export read back: what its NOTE and CATEGORIES hold, as fields, never twice.

A card our export wrote (``own_cards``) carries the person's encounters in its NOTE and their
interests and list names in CATEGORIES. Imported into an event:
- an encounter the contact already has (same event, same date) is left out: it is there;
- of the others, the latest one's rating and availability become the new capture's, its answers
  the answers of the event's questions with the same prompt, its interests interests; what has
  no field (the heading, other answers, the notes with their authors and dates) stays text in
  the capture's note;
- list names are not interests (the lists are the company's own, or another company's);
- a note the contact already has is not written again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..capture.models import Contact, EventQuestion, QuestionKind
from ..extensions import db
from .own_cards import Block
from .records import ContactRecord, Reader
from .vcard_reading import Card


@dataclass
class Restored:
    note: str = ""
    rating: str | None = None
    availability: str | None = None
    #: Question public id → answer, as the capture item takes them.
    answers: dict = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    #: Encounters left out because the contact has them: "Event, date".
    known: list[str] = field(default_factory=list)


def histories(org_id: int, contacts: list[Contact]) -> dict[int, ContactRecord]:
    """What the company knows of these contacts: encounters, notes, lists (the export's read)."""
    ids = {contact.id for contact in contacts}
    if not ids:
        return {}
    reader = Reader(org_id)
    return {
        record.id: record
        for record in reader.contacts(
            select(Contact).where(Contact.organization_id == org_id, Contact.id.in_(ids))
        )
    }


def questions_of(event_id: int) -> dict[str, EventQuestion]:
    query = select(EventQuestion).where(EventQuestion.event_id == event_id)
    return {question.prompt: question for question in db.session.scalars(query)}


def restore(card: Card, record: ContactRecord | None, questions: dict) -> Restored:
    """The new capture's fields and note from one of our cards; see the module docstring."""
    own = card.own
    out = Restored(tags=list(card.tags))
    lists = {name.casefold() for name in own.lists} if own else set()
    had_tags: set[str] = set()
    had_notes: set[str] = set()
    met: set[tuple[str, str]] = set()
    if record is not None:
        had_tags = {tag.casefold() for tag in record.tags}
        lists |= {m.list_name.casefold() for m in record.lists}
        met = {(e.event_name, e.met_on.isoformat()) for e in record.encounters}
        had_notes = {n.body for e in record.encounters for n in e.notes}
    out.tags = [t for t in card.tags if t.casefold() not in lists | had_tags]
    if own is None:
        out.note = card.note if card.note not in had_notes else ""
        return out
    texts = []
    fresh: list[Block] = []
    for block in own.blocks:
        if (block.event, block.met_on) in met:
            out.known.append(f"{block.event}, {block.met_on}")
        else:
            fresh.append(block)
    if fresh:
        latest, as_fields = fresh[0], set()
        first_note = latest.lines.index(latest.notes[0].split("\n")[0]) if latest.notes else None
        details = latest.lines[1:first_note]
        for line in details:
            if latest.rating and line.endswith(f": {latest.rating.label}"):
                out.rating = latest.rating.value
                as_fields.add(line)
            elif latest.availability and line.endswith(f": {latest.availability.label}"):
                out.availability = latest.availability.value
                as_fields.add(line)
            elif latest.tags and line.endswith(": " + ", ".join(latest.tags)):
                as_fields.add(line)  # the interests, which CATEGORIES carry
        for prompt, answer in latest.answers:
            question = questions.get(prompt)
            if question is not None and _fits(question, answer):
                multiple = question.kind is QuestionKind.MULTIPLE
                out.answers[question.public_id] = answer.split(", ") if multiple else answer
                as_fields.add(f"{prompt}: {answer}")
        kept = [line for line in details if line not in as_fields]
        texts.append("\n".join([latest.lines[0], *kept, *latest.lines[1 + len(details) :]]))
        texts += [block.text for block in fresh[1:]]
    if own.rest:
        texts.append(own.rest)
    if card.extras:
        texts.append(card.extras)
    note = "\n\n".join(text for text in texts if text)
    out.note = note if note not in had_notes else ""
    return out


def _fits(question: EventQuestion, answer: str) -> bool:
    if question.kind is QuestionKind.TEXT:
        return True
    chosen = answer.split(", ") if question.kind is QuestionKind.MULTIPLE else [answer]
    return all(choice in question.options for choice in chosen)
