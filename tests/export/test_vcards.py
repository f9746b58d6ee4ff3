"""vCards that an independent parser (Mozilla's ical.js) reads exactly as the data, in 3.0 and 4.0:
every field, for names and notes full of commas, semicolons, quotes, backslashes, accents, CJK
and emoji, with long multi-line notes folded across multi-byte characters."""

from __future__ import annotations

import io
import zipfile

import pytest
import vobject
from sqlalchemy import select

from netcompanion.capture.models import Contact
from netcompanion.export.cards import fold_line
from netcompanion.extensions import db
from netcompanion.followup.models import FollowupList, ListEntry, ListStage

from .conftest import LONG_NOTE, TRICKY, ical_read, meet

#: vCard N (family; given) of the tricky people: a one-word name is a family name.
FAMILY_GIVEN = {
    TRICKY[0]["name"]: ['"Zee" O\'Brien-Łukasiewicz, Jr.; PhD', "Zoë", "", "", ""],
    "王芳": ["王芳", "", "", "", ""],
    "Αλεξάνδρα Παππά 😀": ["Παππά 😀", "Αλεξάνδρα", "", "", ""],
}

VERSIONS = ("3.0", "4.0")


def raw_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def assert_well_formed(data: bytes) -> None:
    """CRLF only, no physical line over 75 octets, no character split by a fold."""
    assert b"\r" not in data.replace(b"\r\n", b"") and b"\n" not in data.replace(b"\r\n", b"")
    for line in raw_lines(data):
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold inside a character leaves invalid UTF-8 on both sides


def membership_text(contact: Contact) -> str:
    entry, stage, lst = db.session.execute(
        select(ListEntry, ListStage, FollowupList)
        .join(ListStage, ListStage.id == ListEntry.stage_id)
        .join(FollowupList, FollowupList.id == ListEntry.list_id)
        .where(ListEntry.contact_id == contact.id)
    ).one()
    due = f", next due {entry.next_due_on.isoformat()}" if entry.next_due_on else ""
    return f"Lists: {lst.name}: {stage.name}{due}"


def expected_note(person: Contact, owner, colleague_name: str | None) -> str:
    first = "\n".join(
        [
            f"Met at Berlin Tech Careers Fair on 2025-03-15 by {owner.name} (Entered by hand)",
            "Rating: Hot",
            "Interests: Backend, Go, Rust, ML; AI",
            "Availability: Open in about 3 months",
            "Open to relocation?: Yes",
            "Stacks, languages; tools: Go, C#",
            f"Note by {owner.name}, 2025-03-15: {LONG_NOTE}",
            f'Note by {owner.name}, 2025-03-15: Second note, short; with \\ and "quotes".',
        ]
    )
    blocks = [first]
    if colleague_name:
        blocks.append(
            "\n".join(
                [
                    f"Met at Rust Meetup on 2024-11-02 by {colleague_name} (Entered by hand)",
                    "Rating: Cold",
                    f"Note by {colleague_name}, 2024-11-02: First time we met.",
                ]
            )
        )
    blocks.append(membership_text(person))
    return "\n\n".join(blocks)


@pytest.mark.parametrize("version", VERSIONS)
def test_independent_parser_reads_every_field_as_the_data(version, booth, people, login_as, client):
    owner, fair = booth
    login_as(owner)
    response = client.get(
        f"/lists/{_pool().public_id}/export.vcf", query_string={"version": version}
    )
    assert response.status_code == 200
    data = response.get_data()
    assert_well_formed(data)
    cards = ical_read(data, version)
    assert len(cards) == len(people)
    by_email_or_name = {c["fn"][0]: c for c in cards}
    for n, person in enumerate(people):
        card = by_email_or_name[person.name]
        assert card["version"] == [version]
        assert card["n"] == [FAMILY_GIVEN[person.name]]
        if person.company:
            assert card["org"] == [person.company]
        else:
            assert "org" not in card
        assert card.get("title", []) == ([person.title] if person.title else [])
        assert card.get("email", []) == ([person.email] if person.email else [])
        assert card.get("tel", []) == ([person.phone] if person.phone else [])
        urls = [u for u in (person.linkedin_url, person.website_url) if u]
        assert card.get("url", []) == urls
        colleague = "Carla Colleague" if n == 0 else None
        assert card["note"] == [expected_note(person, owner, colleague)]
        assert card["categories"] == [["Backend", "Go, Rust", "ML; AI", "Backend, nurture; 2025"]]
        assert card["uid"][0].startswith("urn:uuid:")
        assert card["prodid"] == ["-//NetCompanion//Contact export//EN"]
        assert card["rev"] == [person.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")]


def _pool() -> FollowupList:
    return db.session.scalars(select(FollowupList)).one()


@pytest.mark.parametrize("version", VERSIONS)
def test_vobject_reads_the_same_as_ical_js(version, booth, people, login_as, client):
    owner, _fair = booth
    login_as(owner)
    data = client.get(f"/lists/{_pool().public_id}/export.vcf?version={version}").get_data()
    ours = {c["fn"][0]: c for c in ical_read(data, version)}
    read = list(vobject.readComponents(data.decode()))
    assert len(read) == len(ours) == len(people)
    for card in read:
        theirs = ours[card.fn.value]
        assert [card.note.value] == theirs["note"]
        assert [card.n.value.family, card.n.value.given] == theirs["n"][0][:2]
        titles = [card.title.value] if "title" in card.contents else []
        assert titles == theirs.get("title", [])
        # Not URL: vobject reads a URI as text and stops at its first comma; RFC 2426 and
        # RFC 6350 type URL as a URI, unescaped, which is how ical.js reads it.
        assert card.categories.value == theirs["categories"][0]


def test_uid_is_stable_and_tells_nothing(booth, people, login_as, client):
    owner, _fair = booth
    login_as(owner)
    url = f"/contacts/{people[0].public_id}/export.vcf"
    first = ical_read(client.get(url).get_data(), "3.0")[0]["uid"][0]
    again = ical_read(client.get(url + "?version=4.0").get_data(), "4.0")[0]["uid"][0]
    other = ical_read(client.get(f"/contacts/{people[1].public_id}/export.vcf").get_data(), "3.0")
    assert first == again != other[0]["uid"][0]
    assert first.startswith("urn:uuid:") and len(first) == len("urn:uuid:") + 36
    assert people[0].public_id not in first


def test_version_4_escapes_semicolons_only_in_compound_values(booth, people, login_as, client):
    owner, _fair = booth
    login_as(owner)
    url = f"/contacts/{people[0].public_id}/export.vcf"
    v4 = client.get(url + "?version=4.0").get_data().replace(b"\r\n ", b"")
    v3 = client.get(url).get_data().replace(b"\r\n ", b"")
    assert b"\r\nVERSION:4.0\r\n" in v4 and b"\r\nVERSION:3.0\r\n" in v3
    assert b"TITLE:Head of R&D\\, Backend; Platform\r\n" in v4
    assert b"TITLE:Head of R&D\\, Backend\\; Platform\r\n" in v3
    for data in (v3, v4):  # N and ORG parts escape their semicolons in both versions
        assert b"ORG:Acme\\; Widgets\\, Inc. \\\\ Europe\r\n" in data
        # URLs are not text: written as they are.
        assert b"URL:https://example.org/a,b;c?x=1&y=2\r\n" in data
    assert b"\r\nEMAIL;TYPE=INTERNET:zoe@example.org\r\n" in v3
    assert b"\r\nEMAIL:zoe@example.org\r\n" in v4


def test_folding_never_splits_a_character_or_an_escape():
    line = ("NOTE:" + "é😀王\\," * 60).encode()
    folded = fold_line(line)
    pieces = folded.split(b"\r\n ")
    assert b"".join(pieces) == line
    assert len(pieces[0]) <= 75 and all(len(p) <= 74 for p in pieces[1:])
    for piece in pieces:
        piece.decode("utf-8")
        trailing = len(piece) - len(piece.rstrip(b"\\"))
        assert trailing % 2 == 0, piece  # never a lone escaping backslash at a fold
    for width in range(70, 80):  # a fold lands at every byte of a 4-byte character
        line = b"X" * width + "😀".encode() * 40
        for piece in fold_line(line).split(b"\r\n "):
            piece.decode("utf-8")


def test_vobject_alone_folds_by_characters_which_is_why_we_fold():
    """The bug this module works around, kept visible: if vobject ever folds by octets, the
    workaround can go."""
    card = vobject.vCard()
    card.add("fn").value = "é" * 60
    longest = max(len(line.encode()) for line in card.serialize().split("\r\n"))
    assert longest > 75


def test_a_zip_holds_one_card_per_person_with_safe_unique_names(
    booth, people, make_contact, login_as, client
):
    owner, fair = booth
    twin = make_contact(owner, name=people[0].name, email="twin@example.org")
    sneaky = make_contact(owner, name="../../etc/passwd", email="x@example.org")
    login_as(owner)
    response = client.get("/contacts/export.zip", query_string={"version": "4.0"})
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert archive.testzip() is None
    names = archive.namelist()
    assert len(names) == len(set(names)) == len(people) + 2
    for name in names:
        assert name.endswith(".vcf") and "/" not in name and "\\" not in name
        assert not name.startswith(".")
    assert "王芳.vcf" in names
    assert any(n.startswith("etc passwd") for n in names)
    safe = "Zoë Zee O'Brien-Łukasiewicz, Jr.; PhD"
    twins = {n for n in names if n.startswith("Zoë")}
    assert twins == {f"{safe}.vcf", f"{safe} ({twin.public_id}).vcf"}
    for name in names:
        data = archive.read(name)
        assert_well_formed(data)
        [card] = ical_read(data, "4.0")
        assert card["version"] == ["4.0"]
    assert sneaky.name  # exported, under a safe name


@pytest.mark.parametrize("version", VERSIONS)
def test_one_word_and_family_first_names_fill_n_as_readers_expect(
    version, booth, make_contact, login_as, client
):
    owner, fair = booth
    for name in ("Madonna", "김민준", "Björk", "김 민준", "山田 太郎", "محمد بن سلمان"):
        make_contact(owner, name=name, met=[meet(fair)])
    login_as(owner)
    data = client.get("/contacts/export.vcf", query_string={"version": version}).get_data()
    cards = {c["fn"][0]: c["n"][0][:2] for c in ical_read(data, version)}
    assert cards == {
        "Madonna": ["Madonna", ""],
        "김민준": ["김민준", ""],
        "Björk": ["Björk", ""],
        "김 민준": ["김", "민준"],
        "山田 太郎": ["山田", "太郎"],
        "محمد بن سلمان": ["بن سلمان", "محمد"],
    }
