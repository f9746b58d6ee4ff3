"""CSV: RFC 4180 as Python's csv module reads it, the CRM presets' exact headers, no formula
that a spreadsheet would run, and an event's captures with one column per question."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from netcompanion.capture.models import Contact
from netcompanion.export.cells import line
from netcompanion.export.csv_export import neutralise
from netcompanion.extensions import db
from netcompanion.followup.models import FollowupList

from .conftest import HERE, LONG_NOTE, ROOT, meet

HEADERS = {
    "hubspot": [
        "First Name",
        "Last Name",
        "Email",
        "Phone Number",
        "Company Name",
        "Job Title",
        "Website URL",
        "LinkedIn URL",
        "Message",
    ],
    "salesforce": [
        "First Name",
        "Last Name",
        "Company",
        "Title",
        "Email",
        "Phone",
        "Website",
        "Lead Source",
        "Rating",
        "Email Opt Out",
        "Do Not Call",
        "Description",
    ],
    "google": [
        "First Name",
        "Middle Name",
        "Last Name",
        "Name Suffix",
        "Organization Name",
        "Organization Title",
        "Notes",
        "Labels",
        "E-mail 1 - Label",
        "E-mail 1 - Value",
        "Phone 1 - Label",
        "Phone 1 - Value",
        "Website 1 - Label",
        "Website 1 - Value",
        "Website 2 - Label",
        "Website 2 - Value",
    ],
    "greenhouse": [
        "First Name",
        "Last Name",
        "Company",
        "Title",
        "Email",
        "Phone",
        "Social Media",
        "Website",
        "Notes",
        "Prospect Pool",
        "Prospect Stage",
    ],
}


def read(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def export(client, path="/contacts/export.csv", **query) -> bytes:
    response = client.get(path, query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    return response.get_data()


@pytest.mark.parametrize("preset", sorted(HEADERS))
def test_presets_have_their_crms_headers_and_no_bom(preset, booth, people, login_as, client):
    owner, _fair = booth
    login_as(owner)
    data = export(client, preset=preset)
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.split(b"\r\n", 1)[0].decode() == ",".join(HEADERS[preset])
    rows = read(data)
    assert len(rows) == len(people)


def test_generic_csv_has_a_bom_crlf_rows_and_rfc_4180_quoting(booth, people, login_as, client):
    owner, _fair = booth
    login_as(owner)
    data = export(client)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with it
    text = data.decode("utf-8-sig")
    assert text.endswith("\r\n")
    assert '"Zoë ""Zee"" O\'Brien-Łukasiewicz, Jr.; PhD"' in text  # quoted, quotes doubled
    rows = {row["Name"]: row for row in read(data)}
    zoe = rows[people[0].name]
    assert zoe["First name"] == "Zoë"
    assert zoe["Last name"] == '"Zee" O\'Brien-Łukasiewicz'
    assert zoe["Name suffix"] == "Jr.; PhD"
    assert zoe["Company"] == "Acme; Widgets, Inc. \\ Europe"
    assert zoe["Phone"] == "'+49 30 1234567"  # Excel would read +… as a formula
    assert zoe["Last met on"] == "2025-03-15"  # in Berlin, where they met
    assert zoe["Event"] == "Berlin Tech Careers Fair"
    assert zoe["Met by"] == booth[0].name
    assert zoe["Rating"] == "Hot"
    assert zoe["Interests"] == 'Backend, "Go, Rust", ML; AI'
    assert zoe["Availability"] == "Open in about 3 months"
    assert zoe["Answers"] == "Open to relocation?: Yes\nStacks, languages; tools: Go, C#"
    assert LONG_NOTE in zoe["Notes"] and "First time we met." in zoe["Notes"]
    assert zoe["Encounters"] == "2"
    assert zoe["Earlier encounters"].startswith("Met at Rust Meetup on 2024-11-02")
    assert zoe["Lists"].startswith('"Backend, nurture; 2025: ')
    assert zoe["Contact ID"] == people[0].public_id
    assert rows["王芳"]["Company"] == "北京科技有限公司"


def test_crm_presets_carry_the_context_in_their_free_text_field(booth, people, login_as, client):
    owner, _fair = booth
    login_as(owner)
    lead = {r["Email"]: r for r in read(export(client, preset="salesforce"))}["zoe@example.org"]
    assert lead["Description"].startswith("Met at Berlin Tech Careers Fair on 2025-03-15")
    assert LONG_NOTE in lead["Description"]
    assert lead["Rating"] == "Hot" and lead["Lead Source"] == "Berlin Tech Careers Fair"
    assert lead["Email Opt Out"] == "0"
    nameless = {r["Last Name"]: r for r in read(export(client, preset="salesforce"))}
    assert nameless["Παππά"]["Company"] == "[not provided]"  # required by Salesforce
    google = {r["First Name"]: r for r in read(export(client, preset="google"))}["Zoë"]
    assert google["Labels"] == "Backend ::: Go, Rust ::: ML; AI ::: Backend, nurture; 2025"
    assert google["Name Suffix"] == "Jr.; PhD"
    assert google["Website 1 - Value"] == people[0].linkedin_url
    greenhouse = {r["First Name"]: r for r in read(export(client, preset="greenhouse"))}
    assert greenhouse["Zoë"]["Prospect Pool"] == "Backend, nurture; 2025"
    assert greenhouse["Zoë"]["Social Media"] == people[0].linkedin_url


def test_do_not_contact_travels_to_the_crm(booth, make_contact, login_as, client):
    owner, fair = booth
    make_contact(
        owner,
        name="Dana Nocontact",
        do_not_contact_at=datetime(2025, 1, 2, tzinfo=UTC),
        do_not_contact_reason="Asked to be removed",
        met=[meet(fair)],
    )
    login_as(owner)
    [lead] = read(export(client, preset="salesforce"))
    assert lead["Email Opt Out"] == "1"
    assert "Do not contact since 2025-01-02: Asked to be removed" in lead["Description"]
    [row] = read(export(client))
    assert row["Do not contact"] == "2025-01-02: Asked to be removed"


@pytest.mark.parametrize(
    "payload",
    [
        '=HYPERLINK("http://evil.example","click")',
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "＝1+1",
    ],
)
def test_cells_that_would_run_as_formulas_are_neutralised(
    payload, booth, make_contact, login_as, client
):
    owner, fair = booth
    make_contact(
        owner,
        name=payload,
        company=payload,
        title=payload,
        phone=payload,
        met=[meet(fair, tags=[payload[:50]], notes=[payload])],
    )
    login_as(owner)
    for preset in ("generic", *HEADERS):
        for row in read(export(client, preset=preset)):
            for header, cell in row.items():
                if cell:
                    assert cell[0] not in "=+-@\t\r＝", (preset, header, cell)
    [row] = read(export(client, path=f"/events/{fair.public_id}/captures/export.csv"))
    assert row["Name"] == neutralise(line(payload))  # one line, as a name is
    assert row["Phone"] == "'" + payload


def test_neutralise_keeps_phone_numbers_in_phone_columns_only():
    assert neutralise("+49 30 1234567", phone=True) == "+49 30 1234567"
    assert neutralise("+1 (555) 010-9999", phone=True) == "+1 (555) 010-9999"
    assert neutralise("+49 30 1234567") == "'+49 30 1234567"
    assert neutralise("+1+cmd|x", phone=True) == "'+1+cmd|x"
    assert neutralise("=1", phone=True) == "'=1"
    assert neutralise("Ann") == "Ann" and neutralise("") == ""


def test_event_captures_csv_has_a_column_per_question(
    booth, people, questions, make_company, join_event, make_contact, login_as, client
):
    owner, fair = booth
    login_as(owner)
    data = export(client, path=f"/events/{fair.public_id}/captures/export.csv")
    assert data.startswith(b"\xef\xbb\xbf")
    header = data.decode("utf-8-sig").split("\r\n", 1)[0]
    assert "Open to relocation?" in header and '"Stacks, languages; tools"' in header
    rows = read(data)
    assert len(rows) == len(people)  # one per capture at this fair; the meetup is elsewhere
    by_name = {row["Name"]: row for row in rows}
    zoe = by_name[people[0].name]
    assert zoe["Open to relocation?"] == "Yes"
    assert zoe["Stacks, languages; tools"] == "Go, C#"
    assert zoe["Met on"] == "2025-03-15" and zoe["Time"] == "00:30"
    assert zoe["Interests"] == 'Backend, "Go, Rust", ML; AI'
    assert LONG_NOTE in zoe["Notes"]
    assert zoe["Contact ID"] == people[0].public_id
    capture_ids = {row["Capture ID"] for row in rows}
    assert len(capture_ids) == len(rows) and all(capture_ids)
    # Another preset: the people met there, in the CRM's layout.
    leads = read(
        export(client, path=f"/events/{fair.public_id}/captures/export.csv", preset="salesforce")
    )
    assert sorted(r["Email"] for r in leads) == sorted(p.email for p in people)


def test_captures_of_a_contact_in_two_lists_name_the_exported_list_first(
    booth, people, make_contact, login_as, client
):
    from netcompanion.followup import service as followups

    owner, _fair = booth
    other = followups.create_list(owner, "A first alphabetically")
    followups.add_entries(other, [followups.Candidate(people[0].id)], owner.id)
    db.session.commit()
    pool = db.session.scalars(
        select(FollowupList).where(FollowupList.name.startswith("Backend"))
    ).one()
    login_as(owner)
    rows = read(export(client, path=f"/lists/{pool.public_id}/export.csv", preset="greenhouse"))
    zoe = {r["First Name"]: r for r in rows}["Zoë"]
    assert zoe["Prospect Pool"] == pool.name
    everyone = read(export(client, preset="greenhouse"))
    assert {r["First Name"]: r for r in everyone}["Zoë"]["Prospect Pool"] == other.name
    assert db.session.get(Contact, people[0].id)


def test_one_word_names_fill_each_importers_required_name_fields(
    booth, make_contact, login_as, client
):
    owner, fair = booth
    for name in ("Madonna", "김민준", "김 민준"):
        make_contact(owner, name=name, met=[meet(fair)])
    make_contact(owner, name="", email="nameless@example.org", met=[meet(fair)])
    login_as(owner)

    def names(preset: str) -> list[tuple[str, str]]:
        rows = read(export(client, preset=preset))
        return sorted((row["First Name"], row["Last Name"]) for row in rows)

    # Salesforce refuses a lead without Last Name: one word is the last name.
    assert names("salesforce") == sorted(
        [("", "Madonna"), ("", "김민준"), ("민준", "김"), ("", "[not provided]")]
    )
    # Greenhouse requires both: a one-word name stands in both.
    assert names("greenhouse") == sorted(
        [
            ("Madonna", "Madonna"),
            ("김민준", "김민준"),
            ("민준", "김"),
            ("[not provided]", "[not provided]"),
        ]
    )
    assert names("hubspot") == sorted([("", "Madonna"), ("", "김민준"), ("민준", "김"), ("", "")])


# Importers' rules, read back by Python's csv module and by Papa Parse ----------------------


def papa_read(data: bytes) -> list[dict[str, str]]:
    """The rows as Papa Parse (node) reads them, as dicts by header."""
    result = subprocess.run(
        ["node", str(HERE / "read_csv.mjs")],
        input=data,
        capture_output=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode()
    header, *rows = json.loads(result.stdout)
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture
def hard(booth, questions, make_contact):
    """Contacts importers trip on: one-word CJK names, no name, emoji, suffixes, long notes."""
    owner, fair = booth
    relocate, stacks = questions
    many = [f"Note {n}: " + "x" * 900 for n in range(60)]  # about 55,000 characters of notes
    people = {
        "wang": make_contact(owner, name="王小明", met=[meet(fair)]),
        "kim": make_contact(owner, name="김민준", met=[meet(fair)]),
        "phone": make_contact(owner, name="", phone="+1-202-555-0143", met=[meet(fair)]),
        "email": make_contact(owner, name="", email="only@example.org", met=[meet(fair)]),
        "emoji": make_contact(owner, name="Ada 👩🏽‍💻 Lovelace 🚀", met=[meet(fair)]),
        "suffix": make_contact(owner, name="Sean O'Brien, PhD", met=[meet(fair)]),
        "long": make_contact(
            owner,
            name="Lena Long",
            email="lena@example.org",
            do_not_contact_at=datetime(2025, 1, 2, tzinfo=UTC),
            do_not_contact_reason="Asked by phone",
            met=[
                meet(
                    fair,
                    tags=["Go, Rust", "東京"],
                    answers={stacks.public_id: ["Remote, only", "東京"]},
                    notes=many,
                )
            ],
        ),
    }
    return people


NAME_PARTS = {"first name", "last name", "name suffix"}
ALL_LAYOUTS = ["generic", "hubspot", "salesforce", "google", "greenhouse"]


@pytest.mark.parametrize("preset", ALL_LAYOUTS)
def test_every_layout_reads_the_same_with_two_parsers_and_has_what_its_importer_requires(
    preset, booth, hard, login_as, client
):
    owner, _fair = booth
    login_as(owner)
    data = export(client, preset=preset)
    rows = read(data)
    assert papa_read(data) == rows
    assert len(rows) == len(hard)
    for row in rows:
        for header, cell in row.items():
            if header.casefold() in NAME_PARTS:
                assert not any(ord(c) > 0x1F000 for c in cell), (header, cell)  # no emoji
            limit = 32_000 if preset == "salesforce" else 32_767
            assert len(cell.encode("utf-16-le")) // 2 <= limit
        if preset in ("salesforce", "greenhouse"):
            assert row["Last Name"], row
        if preset == "greenhouse":
            assert row["First Name"], row
        if preset == "hubspot":
            assert row["Email"] or row["First Name"] or row["Last Name"], row


def test_hard_names_split_as_each_layout_wants(booth, hard, login_as, client):
    owner, _fair = booth
    login_as(owner)
    leads = {
        r["Phone"] or r["Email"] or r["Last Name"]: r
        for r in read(export(client, preset="salesforce"))
    }
    assert (leads["王小明"]["First Name"], leads["王小明"]["Last Name"]) == ("", "王小明")
    assert leads["김민준"]["Last Name"] == "김민준"
    assert leads["+1-202-555-0143"]["Last Name"] == "[not provided]"
    assert leads["+1-202-555-0143"]["Phone"] == "+1-202-555-0143"  # no quote for a CRM
    assert leads["only@example.org"]["Last Name"] == "[not provided]"
    assert leads["O'Brien, PhD"]["First Name"] == "Sean"
    assert leads["Lovelace"]["First Name"] == "Ada"
    hubspot = read(export(client, preset="hubspot"))
    phone_only = next(r for r in hubspot if r["Phone Number"])
    assert phone_only["Last Name"] == "[not provided]"
    google = {r["Last Name"]: r for r in read(export(client, preset="google"))}
    assert google["O'Brien"]["Name Suffix"] == "PhD"
    generic = {r["Email"] or r["Phone"]: r for r in read(export(client))}
    assert generic["'+1-202-555-0143"]["Phone"] == "'+1-202-555-0143"  # Excel: text, not a sum
    assert generic["only@example.org"]["Last name"] == ""


def test_long_notes_are_cut_at_a_note_and_say_how_many_are_left(booth, hard, login_as, client):
    owner, fair = booth
    login_as(owner)
    for preset, column in (("salesforce", "Description"), ("generic", "Notes")):
        row = {r["Email"]: r for r in read(export(client, preset=preset))}["lena@example.org"]
        cell = row[column]
        assert len(cell) <= (32_000 if preset == "salesforce" else 32_767)
        kept = cell.count("Note 0") + sum(f"Note {n}:" in cell for n in range(1, 60))
        assert (
            cell.endswith(f"… {60 - kept} more notes in NetCompanion")
            or cell.rstrip().endswith(f"… {60 - kept} more notes in NetCompanion")
            or f"… {60 - kept} more notes in NetCompanion" in cell
        )
        assert 0 < kept < 60
        assert "x" * 900 + "\n" in cell or cell.count("x" * 900) == kept  # no note cut inside
    [capture] = [
        r
        for r in read(export(client, path=f"/events/{fair.public_id}/captures/export.csv"))
        if r["Email"] == "lena@example.org"
    ]
    assert "more notes in NetCompanion" in capture["Notes"]


def test_do_not_contact_reaches_every_layout(booth, hard, login_as, client):
    owner, fair = booth
    login_as(owner)

    def lena(preset):
        rows = read(export(client, preset=preset))
        return {r.get("Email") or r.get("E-mail 1 - Value"): r for r in rows}["lena@example.org"]

    assert lena("salesforce")["Email Opt Out"] == "1" and lena("salesforce")["Do Not Call"] == "1"
    assert lena("hubspot")["Message"].startswith("Do not contact since 2025-01-02: Asked by phone")
    assert lena("greenhouse")["Notes"].startswith("Do not contact since 2025-01-02")
    assert "Do not contact" in lena("google")["Labels"].split(" ::: ")
    assert lena("generic")["Do not contact"] == "2025-01-02: Asked by phone"
    assert read(export(client, preset="hubspot_opt_out")) == [{"Email": "lena@example.org"}]
    captures = read(export(client, path=f"/events/{fair.public_id}/captures/export.csv"))
    row = next(r for r in captures if r["Email"] == "lena@example.org")
    assert row["Do not contact"] == "2025-01-02: Asked by phone"
    assert "Lists" in row


def test_values_in_one_cell_keep_their_boundaries(booth, hard, questions, login_as, client):
    owner, fair = booth
    login_as(owner)
    data = export(client, path=f"/events/{fair.public_id}/captures/export.csv")
    [row] = [r for r in read(data) if r["Email"] == "lena@example.org"]
    assert papa_read(data) == read(data)
    assert row["Stacks, languages; tools"] == '"Remote, only", 東京'
    assert row["Interests"] == '"Go, Rust", 東京'
    generic = {r["Email"]: r for r in read(export(client))}["lena@example.org"]
    assert 'Stacks, languages; tools: "Remote, only", 東京' in generic["Answers"]


def test_one_line_fields_stored_with_line_breaks_export_on_one_line(
    booth, make_contact, login_as, client
):
    owner, fair = booth
    make_contact(
        owner,
        name="Ana\nOrtiz",
        company="Orbital\r\nSystems",
        title="Staff\u2028eng",
        met=[meet(fair)],
    )
    login_as(owner)
    [row] = read(export(client))
    assert (row["Name"], row["Company"], row["Job title"]) == (
        "Ana Ortiz",
        "Orbital Systems",
        "Staff eng",
    )
    [capture] = read(export(client, path=f"/events/{fair.public_id}/captures/export.csv"))
    assert capture["Name"] == "Ana Ortiz"
