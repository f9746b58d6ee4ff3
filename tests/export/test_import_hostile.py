"""Hostile .vcf files: bogus charsets, cards of thousands of properties, huge lines, deep folding,
NUL bytes, thousands of categories. Each is imported correctly or refused with the card's number,
and never answered with a server error or half written."""

from __future__ import annotations

import codecs
import encodings.aliases

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from netcompanion.capture.models import Capture, Contact
from netcompanion.export import vcard_charsets
from netcompanion.export.vcard_lines import MAX_VALUE, VCardFileError, split_cards
from netcompanion.export.vcard_reading import read
from netcompanion.extensions import db
from netcompanion.followup import service as followups
from tests.conftest import FormClient
from tests.export.import_helpers import (
    card,
    confirm,
    event_url,
    exhibitor_fixture,  # noqa: F401 (the exhibitor fixture)
    list_url,
    outcomes,
    row_counts,
    upload,
    vcf,
)

#: Names no line can be in: unknown, empty, or codecs Python has that cannot read a line.
BOGUS_CHARSETS = [
    "undefined",
    "x-nonsense",
    "",
    '""',
    "utf-7",
    "UTF-16",
    "utf-16-be",
    "UTF-32",
    "cp037",
    "base64",
    "rot13",
    "hex",
    "zlib",
    "unicode_escape",
    "raw_unicode_escape",
    "idna",
    "punycode",
]


def bogus_card(charset: str) -> bytes:
    """A 2.1 card whose name, in UTF-8 and quoted-printable, and whose title, in Windows-1252,
    name ``charset``; its note is quoted-printable 8-bit text."""
    return (
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        f"FN;ENCODING=QUOTED-PRINTABLE;CHARSET={charset}:J=C3=B6rg M=C3=BCller\r\n"
        f"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET={charset}:Gr=FC=DFe\r\n"
        "EMAIL:joerg@example.de\r\n"
        f"TITLE;CHARSET={charset}:Gesch\xe4ftsf\xfchrer\r\n"
        "END:VCARD\r\n"
    ).encode("latin-1")


@pytest.mark.parametrize("charset", BOGUS_CHARSETS)
def test_a_charset_no_line_can_be_in_reads_as_utf8_then_windows_1252(app, charset):
    (found,) = read(bogus_card(charset), 10)
    assert found.details["name"] == "Jörg Müller"
    assert found.details["title"] == "Geschäftsführer"
    assert found.note == "Grüße"
    assert found.problem is None


@pytest.mark.parametrize("charset", ["ISO-8859-2", "KOI8-R", "Shift_JIS", "GB18030", "Big5"])
def test_a_charset_a_line_can_be_in_is_still_used(app, charset):
    text = {"ISO-8859-2": "Łukasz", "KOI8-R": "Борис", "Shift_JIS": "佐藤", "GB18030": "王芳"}
    name = text.get(charset, "陳大文")
    data = b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=%s:%s\r\nEND:VCARD\r\n" % (
        charset.encode(),
        name.encode(charset),
    )
    assert read(data, 10)[0].details["name"] == name


#: Every codec name and alias Python knows, and what exporters and attackers write.
_CODEC_NAMES = sorted(set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values()))
_charset_names = st.one_of(
    st.sampled_from(_CODEC_NAMES + BOGUS_CHARSETS),
    st.text(st.characters(max_codepoint=0x7E, exclude_characters=':;"\r\n'), max_size=12),
)
_line_bytes = st.binary(max_size=40).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(charset=_charset_names, value=_line_bytes, quoted_printable=st.booleans())
def test_any_charset_name_on_any_bytes_reads_or_is_refused_clearly(
    app, charset, value, quoted_printable
):
    if quoted_printable:
        value = "".join(f"={byte:02X}" for byte in value).encode()
        head = b"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=" + charset.encode()
    else:
        head = b"NOTE;CHARSET=" + charset.encode()
    data = b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Ada\r\n%s:%s\r\nEND:VCARD\r\n" % (head, value)
    try:
        cards = read(data, 10)
    except VCardFileError:
        return  # a refusal with a reason (a NUL byte, a line vobject cannot read)
    (found,) = cards
    for text in [*found.details.values(), found.note, *found.tags]:
        text.encode("utf-8")  # storable: no lone surrogate


def test_the_usable_charsets_are_ascii_compatible_text_codecs():
    assert vcard_charsets.usable("UTF-8") == "utf-8"
    assert vcard_charsets.usable("windows-1252") == "cp1252"
    for name in BOGUS_CHARSETS:
        assert vcard_charsets.usable(name) is None, name
    for name in _CODEC_NAMES:
        found = vcard_charsets.usable(name)
        if found is not None:
            assert codecs.lookup(found)._is_text_encoding
            assert "a:b;c=d,e\\f".encode(found) == b"a:b;c=d,e\\f"


@pytest.mark.parametrize("charset", ["undefined", "x-nonsense", "", "utf-7", "UTF-16"])
def test_a_bogus_charset_is_previewed_and_imported_into_an_event(client, exhibitor, charset):
    recruiter, event = exhibitor
    preview = upload(client, event_url(event), bogus_card(charset))
    assert preview.status_code == 200
    assert outcomes(preview) == {1: "new"}
    assert "Jörg Müller" in preview.get_data(as_text=True)
    report = confirm(client, preview)
    assert report.status_code == 200
    capture = db.session.scalars(select(Capture)).one()
    assert (capture.name, capture.title) == ("Jörg Müller", "Geschäftsführer")


@pytest.mark.parametrize("charset", ["undefined", "UTF-16"])
def test_a_bogus_charset_is_previewed_and_imported_into_a_list(client, exhibitor, charset):
    recruiter, event = exhibitor
    lst = followups.create_list(recruiter, "Leads")
    preview = upload(client, list_url(lst), bogus_card(charset))
    assert preview.status_code == 200
    assert confirm(client, preview).status_code == 200
    contact = db.session.scalars(select(Contact)).one()
    assert contact.name == "Jörg Müller"


# Sizes ------------------------------------------------------------------------------------------


def _signed_in(make_app, make_company, make_event, **settings):
    app = make_app(**settings)
    app.test_client_class = FormClient
    client = app.test_client()
    owner = make_company()
    event = make_event(owner)
    client.submit("/login", {"email": owner.email, "password": "correct horse battery"})
    return client, owner, event


def _emails(n: int, tag: str = "") -> list[str]:
    return [f"EMAIL:p{tag}x{i}@example.com" for i in range(n)]


def test_a_card_of_more_properties_than_allowed_is_refused_by_its_number(
    make_app, make_company, make_event
):
    client, owner, event = _signed_in(
        make_app, make_company, make_event, VCARD_IMPORT_MAX_PROPERTIES=50
    )
    lst = followups.create_list(owner, "Leads")
    # VERSION, FN and 48 more: 50 properties; dropped ones (X-, PHOTO) count too.
    fits = card("Ada", *_emails(40), *["X-CUSTOM:x"] * 8)
    too_many = card("Bob", *_emails(40), *["X-CUSTOM:x"] * 9)
    before = row_counts()
    for url in (event_url(event), list_url(lst)):
        response = upload(client, url, vcf(fits, too_many))
        assert response.status_code == 422
        assert (
            "Card 2 (from line 53) has more than 50 properties (lines such as EMAIL or TEL), "
            "the most one card may have." in response.get_data(as_text=True)
        )
    assert row_counts() == before
    preview = upload(client, event_url(event), vcf(fits))
    assert outcomes(preview) == {1: "new"}
    assert confirm(client, preview).status_code == 200


def test_the_default_limit_refuses_a_card_of_80000_emails_and_phones(app):
    lines = [f"TEL:+49 30 {i:07d}" for i in range(40_000)] + _emails(40_000)
    with pytest.raises(VCardFileError, match="Card 1 .* more than 200 properties"):
        read(vcf(card("Many", *lines)), 10)


def test_repeated_emails_phones_and_web_addresses_count_once_in_order(app):
    lines = [
        *_emails(3),
        "EMAIL;TYPE=PREF:px1@example.com",
        "EMAIL:PX0@example.com",
        "TEL:+1 555 0100",
        "TEL;TYPE=CELL:+1 555 0199",
        "TEL:+1 555 0100",
        "URL:https://a.example",
        "URL:https://b.example",
        "URL:https://a.example",
        "URL:https://b.example",
    ]
    (found,) = read(vcf(card("Ada", *lines)), 10)
    assert found.details["email"] == "px1@example.com"
    assert found.details["phone"] == "+1 555 0199"
    assert found.details["website_url"] == "https://a.example"
    assert found.note == (
        "Other email addresses on the card: px0@example.com, px2@example.com\n"
        "Other phone numbers on the card: +1 555 0100\n"
        "Other web addresses on the card: https://b.example"
    )


def test_a_huge_value_is_read_only_as_far_as_an_import_keeps(app):
    huge = "x" * (MAX_VALUE - 1) + "\\n" + "y" * 10 * MAX_VALUE
    (raw,) = split_cards(vcf(card("Ada", f"NOTE:{huge}")), 10)
    number, line = raw.lines[-1]
    assert line == "NOTE:" + "x" * (MAX_VALUE - 1)  # no half escape pair left at the end
    (found,) = read(vcf(card("Ada", f"NOTE:{huge}")), 10)
    assert found.note == "x" * 5000
    assert found.warnings == ["The note was cut to 5000 characters."]


def test_a_line_with_endless_parameters_is_refused_by_its_number(app):
    data = vcf(card("Ada", 'NOTE;X-A="' + ":" * 100_000 + '":hello'))
    with pytest.raises(VCardFileError, match=r"^Line 4 of card 1 could not be read\.$"):
        read(data, 10)


def test_hostile_files_import_correctly_or_are_refused_through_the_pages(client, exhibitor):
    recruiter, event = exhibitor
    refused = {
        "a NUL byte": (
            vcf(card("Ada", "EMAIL:ada@example.com", "NOTE:a\x00b")),
            "This file contains binary data, not vCard text.",
        ),
        "endless parameters": (
            vcf(card("Ada", 'TEL;X-A="' + ";" * 50_000 + '":1')),
            "Line 4 of card 1 could not be read.",
        ),
    }
    for data, message in refused.values():
        before = row_counts()
        response = upload(client, event_url(event), data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        assert row_counts() == before
    # Under 500 KB in all: a larger upload would be spooled to a file the test client leaves open.
    note = "Grüße " * 20_000  # 140 KB on one line
    folded = "NOTE:" + "\r\n ".join(["ab"] * 40_000)  # 40,000 continuation lines
    categories = "CATEGORIES:" + ",".join(f"t{i}" for i in range(10_000))  # 58,890 characters
    qp_nul = "NOTE;ENCODING=QUOTED-PRINTABLE:a=00b"
    data = vcf(
        card("Long Note", "EMAIL:long@example.com", f"NOTE:{note}"),
        card("Deep Fold", "EMAIL:fold@example.com", folded),
        card("Many Tags", "EMAIL:tags@example.com", categories),
        card("Encoded Nul", "EMAIL:nul@example.com", qp_nul, version="2.1"),
    )
    preview = upload(client, event_url(event), data)
    assert outcomes(preview) == {1: "new", 2: "new", 3: "new", 4: "new"}
    page = preview.get_data(as_text=True)
    assert "Only the first 20 of 10000 categories were kept." in page
    assert "Control characters (such as NUL) were removed from line" in page
    assert confirm(client, preview).status_code == 200
    captures = {c.name: c for c in db.session.scalars(select(Capture))}
    assert set(captures) == {"Long Note", "Deep Fold", "Many Tags", "Encoded Nul"}
    assert {t.name for t in captures["Many Tags"].tags} == {f"t{i}" for i in range(20)}
    assert [len(n.body) for n in captures["Long Note"].notes] == [5000]
    assert [n.body for n in captures["Encoded Nul"].notes] == ["ab"]
