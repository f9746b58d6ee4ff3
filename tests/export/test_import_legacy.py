"""Reading legacy files: undeclared code pages, iPhone line ends, AGENT, default groups."""

from __future__ import annotations

import pytest

from netcompanion.export.vcard_reading import read
from tests.export.import_helpers import card


def one(data: str | bytes):
    (only,) = read(data.encode() if isinstance(data, str) else data, 10)
    return only


def legacy(*lines: str, charset: str = "cp1251") -> bytes:
    return card("", *lines, version="2.1").encode(charset)


def test_a_charset_named_on_another_line_of_the_card_reads_the_others(app):
    found = one(
        legacy(
            "N:Іванов;Віталій;Володимирович",
            "FN:Віталій Володимирович",
            "LABEL;CHARSET=Windows-1251:Київ",
        )
    )
    assert found.details["name"] == "Віталій Володимирович"  # not "Â³òàë³é Âîëîäèìèðîâè÷"
    assert found.warnings == []
    assert found.not_kept == ["address"]


@pytest.mark.parametrize(
    ("name", "charset", "named"),
    [
        ("Γιώργος Παπαδόπουλος", "cp1253", "Windows-1253"),
        ("דוד כהן", "cp1255", "Windows-1255"),
        ("Иванов Иван", "koi8_r", "KOI8-R"),
    ],
)
def test_greek_hebrew_and_koi8_names_read_in_the_code_page_the_card_names(
    app, name, charset, named
):
    found = one(legacy(f"FN:{name}", f"ADR;CHARSET={named}:;;", charset=charset))
    assert found.details["name"] == name
    assert found.warnings == []


def test_a_card_that_names_only_utf8_elsewhere_still_has_its_code_page_detected(app):
    found = one(legacy("FN:Віталій Володимирович", "NOTE;CHARSET=UTF-8:ok"))
    assert found.details["name"] == "Віталій Володимирович"


def test_an_undeclared_code_page_is_detected_and_an_unsure_guess_is_warned_about(app):
    sure = one(legacy("FN:Віталій Володимирович", "TITLE:Директор з персоналу"))
    assert sure.details["name"] == "Віталій Володимирович"
    assert sure.warnings == []
    # Two names in Hebrew are too little to tell Windows-1255 from Windows-1251 for sure.
    unsure = one(legacy("FN:דוד כהן", charset="cp1255"))
    (warning,) = unsure.warnings
    assert warning.startswith("The card does not say which character set its text is in;")


def test_western_text_without_a_charset_still_reads_as_before(app):
    found = one(legacy("FN:Jürgen Müller", "ORG:Müller & Söhne GmbH", charset="cp1252"))
    assert found.details["name"] == "Jürgen Müller"
    assert found.details["company"] == "Müller & Söhne GmbH"
    assert found.warnings == []


def test_utf8_comes_first_even_when_another_line_names_a_code_page(app):
    data = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Анна Петренко\r\n".encode()
        + "LABEL;CHARSET=Windows-1251:Київ\r\nEND:VCARD\r\n".encode("cp1251")
    )
    assert one(data).details["name"] == "Анна Петренко"


def test_cr_cr_lf_line_ends_of_an_iphone_export_are_read(app):
    data = card("Ada Lovelace", "EMAIL:ada@example.org", " ", version="3.0")
    data = data.replace(" \r\n", "").replace("\r\n", "\r\r\n").encode()
    found = one(data)
    assert found.details["name"] == "Ada Lovelace"
    assert found.details["email"] == "ada@example.org"


def test_blank_lines_inside_a_quoted_printable_value_keep_the_value_whole(app):
    found = one(
        legacy(
            "FN:Jan Nowak",
            "NOTE;ENCODING=QUOTED-PRINTABLE:Erste Zeile=0D=0A=",
            "",
            "zweite Zeile",
            "TEL;CELL:+48 600 100 200",
        )
    )
    assert found.note == "Erste Zeile\nzweite Zeile"
    assert found.details["phone"] == "+48 600 100 200"


def test_an_agent_card_is_listed_as_not_kept_and_is_no_card_of_its_own(app):
    cards = read(
        legacy(
            "N:Friday;Fred",
            "FN:Fred Friday",
            "AGENT:",
            "BEGIN:VCARD",
            "VERSION:2.1",
            "N:Assistant;Anna",
            "TEL;WORK:+1 213 555 1234",
            "END:VCARD",
            "TEL;WORK:+1 213 555 9999",
        ),
        10,
    )
    (fred,) = cards
    assert fred.details["name"] == "Fred Friday"
    assert fred.details["phone"] == "+1 213 555 9999"
    assert fred.not_kept == ["assistant (AGENT)"]


def test_default_groups_are_no_interests(app):
    found = one(
        card(
            "Lena Fischer",
            "CATEGORIES:My Contacts,Starred in Android,Address Book,starred,Kotlin",
            "CATEGORIES:myContacts,System Group: Friends,Imported on 3/14/24,* starred",
        )
    )
    assert found.tags == ["Kotlin"]


def test_a_tel_uri_extension_is_kept_in_the_number(app):
    found = one(
        card("Priya Raman", "TEL;VALUE=uri;TYPE=work:tel:+1-555-0100;ext=12", version="4.0")
    )
    assert found.details["phone"] == "+1-555-0100 ext. 12"


def test_address_birthday_nickname_messenger_and_department_are_named_as_not_kept(app):
    found = one(
        card(
            "Chidi Okafor",
            "ORG:Lumen Labs;Platform",
            "ADR;TYPE=work:;;1 Main St;Springfield;;12345;USA",
            "BDAY:1990-04-01",
            "NICKNAME:Chi",
            "IMPP:xmpp:chidi@lumen.example",
            "item1.ADR:;;2 Side St;Springfield;;;",
        )
    )
    assert found.details["company"] == "Lumen Labs"
    assert found.not_kept == ["address", "birthday", "nickname", "instant messaging", "department"]
