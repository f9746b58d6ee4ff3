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

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..names import name_parts
from .cells import EXCEL_LIMIT, SALESFORCE_DESCRIPTION_LIMIT, fit, line
from .context import Wording, categories, encounter_lines, note_lines
from .records import ContactRecord, Encounter, join_values

#: What Salesforce writes in a required field it has no value for.
NOT_PROVIDED = "[not provided]"


class Row:
    """One contact as CSV cells: every field a preset may name, worked out when asked."""

    def __init__(self, record: ContactRecord, wording: Wording, limit: int = EXCEL_LIMIT):
        self.record = record
        self.wording = wording
        self.limit = limit
        parts = name_parts(line(record.name))
        self.first_name, self.last_name, self.suffix = parts
        self.name = line(record.name)
        self.email = record.email
        self.phone = record.phone
        self.company = line(record.company)
        self.title = line(record.title)
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
        return self._latest(lambda e: join_values(e.tags))

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
        notes = [
            (
                f"{self.wording.note_heading(n.author, n.written_on)} ({e.event_name}): {n.body}",
                True,
            )
            for e in self.record.encounters
            for n in e.notes
        ]
        return fit([notes], self.limit)

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
        return join_values(map(self.wording.membership, self.record.lists), "; ")

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
        """What a CRM would lose, under the cell limit: the do-not-contact mark first, so the
        person importing sees it, then every encounter with its notes, then the lists."""
        record = self.record
        mark = ""
        if record.do_not_contact_at:
            mark = self.wording.do_not_contact % {
                "date": record.do_not_contact_at.date().isoformat()
            }
            if record.do_not_contact_reason:
                mark += f": {record.do_not_contact_reason}"
        blocks = [
            [(text, False) for text in _encounter_lines(e, self.wording)]
            + [(text, True) for text in note_lines(e, self.wording)]
            for e in record.encounters
        ]
        lists = ""
        if record.lists:
            memberships = join_values(map(self.wording.membership, record.lists), "; ")
            lists = f"{self.wording.lists}: {memberships}"
        return fit(blocks, self.limit, keep=lists, first=mark)

    @property
    def last_name_suffixed(self) -> str:
        """The family name and the suffix, for layouts with no suffix column: O'Brien, PhD."""
        if self.last_name and self.suffix:
            return f"{self.last_name}, {self.suffix}"
        return self.last_name

    @property
    def company_required(self) -> str:
        """A lead needs a company: what Salesforce itself writes when it has none."""
        return self.company or NOT_PROVIDED

    @property
    def last_name_required(self) -> str:
        """A lead or prospect needs a last name; a one-word name (``Madonna``, ``王小明``) is
        one; a contact with only a phone or an email gets Salesforce's ``[not provided]``."""
        return self.last_name_suffixed or NOT_PROVIDED

    @property
    def last_name_or_email(self) -> str:
        """HubSpot creates a contact from an email or a name: a row with neither gets one."""
        return self.last_name_suffixed or ("" if self.email else NOT_PROVIDED)

    @property
    def first_name_required(self) -> str:
        """Greenhouse wants a first name too: a one-word name stands in both, as people write it."""
        return self.first_name or self.last_name or NOT_PROVIDED

    @property
    def labels(self) -> str:
        """Interests and lists as Google Contacts labels, separated as in its own files."""
        labels = categories(self.record)
        if self.record.do_not_contact_at:
            labels.append(_("Do not contact"))
        return " ::: ".join(label.replace(":::", ":") for label in labels)

    @property
    def do_not_call(self) -> str:
        return "1" if self.record.do_not_contact_at else "0"

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


def _encounter_lines(encounter: Encounter, wording: Wording) -> list[str]:
    """An encounter's lines without its notes, the interests with their boundaries kept."""
    lines = encounter_lines(encounter, wording, notes=False)
    if encounter.tags:
        plain = f"{wording.interests}: {', '.join(encounter.tags)}"
        lines[lines.index(plain)] = f"{wording.interests}: {join_values(encounter.tags)}"
    return lines


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    #: (header, Row field) in column order.
    columns: tuple[tuple[str, str], ...]
    bom: bool = False
    #: Opened in a spreadsheet, which reads ``+1-202-555-0143`` as a formula: phones get the
    #: protective quote too. A CRM's importer evaluates nothing and takes the number as is.
    spreadsheet: bool = False
    #: The longest cell the target keeps (notes are cut to it at a note).
    limit: int = EXCEL_LIMIT
    #: Only the people not to contact (an opt-out list).
    only_do_not_contact: bool = False

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
        (_l("Name suffix"), "suffix"),
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
    spreadsheet=True,
)

# Source: HubSpot Knowledge Base, "Set up your import files" (knowledge.hubspot.com), and the
# labels of HubSpot's default contact properties, which its import wizard matches by name.
# "LinkedIn URL" is the one column without a default property: the wizard offers to create it.
# A contact needs an email or a name. "Unsubscribed from all email" cannot be imported with the
# contacts: HubSpot sets it from an opt-out list import, which HUBSPOT_OPT_OUT is; the contacts
# import carries the do-not-contact mark at the top of Message.
HUBSPOT = Preset(
    "hubspot",
    _l("HubSpot (contacts import)"),
    (
        ("First Name", "first_name"),
        ("Last Name", "last_name_or_email"),
        ("Email", "email"),
        ("Phone Number", "phone"),
        ("Company Name", "company"),
        ("Job Title", "title"),
        ("Website URL", "website_url"),
        ("LinkedIn URL", "linkedin_url"),
        ("Message", "context"),
    ),
)

# Source: HubSpot Knowledge Base, "Import an opt-out list": one Email column; each address gets
# "Unsubscribed from all email", whether or not it is a contact yet.
HUBSPOT_OPT_OUT = Preset(
    "hubspot_opt_out",
    _l("HubSpot (opt-out list of people not to contact)"),
    (("Email", "email"),),
    only_do_not_contact=True,
)

# Source: Salesforce Help, "Field Mapping for Importing Leads" (Data Import Wizard): the
# import file labels of the Lead fields. Last Name and Company are required; Rating takes Hot,
# Warm, Cold; Email Opt Out and Do Not Call take 1 or 0; Description holds 32,000 characters.
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
        ("Do Not Call", "do_not_call"),
        ("Description", "context"),
    ),
    limit=SALESFORCE_DESCRIPTION_LIMIT,
)

# Source: the header row of Google Contacts' own CSV export ("Google CSV"), which its import
# reads back: "E-mail 1 - Value", "Organization Name", "Website 1 - Value", "Labels", ...
# Labels are separated by " ::: " as in its own files; "Do not contact" is one of them.
GOOGLE = Preset(
    "google",
    _l("Google Contacts"),
    (
        ("First Name", "first_name"),
        ("Middle Name", ""),
        ("Last Name", "last_name"),
        ("Name Suffix", "suffix"),
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
# match the ones configured in Greenhouse (a follow-up list named like the pool does). No default
# field says do not contact: the mark opens the Notes, where the recruiter reads first.
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

PRESETS = {
    preset.key: preset
    for preset in (GENERIC, HUBSPOT, HUBSPOT_OPT_OUT, SALESFORCE, GOOGLE, GREENHOUSE)
}
DEFAULT_PRESET = "generic"
