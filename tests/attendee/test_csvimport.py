"""The attendee CSV reader: what organizers upload from Excel, Eventbrite and friends."""

from __future__ import annotations

import io
import zipfile

import pytest
from email_validator import EmailNotValidError, validate_email

from netcompanion.attendee.csvimport import (
    FIELDS,
    ImportFileError,
    RowError,
    parse,
    preview,
)
from netcompanion.exceptions import Rejected


def csv_bytes(*lines: str, newline: str = "\n") -> bytes:
    return (newline.join(lines) + newline).encode()


def errors_of(result) -> list[tuple[int, str]]:
    return [(error.row, error.field) for error in result.errors]


def rejection(data: bytes, mapping=None) -> str:
    with pytest.raises(ImportFileError) as caught:
        parse(data, mapping)
    return caught.value.message


# Headers and delimiters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            "Full Name,E-mail Address,Organisation,Job Title,Mobile,LinkedIn Profile,Homepage",
            ["name", "email", "company", "title", "phone", "linkedin_url", "website_url"],
        ),
        (
            "Vorname,Nachname,E-Mail-Adresse,Firma,Berufsbezeichnung,Handy,Webseite",
            ["first_name", "last_name", "email", "company", "title", "phone", "website_url"],
        ),
        (
            "Nombre,Apellido(s),Correo electrónico,Empresa,Cargo,Teléfono,Sitio web",
            ["first_name", "last_name", "email", "company", "title", "phone", "website_url"],
        ),
        (
            "NOMBRE COMPLETO,correo,Unternehmen,puesto,MÓVIL,linkedin_url,URL",
            ["name", "email", "company", "title", "phone", "linkedin_url", "website_url"],
        ),
    ],
)
def test_english_german_and_spanish_headers_are_recognised(headers, expected):
    data = csv_bytes(headers, "Ana,López,ana@example.com,ACME,CTO,+34 600 111 222,x.es")

    result = preview(data)

    assert [result.mapping[i] for i in range(len(expected))] == expected
    assert result.unknown == []


def test_eventbrite_attendee_number_is_not_taken_for_the_name():
    data = csv_bytes("Attendee #,First Name,Last Name,Email", "123,Ana,López,ana@example.com")

    result = preview(data)

    assert result.mapping == {0: None, 1: "first_name", 2: "last_name", 3: "email"}
    assert parse(data).rows[0].values["name"] == "Ana López"


def test_a_second_column_for_the_same_field_is_left_unmapped():
    data = csv_bytes("Email,Name,E-Mail", "ana@example.com,Ana,other@example.com")

    assert preview(data).mapping == {0: "email", 1: "name", 2: None}
    assert parse(data).rows[0].values["email"] == "ana@example.com"


def test_semicolon_file_from_european_excel():
    data = csv_bytes(
        "Name;E-Mail;Firma",
        "Jürgen Groß;jg@example.de;Müller, Schmidt & Co",
        "Eva Maier;eva@example.at;Acme, GmbH",
    )

    result = parse(data)

    assert preview(data).delimiter == ";"
    assert [row.values["company"] for row in result.rows] == ["Müller, Schmidt & Co", "Acme, GmbH"]
    assert result.errors == []


def test_tab_separated_file():
    data = csv_bytes("Name\tEmail\tCompany", "Ana López\tana@example.com\tACME, Inc; Ltd")

    result = parse(data)

    assert preview(data).delimiter == "\t"
    assert result.rows[0].values["company"] == "ACME, Inc; Ltd"


def test_utf8_byte_order_mark_is_not_part_of_the_first_header():
    data = b"\xef\xbb\xbf" + csv_bytes("Email,Name", "ana@example.com,Ana", newline="\r\n")

    result = parse(data)

    assert preview(data).headers == ["Email", "Name"]
    assert result.rows[0].values["email"] == "ana@example.com"


def test_quoted_cells_with_newlines_and_commas_keep_rows_and_row_numbers():
    data = csv_bytes(
        "Name,Email,Company",
        'Ana López,ana@example.com,"ACME\nResearch, Inc"',
        '"Bo\r\nBerg",bo@,"Quote ""Inc"""',
    )

    result = parse(data)

    assert result.total == 2
    assert result.rows[0].values["company"] == "ACME Research, Inc"
    # Row 3 of the spreadsheet even though it starts on line 4 of the file.
    assert errors_of(result) == [(3, "email")]


# Rows ---------------------------------------------------------------------------------------------


def test_first_and_last_name_are_joined_and_either_alone_is_enough():
    data = csv_bytes(
        "First name,Last name,Email",
        "Ana,López García,ana@example.com",
        "Bo,,bo@example.com",
        ",Chen,chen@example.com",
        ",,nobody@example.com",
    )

    result = parse(data)

    assert [row.values["name"] for row in result.rows] == ["Ana López García", "Bo", "Chen"]
    assert [(e.row, e.field, e.reason) for e in result.errors] == [(5, "name", "Name is missing.")]


def test_a_name_column_wins_over_first_and_last_name_when_filled():
    data = csv_bytes(
        "Name,First name,Last name,Email",
        "Dr. Ana López,Ana,López,ana@example.com",
        ",Bo,Berg,bo@example.com",
    )

    assert [row.values["name"] for row in parse(data).rows] == ["Dr. Ana López", "Bo Berg"]


def test_valid_row_values_are_cleaned_and_every_key_is_present():
    data = csv_bytes(
        "Name,Email,Company,Website",
        "  Ana   López ,  Ana.Lopez@Example.COM , ,",
    )

    (row,) = parse(data).rows

    assert row.row == 2
    assert row.values == {
        "name": "Ana López",
        "email": "ana.lopez@example.com",
        "company": "",
        "title": "",
        "phone": "",
        "linkedin_url": "",
        "website_url": "",
    }


def test_every_problem_of_a_bad_row_is_reported_with_its_spreadsheet_row():
    data = csv_bytes(
        "Name,Email,Phone,Website",
        "Ana,ana@example.com,,",
        "",
        ",bob@,12,ftp://files.example.com",
        "Cy,cy@example.com,call me,",
        ";;;",
    )

    result = parse(data)

    assert result.total == 4  # the blank line is skipped, not counted
    assert [row.row for row in result.rows] == [2]
    assert result.errors == [
        RowError(4, "name", "Name is missing."),
        RowError(
            4,
            "email",
            "'bob@' is not a valid email address. There must be something after the @-sign.",
        ),
        RowError(4, "phone", "'12' is not a valid phone number (it needs at least 5 digits)."),
        RowError(
            4, "website_url", "'ftp://files.example.com' must start with http:// or https://."
        ),
        RowError(
            5, "phone", "'call me' is not a valid phone number (use digits, spaces, + - . / ( ))."
        ),
        RowError(6, "email", "Email is missing."),
    ]


def test_lengths_follow_the_database_columns():
    data = csv_bytes(
        "Name,Email,Company,Title,Phone",
        f"{'A' * 200},a@example.com,{'C' * 200},{'T' * 200},{'1' * 50}",
        f"{'A' * 201},b@example.com,{'C' * 201},{'T' * 201},{'1' * 51}",
        f"Bo,{'b' * 64}@{'d' * 63}.{'e' * 63}.{'f' * 63}.com",
    )

    result = parse(data)

    assert [row.row for row in result.rows] == [2]
    assert errors_of(result) == [
        (3, "name"),
        (3, "company"),
        (3, "title"),
        (3, "phone"),
        (4, "email"),
    ]
    assert result.errors[0].reason == "Name is longer than 200 characters."


def test_phone_numbers_are_kept_as_written():
    data = csv_bytes(
        "Name,Email,Phone",
        "A,a@example.com,+49 (0)171 / 123-45.67",
        "B,b@example.com,0171-12345",
        "C,c@example.com,1234",
        "D,d@example.com,+49 171 12345 ext. 9",
    )

    result = parse(data)

    assert [row.values["phone"] for row in result.rows] == ["+49 (0)171 / 123-45.67", "0171-12345"]
    assert errors_of(result) == [(4, "phone"), (5, "phone")]


def test_formula_like_cells_are_stored_as_text_not_evaluated():
    data = csv_bytes(
        "Name,Email,Company,Title",
        '=HYPERLINK("http://evil.example"),ana@example.com,@SUM(1+1),-2+3',
    )

    (row,) = parse(data).rows

    assert row.values["name"] == '=HYPERLINK("http://evil.example")'
    assert (row.values["company"], row.values["title"]) == ("@SUM(1+1)", "-2+3")


def test_duplicate_email_in_the_file_is_an_error_on_the_later_row():
    data = csv_bytes(
        "Name,Email",
        "Ana,ana@example.com",
        "Bo,bo@example.com",
        "Ana again,ANA@Example.com ",
        "Ana thrice,ana@example.com",
    )

    result = parse(data)

    assert [row.row for row in result.rows] == [2, 3]
    assert [(e.row, e.field, e.reason) for e in result.errors] == [
        (4, "email", "Same email as row 2."),
        (5, "email", "Same email as row 2."),
    ]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("www.example.com", "https://www.example.com"),
        ("example.co.uk/team?x=1#top", "https://example.co.uk/team?x=1#top"),
        ("HTTP://Example.COM:8080/Path", "http://example.com:8080/Path"),
        ("https://medium.com/@ana", "https://medium.com/@ana"),
        ("münchen.de", "https://münchen.de"),
    ],
)
def test_website_gets_a_scheme_and_a_lower_case_host(given, stored):
    data = csv_bytes("Name,Email,Website", f"Ana,ana@example.com,{given}")

    assert parse(data).rows[0].values["website_url"] == stored


@pytest.mark.parametrize(
    "given",
    [
        "localhost",
        "http://192.168.0.1",
        "javascript:alert(1)",
        "mailto:ana@example.com",
        "https://user:pw@example.com",
        "https://exa mple.com",
        "http://example.com:port",
        "not a url",
        "example.com/" + "a" * 490,
    ],
)
def test_website_that_is_not_a_web_address_is_an_error(given):
    data = csv_bytes("Name,Email,Website", f"Ana,ana@example.com,{given}")

    assert errors_of(parse(data)) == [(2, "website_url")]


def test_linkedin_column_gets_a_scheme_and_must_point_to_linkedin():
    data = csv_bytes(
        "Name,Email,LinkedIn",
        "A,a@example.com,linkedin.com/in/ana",
        "B,b@example.com,https://de.LinkedIn.com/in/bo",
        "C,c@example.com,https://example.com/in/cy",
        "D,d@example.com,https://linkedin.com.evil.example/in/di",
        "E,e@example.com,https://evil.example/linkedin.com",
    )

    result = parse(data)

    assert [row.values["linkedin_url"] for row in result.rows] == [
        "https://linkedin.com/in/ana",
        "https://de.linkedin.com/in/bo",
    ]
    assert errors_of(result) == [(4, "linkedin_url"), (5, "linkedin_url"), (6, "linkedin_url")]
    assert result.errors[0].reason == (
        "'https://example.com/in/cy' is not a LinkedIn address (linkedin.com)."
    )


def test_extra_cells_are_an_error_only_when_they_hold_something():
    data = csv_bytes(
        "Name,Email",
        "Ana,ana@example.com,,",
        "Bo,bo@example.com,surprise",
    )

    result = parse(data)

    assert [row.row for row in result.rows] == [2]
    assert [(e.row, e.field, e.reason) for e in result.errors] == [
        (3, "row", "This row has more cells than the header.")
    ]


def test_short_rows_are_padded_with_empty_cells():
    data = csv_bytes("Name,Email,Company,Phone", "Ana,ana@example.com")

    assert parse(data).rows[0].values["company"] == ""


@pytest.mark.parametrize(
    "address",
    [
        "first.last+tag@Example.COM",
        "o'brien@example.ie",
        "Info@Example.com",
        "ana@münchen.de",
        "ana@xn--mnchen-3ya.de",
        "josé@example.es",
        "a..b@example.com",
        ".a@example.com",
        "a@example",
        "a@example.com.",
        "a@-example.com",
        "a@ab--cd.com",
        "a@example.123",
        "a@localhost.test",
        "a@mail.local",
        "a@[192.168.0.1]",
        '"a b"@example.com',
        "a@b@example.com",
        "a" * 64 + "@" + "d" * 63 + "." + "e" * 63 + "." + "f" * 57 + ".com",  # 254: fits
        "a" * 64 + "@" + "d" * 63 + "." + "e" * 63 + "." + "f" * 59 + ".com",  # 256
        "a" * 150 + "@" + "ü." * 20 + "de",  # fits in Unicode, too long in IDNA ASCII
    ],
)
def test_email_verdicts_match_email_validator(address):
    try:
        expected = validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        expected = None
    data = csv_bytes("Name,Email", f"Ana,{address}")

    result = parse(data)

    assert [row.values["email"] for row in result.rows] == ([expected] if expected else [])
    assert errors_of(result) == ([] if expected else [(2, "email")])


# Whole-file problems ------------------------------------------------------------------------------


def test_whole_file_problems_are_rejections_views_already_show():
    assert issubclass(ImportFileError, Rejected)


def test_latin1_file_from_old_excel_is_rejected_with_the_line():
    data = "Name;Email\nAna;ana@example.com\nJosé;jose@example.com\n".encode("cp1252")

    message = rejection(data)

    assert "not UTF-8" in message
    assert "line 3" in message
    assert "CSV UTF-8" in message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_unicode_text_is_rejected(encoding):
    data = "Name\tEmail\nAna\tana@example.com\n".encode(encoding)

    assert "UTF-16" in rejection(data)


def test_png_image_is_rejected():
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"

    assert rejection(data).startswith("This looks like a PNG image, not a CSV file.")


def test_excel_workbook_is_rejected():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as workbook:
        workbook.writestr("[Content_Types].xml", "<Types/>")
        workbook.writestr("xl/workbook.xml", "<workbook/>")

    message = rejection(buffer.getvalue())

    assert message.startswith("This looks like an Excel workbook (.xlsx), not a CSV file.")
    assert "CSV UTF-8" in message


def test_binary_junk_is_rejected():
    assert rejection(bytes(range(256)) * 4) == "This file contains binary data, not CSV text."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf\r\n \n", "The file is empty."),
        (b"\n,,\n", "The file is empty."),
        (b"Name,Email\n\n", "The file has a header row but no attendees below it."),
    ],
)
def test_empty_and_header_only_files_are_rejected(data, message):
    assert rejection(data) == message
    with pytest.raises(ImportFileError):
        preview(data)


def test_file_without_recognisable_header_is_rejected():
    data = csv_bytes("Nom,Courriel", "Ana,ana@example.com")

    with pytest.raises(ImportFileError, match="None of the column names"):
        preview(data)
    assert rejection(data).startswith("None of the column names")


def test_file_whose_first_row_is_an_attendee_says_so():
    data = csv_bytes("Ana López,ana@example.com", "Bo Berg,bo@example.com")

    assert rejection(data).startswith("The first row looks like an attendee")


def test_unclosed_quote_is_rejected_instead_of_swallowing_rows():
    data = csv_bytes("Name,Email", 'Ana,"ana@example.com', "Bo,bo@example.com", "Cy,cy@example.com")

    assert "never closed" in rejection(data)


# Mapping ------------------------------------------------------------------------------------------


def test_preview_shows_headers_guess_unknown_columns_and_a_sample():
    lines = [f"Person {i},Acme,p{i}@example.com" for i in range(7)]
    data = csv_bytes("Nombre completo,Company,Correo del asistente", *lines)

    result = preview(data)

    assert result.headers == ["Nombre completo", "Company", "Correo del asistente"]
    assert result.mapping == {0: "name", 1: "company", 2: None}
    assert result.unknown == [2]
    assert result.sample_rows == [line.split(",") for line in lines[:5]]
    assert (result.delimiter, result.row_count) == (",", 7)
    assert list(FIELDS) == [
        "name", "first_name", "last_name", "email", "company", "title", "phone", "linkedin_url",
        "website_url",
    ]  # fmt: skip


def test_unknown_column_mapped_by_the_organizer_is_used():
    data = csv_bytes("Nombre completo,Correo del asistente", "Ana López,Ana@Example.com")

    assert "email address" in rejection(data)
    result = parse(data, {0: "name", 1: "email"})

    assert result.rows[0].values["email"] == "ana@example.com"


def test_mapping_can_ignore_a_recognised_column():
    data = csv_bytes("Name,Email,Phone", "Ana,ana@example.com,nonsense")

    result = parse(data, {0: "name", 1: "email", 2: None})

    assert result.errors == []
    assert result.rows[0].values["phone"] == ""


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({0: "name", 1: None}, "Choose which column holds the email address."),
        ({0: None, 1: "email"}, "Choose which column holds the name, or the first and last name."),
        ({0: "email", 1: "email"}, "Both 'Name' and 'Email' are set to Email."),
        ({0: "name", 1: "email", 5: "phone"}, "The column choices do not match this file."),
        ({0: "name", 1: "shoe_size"}, "The column choices do not match this file."),
    ],
)
def test_unusable_mapping_is_rejected(mapping, message):
    data = csv_bytes("Name,Email", "Ana,ana@example.com")

    assert rejection(data, mapping).startswith(message)


# Progress and size --------------------------------------------------------------------------------


def big_file(rows: int) -> bytes:
    lines = [
        f"Person {i},Last,person{i}@Company{i % 300}.com,ACME,CTO,+49 171 {i:07d},"
        f"linkedin.com/in/p{i},www.acme{i % 50}.de"
        for i in range(rows)
    ]
    return csv_bytes("First name,Last name,Email,Company,Title,Phone,LinkedIn,Website", *lines)


def test_progress_is_reported_every_500_rows_and_at_the_end():
    calls: list[tuple[int, int]] = []

    parse(big_file(1200), progress=lambda done, total: calls.append((done, total)))

    assert calls == [(500, 1200), (1000, 1200), (1200, 1200)]


def test_ten_thousand_rows_are_all_valid():
    result = parse(big_file(10_000))

    assert (len(result.rows), result.errors, result.total) == (10_000, [], 10_000)
    assert result.rows[-1].row == 10_001
    assert result.rows[-1].values["email"] == "person9999@company99.com"
