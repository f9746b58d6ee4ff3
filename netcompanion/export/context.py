"""The context a CRM loses, as text: every encounter, its answers and notes, and the lists.

One wording serves the vCard NOTE and the CSV columns that carry notes (a Salesforce lead's
Description, Google's Notes, ...). Dates are ISO 8601 (2025-03-14): unambiguous in every
language and every CRM; each is the date at the event's place, where the meeting happened.
The labels are translated once per export, in the language of the person exporting.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ..attendee.models import Availability
from ..capture.models import CaptureSource, Rating
from .records import ContactRecord, Encounter, Membership


class Wording:
    """The export's labels, translated once (not per contact) in the current locale."""

    def __init__(self):
        self.met = _("Met at %(event)s on %(date)s")
        self.met_by = _("Met at %(event)s on %(date)s by %(recruiter)s")
        self.sources = {source: source.label for source in CaptureSource}
        self.ratings = {rating: rating.label for rating in Rating}
        self.availabilities = {a: a.label for a in Availability}
        self.rating = _("Rating")
        self.interests = _("Interests")
        self.availability = _("Availability")
        self.note_by = _("Note by %(author)s, %(date)s")
        self.note_self = _("Note from the person, %(date)s")
        self.lists = _("Lists")
        self.in_stage = _("%(list)s: %(stage)s")
        self.in_stage_due = _("%(list)s: %(stage)s, next due %(date)s")
        self.paused = _("paused")
        self.closed = _("closed")
        self.do_not_contact = _("Do not contact since %(date)s")
        self.unnamed = _("Unnamed contact")

    def encounter_heading(self, encounter: Encounter) -> str:
        values = {
            "event": encounter.event_name,
            "date": encounter.met_on.isoformat(),
            "recruiter": encounter.recruiter,
        }
        heading = (self.met_by if encounter.recruiter else self.met) % values
        return f"{heading} ({self.sources[encounter.source]})"

    def note_heading(self, author: str, written_on: date) -> str:
        values = {"author": author, "date": written_on.isoformat()}
        return (self.note_by if author else self.note_self) % values

    def membership(self, entry: Membership) -> str:
        values = {"list": entry.list_name, "stage": entry.stage}
        if entry.next_due_on:
            values["date"] = entry.next_due_on.isoformat()
            text = self.in_stage_due % values
        else:
            text = self.in_stage % values
        if entry.state.value == "paused":
            text += f" ({self.paused})"
        elif entry.state.value == "closed":
            text += f" ({self.closed})"
        return text

    def display_name(self, record: ContactRecord) -> str:
        return record.name.strip() or record.email or record.company or self.unnamed


def encounter_lines(encounter: Encounter, wording: Wording, notes: bool = True) -> list[str]:
    """One encounter: heading, rating, interests, availability, answers, then its notes."""
    lines = [wording.encounter_heading(encounter)]
    if encounter.rating:
        lines.append(f"{wording.rating}: {wording.ratings[encounter.rating]}")
    if encounter.tags:
        lines.append(f"{wording.interests}: {', '.join(encounter.tags)}")
    if encounter.availability:
        lines.append(f"{wording.availability}: {wording.availabilities[encounter.availability]}")
    lines.extend(f"{prompt}: {answer}" for prompt, answer in encounter.answers)
    if notes:
        lines.extend(note_lines(encounter, wording))
    return lines


def note_lines(encounter: Encounter, wording: Wording) -> list[str]:
    return [
        f"{wording.note_heading(note.author, note.written_on)}: {note.body}"
        for note in encounter.notes
    ]


def context_note(record: ContactRecord, wording: Wording) -> str:
    """Everything about the person a CRM would lose: the vCard NOTE, a lead's description.

    Encounters latest first, separated by a blank line; then the lists; then a do-not-contact
    mark, so whoever imports it sees it.
    """
    blocks = ["\n".join(encounter_lines(e, wording)) for e in record.encounters]
    if record.lists:
        blocks.append(f"{wording.lists}: " + "; ".join(wording.membership(m) for m in record.lists))
    if record.do_not_contact_at:
        mark = wording.do_not_contact % {"date": record.do_not_contact_at.date().isoformat()}
        if record.do_not_contact_reason:
            mark += f": {record.do_not_contact_reason}"
        blocks.append(mark)
    return "\n\n".join(blocks)


def categories(record: ContactRecord) -> list[str]:
    """Interests and list names, once each whatever the case: a card's CATEGORIES."""
    seen: dict[str, str] = {}
    for name in (*record.tags, *(m.list_name for m in record.lists)):
        name = name.strip()
        if name:
            seen.setdefault(name.casefold(), name)
    return list(seen.values())
