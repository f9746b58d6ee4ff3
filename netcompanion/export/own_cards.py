"""Our own cards: what marks a vCard as one NetCompanion wrote, and how an import reads it back.

A card is ours when its PRODID is ``PRODID``. vCard requires FN, so a contact without a name is
exported with another detail as its FN (its email, else its phone, company, LinkedIn or website
address, else "Unnamed contact"), and that FN carries the parameter ``FN_PLACEHOLDER`` whose
value names the property the text comes from, with an empty N::

    FN;X-NETCOMPANION-PLACEHOLDER=EMAIL:zoe@example.org
    N:;;;;

A parameter rather than a property of its own, so the mark travels with the value: an address
book that lets someone type a real name over it rewrites the FN line, and the mark goes with
the old text instead of staying behind to label the new name. Such a placeholder is never read
back as a name, nor is "Unnamed contact" (in any of our languages) or the company on our own
cards (written before the mark), nor, on any card, an FN that is one of the card's own email
addresses or phone numbers: phones write that too.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..attendee.models import Availability
from ..capture.models import Rating
from .context import Wording

PRODID = "-//NetCompanion//Contact export//EN"

#: Parameter on FN when FN is not a name: the contact has none.
FN_PLACEHOLDER = "X-NETCOMPANION-PLACEHOLDER"
#: Values of ``FN_PLACEHOLDER``: the property FN's text comes from, "NONE" for the wording
#: "Unnamed contact" (a contact with no detail that could stand in).
FN_PLACEHOLDER_SOURCES = frozenset({"EMAIL", "TEL", "ORG", "URL", "NONE"})


def is_ours(prodid: str) -> bool:
    return prodid.strip() == PRODID


def _in_every_language(message: str) -> frozenset[str]:
    return _translations(message, tuple(current_app.config["LANGUAGES"]))


@functools.lru_cache(maxsize=64)
def _translations(message: str, languages: tuple[str, ...]) -> frozenset[str]:
    found = {message}
    for language in languages:
        with force_locale(language):
            found.add(_(message))
    return frozenset(found)


def placeholder_name(name: str, ours: bool, written: list[str], company: str) -> bool:
    """Whether FN is a stand-in for a missing name rather than the person's name.

    ``written``: the card's email addresses and phone numbers as written.
    """
    if not name:
        return False
    folded = name.strip().casefold()
    if folded in {value.strip().casefold() for value in written if value.strip()}:
        return True
    if not ours:
        return False
    unnamed = {text.casefold() for text in _in_every_language("Unnamed contact")}
    return folded in unnamed or (bool(company) and folded == company.strip().casefold())


# Our own NOTE ---------------------------------------------------------------------------------


@dataclass
class Block:
    """One encounter as the writer's NOTE lays it out (``context.encounter_lines``)."""

    event: str
    met_on: str
    lines: list[str] = field(default_factory=list)
    rating: Rating | None = None
    availability: Availability | None = None
    tags: list[str] = field(default_factory=list)
    #: (prompt, answer) in the order written.
    answers: list[tuple[str, str]] = field(default_factory=list)
    #: Each note as written, heading included ("Note by Ana, 2025-03-14: …").
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class OwnNote:
    blocks: list[Block]
    #: The list names of the "Lists:" line.
    lists: list[str]
    #: Whatever else the NOTE holds (a do-not-contact mark, text added by someone else).
    rest: str


class _Layout:
    """The writer's labels in one language, as patterns."""

    def __init__(self):
        wording = Wording()
        sources = "|".join(re.escape(label) for label in wording.sources.values())

        def heading(template: str) -> str:
            pattern = re.escape(template)
            for name, group in (
                ("event", r"(?P<event>.+?)"),
                ("date", r"(?P<date>\d{4}-\d{2}-\d{2})"),
                ("recruiter", r"(?P<recruiter>.+)"),
                ("author", r"(?P<author>.+?)"),
                ("date", r"\d{4}-\d{2}-\d{2}"),
            ):
                pattern = pattern.replace(re.escape(f"%({name})s"), group)
            return pattern

        self.met_patterns = [
            re.compile(f"^{heading(template)} \\((?:{sources})\\)$")
            for template in (wording.met_by, wording.met)
        ]
        self.note = [
            re.compile(f"^{heading(template)}: ", re.DOTALL)
            for template in (wording.note_by, wording.note_self)
        ]
        self.ratings = {str(label): rating for rating, label in wording.ratings.items()}
        self.availabilities = {str(label): a for a, label in wording.availabilities.items()}
        self.rating = f"{wording.rating}: "
        self.interests = f"{wording.interests}: "
        self.availability = f"{wording.availability}: "
        self.lists = f"{wording.lists}: "
        self.do_not_contact = re.compile("^" + heading(wording.do_not_contact))

    def heading(self, line: str):
        for pattern in self.met_patterns:
            found = pattern.match(line)
            if found:
                return found
        return None

    def is_note(self, line: str) -> bool:
        return any(pattern.match(line) for pattern in self.note)

    def read(self, text: str) -> OwnNote | None:
        """The NOTE's parts, or None when it does not start as the writer starts one."""
        lines = text.replace("\r\n", "\n").split("\n")
        if not lines or not (self.heading(lines[0]) or lines[0].startswith(self.lists)):
            return None
        note = OwnNote([], [], "")
        rest: list[str] = []
        block: Block | None = None
        in_note = False
        previous = None
        for line in lines:
            found = self.heading(line)
            after_blank = previous == ""
            previous = line
            if found:
                block = Block(found.group("event"), found.group("date"), [line])
                note.blocks.append(block)
                in_note = False
            elif line.startswith(self.lists) and (not in_note or after_blank):
                names = line[len(self.lists) :].split("; ")
                note.lists += [name.rsplit(": ", 1)[0] for name in names]
                block = None
            elif block is None or (in_note and after_blank and self.do_not_contact.match(line)):
                block = None
                rest.append(line)
            elif self.is_note(line):
                block.lines.append(line)
                block.notes.append(line)
                in_note = True
            elif in_note:
                block.lines.append(line)
                block.notes[-1] += "\n" + line
            elif not line:
                block = None
            else:
                block.lines.append(line)
                self._detail(block, line)
        for block in note.blocks:  # the blank line that separates blocks is no part of a note
            while block.lines and not block.lines[-1]:
                block.lines.pop()
            if block.notes:
                block.notes[-1] = block.notes[-1].rstrip("\n")
        note.rest = "\n".join(rest).strip()
        return note

    def _detail(self, block: Block, line: str) -> None:
        if line.startswith(self.rating) and line[len(self.rating) :] in self.ratings:
            block.rating = self.ratings[line[len(self.rating) :]]
        elif line.startswith(self.availability) and (
            line[len(self.availability) :] in self.availabilities
        ):
            block.availability = self.availabilities[line[len(self.availability) :]]
        elif line.startswith(self.interests):
            block.tags = line[len(self.interests) :].split(", ")
        elif ": " in line:
            prompt, answer = line.split(": ", 1)
            block.answers.append((prompt, answer))


def read_note(text: str) -> OwnNote | None:
    """Our own NOTE, read in whichever of our languages it was written; None if it is not."""
    if not text:
        return None
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            found = _layouts(language).read(text)
        if found is not None:
            return found
    return None


@functools.lru_cache(maxsize=16)
def _layouts(language: str) -> _Layout:
    return _Layout()
