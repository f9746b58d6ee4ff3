"""Read an organizer's attendee CSV into clean rows and per-row errors.

Pure (no database, no request) so the upload view, a CLI command or a worker can call it.
Whole-file problems (not UTF-8, a workbook instead of a CSV, no usable header) raise
ImportFileError and nothing is imported; problems in single rows are collected as RowError so the
organizer can fix them all in one pass. Row numbers are the ones a spreadsheet shows (header = 1).
Cells are stored as text and never evaluated, so formula-like cells ("=...") are harmless here.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from .. import text_input
from ..exceptions import Rejected
from .models import DETAIL_LIMITS

#: Target keys and their labels, in the order the mapping form offers them. The labels are lazy
#: (translated when used); call str() where plain text is needed.
FIELDS: dict[str, LazyString] = {
    "name": _l("Name"),
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "email": _l("Email"),
    "company": _l("Company"),
    "title": _l("Job title"),
    "phone": _l("Phone"),
    "linkedin_url": _l("LinkedIn URL"),
    "website_url": _l("Website"),
}

#: Header names seen in English, German and Spanish exports, "|"-separated; compared after
#: _simplify(), so case, accents, spaces and punctuation do not matter.
_SYNONYMS: dict[str, str] = {
    "name": "name|full name|attendee|attendee name|participant|contact name|Vollständiger Name|"
    "Vor- und Nachname|Teilnehmer|Teilnehmername|Nombre completo|Nombre y apellidos|Asistente",
    "first_name": "first name|given name|forename|Vorname|Nombre",
    "last_name": "last name|surname|family name|Nachname|Familienname|Apellido|Apellidos",
    "email": "email|email address|mail|work email|business email|E-Mail-Adresse|Mailadresse|"
    "correo|correo electrónico",
    "company": "company|company name|organization|organisation|organization name|employer|Firma|"
    "Firmenname|Unternehmen|Arbeitgeber|Empresa|Compañía|Organización",
    "title": "title|job title|position|role|job|Berufsbezeichnung|Funktion|Jobtitel|Cargo|Puesto|"
    "Puesto de trabajo",
    "phone": "phone|phone number|telephone|telephone number|tel|mobile|mobile phone|mobile number|"
    "cell|cell phone|Telefon|Telefonnummer|Handy|Handynummer|Mobil|Mobilnummer|Teléfono|Móvil|"
    "Celular|Número de teléfono",
    "linkedin_url": "linkedin|linkedin url|linkedin profile|linkedin profile url|LinkedIn-Profil|"
    "Perfil de LinkedIn",
    "website_url": "website|website url|url|web|homepage|Webseite|Internetseite|Sitio web|"
    "Página web",
}

_MAX_LENGTH = DETAIL_LIMITS
_OUTPUT_KEYS = ("name", "email", "company", "title", "phone", "linkedin_url", "website_url")
_SAVE_AS = _l("In Excel choose File > Save As > 'CSV UTF-8 (Comma delimited)'.")
_SNIFF_CHARS = 4096  # Sniffer's regex is quadratic on hostile input; a few KB is plenty.
_PROGRESS_EVERY = 500


class ImportFileError(Rejected):
    """The file as a whole cannot be imported; the message is meant for the organizer.

    A Rejected, so views show it the way they show any other refusal (formhelpers).
    """


@dataclass
class Preview:
    """What the mapping step shows: the file's columns, the guessed mapping and a few rows."""

    headers: list[str]
    mapping: dict[int, str | None]
    #: Columns whose header matched no field, to highlight in the mapping form.
    unknown: list[int]
    sample_rows: list[list[str]]
    delimiter: str
    row_count: int


@dataclass
class RowError:
    """One problem in one row, addressed the way the organizer's spreadsheet shows it."""

    #: Spreadsheet row number: the header is row 1, so the first attendee is row 2.
    row: int
    #: Target key, or "row" for a problem with the row as a whole.
    field: str
    reason: str


@dataclass
class ParsedRow:
    """A valid row: name, email, company, title, phone and both URLs, "" when absent."""

    row: int
    values: dict[str, str]


@dataclass
class ParseResult:
    """Valid rows, every problem of every other row, and how many non-blank rows were seen."""

    rows: list[ParsedRow]
    errors: list[RowError]
    total: int
    #: Fields that lost characters no person types (``text_input``); their rows are imported.
    cleaned: list[RowError] = field(default_factory=list)


@dataclass
class _Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells); blank rows left out
    delimiter: str
    #: (row number, column index) of every cell that lost refused characters.
    cleaned: set[tuple[int, int]] = field(default_factory=set)


def preview(data: bytes) -> Preview:
    """Read the file and guess which column holds which field, for the mapping step."""
    table = _read(data)
    mapping = _guess_mapping(table.headers)
    return Preview(
        headers=table.headers,
        mapping=mapping,
        unknown=[i for i, header in enumerate(table.headers) if _match(header) is None],
        sample_rows=[[cell.strip() for cell in cells] for _number, cells in table.rows[:5]],
        delimiter=table.delimiter,
        row_count=len(table.rows),
    )


def parse(
    data: bytes,
    mapping: dict[int, str | None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ParseResult:
    """Validate every row; a row with any problem is reported and left out of the result."""
    table = _read(data)
    columns = _columns(table.headers, _guess_mapping(table.headers) if mapping is None else mapping)
    result = ParseResult(rows=[], errors=[], total=len(table.rows))
    first_row_of: dict[str, int] = {}
    for done, (number, cells) in enumerate(table.rows, start=1):
        result.cleaned.extend(
            RowError(number, key, _("Control characters (such as NUL) were removed."))
            for index, key in columns
            if (number, index) in table.cleaned
        )
        values, problems = _validate_row(cells, columns, len(table.headers))
        email = values["email"]
        if email and not any(field == "email" for field, _reason in problems):
            if email in first_row_of:
                problems.append(("email", _("Same email as row %(row)d.", row=first_row_of[email])))
            else:
                first_row_of[email] = number
        if problems:
            result.errors.extend(RowError(number, field, reason) for field, reason in problems)
        else:
            result.rows.append(ParsedRow(number, values))
        if progress is not None and (done % _PROGRESS_EVERY == 0 or done == result.total):
            progress(done, result.total)
    return result


# Reading the file ---------------------------------------------------------------------------------


def _read(data: bytes) -> _Table:
    text = _decode(data)
    delimiter = _detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    cleaned: set[tuple[int, int]] = set()
    try:
        # Counting every record, blank or not, keeps numbers equal to the spreadsheet's rows.
        for number, dirty in enumerate(reader, start=1):
            cells = []
            for index, cell in enumerate(dirty):
                cell, removed = text_input.clean(cell)
                cells.append(cell)
                if removed:
                    cleaned.add((number, index))
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [cell.strip() for cell in cells]
            else:
                rows.append((number, cells))
    except csv.Error as exc:
        raise ImportFileError(
            _(
                "The file could not be read as CSV near line %(line)d (%(error)s). "
                'Check for a quote (") that is never closed.',
                line=reader.line_num,
                error=str(exc),
            )
        ) from exc
    if header is None:
        raise ImportFileError(_("The file is empty."))
    while header and not header[-1]:
        header.pop()  # Excel often pads rows with empty cells; they are not columns.
    if rows and any("\n" in cell or "\r" in cell for cell in rows[-1][1]):
        _reject_unclosed_quote(text, delimiter)
    if not rows:
        raise ImportFileError(_("The file has a header row but no attendees below it."))
    return _Table(header, rows, delimiter, cleaned)


def _decode(data: bytes) -> str:
    """Return the text of a UTF-8 file, or explain what the file is instead."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportFileError(_("The file is empty."))
    not_csv = _recognise_binary(data)
    if not_csv:
        raise ImportFileError(
            _(
                "This looks like %(kind)s, not a CSV file. %(hint)s",
                kind=str(not_csv),
                hint=str(_SAVE_AS),
            )
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_like_utf16(data[:4096]):
        raise ImportFileError(
            _(
                "This file is saved as UTF-16 ('Unicode Text'), not UTF-8. "
                "In Excel choose 'CSV UTF-8' when saving."
            )
        )
    if b"\x00" in data:
        raise ImportFileError(_("This file contains binary data, not CSV text."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        head = data[:4096]
        if sum(byte < 9 or 13 < byte < 32 for byte in head) > len(head) // 20:
            raise ImportFileError(_("This file contains binary data, not CSV text.")) from exc
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(
            _(
                "This file is not UTF-8 text (line %(line)d has a character in another encoding, "
                "probably from an older Excel). In Excel choose 'CSV UTF-8' when saving.",
                line=line,
            )
        ) from exc


_XLSX = _l("an Excel workbook (.xlsx)")
_ODS = _l("an OpenDocument spreadsheet (.ods)")
_ZIP = _l("a ZIP archive")
_SIGNATURES = {
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": _l("an old Excel workbook (.xls)"),
    b"\x89PNG\r\n\x1a\n": _l("a PNG image"),
    b"\xff\xd8\xff": _l("a JPEG image"),
    b"GIF8": _l("a GIF image"),
    b"%PDF-": _l("a PDF document"),
}


def _recognise_binary(data: bytes) -> str | None:
    """Describe a file that is not text ("a JPEG image"), in the current language."""
    if data.startswith(b"PK\x03\x04"):
        if b"xl/" in data or b"spreadsheetml" in data:
            return str(_XLSX)
        if b"opendocument.spreadsheet" in data:
            return str(_ODS)
        return str(_ZIP)
    return next((str(kind) for magic, kind in _SIGNATURES.items() if data.startswith(magic)), None)


def _looks_like_utf16(head: bytes) -> bool:
    """ASCII saved as UTF-16 without a BOM is a NUL every other byte (and valid UTF-8)."""
    return len(head) >= 4 and (
        head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4
    )


def _detect_delimiter(text: str) -> str:
    """Trust the Sniffer only if the header line agrees; else count delimiters in the header."""
    sample = text[:_SNIFF_CHARS]
    header_line = next((line for line in sample.splitlines() if line.strip()), "")
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    if len(text) > _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        sniffed = ""
    if counts.get(sniffed):
        return sniffed
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _reject_unclosed_quote(text: str, delimiter: str) -> None:
    """Raise if the last record only ends because the file does (it swallowed later rows)."""
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True, strict=True
    )
    try:
        for _record in reader:
            pass
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise ImportFileError(
                _(
                    'A quote (") is opened but never closed, so the rest of the file would be '
                    "read as a single cell. Fix the quotes and upload the file again."
                )
            ) from exc


# Columns ------------------------------------------------------------------------------------------


def _simplify(header: str) -> str:
    """Case-fold, drop accents, spaces and punctuation: 'E-Mail-Adresse' -> 'emailadresse'."""
    text = unicodedata.normalize("NFKD", header.casefold().replace("#", "number"))
    return "".join(char for char in text if char.isalnum())


_HEADER_KEYS = {
    _simplify(synonym): key for key, names in _SYNONYMS.items() for synonym in names.split("|")
}


def _match(header: str) -> str | None:
    key = _HEADER_KEYS.get(_simplify(header))
    if key is None:  # "Email (required)", "Apellido(s)"
        key = _HEADER_KEYS.get(_simplify(re.sub(r"\(.*?\)|\[.*?\]", "", header)))
    return key


def _guess_mapping(headers: list[str]) -> dict[int, str | None]:
    """Map each column to a field; a second column for the same field is left unmapped."""
    mapping: dict[int, str | None] = {}
    for index, header in enumerate(headers):
        key = _match(header)
        mapping[index] = None if key in mapping.values() else key
    if not any(mapping.values()):
        if any("@" in header for header in headers):
            raise ImportFileError(
                _(
                    "The first row looks like an attendee, not column names. "
                    "Add a header row such as: Name, Email, Company."
                )
            )
        raise ImportFileError(
            _(
                "None of the column names in the first row were recognised. "
                "The first row should name the columns, such as: Name, Email, Company."
            )
        )
    return mapping


def _columns(headers: list[str], mapping: dict[int, str | None]) -> list[tuple[int, str]]:
    """Check a mapping and return its (column index, key) pairs."""
    chosen: dict[str, int] = {}
    for index, key in sorted(mapping.items()):
        if key is None:
            continue
        if key not in FIELDS or not 0 <= index < len(headers):
            raise ImportFileError(_("The column choices do not match this file. Please try again."))
        if key in chosen:
            raise ImportFileError(
                _(
                    "Both '%(first)s' and '%(second)s' are set to %(field)s. "
                    "Choose one column for each field.",
                    first=headers[chosen[key]],
                    second=headers[index],
                    field=str(FIELDS[key]),
                )
            )
        chosen[key] = index
    if "email" not in chosen:
        raise ImportFileError(_("Choose which column holds the email address."))
    if not {"name", "first_name", "last_name"} & chosen.keys():
        raise ImportFileError(_("Choose which column holds the name, or the first and last name."))
    return [(index, key) for key, index in chosen.items()]


# Validating a row ---------------------------------------------------------------------------------


def _validate_row(
    cells: list[str], columns: list[tuple[int, str]], width: int
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Return the cleaned values and every (field, reason) problem of one row."""
    problems: list[tuple[str, str]] = []
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        problems.append(("row", _("This row has more cells than the header.")))
    raw = {key: clean_text(cells[index]) for index, key in columns if index < len(cells)}
    raw["name"] = raw.get("name") or " ".join(
        part for part in (raw.get("first_name"), raw.get("last_name")) if part
    )
    values: dict[str, str] = {}
    for key in _OUTPUT_KEYS:
        value = raw.get(key, "")
        reason = None
        if not value:
            if key in ("name", "email"):
                reason = _("%(field)s is missing.", field=str(FIELDS[key]))
        elif len(value) > _MAX_LENGTH[key]:
            reason = _(
                "%(field)s is longer than %(max)d characters.",
                field=str(FIELDS[key]),
                max=_MAX_LENGTH[key],
            )
        elif key in _CHECKS:
            value, reason = _CHECKS[key](value)
        if reason:
            problems.append((key, reason))
        values[key] = value
    return values, problems


def clean_text(value: str) -> str:
    """One line in NFC, single-spaced: how a cell is stored and compared with a stored value.

    Every field is one line on a badge, so newlines from multi-line cells become spaces; NFC
    makes an accent typed as one character or as a letter plus a combining mark the same text.
    """
    return unicodedata.normalize("NFC", " ".join(value.split()))


def _quoted(value: str) -> str:
    return f"'{value}'" if len(value) <= 60 else f"'{value[:57]}...'"


# Addresses that match this (RFC 5322 dot-atom, ASCII) are validated the fast way below.
_DOT_ATOM = re.compile(r"[a-zA-Z0-9_!#$%&'*+\-/=?^`{|}~]+(?:\.[a-zA-Z0-9_!#$%&'*+\-/=?^`{|}~]+)*")


@functools.lru_cache(maxsize=4096)
def _email_domain(domain: str) -> tuple[str, str] | None:
    """Return the (normalized, IDNA ASCII) forms of a valid email domain, validated once."""
    try:
        info = validate_email("a@" + domain, check_deliverability=False)
    except EmailNotValidError:
        return None
    return (info.domain, info.ascii_domain) if info.original == "a@" + domain else None


def _check_email(value: str) -> tuple[str, str | None]:
    """Validate as email-validator does, but check each domain once: 10,000 full calls take 0.6 s.

    For an ASCII dot-atom local part, email-validator's verdict depends only on the domain and
    the total length, so this shortcut accepts exactly what it accepts; anything else (and every
    rejection, for its message) goes through email-validator itself.
    """
    local, _at, domain = value.rpartition("@")
    known = _email_domain(domain) if _DOT_ATOM.fullmatch(local) else None
    if known is not None:
        normalized = f"{local}@{known[0]}"
        longest = max(len(value.encode()), len(normalized.encode()), len(local) + 1 + len(known[1]))
        if longest <= 254:
            return normalized.lower(), None
    try:
        return validate_email(value, check_deliverability=False).normalized.lower(), None
    except EmailNotValidError as exc:
        return value, _(
            "%(value)s is not a valid email address. %(reason)s",
            value=_quoted(value),
            reason=str(exc),
        )


_PHONE = re.compile(r"[0-9+\-.()/ ]+")


def _check_phone(value: str) -> tuple[str, str | None]:
    if not _PHONE.fullmatch(value):
        return value, _(
            "%(value)s is not a valid phone number (use digits, spaces, + - . / ( )).",
            value=_quoted(value),
        )
    if sum(map(str.isdigit, value)) < 5:
        return value, _(
            "%(value)s is not a valid phone number (it needs at least 5 digits).",
            value=_quoted(value),
        )
    return value, None


_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*)://")
# No user info ("a@b"), a numeric port if any; urlsplit is too lenient and too slow for 10,000 rows.
_URL = re.compile(r"(?:(https?)://)?([^/?#:@\s]+)(:[0-9]{1,5})?([/?#]\S*)?", re.IGNORECASE)
# Dotted host names; the last label is letters (or punycode), which rules out bare IPs.
_HOST = re.compile(r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+(?:[^\W\d_]{2,}|xn--[a-z0-9-]+)")


def _check_url(value: str, linkedin: bool = False) -> tuple[str, str | None]:
    """Accept a web address with or without https://; return it with a scheme."""
    scheme = _SCHEME.match(value)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        return value, _("%(value)s must start with http:// or https://.", value=_quoted(value))
    parts = _URL.fullmatch(value)
    host = parts[2].lower() if parts else ""
    if parts is None or not _HOST.fullmatch(host):
        return value, _("%(value)s is not a valid web address.", value=_quoted(value))
    if linkedin and host != "linkedin.com" and not host.endswith(".linkedin.com"):
        return value, _("%(value)s is not a LinkedIn address (linkedin.com).", value=_quoted(value))
    url = f"{(parts[1] or 'https').lower()}://{host}{parts[3] or ''}{parts[4] or ''}"
    if len(url) > _MAX_LENGTH["website_url"]:
        return value, _(
            "%(value)s is longer than %(max)d characters.",
            value=_quoted(value),
            max=_MAX_LENGTH["website_url"],
        )
    return url, None


_CHECKS: dict[str, Callable[[str], tuple[str, str | None]]] = {
    "email": _check_email,
    "phone": _check_phone,
    "linkedin_url": functools.partial(_check_url, linkedin=True),
    "website_url": _check_url,
}
