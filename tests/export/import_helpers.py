"""Helpers for the vCard import tests: exporters' files, card builders, the upload steps."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from netcompanion.extensions import db

DATA = Path(__file__).parent / "data" / "import"

_UPLOAD = re.compile(rb'name="upload" value="([^"]+)"')
_CONFIRM = re.compile(rb'<form method="post" action="([^"]+/confirm)"')
_ROW = re.compile(r'<tr class="import-([a-z_]+)">\s*<td>(\d+) ')


def exported(name: str) -> bytes:
    """One of the hand-written files in data/import, as the exporter wrote it."""
    return (DATA / name).read_bytes()


def card(name: str = "", *lines: str, version: str = "3.0") -> str:
    """A card with FN (when given) and further content lines, CRLF-terminated."""
    body = [f"FN:{name}"] if name else []
    return "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", *body, *lines, "END:VCARD", ""])


def vcf(*cards: str) -> bytes:
    return "".join(cards).encode()


def row_counts() -> dict[str, int]:
    """Rows per table: the whole database, to prove a refused import wrote nothing."""
    db.session.expire_all()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def upload(client, url: str, data: bytes, filename: str = "contacts.vcf", **kwargs):
    return client.submit(url, {"file": (io.BytesIO(data), filename), **kwargs})


def confirm(client, preview):
    """Press the preview's Import button."""
    assert preview.status_code == 200, preview.get_data(as_text=True)
    name = _UPLOAD.search(preview.data).group(1).decode()
    action = _CONFIRM.search(preview.data).group(1).decode()
    return client.submit(action, {"upload": name})


def outcomes(response) -> dict[int, str]:
    """Card number → outcome, as the preview or report table shows them."""
    text = response.get_data(as_text=True)
    return {int(number): status for status, number in _ROW.findall(text)}


@pytest.fixture(name="exhibitor")
def exhibitor_fixture(make_company, make_event, join_event, login_as):
    """A company exhibiting at an organizer's event, its owner signed in."""
    organizer = make_company("Fair Organizers")
    event = make_event(organizer, name="Berlin Tech Careers Fair")
    recruiter = make_company("Acme Talent")
    join_event(recruiter, event, "Acme Talent", "Hall 2, B12")
    login_as(recruiter)
    return recruiter, event


def event_url(event) -> str:
    return f"/events/{event.public_id}/captures/import"


def list_url(lst) -> str:
    return f"/lists/{lst.public_id}/import"
