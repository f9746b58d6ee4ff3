"""Real-world .vcf files other exporters wrote (data/import/real, see its README)."""

from __future__ import annotations

from sqlalchemy import select

from netcompanion.capture.models import Capture
from netcompanion.export.vcard_reading import read
from netcompanion.extensions import db
from tests.export.import_helpers import (
    DATA,
    confirm,
    event_url,
    exhibitor_fixture,  # noqa: F401 (the exhibitor fixture)
    outcomes,
    upload,
)

REAL = DATA / "real"


def real(name: str) -> bytes:
    return (REAL / name).read_bytes()


def test_fullcontact_4_0_keeps_the_person_and_names_what_it_does_not_keep(app):
    (person,) = read(real("ez-vcard/fullcontact.vcf"), 10)
    assert person.details == {
        "name": "Prefix FirstName MiddleName LastName Suffix",
        "email": "home@example.com",  # no PREF: the first
        "company": "Organization1",
        "title": "Title1",
        "phone": "555-555-1113",  # the first mobile
        "linkedin_url": "",
        "website_url": "http://www.homepage.com",
    }
    assert person.note.startswith("Notes line 1\nNotes line 2\n\nOther email addresses")
    assert "555-555-1116" in person.note  # a fax number comes last, but is not lost
    assert person.tags == ["Tag"]
    assert person.warnings == [] and person.problem is None
    assert person.not_kept == [
        "birthday",
        "address",
        "nickname",
        "instant messaging",
        "department",
    ]


def test_gmail_3_0_list_without_a_final_line_end(app):
    cards = read(real("ez-vcard/gmail-list.vcf"), 10)
    assert [(c.details["name"], c.details["email"]) for c in cards] == [
        ("Arnold Smith", "asmithk@gmail.com"),
        ("Chris Beatle", "chrisy55d@yahoo.com"),
        ("Doug White", "dwhite@gmail.com"),
    ]
    assert all(c.not_kept == [] and c.warnings == [] for c in cards)


def test_windows_address_book_2_1_quoted_printable_utf8(app):
    (max_,) = read(real("folkerkinzel-vcards/v2_1.vcf"), 10)
    assert max_.details["name"] == "Maxl"
    assert max_.details["company"] == "Firma"  # "Führungsetage" is the unit: not kept
    assert max_.details["title"] == "Position"
    assert max_.details["email"] == "privat@folker-kinzel.de"  # EMAIL;PREF
    assert max_.details["website_url"] == "http://www.privat.de"
    line = "Kommentar ÄÄÄÄÄÄ ääääää ÖÖÖÖÖÖ öööööö ÜÜÜÜÜÜ üüüüüü ßßßßßß"
    assert max_.note.startswith("\n".join([line] * 6) + "\n\n")
    assert "business@folker-kinzel.de" in max_.note
    assert max_.not_kept == ["nickname", "address", "birthday", "department"]


def test_a_real_file_imports_through_the_preview_which_names_what_is_not_kept(client, exhibitor):
    _recruiter, event = exhibitor
    preview = upload(client, event_url(event), real("ez-vcard/fullcontact.vcf"))
    assert outcomes(preview) == {1: "new"}
    assert (
        "Not kept: birthday, address, nickname, instant messaging, department"
        in preview.get_data(as_text=True)
    )
    report = confirm(client, preview)
    assert outcomes(report) == {1: "new"}
    db.session.expire_all()
    (capture,) = db.session.scalars(select(Capture).where(Capture.event_id == event.id))
    assert (capture.name, capture.email, capture.phone) == (
        "Prefix FirstName MiddleName LastName Suffix",
        "home@example.com",
        "555-555-1113",
    )
    assert capture.tag_names == ["Tag"]
