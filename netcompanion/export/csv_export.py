"""CSV files, streamed: contacts in a preset's layout, and an event's captures with one column
per organizer question.

RFC 4180: CRLF after every row; a cell with a comma, a double quote or a line break is quoted,
its quotes doubled. UTF-8 throughout (a BOM only where :mod:`.presets` says why).

Formula injection (OWASP, "CSV Injection"): a spreadsheet runs a cell that starts with ``=``,
``+``, ``-`` or ``@`` (tab and carriage return too, and their full-width forms) as a formula,
so such a cell gets a leading single quote, which makes it text. The one exception is a phone
number in a CRM layout's phone column, ``+49 30 1234567``: digits, spaces and ``()./-`` cannot
call a function or reach another program, the CRM's importer evaluates nothing, and a quote in
front would travel into the CRM. The layouts made for a spreadsheet (the generic one, an
event's captures) quote phones like any cell, since Excel reads ``+1-202-555-0143`` as a sum.

Several values in a cell keep their boundaries (:func:`.records.join_values`): interests and
choices are separated by ", ", lists by "; ", and a value holding the separator is quoted
(``"Remote, only", 東京``); Google's labels use its own " ::: ".
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator

from flask_babel import gettext as _

from .cells import EXCEL_LIMIT, fit, line
from .context import Wording
from .presets import PHONE_FIELDS, Preset, Row
from .records import ContactRecord, Encounter, join_values

BOM = "\ufeff"
_FORMULA_START = frozenset("=+-@\t\r＝＋－＠")
_PHONE = re.compile(r"\+?[0-9][0-9 ()./-]*")
#: Rows per write to the response: a chunk of a few hundred kilobytes.
ROWS_PER_CHUNK = 500


def neutralise(value: str, phone: bool = False) -> str:
    """The cell as text a spreadsheet shows and never evaluates."""
    if value and value[0] in _FORMULA_START and not (phone and _PHONE.fullmatch(value)):
        return "'" + value
    return value


class _Sheet:
    """Rows to UTF-8 CSV text, a chunk at a time."""

    def __init__(self, bom: bool):
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")
        if bom:
            self.buffer.write(BOM)

    def row(self, cells: Iterable[str]) -> None:
        self.writer.writerow(cells)

    def take(self) -> bytes:
        data = self.buffer.getvalue().encode()
        self.buffer.seek(0)
        self.buffer.truncate()
        return data


def contacts_csv(
    records: Iterable[ContactRecord], preset: Preset, wording: Wording | None = None
) -> Iterator[bytes]:
    """The contacts in the preset's columns, header first."""
    wording = wording or Wording()
    sheet = _Sheet(preset.bom)
    sheet.row(neutralise(header) for header in preset.headers)
    fields = [
        (name, name in PHONE_FIELDS and not preset.spreadsheet) for _header, name in preset.columns
    ]
    count = 0
    for record in records:
        if preset.only_do_not_contact and not (record.do_not_contact_at and record.email):
            continue
        count += 1
        row = Row(record, wording, preset.limit)
        sheet.row(neutralise(getattr(row, name), phone) if name else "" for name, phone in fields)
        if count % ROWS_PER_CHUNK == 0:
            yield sheet.take()
    yield sheet.take()


def captures_csv(
    encounters: Iterable[Encounter],
    questions: list[tuple[str, str]],
    wording: Wording | None = None,
) -> Iterator[bytes]:
    """One row per capture at the event; each organizer question has its own column.

    A spreadsheet layout: phones are quoted like any cell that starts with ``+``.
    """
    wording = wording or Wording()
    sheet = _Sheet(bom=True)
    prompts = _unique([prompt for _id, prompt in questions])
    sheet.row(
        neutralise(header)
        for header in (
            _("Name"),
            _("Email"),
            _("Phone"),
            _("Company"),
            _("Job title"),
            _("LinkedIn"),
            _("Website"),
            _("Met on"),
            _("Time"),
            _("Met by"),
            _("Source"),
            _("Rating"),
            _("Interests"),
            _("Availability"),
            *prompts,
            _("Notes"),
            _("Lists"),
            _("Do not contact"),
            _("Contact ID"),
            _("Capture ID"),
        )
    )
    for count, e in enumerate(encounters, start=1):
        name, email, company, title, phone, linkedin, website = e.details
        notes = [
            (f"{wording.note_heading(n.author, n.written_on)}: {n.body}", True) for n in e.notes
        ]
        do_not_contact = ""
        if e.do_not_contact_at:
            do_not_contact = e.do_not_contact_at.date().isoformat()
            if e.do_not_contact_reason:
                do_not_contact += f": {e.do_not_contact_reason}"
        cells = [
            line(name),
            email,
            phone,
            line(company),
            line(title),
            linkedin,
            website,
            e.met_on.isoformat(),
            e.met_at.strftime("%H:%M"),
            e.recruiter,
            wording.sources[e.source],
            wording.ratings[e.rating] if e.rating else "",
            join_values(e.tags),
            wording.availabilities[e.availability] if e.availability else "",
            *(e.answer_by_question.get(public_id, "") for public_id, _prompt in questions),
            fit([notes], EXCEL_LIMIT),
            join_values(map(wording.membership, e.lists), "; "),
            do_not_contact,
            e.contact_public_id,
            e.public_id,
        ]
        sheet.row(neutralise(cell) for cell in cells)
        if count % ROWS_PER_CHUNK == 0:
            yield sheet.take()
    yield sheet.take()


def _unique(headers: list[str]) -> list[str]:
    """Two questions with the same prompt still get two recognisable columns."""
    seen: dict[str, int] = {}
    out = []
    for header in headers:
        seen[header] = seen.get(header, 0) + 1
        out.append(header if seen[header] == 1 else f"{header} ({seen[header]})")
    return out
