"""Reading .vcf files as phones, mail programs and CRMs write them, and refusing broken ones."""

from __future__ import annotations

import base64
import codecs

import pytest

from netcompanion.attendee.models import Attendee
from netcompanion.badge.vcard import public_card
from netcompanion.export.own_cards import FN_PLACEHOLDER
from netcompanion.export.vcard_lines import VCardFileError
from netcompanion.export.vcard_reading import read
from tests.export.import_helpers import card, exported, vcf


def one(text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    (only,) = read(data, 10)
    return only


def test_iphone_export_keeps_preferred_email_and_mobile_and_finds_linkedin(app):
    chidi, yuki = read(exported("iphone.vcf"), 10)
    assert chidi.details == {
        "name": "Chidi Okafor",
        "email": "chidi@lumen.example",  # type=pref, though listed second; lower-cased
        "company": "Lumen Labs",  # the first part of ORG
        "title": "Staff Engineer",
        "phone": "+1 (415) 555-0142",  # the preferred mobile, not the work line
        "linkedin_url": "https://www.linkedin.com/in/chidi-okafor",  # item3.URL
        "website_url": "https://lumen.example",  # no scheme on the card
    }
    assert chidi.note == (
        "Met at the Kotlin meetup, wants remote work.\nFollow up in May.\n\n"
        "Other email addresses on the card: c.okafor@home.example\n"
        "Other phone numbers on the card: +1 415 555 0100"
    )
    assert chidi.tags == ["Kotlin", "Remote"]
    assert chidi.warnings == [] and chidi.problem is None
    # The photo is dropped unread; Apple's LinkedIn social profile counts as the LinkedIn URL.
    assert "PHOTO" not in chidi.note
    assert yuki.details["name"] == "佐藤 由紀"
    assert yuki.details["company"] == "Kaizen KK"
    assert yuki.details["linkedin_url"] == "http://www.linkedin.com/in/yukisato"


def test_android_2_1_quoted_printable_with_soft_line_breaks_and_bare_types(app):
    ayse, jan, empty = read(exported("android.vcf"), 10)
    assert ayse.details["name"] == "Ayşe Öztürk"
    assert ayse.details["company"] == "Grün & Partner"
    assert ayse.details["phone"] == "+49 170 5550123"  # TEL;CELL;PREF beats TEL;WORK
    assert ayse.note.startswith(
        "Kennengelernt auf der Messe, sehr interessiert an Backend-Rollen.\n"
        "Zweite Zeile mit äöü und einem sehr langen Satz, der weiter geht."
    )
    assert ayse.line == 1 and jan.line == 31
    # vCard 2.1 does not escape commas: the whole name stays.
    assert jan.details["name"] == "Kowalski, Jan"
    assert jan.details["phone"] == "0049 151 5550188"  # the mobile before the fax
    assert empty.problem == "The card has no name, email address or phone number."


def test_google_contacts_export_with_lf_endings_and_escaped_colons(app):
    lena, marco = read(exported("google.vcf"), 10)
    assert lena.details["linkedin_url"] == "https://www.linkedin.com/in/lenafischer"
    assert lena.details["website_url"] == "https://lena.example/blog"
    assert lena.note.startswith("Prefers email. Speaks German, English and Polish.")
    assert lena.tags == ["Conference 2024"]  # "myContacts" says nothing about the person
    assert marco.tags == []


def test_outlook_2_1_in_windows_1252_with_quoted_printable(app):
    (juergen,) = read(exported("outlook.vcf"), 10)
    assert juergen.details["name"] == "Jürgen Müller"
    assert juergen.details["company"] == "Müller & Söhne GmbH"
    assert juergen.details["title"] == "Geschäftsführer"
    assert juergen.details["email"] == "juergen.mueller@example.de"
    # The preferred number is not marked: the mobile comes first.
    assert juergen.details["phone"] == "+49 171 5550100"
    assert juergen.details["website_url"] == "http://www.mueller-soehne.example"
    assert juergen.note.startswith("Preis: 100 €\nRückruf erwünscht, gern vormittags")


def test_crm_vcard_4_0_with_bom_uri_phones_and_pref_numbers(app):
    priya, company = read(exported("crm.vcf"), 10)
    assert priya.details["email"] == "priya.raman@globex.example"  # PREF=1 beats PREF=2
    assert priya.details["phone"] == "+49-151-5550177"  # tel: URI, preferred
    assert "+49-30-5550100" in priya.note and ";ext" not in priya.note
    assert priya.details["linkedin_url"] == "https://www.linkedin.com/in/priyaraman/"
    assert priya.details["website_url"] == "https://globex.example/team/priya"
    assert priya.tags == ["Data", "Berlin"]
    assert company.problem == "This card is a group, an organization or a place, not a person."


@pytest.mark.parametrize("charset", ["UTF-8", "ISO-8859-1", "windows-1252"])
def test_quoted_printable_in_the_charset_the_line_names(app, charset):
    encoded = "".join(f"={b:02X}" for b in "Zoë Ñúñez".encode(charset))
    text = card("", f"FN;ENCODING=QUOTED-PRINTABLE;CHARSET={charset}:{encoded}", version="2.1")
    assert one(text).details["name"] == "Zoë Ñúñez"


def test_a_charset_that_does_not_fit_the_bytes_falls_back_instead_of_failing(app):
    # Says UTF-8, holds Latin-1 (old exporters do this); an unknown charset is no error either.
    text = card(
        "",
        "FN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Ren=E9e Dupr=E9",
        "TITLE;CHARSET=X-UNKNOWN:Chef",
        version="2.1",
    )
    found = one(text)
    assert found.details["name"] == "Renée Dupré"
    assert found.details["title"] == "Chef"


def test_lowercase_quoted_printable_and_bare_quoted_printable_parameter(app):
    text = card("", "FN;QUOTED-PRINTABLE;CHARSET=UTF-8:J=c3=b6rg", version="2.1")
    assert one(text).details["name"] == "Jörg"


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_any_line_ending(app, newline):
    text = card("Ada Lovelace", "EMAIL:ada@example.com", "NOTE:a\\nb").replace("\r\n", newline)
    found = one(text)
    assert found.details["email"] == "ada@example.com"
    assert found.note == "a\nb"


def test_folded_lines_even_inside_a_multibyte_character(app):
    # Folding counts octets; a careless exporter splits "ü" (two bytes) across the fold.
    raw = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Hans M"
    raw += "ü".encode()[:1] + b"\r\n " + "ü".encode()[1:] + b"ller\r\n"
    raw += b"NOTE:A long note that goes on and on\r\n\t and on.\r\nEND:VCARD\r\n"
    found = one(raw)
    assert found.details["name"] == "Hans Müller"
    assert found.note == "A long note that goes on and on and on."


def test_utf16_with_bom(app):
    text = card("Zoë", "EMAIL:zoe@example.com")
    assert one(codecs.BOM_UTF16_LE + text.encode("utf-16-le")).details["name"] == "Zoë"


def test_without_fn_the_parts_of_n_make_the_name(app):
    text = card("", "N:Hopper;Grace;Brewster;RAdm.;", "EMAIL:grace@example.com")
    assert one(text).details["name"] == "RAdm. Grace Brewster Hopper"


def test_base64_photo_of_any_shape_is_never_decoded(app):
    broken = base64.b64encode(b"x" * 100).decode()[:-3]  # bad padding would fail vobject
    text = card("Ada", f"PHOTO;ENCODING=b;TYPE=JPEG:{broken}", "LOGO;VALUE=uri:http://x.example")
    assert one(text).details["name"] == "Ada"


def test_values_too_long_for_a_contact_are_cut_or_left_out_with_a_warning(app):
    text = card(
        "N" * 250,
        "ORG:" + "O" * 230,
        "TEL:+49 " + "1" * 60,
        "TEL:+49 30 123456",
        "URL:https://example.com/" + "p" * 600,
        "EMAIL:not an address",
        "EMAIL:ok@example.com",
        "NOTE:" + "n" * 6000,
        "CATEGORIES:" + ",".join(f"Tag {i}" for i in range(25)) + ",T" + "t" * 80,
    )
    found = one(text)
    assert len(found.details["name"]) == 200
    assert len(found.details["company"]) == 200
    assert found.details["phone"] == "+49 30 123456"
    assert found.details["website_url"] == ""
    assert found.details["email"] == "ok@example.com"
    assert len(found.note) == 5000
    assert len(found.tags) == 20 and all(len(tag) <= 60 for tag in found.tags)
    assert found.problem is None
    assert found.warnings == [
        "The name was cut to 200 characters.",
        "The company was cut to 200 characters.",
        "“not an address” is not a valid email address and was left out.",
        "A phone number longer than 50 characters was left out.",
        "A web address longer than 500 characters was left out.",
        "The note was cut to 5000 characters.",
        "Categories were cut to 60 characters.",
        "Only the first 20 of 26 categories were kept.",
    ]


def test_a_url_with_another_scheme_is_left_out(app):
    found = one(card("Ada", "URL:skype:ada.l", "URL:ftp://files.example"))
    assert found.details["website_url"] == ""
    assert len(found.warnings) == 2


def test_a_card_of_the_apps_own_badge_reads_back_cleanly(app):
    attendee = Attendee(
        name="Zoë d'Arcy, PhD",
        company="Initech; Labs",
        title="Backend engineer",
        linkedin_url="https://www.linkedin.com/in/zoe",
        website_url="https://zoe.example",
        show_linkedin=True,
        show_website=True,
    )
    found = one(public_card(attendee, note="Met at Berlin Tech, Hall 2"))
    assert found.details["name"] == "Zoë d'Arcy, PhD"
    assert found.details["company"] == "Initech; Labs"
    assert found.details["title"] == "Backend engineer"
    assert found.details["linkedin_url"] == "https://www.linkedin.com/in/zoe"
    assert found.details["website_url"] == "https://zoe.example"
    assert found.note == "Met at Berlin Tech, Hall 2"
    assert found.warnings == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b" \r\n\r\n", "The file is empty."),
        (b"\xef\xbb\xbf\r\n", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "This looks like a PNG image, not a vCard (.vcf) file."),
        (b"PK\x03\x04junk", "This looks like a ZIP archive or an Office document, not a vCard"),
        (b"%PDF-1.7\n", "This looks like a PDF document, not a vCard (.vcf) file."),
        (b"\x00\x01\x02garbage\xff", "This file contains binary data, not vCard text."),
        (b"<!DOCTYPE html><html><body>Contacts</body></html>", "This is a web page or XML"),
        (b"Name,Email\r\nAda,ada@example.com\r\n", "it should start with BEGIN:VCARD, but line 1"),
        (
            vcf(card("Ada"), "BEGIN:VCARD\r\nFN:Bob\r\nEMAIL:bob@example"),
            "Card 2 (from line 5) has no END:VCARD: the file is cut off or damaged.",
        ),
        (
            vcf("BEGIN:VCARD\r\nFN:Ada\r\n", card("Bob")),
            "Card 1 (from line 1) has no END:VCARD before the next card starts on line 3.",
        ),
        (
            vcf(card("Ada"), "Some trailing text\r\n"),
            "Line 5 is outside any card: after the END:VCARD of card 1",
        ),
        (
            vcf(card("Ada"), card("Bob", "this line has no colon")),
            "Line 8 is not a vCard line (in card 2).",
        ),
        (
            vcf(card("Ada", "TEL;TYPE=a=b=c;;:1")),
            "Line 4 of card 1 could not be read.",
        ),
        (
            vcf(card("Ada", "BEGIN:VCALENDAR", "END:VCALENDAR")),
            "Line 4 starts something other than a card, inside card 1.",
        ),
        (vcf(card("Ada") * 11), "The file holds more than 10 cards"),
    ],
)
def test_a_malformed_file_is_refused_with_the_line_or_card(app, data, message):
    with pytest.raises(VCardFileError) as refused:
        read(data, 10)
    assert message in refused.value.message


def test_an_old_phones_photo_with_unindented_data_lines(app):
    data = base64.b64encode(bytes(range(256))).decode()
    lines = [data[i : i + 64] for i in range(0, len(data), 64)]
    text = card(
        "Nokia User", "PHOTO;ENCODING=BASE64;TYPE=JPEG:", *lines, "TEL;CELL:+358 40 1234567"
    )
    found = one(text.replace("VERSION:3.0", "VERSION:2.1"))
    assert found.details["phone"] == "+358 40 1234567"


@pytest.mark.parametrize(
    "fn, detail",
    [
        ("EMAIL:zoe@example.org", "EMAIL:zoe@example.org"),
        ("URL:https://www.linkedin.com/in/zoe", "URL:https://www.linkedin.com/in/zoe"),
        ("NONE:Unnamed contact", "ORG:Acme"),
    ],
)
def test_a_marked_stand_in_fn_is_not_read_as_a_name_whoever_wrote_the_card(app, fn, detail):
    """No PRODID: an address book kept the mark while re-writing the card."""
    source, text = fn.split(":", 1)
    data = card("", f"FN;{FN_PLACEHOLDER}={source}:{text}", "N:;;;;", detail).encode()
    (only,) = read(data, 10)
    assert only.details["name"] == ""


def test_a_marked_fn_someone_typed_a_name_over_stays_a_name(app):
    data = card("", f"FN;{FN_PLACEHOLDER}=EMAIL:Zoë Okafor", "EMAIL:zoe@example.org").encode()
    (only,) = read(data, 10)
    assert only.details["name"] == "Zoë Okafor"
