"""vCards that independent parsers (Mozilla's ical.js in 3.0 and 4.0, the npm package vcard4 in
4.0) read as the data, every field, for names and notes full of commas, semicolons, quotes,
backslashes, accents, CJK, right-to-left text and emoji, with long multi-line notes folded
across multi-byte characters. Where a parser reads a value otherwise than its RFC says, the
expectation says so: ``conftest.READINGS`` and the hard values below."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest
import vobject
from sqlalchemy import select

from netcompanion.capture.models import Contact
from netcompanion.export.cards import CardWriter, fold_line
from netcompanion.export.own_cards import FN_PLACEHOLDER, PRODID
from netcompanion.export.records import ContactRecord, Membership
from netcompanion.extensions import db
from netcompanion.followup.models import EntryState, FollowupList, ListEntry, ListStage

from .conftest import (
    LONG_NOTE,
    TRICKY,
    ical_params,
    ical_read,
    meet,
    read_as,
    vcard4_params,
    vcard4_read,
)

#: vCard N (family; given) of the tricky people: a one-word name is a family name.
FAMILY_GIVEN = {
    TRICKY[0]["name"]: ['"Zee" O\'Brien-Łukasiewicz, Jr.; PhD', "Zoë", "", "", ""],
    "王芳": ["王芳", "", "", "", ""],
    "Αλεξάνδρα Παππά 😀": ["Παππά 😀", "Αλεξάνδρα", "", "", ""],
}

VERSIONS = ("3.0", "4.0")
#: Each independent parser with each version it reads.
PARSED = [("ical.js", "3.0"), ("ical.js", "4.0"), ("vcard4", "4.0")]


def read(parser: str, data: bytes, version: str, grouped: bool = False) -> list[dict]:
    if parser == "vcard4":
        return vcard4_read(data, grouped=grouped)
    return ical_read(data, version, grouped=grouped)


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


@pytest.mark.parametrize(("parser", "version"), PARSED)
def test_independent_parsers_read_every_field_as_the_data(
    parser, version, booth, people, login_as, client
):
    owner, fair = booth
    login_as(owner)
    response = client.get(
        f"/lists/{_pool().public_id}/export.vcf", query_string={"version": version}
    )
    assert response.status_code == 200
    data = response.get_data()
    assert_well_formed(data)
    cards = read(parser, data, version, grouped=True)
    assert len(cards) == len(people)

    def want(prop: str, value: str) -> str:
        return read_as(parser, version, prop, value)

    by_name = {c["fn"][0]: c for c in cards}
    for n, person in enumerate(people):
        card = by_name[want("fn", person.name)]
        assert card["version"] == [version]
        assert card["n"] == [FAMILY_GIVEN[person.name]]
        if person.company:
            assert card["org"] == [person.company]
        else:
            assert "org" not in card
        assert card.get("title", []) == ([want("title", person.title)] if person.title else [])
        assert card.get("email", []) == ([want("email", person.email)] if person.email else [])
        assert card.get("tel", []) == ([want("tel", person.phone)] if person.phone else [])
        assert card.get("url", []) == ([person.website_url] if person.website_url else [])
        linkedin = [person.linkedin_url] if person.linkedin_url else []
        assert card.get("item1.url", []) == linkedin
        assert card.get("item1.x-ablabel", []) == (["LinkedIn"] if linkedin else [])
        assert card.get("x-socialprofile", []) == linkedin
        colleague = "Carla Colleague" if n == 0 else None
        assert card["note"] == [want("note", expected_note(person, owner, colleague))]
        tags = ["Backend", "Go, Rust", "ML; AI", "Backend, nurture; 2025"]
        assert card["categories"] == [[want("categories", tag) for tag in tags]]
        assert card["uid"][0].startswith("urn:uuid:")
        assert card["prodid"] == [PRODID]
        rev = "%Y%m%dT%H%M%SZ" if parser == "vcard4" else "%Y-%m-%dT%H:%M:%SZ"  # as written
        assert card["rev"] == [person.updated_at.strftime(rev)]


def _pool() -> FollowupList:
    return db.session.scalars(select(FollowupList)).one()


@pytest.mark.parametrize("version", VERSIONS)
def test_vobject_reads_every_text_as_the_data(version, booth, people, login_as, client):
    owner, _fair = booth
    login_as(owner)
    data = client.get(f"/lists/{_pool().public_id}/export.vcf?version={version}").get_data()
    read = {card.fn.value: card for card in vobject.readComponents(data.decode())}
    assert sorted(read) == sorted(p.name for p in people)
    for n, person in enumerate(people):
        card = read[person.name]
        colleague = "Carla Colleague" if n == 0 else None
        assert card.note.value == expected_note(person, owner, colleague)
        assert [card.n.value.family, card.n.value.given] == FAMILY_GIVEN[person.name][:2]
        titles = [card.title.value] if "title" in card.contents else []
        assert titles == ([person.title] if person.title else [])
        # Not URL: vobject reads a URI as text and stops at its first comma; RFC 2426 and
        # RFC 6350 type URL as a URI, unescaped, which is how ical.js and vcard4 read it.
        assert card.categories.value == ["Backend", "Go, Rust", "ML; AI", "Backend, nurture; 2025"]


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


def test_both_versions_escape_semicolons_in_text_and_write_uris_as_they_are(
    booth, people, login_as, client
):
    owner, _fair = booth
    login_as(owner)
    url = f"/contacts/{people[0].public_id}/export.vcf"
    v4 = client.get(url + "?version=4.0").get_data().replace(b"\r\n ", b"")
    v3 = client.get(url).get_data().replace(b"\r\n ", b"")
    assert b"\r\nVERSION:4.0\r\n" in v4 and b"\r\nVERSION:3.0\r\n" in v3
    for data in (v3, v4):
        assert b"\r\nTITLE:Head of R&D\\, Backend\\; Platform\r\n" in data
        assert b"\r\nORG:Acme\\; Widgets\\, Inc. \\\\ Europe\r\n" in data
        assert b"\r\nCATEGORIES:Backend,Go\\, Rust,ML\\; AI,Backend\\, nurture\\; 2025\r\n" in data
        # URLs are not text: written as they are.
        assert b"\r\nURL:https://example.org/a,b;c?x=1&y=2\r\n" in data
        linkedin = "https://www.linkedin.com/in/zoë-o-brien,jr;x".encode()
        assert b"\r\nitem1.URL:" + linkedin + b"\r\n" in data
        assert b"\r\nitem1.X-ABLABEL:LinkedIn\r\n" in data
        assert b"\r\nX-SOCIALPROFILE;TYPE=linkedin:" + linkedin + b"\r\n" in data
    assert b"\r\nEMAIL;TYPE=INTERNET:zoe@example.org\r\n" in v3
    assert b"\r\nEMAIL:zoe@example.org\r\n" in v4
    assert b"\r\nTEL;TYPE=VOICE:+49 30 1234567\r\n" in v3
    assert b"\r\nTEL;TYPE=voice:+49 30 1234567\r\n" in v4


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


# Hard values, read back by each parser ---------------------------------------------------------

HARD = {
    "name": 'Zoë "Zee" O\'Brien, Jr.; PhD',
    # A literal backslash before "n" and "t", as in a Windows path.
    "title": "C:\\new\\table; a, b",
    "company": 'שלום; עולם, בע"מ \\ חיפה',  # right to left
    "phone": "+1 (555) 0100;ext=7",
    # Escape-looking text typed by a person: a backslash before ";", "," and "n".
    "reason": 'محمد; قال: "مرحبا", 王芳说：你好！😀\nline two\\; not an escape\\,\\n' + "ü" * 200,
}
HARD_NOTE = "Do not contact since 2025-01-02: " + HARD["reason"]
HARD_N = ['"Zee" O\'Brien, Jr.; PhD', "Zoë", "", "", ""]

#: What each parser returns for the hard values, written out: every value the parser reads as
#: the data is the data itself; each other one says why.
HARD_READINGS = {
    "ical.js": {
        "fn": 'Zoë "Zee" O\'Brien, Jr.\\; PhD',  # keeps the backslash of \;
        "title": "C:\\new\\table\\; a, b",
        "note": "Do not contact since 2025-01-02: "
        + 'محمد\\; قال: "مرحبا", 王芳说：你好！😀\nline two\\\\; not an escape\\,\\n'
        + "ü" * 200,
        "org": HARD["company"],
        "n": HARD_N,
    },
    "vcard4": {
        "fn": HARD["name"],
        # vcard4 returns a value that parses as a URL ("c:" is a scheme) as it is on the line,
        # escapes and all, whatever the property.
        "title": "C:\\\\new\\\\table\\; a\\, b",
        # vcard4 unescapes "\n" before "\\", so the typed backslash before "n" (written
        # "\\n") comes back as a backslash and a line break.
        "note": HARD_NOTE.replace("\\,\\n", "\\,\\\n"),
        "tel": HARD["phone"],
        "org": HARD["company"],
        "n": HARD_N,
    },
}
#: ical.js reads TEL by its version's type: 3.0's phone-number drops backslashes (right
#: here), 4.0's URI keeps the backslash of \; as its text does.
HARD_TEL = {"3.0": HARD["phone"], "4.0": "+1 (555) 0100\\;ext=7"}


def hard_card(app, version: str) -> bytes:
    record = ContactRecord(
        id=1,
        public_id="hard",
        name=HARD["name"],
        email="zoe@example.org",
        company=HARD["company"],
        title=HARD["title"],
        phone=HARD["phone"],
        linkedin_url="",
        website_url="",
        updated_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        do_not_contact_at=datetime(2025, 1, 2, tzinfo=UTC),
        do_not_contact_reason=HARD["reason"],
    )
    with app.test_request_context():
        return CardWriter("company", version).card(record)


@pytest.mark.parametrize(("parser", "version"), PARSED)
def test_hard_values_read_back_as_each_parser_is_known_to_read_them(app, parser, version):
    data = hard_card(app, version)
    assert_well_formed(data)
    [card] = read(parser, data, version)
    want = {**HARD_READINGS[parser]}
    want.setdefault("tel", HARD_TEL[version])
    assert card["fn"] == [want["fn"]]
    assert card["n"] == [want["n"]]
    assert card["org"] == [want["org"]]
    assert card["title"] == [want["title"]]
    assert card["tel"] == [want["tel"]]
    assert card["note"] == [want["note"]]
    if parser == "ical.js":  # the table in conftest says the same
        written = {"fn": HARD["name"], "title": HARD["title"], "note": HARD_NOTE}
        for prop, value in {**written, "tel": HARD["phone"]}.items():
            assert read_as(parser, version, prop, value) == want[prop]


def test_vcard4_would_split_a_bare_semicolon_which_is_why_4_0_escapes_it():
    """A 4.0 text value with an unescaped semicolon comes back from vcard4 in pieces."""
    card = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann\r\nTITLE:Backend; Platform\r\nEND:VCARD\r\n"
    [read] = vcard4_read(card.encode())
    assert read["title"] == [["Backend", " Platform"]]


# Cards of contacts without a name -------------------------------------------------------------


@pytest.mark.parametrize(("parser", "version"), PARSED)
def test_a_contact_without_a_name_gets_a_marked_stand_in_and_an_empty_n(
    parser, version, booth, make_contact, login_as, client
):
    owner, _fair = booth
    link = "https://www.linkedin.com/in/ann,b;c"
    stand_ins = {  # FN, and the property it comes from
        "email": ("ann@example.org", "EMAIL"),
        "phone": ("+49 30 1234567", "TEL"),
        "company": ("Acme, Inc.", "ORG"),
        "linkedin_url": (link, "URL"),
    }
    for field, (value, _source) in stand_ins.items():
        make_contact(owner, name="", **{field: value})
    make_contact(owner, name="")  # nothing at all
    make_contact(owner, name="Ann Named", phone="+1 555 0100")
    login_as(owner)
    data = client.get("/contacts/export.vcf", query_string={"version": version}).get_data()
    cards = read(parser, data, version)
    params = (ical_params if parser == "ical.js" else vcard4_params)(data)
    marker = FN_PLACEHOLDER.lower() if parser == "ical.js" else FN_PLACEHOLDER
    found = {}
    for card, card_params in zip(cards, params, strict=True):
        [fn_params] = card_params["fn"]
        found[card["fn"][0]] = (fn_params.get(marker), card["n"][0])
    fn_of_link = link
    if parser == "ical.js":
        fn_of_link = read_as(parser, version, "fn", link)
    elif parser == "vcard4":
        fn_of_link = "https://www.linkedin.com/in/ann\\,b\\;c"  # a URL: returned as written
    empty = ["", "", "", "", ""]
    assert found == {
        "ann@example.org": ("EMAIL", empty),
        "+49 30 1234567": ("TEL", empty),
        "Acme, Inc.": ("ORG", empty),
        fn_of_link: ("URL", empty),
        "Unnamed contact": ("NONE", empty),
        "Ann Named": (None, ["Named", "Ann", "", "", ""]),
    }


def test_a_stand_in_name_is_written_as_a_marked_fn_and_names_its_file(
    booth, make_contact, login_as, client
):
    owner, _fair = booth
    phone_only = make_contact(owner, name="", phone="+49 30 1234567")
    login_as(owner)
    for version in VERSIONS:
        url = f"/contacts/{phone_only.public_id}/export.vcf?version={version}"
        data = client.get(url).get_data()
        assert b"\r\nFN;X-NETCOMPANION-PLACEHOLDER=TEL:+49 30 1234567\r\nN:;;;;\r\n" in data
        assert b"Unnamed" not in data
    archive = zipfile.ZipFile(io.BytesIO(client.get("/contacts/export.zip").get_data()))
    assert archive.namelist() == ["+49 30 1234567.vcf"]


# Types and labels -----------------------------------------------------------------------------


def test_phone_email_and_linkedin_carry_the_types_and_label_address_books_keep(
    booth, people, login_as, client
):
    owner, _fair = booth
    login_as(owner)
    url = f"/contacts/{people[0].public_id}/export.vcf"
    [v3] = ical_params(client.get(url).get_data())
    assert v3["email"] == [{"type": "INTERNET"}]
    assert v3["tel"] == [{"type": "VOICE"}]
    assert v3["x-socialprofile"] == [{"type": "linkedin"}]
    data = client.get(url + "?version=4.0").get_data()
    [v4] = ical_params(data)
    assert v4["email"] == [{}]
    assert v4["tel"] == [{"type": "voice"}]
    [v4] = vcard4_params(data)
    assert v4["tel"] == [{"TYPE": "voice"}]
    assert v4["x-socialprofile"] == [{"TYPE": "linkedin"}]
    [card] = vcard4_read(data, grouped=True)
    assert card["item1.url"] == [people[0].linkedin_url]
    assert card["item1.x-ablabel"] == ["LinkedIn"]


def test_vcard4_returns_a_note_that_starts_like_a_url_as_it_is_written(app):
    """A contact met nowhere but in a list has a note starting "Lists:", which vcard4 takes for
    a URL (scheme "lists") and returns escaped; ical.js reads it as text."""
    record = ContactRecord(
        id=1,
        public_id="listed",
        name="Ann",
        email="",
        company="",
        title="",
        phone="",
        linkedin_url="",
        website_url="",
        updated_at=datetime(2025, 1, 2, tzinfo=UTC),
        do_not_contact_at=None,
        do_not_contact_reason="",
        lists=[Membership(1, "Backend, nurture; 2025", "New", None, EntryState.ACTIVE)],
    )
    with app.test_request_context():
        data = CardWriter("company", "4.0").card(record)
    [card] = vcard4_read(data)
    assert card["note"] == ["Lists: Backend\\, nurture\\; 2025: New"]
    [card] = ical_read(data, "4.0")
    assert card["note"] == ["Lists: Backend, nurture\\; 2025: New"]
