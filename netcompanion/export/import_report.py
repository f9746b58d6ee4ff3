"""What an import does to each card, for the preview and the report; shared by both imports.

Also the rules both imports apply before matching: unusable cards and repeats of an earlier card
are skipped, and a later card of a person met earlier in the file is that person again.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _

from ..capture.models import Contact
from ..contact import matching
from ..contact.models import MatchReason
from .vcard_reading import Card


class Status(enum.StrEnum):
    NEW = "new"
    MATCHED = "matched"
    MERGED = "merged"
    SAME_PERSON = "same_person"
    ALREADY_IMPORTED = "already_imported"
    ALREADY_IN_LIST = "already_in_list"
    SAME_CARD = "same_card"
    SKIPPED = "skipped"


#: Statuses that add someone: to the event's captures, or to the list.
ADDING = (Status.NEW, Status.MATCHED, Status.MERGED, Status.SAME_PERSON)


@dataclass
class Row:
    """What happened (or, in a dry run, would happen) to one card."""

    card: Card
    status: Status
    #: Why a card is skipped; how an existing contact was recognised.
    reason: str = ""
    #: The earlier card of the file with the same person or the same content.
    same_as: int | None = None
    contact_id: str | None = None
    capture_id: str | None = None
    #: Other contacts that may be the same person, offered for review: (public id, name).
    doubts: list[tuple[str, str]] = field(default_factory=list)
    #: Details the card added to an existing contact that lacked them (field labels).
    filled: list[str] = field(default_factory=list)
    #: What the card kept of the contact, added to it, and left aside (``import_keep``).
    kept: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    left_aside: list[str] = field(default_factory=list)

    def keep(self, kept) -> None:
        self.kept, self.added, self.left_aside = kept.kept, kept.added, kept.left_aside


@dataclass
class Report:
    into: str  # "event" or "list"
    dry_run: bool
    rows: list[Row]

    @property
    def totals(self) -> Counter:
        return Counter(row.status for row in self.rows)

    @property
    def added(self) -> int:
        return sum(self.totals[status] for status in ADDING)

    @property
    def doubts(self) -> int:
        return sum(1 for row in self.rows if row.doubts)

    @property
    def warnings(self) -> int:
        return sum(1 for row in self.rows if row.card.warnings)


def display(contact) -> str:
    return contact.name or contact.email or contact.phone or _("Unnamed contact")


def sort_out(cards: list[Card]) -> tuple[list[Row], list[Card]]:
    """Skip unusable cards and repeats of an earlier card; return the rest to import."""
    rows: list[Row] = []
    usable: list[Card] = []
    first: dict[str, int] = {}
    for card in cards:
        if card.problem:
            rows.append(Row(card, Status.SKIPPED, reason=card.problem))
            continue
        digest = card.digest()
        if digest in first:
            rows.append(Row(card, Status.SAME_CARD, same_as=first[digest]))
            continue
        first[digest] = card.number
        usable.append(card)
    return rows, usable


class SeenInFile:
    """People of earlier cards, by match key: a second card of one person is not a new one.
    A shared phone line with different emails is not the same person (``contact.matching``)."""

    def __init__(self):
        self.by_key: dict[tuple[str, str], tuple[int, object, str]] = {}

    @staticmethod
    def _keys(details: dict, keys: dict) -> list[tuple[str, str]]:
        found = [("email", details["email"]), ("linkedin", keys["linkedin_key"])]
        found.append(("phone", keys["phone_key"]))
        return [key for key in found if key[1]]

    def find(self, details: dict, keys: dict) -> tuple[int, object] | None:
        """(card number, contact) of an earlier card of the same person, if any."""
        email = details["email"]
        for kind, value in self._keys(details, keys):
            seen = self.by_key.get((kind, value))
            if seen is None:
                continue
            number, contact, other_email = seen
            if kind == "phone" and email and other_email and other_email != email:
                continue  # a shared line, maybe; not the same person
            return number, contact
        return None

    def add(self, details: dict, keys: dict, number: int, contact) -> None:
        for key in self._keys(details, keys):
            self.by_key.setdefault(key, (number, contact, details["email"]))


def doubts_of(match: matching.Match, contact) -> list[tuple[Contact, MatchReason]]:
    return [(other, reason) for other, reason in match.doubts if other is not contact]
