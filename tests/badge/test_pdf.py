"""Badge and poster PDFs: rendered with pdfium, QR codes decoded, text extracted, fonts checked."""

from __future__ import annotations

import io
import re
import secrets

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp
from fontTools import ttLib

from netcompanion.badge import pdf, qr
from netcompanion.badge.layout import LAYOUTS, LINE_PITCH, MM_PER_PT, Box, Fitted, Text, fit
from netcompanion.badge.pdf import BadgeFace, font_file, write_badges, write_poster

NAMES = {
    "latin": "Zoë Ångström-Núñez",
    "cyrillic": "Дмитрий Иванов",
    "greek": "Γιώργος Παπαδόπουλος",
    "chinese": "王小明",
    "japanese": "田中 さくら",
    "korean": "김민준",
    "arabic": "محمد عبد الله",
    "hebrew": "דוד כהן",
}
LONG_NAME = "Maria Fernanda de los Santos García-Villalobos"
DPI = 200


def face(name: str = "Olivia Smith", **fields) -> BadgeFace:
    url = "https://events.example.com/b/" + secrets.token_urlsafe(75)[:100]
    defaults = dict(
        company="Acme Corp", title="Recruiter", url=url, event_name="Summit 2026", code="K7QM-4XTP"
    )
    return BadgeFace(name=name, **{**defaults, **fields})


@pytest.fixture(autouse=True)
def close_documents():
    """Close what pdfium opened: it reports documents still open at exit."""
    yield
    while OPENED:
        OPENED.pop().close()


OPENED: list[pdfium.PdfDocument] = []


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    OPENED.append(pdfium.PdfDocument(data))
    return OPENED[-1]


def badges_pdf(faces: list[BadgeFace], layout: str) -> pdfium.PdfDocument:
    out = io.BytesIO()
    assert write_badges(faces, layout, out) == len(faces)
    return open_pdf(out.getvalue())


def decoded(page: pdfium.PdfPage) -> set[str]:
    image = page.render(scale=DPI / 72, grayscale=True).to_pil()
    return {r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)}


def page_text(page: pdfium.PdfPage) -> str:
    return page.get_textpage().get_text_range().replace("\r\n", "\n")


def test_every_qr_on_an_a4_sheet_decodes_to_its_badge_url():
    faces = [face(f"Person {i}") for i in range(8)]

    doc = badges_pdf(faces, "a4")

    assert len(doc) == 1
    assert decoded(doc[0]) == {f.url for f in faces}


@pytest.mark.parametrize("layout", ["badge-4x3in", "badge-54x90mm"])
def test_single_badge_layouts_print_one_readable_badge_per_page(layout):
    faces = [face("Olivia Smith"), face("Дмитрий Иванов")]

    doc = badges_pdf(faces, layout)

    assert [decoded(doc[i]) for i in range(2)] == [{faces[0].url}, {faces[1].url}]
    assert [f.name in page_text(doc[i]) for i, f in enumerate(faces)] == [True, True]


@pytest.mark.parametrize("paper, size", [("a4", (595, 842)), ("letter", (612, 792))])
def test_poster_has_the_texts_and_a_large_readable_qr(paper, size):
    out = io.BytesIO()
    url = "https://events.example.com/j/" + secrets.token_urlsafe(60)

    write_poster(
        event_name="Summit 2026",
        booth_name="Acme — Booth B12",
        location="Hall 3",
        url=url,
        paper=paper,
        out=out,
    )

    doc = open_pdf(out.getvalue())
    assert len(doc) == 1
    assert tuple(round(v) for v in doc[0].get_size()) == size
    assert decoded(doc[0]) == {url}
    text = page_text(doc[0])
    for expected in ("Scan to leave your details", "Acme — Booth B12", "Summit 2026", "Hall 3"):
        assert expected in text
    # The code's dark modules span about 120 mm less the quiet zone.
    image = doc[0].render(scale=1, grayscale=True).to_pil()
    dark_columns = [
        x for x in range(image.width) if image.crop((x, 230, x + 1, 600)).getextrema()[0] < 128
    ]
    assert 95 < (dark_columns[-1] - dark_columns[0]) * 25.4 / 72 < 120


@pytest.mark.parametrize(
    "layout, pages, size",
    [
        ("a4", 3, (595.3, 841.9)),
        ("letter", 3, (612, 792)),
        ("badge-4x3in", 17, (288, 216)),
        ("badge-54x90mm", 17, (153.1, 255.1)),
    ],
)
def test_page_count_and_size_per_layout(layout, pages, size):
    doc = badges_pdf([face() for _ in range(17)], layout)

    assert len(doc) == pages
    for page in doc:
        assert page.get_size() == pytest.approx(size, abs=0.1)


def test_progress_reports_the_running_count_after_each_page():
    seen = []

    write_badges([face() for _ in range(17)], "a4", io.BytesIO(), progress=seen.append)

    assert seen == [8, 16, 17]


def test_parts_are_joined_in_order(monkeypatch):
    monkeypatch.setattr(pdf, "BADGES_PER_PART", 16)  # 17 badges: two parts, the second short
    faces = [face(f"Person {i}") for i in range(17)]

    doc = badges_pdf(faces, "a4")

    assert len(doc) == 3
    assert [len(decoded(page)) for page in doc] == [8, 8, 1]
    texts = "".join(page_text(page) for page in doc)
    assert [int(n) for n in re.findall(r"Person (\d+)", texts)] == list(range(17))


# -- the badge code --------------------------------------------------------------------------


def code_boxes(page: pdfium.PdfPage, code: str) -> tuple[float, list[tuple[float, ...]]]:
    """The code's font size in points, and its character boxes in mm from the top left."""
    textpage = page.get_textpage()
    start = textpage.get_text_range().index(code)
    height = page.get_size()[1]
    boxes = []
    for i in range(start, start + len(code)):
        left, bottom, right, top = textpage.get_charbox(i)
        boxes.append(
            (left * MM_PER_PT, (height - top) * MM_PER_PT)
            + (right * MM_PER_PT, (height - bottom) * MM_PER_PT)
        )
    return pdfium_c.FPDFText_GetFontSize(textpage, start), boxes


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_badge_code_prints_beside_the_qr_and_clear_of_its_quiet_zone(layout):
    spec = LAYOUTS[layout]
    faces = [face(f"Person {i}", code=f"AB{i}D-EFGH") for i in range(spec.per_page)]

    doc = badges_pdf(faces, layout)

    page = doc[0]
    assert decoded(page) == {f.url for f in faces}
    for f, (x, y) in zip(faces, spec.origins(), strict=True):
        code = spec.design.qr.moved(x, y)  # the QR code with its quiet zone
        size, boxes = code_boxes(page, f.code)
        assert 6 - 0.01 <= size <= 8 + 0.01
        for left, top, right, bottom in boxes:
            assert x <= left and right <= x + spec.design.width
            assert y <= top and bottom <= y + spec.design.height
            beside = right <= code.x or left >= code.x + code.w
            below = top >= code.y + code.h
            assert beside or below, f"{f.code} overlaps the QR code on {layout}"


@pytest.mark.parametrize("layout", ["a4", "badge-4x3in", "badge-54x90mm"])
def test_quiet_zone_stays_blank_with_the_badge_code(layout):
    spec = LAYOUTS[layout]
    f = face("Olivia Smith")
    page = badges_pdf([f], layout)[0]
    scale = DPI / 25.4  # pixels per mm
    pixels = page.render(scale=DPI / 72, grayscale=True).to_pil()
    x, y = spec.origins()[0]
    box = spec.design.qr.moved(x, y)
    zone = box.w / (qr.matrix(f.url).size + 2 * qr.QUIET_ZONE) * qr.QUIET_ZONE
    inset = 0.2  # mm: anti-aliasing at the code's own edge

    def blank(left, top, right, bottom) -> bool:
        crop = pixels.crop(tuple(round(v * scale) for v in (left, top, right, bottom)))
        return crop.getextrema()[0] == 255

    assert blank(box.x, box.y, box.x + box.w, box.y + zone - inset)  # above
    assert blank(box.x, box.y + box.h - zone + inset, box.x + box.w, box.y + box.h)  # below
    assert blank(box.x, box.y, box.x + zone - inset, box.y + box.h)  # left
    assert blank(box.x + box.w - zone + inset, box.y, box.x + box.w, box.y + box.h)  # right


def test_badges_without_a_code_print_no_code_line():
    doc = badges_pdf([face(code="")], "badge-54x90mm")

    assert "-" not in page_text(doc[0]).replace("Acme Corp", "")


def test_unknown_layout_is_refused():
    with pytest.raises(ValueError, match="unknown badge layout"):
        write_badges([face()], "a3", io.BytesIO())


# -- scripts and fonts ------------------------------------------------------------------------


@pytest.mark.parametrize("script", NAMES)
@pytest.mark.parametrize("bold", [True, False])
def test_each_character_goes_to_a_shipped_font_that_has_it(script, bold):
    for char in set(NAMES[script]) - {" "}:
        path = font_file(char, bold)

        assert path is not None, f"no font for {char!r}"
        assert ord(char) in cmap(path), f"{path.name} has no glyph for {char!r}"


def test_names_in_every_script_print_as_text():
    faces = [face(name) for name in NAMES.values()]

    doc = badges_pdf(faces, "a4")

    text = page_text(doc[0])
    for name in NAMES.values():
        assert name in text


def test_arabic_name_is_shaped_right_to_left_with_the_arabic_font():
    name = NAMES["arabic"]  # محمد: its two mīms take an initial and a medial form
    raw = io.BytesIO()
    write_badges([face(name)], "badge-4x3in", raw)

    with pikepdf.open(io.BytesIO(raw.getvalue())) as doc:
        fonts = doc.pages[0].Resources.Font
        [arabic] = [f for f in fonts.values() if str(f.BaseFont).endswith("+NotoSansArabicBold")]
        glyphs_for_char = to_unicode(arabic.ToUnicode.read_bytes())
    assert len(glyphs_for_char["م"]) >= 2  # one letter, two glyphs: shaped by position

    page = open_pdf(raw.getvalue())[0]
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    first, last = text.index("م"), text.index("ه")  # first and last letters, in reading order
    assert textpage.get_charbox(first)[0] > textpage.get_charbox(last)[0]  # right to left


# -- fitting ----------------------------------------------------------------------------------


def test_long_name_shrinks_and_stays_inside_the_badge():
    design = LAYOUTS["a4"].design
    doc = badges_pdf([face("Ana Li"), face(LONG_NAME)], "a4")
    textpage = doc[0].get_textpage()
    text = textpage.get_text_range()

    def name_size_and_extent(name: str, start: int) -> tuple[float, float, float]:
        first = text.index(name.split()[0], start)
        chars = [i for i in range(first, first + len(name) + 2) if not text[i].isspace()]
        boxes = [textpage.get_charbox(i) for i in chars]
        size = pdfium_c.FPDFText_GetFontSize(textpage, first)
        return size, min(b[0] for b in boxes), max(b[2] for b in boxes)

    short_size, _, _ = name_size_and_extent("Ana Li", 0)
    long_size, left, right = name_size_and_extent(LONG_NAME, 0)
    assert long_size < short_size
    assert long_size >= design.name.min_pt - 0.01
    x, _ = LAYOUTS["a4"].origins()[1]  # the second badge, on the right
    box = design.name.box.moved(x, 0)
    assert box.x / MM_PER_PT <= left and right <= (box.x + box.w) / MM_PER_PT


def width_per_char(s: str) -> float:
    return 0.5 * len(s)  # mm per pt: each character 0.5 mm wide at 1 pt


SLOT = Text(Box(0, 0, 100, 20), max_pt=30, min_pt=10, lines=2)


def test_fit_keeps_a_short_text_on_one_line_at_the_largest_size():
    assert fit("Ana Li", SLOT, width_per_char) == Fitted(("Ana Li",), 30)


def test_fit_shrinks_before_it_wraps():
    fitted = fit("x" * 15, SLOT, width_per_char)

    assert fitted.lines == ("x" * 15,)
    assert fitted.size == pytest.approx(100 / 7.5)


def test_fit_wraps_to_two_balanced_lines_below_the_minimum():
    fitted = fit("aaaa bbbb cccc dddd eeee ffff", SLOT, width_per_char)

    assert fitted.lines == ("aaaa bbbb cccc", "dddd eeee ffff")
    assert fitted.size >= SLOT.min_pt


def test_fit_ellipsizes_what_the_box_cannot_hold_at_the_smallest_size():
    text = " ".join(["word"] * 300)

    fitted = fit(text, SLOT, width_per_char)

    assert len(fitted.lines) == 2 and fitted.lines[1].endswith("…")
    assert all(width_per_char(line) * fitted.size <= 100 for line in fitted.lines)


def test_fit_breaks_chinese_names_between_characters():
    fitted = fit("王" * 30, SLOT, width_per_char)

    assert len(fitted.lines) == 2 and "".join(fitted.lines) == "王" * 30


# -- cut marks --------------------------------------------------------------------------------


def test_sheets_have_cut_marks_outside_the_badges_and_single_badges_none():
    spec = LAYOUTS["a4"]
    scale = DPI / 25.4  # pixels per mm
    image = badges_pdf([face() for _ in range(8)], "a4")[0].render(scale=DPI / 72, grayscale=True)
    pixels = image.to_pil()
    badges = [Box(x, y, spec.design.width, spec.design.height) for x, y in spec.origins()]

    for x1, y1, x2, y2 in spec.cut_lines():
        mid = ((x1 + x2) / 2, (y1 + y2) / 2)
        assert not any(b.x <= mid[0] <= b.x + b.w and b.y <= mid[1] <= b.y + b.h for b in badges)
        around = pixels.crop(
            (int(mid[0] * scale) - 2, int(mid[1] * scale) - 2)
            + (int(mid[0] * scale) + 3, int(mid[1] * scale) + 3)
        )
        assert around.getextrema()[0] < 160  # a line is printed there
    blank = (spec.cut_lines()[0][0] + 10) * scale, 5 * scale  # in the top margin, off the lines
    assert pixels.getpixel(blank) == 255
    assert len(spec.cut_lines()) == 2 * (spec.columns + 1) + 2 * (spec.rows + 1)
    assert not LAYOUTS["badge-4x3in"].cut_marks and not LAYOUTS["badge-54x90mm"].cut_marks


# -- helpers ----------------------------------------------------------------------------------


_CMAPS: dict = {}


def cmap(path) -> set[int]:
    if path not in _CMAPS:
        with ttLib.TTFont(path, lazy=True) as font:
            _CMAPS[path] = set(font.getBestCmap())
    return _CMAPS[path]


def to_unicode(cmap_stream: bytes) -> dict[str, set[str]]:
    """Map each character to the glyph codes that a ToUnicode CMap's bfchar entries give it."""
    codes: dict[str, set[str]] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap_stream, re.DOTALL):
        for code, hexes in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for char in bytes.fromhex(hexes.decode()).decode("utf-16-be"):
                codes.setdefault(char, set()).add(code.decode())
    return codes


def test_no_face_writes_no_pdf():
    out = io.BytesIO()

    with pytest.raises(pdf.NothingToPrint):
        write_badges(iter(()), "a4", out)

    assert out.getvalue() == b""


LONG_NAMES = [
    "Konstantinos Papadopoulos-Konstantinidou",
    "María Fernández de la Vega y Rodríguez",
    "Maximilian Alexander von Hohenzollern-Sigmaringen",
    "عبد الرحمن بن محمد بن عبد العزيز آل سعود",
    "寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末",
]
LONG_COMPANIES = [
    "Fernández de la Vega Ingeniería y Construcciones S.A.",
    "Papadopoulos-Konstantinidou Shipping & Logistics",
]


def chars_in(page: pdfium.PdfPage, box: Box) -> str:
    """The page's characters whose glyph lies in ``box`` (mm from the top left), no spaces."""
    textpage = page.get_textpage()
    height = page.get_height()  # pt
    out = []
    for i in range(textpage.count_chars()):
        char = textpage.get_text_range(i, 1)
        if char.isspace() or not char:
            continue
        left, bottom, right, top = (v * MM_PER_PT for v in textpage.get_charbox(i))
        top, bottom = height * MM_PER_PT - top, height * MM_PER_PT - bottom
        tolerance = 0.3  # mm: accents may reach a hair above the line pitch
        if (
            box.x - tolerance <= left
            and right <= box.x + box.w + tolerance
            and box.y - tolerance <= top
            and bottom <= box.y + box.h + tolerance
        ):
            out.append(char)
    return unspaced("".join(out))


def unspaced(text: str) -> str:
    # pdfium reports a hyphen that ends a line as U+FFFE (it takes it for a soft hyphen).
    return "".join(text.replace("\ufffe", "-").split())


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_long_names_and_companies_print_in_full_inside_their_boxes_on_every_layout(layout):
    spec = LAYOUTS[layout]
    design = spec.design
    faces = [
        face(name, company=LONG_COMPANIES[n % len(LONG_COMPANIES)])
        for n, name in enumerate(LONG_NAMES)
    ]
    doc = badges_pdf(faces, layout)
    placed = [(page, x, y) for page in doc for x, y in spec.origins()][: len(faces)]
    for f, (page, x, y) in zip(faces, placed, strict=True):
        name_box, company_box = design.name.box.moved(x, y), design.company.box.moved(x, y)
        name, company = chars_in(page, name_box), chars_in(page, company_box)
        assert "…" not in name + company
        if f.name.isascii() or "í" in f.name or "á" in f.name:
            assert name == unspaced(f.name)
        else:  # shaped right to left, or ideographs: every character is there, in the box
            assert sorted(name) == sorted(unspaced(f.name))
        assert company == unspaced(f.company)
        whole = unspaced(page_text(page))
        assert unspaced(f.name) in whole and unspaced(f.company) in whole
    for page in doc:  # and nothing is outside one of the badge's boxes
        found = sum(
            len(chars_in(page, slot.box.moved(x, y)))
            for x, y in spec.origins()
            for slot in (design.event, design.name, design.company, design.title, design.code)
        )
        assert found == len(unspaced(page_text(page)))


def test_fit_breaks_after_a_hyphen_and_shrinks_below_the_minimum_before_it_cuts():
    slot = Text(Box(0, 0, 50, 20), max_pt=30, min_pt=10, lines=2)

    fitted = fit("Ana Papadopoulos-Konstantinidou", slot, width_per_char)

    assert fitted.lines[-2:] == ("Papadopoulos-", "Konstantinidou")
    assert fitted.size < slot.min_pt
    assert all(width_per_char(line) * fitted.size <= 50 for line in fitted.lines)


def test_fit_uses_more_lines_when_the_box_is_tall_enough():
    slot = Text(Box(0, 0, 40, 30), max_pt=30, min_pt=14, lines=2)

    fitted = fit("Maximilian Alexander von Hohenzollern-Sigmaringen", slot, width_per_char)

    assert (
        "".join(fitted.lines).replace(" ", "") == "MaximilianAlexandervonHohenzollern-Sigmaringen"
    )
    assert len(fitted.lines) > 2
    assert len(fitted.lines) * fitted.size * LINE_PITCH * MM_PER_PT <= 30 + 1e-9
