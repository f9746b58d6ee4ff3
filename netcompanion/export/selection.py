"""What an export holds and how it is written, from a request's arguments.

Shared by the download links and the API, which differ only in how they answer a mistake (an
HTML page, or 422 JSON with ``fields``). Nothing is guessed: a filter value that matches none
of the company's events, lists or members, an unknown vCard version or CSV preset is refused
with the field's name, so a typo never turns into an export of every contact.

Every scope starts from the company's *live* contacts (``contact.queries.live``): a contact
merged into another is exported once, as its survivor, which holds its captures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import Select

from ..attendee.models import Availability
from ..capture import queries as capture_queries
from ..capture.models import Capture, Contact
from ..contact import queries
from .cards import DEFAULT_VERSION, VERSIONS
from .presets import DEFAULT_PRESET, PRESETS, Preset

FORMATS = ("vcf", "zip", "csv")


class Invalid(Exception):
    """Arguments that cannot make an export: field name → what is wrong, in a sentence."""

    def __init__(self, fields: dict[str, str]):
        super().__init__(fields)
        self.fields = fields


@dataclass(frozen=True)
class Options:
    version: str = DEFAULT_VERSION
    preset: Preset = field(default_factory=lambda: PRESETS[DEFAULT_PRESET])


def options_from(args) -> Options:
    """The vCard version and the CSV preset, checked whenever given."""
    fields = {}
    version = args.get("version", "").strip() or DEFAULT_VERSION
    if version not in VERSIONS:
        fields["version"] = _("Choose vCard version 3.0 or 4.0.")
    preset = args.get("preset", "").strip() or DEFAULT_PRESET
    if preset not in PRESETS:
        fields["preset"] = _("Choose one of these CSV layouts: %(presets)s.") % {
            "presets": ", ".join(PRESETS)
        }
    if fields:
        raise Invalid(fields)
    return Options(version, PRESETS[preset])


def contact_filters(org_id: int, args) -> queries.Filters:
    """The contacts list's filters, exactly as the list reads them, with nothing ignored."""
    filters, shown = queries.filters_from(org_id, args)
    picked = {
        "event": (shown["event"], _("Your team met no one at an event with this id.")),
        "list": (shown["lst"], _("No follow-up list of your company has this id.")),
        "owner": (shown["owner"], _("No member of your company has this id.")),
        "rating": (filters.rating, _("Choose hot, warm or cold.")),
        "rating_min": (filters.rating_min, _("Choose hot, warm or cold.")),
        "availability": (
            filters.availability,
            _("Choose one of: %(values)s.") % {"values": ", ".join(a.value for a in Availability)},
        ),
    }
    fields = {
        name: message
        for name, (value, message) in picked.items()
        if args.get(name, "").strip() and value is None
    }
    if fields:
        raise Invalid(fields)
    return filters


@dataclass
class Scope:
    """The contacts of one export, and the name its file takes."""

    org_id: int
    org_public_id: str
    #: Selects ``Contact`` rows: live contacts of the company, narrowed.
    contacts: Select
    #: The file name without extension.
    name: str
    #: An event's captures: the captures CSV has one row per capture.
    event_id: int | None = None
    #: Selects the ids of the event's captures the export holds (the capture list's filters).
    capture_ids: Select | None = None
    #: A list's export names this list first among each person's lists.
    list_id: int | None = None


def one_contact(org, contact: Contact) -> Scope:
    return Scope(
        org.id,
        org.public_id,
        queries.live(org.id).where(Contact.id == contact.id),
        contact.name or contact.email or "contact",
    )


def searched(org, filters: queries.Filters, name: str) -> Scope:
    return Scope(org.id, org.public_id, queries.contacts(org.id, filters), name)


def of_list(org, lst) -> Scope:
    return Scope(
        org.id,
        org.public_id,
        queries.contacts(org.id, queries.Filters(list_id=lst.id)),
        lst.name,
        list_id=lst.id,
    )


def of_event(org, event, args) -> Scope:
    """The people the company met at the event: its own captures only, never another
    exhibitor's, narrowed by the capture list's filters (``q``, ``tag``, ``rating``,
    ``rating_min``, ``recruiter``) so the export holds what the list shows."""
    filters = _capture_filters(org.id, event.id, args)
    matching = capture_queries.captures(org.id, filters).order_by(None)
    return Scope(
        org.id,
        org.public_id,
        queries.contacts(org.id, queries.Filters(event_id=event.id)).where(
            Contact.id.in_(matching.with_only_columns(Capture.contact_id))
        ),
        event.name,
        event_id=event.id,
        capture_ids=matching.with_only_columns(Capture.id),
    )


def _capture_filters(org_id: int, event_id: int, args) -> capture_queries.Filters:
    """The capture list's filters, with nothing ignored: a value that matches nothing is refused."""
    filters, recruiter = capture_queries.filters_from(
        args, event_id, capture_queries.recruiters(org_id)
    )
    picked = {
        "rating": (filters.rating, _("Choose hot, warm or cold.")),
        "rating_min": (filters.rating_min, _("Choose hot, warm or cold.")),
        "recruiter": (recruiter, _("No member of your company has this id.")),
    }
    fields = {
        name: message
        for name, (value, message) in picked.items()
        if args.get(name, "").strip() and value is None
    }
    if fields:
        raise Invalid(fields)
    return filters
