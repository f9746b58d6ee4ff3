"""CSV layouts: the generic spreadsheet, and the import templates of four CRMs and ATSs.

Each preset is a table of (column header, field of :class:`Row`). A CRM's headers are its
own import template's, in English whatever the user's language, so that its import wizard maps
every column without help; where a CRM has no column for it, the context a CRM loses goes into
the field it does have for free text (Salesforce's Description, HubSpot's Message, Google's and
Greenhouse's Notes).

Byte order mark: the generic CSV starts with one, because Excel opens a UTF-8 file without it
in the local ANSI code page and breaks every accent and every non-Latin name; the CRM presets
have none, because their importers read UTF-8 as it is and a BOM glued to the first header
("\\ufeffFirst Name") stops that column from being recognised (Google Contacts, at least).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from flask_babel import lazy_gettext as _l

from ..names import split_name
from .context import Wording, categories, context_note, encounter_lines
from .records import ContactRecord, Encounter

#: What Salesforce writes in a required field it has no value for.
NOT_PROVIDED = "[not provided]"


class Row:
    """One contact as CSV cells: every field a preset may name, worked out when asked."""

    def __init__(self, record: ContactRecord, wording: Wording):
        self.record = record
        self.wording = wording
        self.first_name, self.last_name = split_name(record.name)
        self.name = record.name
        self.email = record.email
        self.phone = record.phone
        self.company = record.company
        self.title = record.title
        self.linkedin_url = record.linkedin_url
        self.website_url = record.website_url
        self.contact_id = record.public_id
        self.updated = record.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")

    @cached_property
    def latest(self) -> Encounter | None:
        return self.record.encounters[0] if self.record.encounters else None

    def _latest(self, read) -> str:
        return read(self.latest) if self.latest else ""

    @property
    def met_on(self) -> str:
        return self._latest(lambda e: e.met_on.isoformat())

    @property
    def event(self) -> str:
        return self._latest(lambda e: e.event_name)

    @property
    def met_by(self) -> str:
        return self._latest(lambda e: e.recruiter)

    @property
    def source(self) -> str:
        return self._latest(lambda e: self.wording.sources[e.source])

    @property
    def rating(self) -> str:
        return self._latest(lambda e: self.wording.ratings[e.rating] if e.rating else "")

    @property
    def rating_english(self) -> str:
        """Hot, Warm or Cold: the values of Salesforce's standard Rating picklist."""
        return self._latest(lambda e: e.rating.value.capitalize() if e.rating else "")

    @property
    def interests(self) -> str:
        return self._latest(lambda e: ", ".join(e.tags))

    @property
    def availability(self) -> str:
        return self._latest(
            lambda e: self.wording.availabilities[e.availability] if e.availability else ""
        )

    @property
    def answers(self) -> str:
        return self._latest(lambda e: "\n".join(f"{p}: {a}" for p, a in e.answers))

    @property
    def notes(self) -> str:
        """Every note of every encounter, latest encounter first, each with its event."""
        return "\n".join(
            f"{self.wording.note_heading(n.author, n.written_on)} ({e.event_name}): {n.body}"
            for e in self.record.encounters
            for n in e.notes
        )

    @property
    def encounters(self) -> str:
        return str(len(self.record.encounters))

    @property
    def earlier_encounters(self) -> str:
        """Encounters before the latest, without their notes (the notes column has them)."""
        return "\n\n".join(
            "\n".join(encounter_lines(e, self.wording, notes=False))
            for e in self.record.encounters[1:]
        )

    @property
    def lists(self) -> str:
        return "; ".join(self.wording.membership(m) for m in self.record.lists)

    @property
    def next_due(self) -> str:
        due = [m.next_due_on for m in self.record.lists if m.next_due_on]
        return min(due).isoformat() if due else ""

    @property
    def do_not_contact(self) -> str:
        at = self.record.do_not_contact_at
        if not at:
            return ""
        reason = self.record.do_not_contact_reason
        return f"{at.date().isoformat()}: {reason}" if reason else at.date().isoformat()

    @property
    def email_opt_out(self) -> str:
        return "1" if self.record.do_not_contact_at else "0"

    @property
    def context(self) -> str:
        return context_note(self.record, self.wording)

    @property
    def company_required(self) -> str:
        """A lead needs a company: what Salesforce itself writes when it has none."""
        return self.company or NOT_PROVIDED

    @property
    def last_name_required(self) -> str:
        """A lead or prospect needs a last name; a one-word name (``Madonna``) is one."""
        return self.last_name or NOT_PROVIDED

    @property
    def first_name_required(self) -> str:
        """Greenhouse wants a first name too: a one-word name stands in both, as people write it."""
        return self.first_name or self.last_name or NOT_PROVIDED

    @property
    def labels(self) -> str:
        """Interests and lists as Google Contacts labels, separated as in its own files."""
        return " ::: ".join(categories(self.record))

    @property
    def email_label(self) -> str:
        return "Work" if self.email else ""

    @property
    def phone_label(self) -> str:
        return "Work" if self.phone else ""

    @property
    def linkedin_label(self) -> str:
        return "LinkedIn" if self.linkedin_url else ""

    @property
    def website_label(self) -> str:
        return "Work" if self.website_url else ""

    @property
    def pool(self) -> str:
        return self.record.lists[0].list_name if self.record.lists else ""

    @property
    def pool_stage(self) -> str:
        return self.record.lists[0].stage if self.record.lists else ""


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    #: (header, Row field) in column order.
    columns: tuple[tuple[str, str], ...]
    bom: bool = False

    @property
    def headers(self) -> list[str]:
        return [str(header) for header, _field in self.columns]


#: Row fields that hold phone numbers: "+49 30 1234" is a number, not a formula.
PHONE_FIELDS = frozenset({"phone"})

GENERIC = Preset(
    "generic",
    _l("Spreadsheet (all columns)"),
    (
        (_l("Name"), "name"),
        (_l("First name"), "first_name"),
        (_l("Last name"), "last_name"),
        (_l("Email"), "email"),
        (_l("Phone"), "phone"),
        (_l("Company"), "company"),
        (_l("Job title"), "title"),
        (_l("LinkedIn"), "linkedin_url"),
        (_l("Website"), "website_url"),
        (_l("Last met on"), "met_on"),
        (_l("Event"), "event"),
        (_l("Met by"), "met_by"),
        (_l("Source"), "source"),
        (_l("Rating"), "rating"),
        (_l("Interests"), "interests"),
        (_l("Availability"), "availability"),
        (_l("Answers"), "answers"),
        (_l("Notes"), "notes"),
        (_l("Encounters"), "encounters"),
        (_l("Earlier encounters"), "earlier_encounters"),
        (_l("Lists"), "lists"),
        (_l("Next due"), "next_due"),
        (_l("Do not contact"), "do_not_contact"),
        (_l("Contact ID"), "contact_id"),
        (_l("Updated"), "updated"),
    ),
    bom=True,
)

# Source: HubSpot Knowledge Base, "Set up your import files" (knowledge.hubspot.com), and the
# labels of HubSpot's default contact properties, which its import wizard matches by name.
# "LinkedIn URL" is the one column without a default property: the wizard offers to create it.
HUBSPOT = Preset(
    "hubspot",
    _l("HubSpot (contacts import)"),
    (
        ("First Name", "first_name"),
        ("Last Name", "last_name"),
        ("Email", "email"),
        ("Phone Number", "phone"),
        ("Company Name", "company"),
        ("Job Title", "title"),
        ("Website URL", "website_url"),
        ("LinkedIn URL", "linkedin_url"),
        ("Message", "context"),
    ),
)

# Source: Salesforce Help, "Field Mapping for Importing Leads" (Data Import Wizard): the
# import file labels of the Lead fields. Last Name and Company are required; Rating takes Hot,
# Warm, Cold; Email Opt Out takes 1 or 0.
SALESFORCE = Preset(
    "salesforce",
    _l("Salesforce (lead import)"),
    (
        ("First Name", "first_name"),
        ("Last Name", "last_name_required"),
        ("Company", "company_required"),
        ("Title", "title"),
        ("Email", "email"),
        ("Phone", "phone"),
        ("Website", "website_url"),
        ("Lead Source", "event"),
        ("Rating", "rating_english"),
        ("Email Opt Out", "email_opt_out"),
        ("Description", "context"),
    ),
)

# Source: the header row of Google Contacts' own CSV export ("Google CSV"), which its import
# reads back: "E-mail 1 - Value", "Organization Name", "Website 1 - Value", "Labels", ...
GOOGLE = Preset(
    "google",
    _l("Google Contacts"),
    (
        ("First Name", "first_name"),
        ("Middle Name", ""),
        ("Last Name", "last_name"),
        ("Organization Name", "company"),
        ("Organization Title", "title"),
        ("Notes", "context"),
        ("Labels", "labels"),
        ("E-mail 1 - Label", "email_label"),
        ("E-mail 1 - Value", "email"),
        ("Phone 1 - Label", "phone_label"),
        ("Phone 1 - Value", "phone"),
        ("Website 1 - Label", "linkedin_label"),
        ("Website 1 - Value", "linkedin_url"),
        ("Website 2 - Label", "website_label"),
        ("Website 2 - Value", "website_url"),
    ),
)

# Source: Greenhouse Support, "Bulk import prospects from spreadsheet": the default fields of
# the prospect import template. First and Last Name are required; pool and stage names must
# match the ones configured in Greenhouse (a follow-up list named like the pool does).
GREENHOUSE = Preset(
    "greenhouse",
    _l("Greenhouse (prospects import)"),
    (
        ("First Name", "first_name_required"),
        ("Last Name", "last_name_required"),
        ("Company", "company"),
        ("Title", "title"),
        ("Email", "email"),
        ("Phone", "phone"),
        ("Social Media", "linkedin_url"),
        ("Website", "website_url"),
        ("Notes", "context"),
        ("Prospect Pool", "pool"),
        ("Prospect Stage", "pool_stage"),
    ),
)

PRESETS = {preset.key: preset for preset in (GENERIC, HUBSPOT, SALESFORCE, GOOGLE, GREENHOUSE)}
DEFAULT_PRESET = "generic"
