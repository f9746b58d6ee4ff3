"""Badge sheets and booth posters as PDF, with fpdf2 (HarfBuzz shaping) and pikepdf (qpdf).

Scale: fpdf2 keeps every page in memory until it writes the file, so badges are rendered in
parts of ``BADGES_PER_PART``, each written to a temporary file, and qpdf joins the parts into
``out``; it copies page objects and reads stream data from the part files only while writing.
Peak memory is that of one part: over a warm process, +21 MiB for 1,000 badges, +23 MiB for
5,000, +27 MiB for 10,000 (qpdf's page objects).

Fonts: Noto Sans (Latin, Cyrillic, Greek), Noto Sans Arabic, Noto Sans Hebrew and Droid Sans
Fallback (Chinese, Japanese, Korean) ship in ``fonts/``. Each character goes to the first of
them that has it. A line that one left-to-right font sets alone skips HarfBuzz (most names,
CJK included); any other line is shaped, and laid out right to left where its script says,
through fpdf2's fallback fonts. fpdf2 takes 40 ms to parse Noto Sans and 640 ms for Droid
(33,000 characters), so each font is parsed once per process, on first use, and attached to
later documents as a copy; a part with no CJK text never loads or embeds Droid. Embedding a
subset still costs each part about 0.3 s when it has CJK text.

QR codes are drawn as one path of merged runs each (see ``_Document.qr``).
"""

from __future__ import annotations

import copy
import gc
import io
import shutil
import tempfile
import unicodedata
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain, islice
from pathlib import Path
from typing import BinaryIO

import pikepdf
from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import Align
from fpdf.fonts import SubsetMap, TTFFont

from . import qr
from .layout import (
    LAYOUTS,
    LINE_PITCH,
    MM_PER_PT,
    PAPERS,
    Box,
    Design,
    Layout,
    Text,
    fit,
    poster,
)

__all__ = ["LAYOUTS", "BadgeFace", "NothingToPrint", "font_file", "write_badges", "write_poster"]

FONT_DIR = Path(__file__).with_name("fonts")
BADGES_PER_PART = 1000

# In fallback order. A family without a bold face uses its regular one for bold text.
_FONT_FILES = {
    "noto": {"": "NotoSans-Regular.ttf", "B": "NotoSans-Bold.ttf"},
    "arabic": {"": "NotoSansArabic-Regular.ttf", "B": "NotoSansArabic-Bold.ttf"},
    "hebrew": {"": "NotoSansHebrew-Regular.ttf", "B": "NotoSansHebrew-Bold.ttf"},
    "cjk": {"": "DroidSansFallback.ttf"},
}

_UNSHAPED = ("noto", "cjk")  # left-to-right, no joining: set without HarfBuzz when alone


class NothingToPrint(ValueError):
    """No face to print: a PDF needs at least one page, so none is written."""


@dataclass(frozen=True)
class BadgeFace:
    name: str
    company: str
    title: str
    url: str  # what the QR code encodes
    event_name: str
    #: The badge code as printed (``XXXX-XXXX``), for typing when a camera fails.
    code: str = ""


def write_badges(
    faces: Iterable[BadgeFace],
    layout: str,
    out: BinaryIO,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write one badge per face to ``out``; return how many were written.

    ``progress(n)`` is called with the running count after each page. With no face at all,
    raise NothingToPrint before writing anything.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown badge layout {layout!r}")
    spec = LAYOUTS[layout]
    faces = iter(faces)
    first = next(faces, None)
    if first is None:
        raise NothingToPrint("no badge to print")
    faces = chain((first,), faces)
    per_part = spec.per_page * max(1, BADGES_PER_PART // spec.per_page)  # whole pages only
    done = 0
    with tempfile.TemporaryDirectory(prefix="badges-") as tmp:
        parts = []
        while chunk := list(islice(faces, per_part)):
            if parts:
                # An fpdf2 document is a reference cycle: its pages would wait for a full
                # collection, and peak memory would creep up with each part.
                gc.collect()
            parts.append(Path(tmp, f"part-{len(parts):05d}.pdf"))
            done = _write_part(chunk, spec, parts[-1], done, progress)
        if len(parts) > 1:
            gc.collect()
        _concatenate(parts, out)
    return done


def write_poster(
    *,
    event_name: str,
    booth_name: str,
    location: str,
    url: str,
    paper: str,
    out: BinaryIO,
    headline: str = "Scan to leave your details",
) -> None:
    """Write a one-page booth poster: headline, booth, a large QR code, event and place."""
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}")
    slots = poster(paper)
    texts = [(headline, slots.headline), (booth_name, slots.booth)]
    texts += [(event_name, slots.event), (location, slots.location)]
    doc = _Document(PAPERS[paper], [(t, slot.bold) for t, slot in texts])
    doc.pdf.add_page()
    for text, slot in texts:
        doc.text(text, slot, 0, 0)
    doc.qr(url, slots.qr)
    _save(doc.pdf, out)


def font_file(char: str, bold: bool = False) -> Path | None:
    """Return the font file that prints ``char``, or None if no shipped font has it."""
    family = _family(char, "B" if bold else "")
    return None if family is None else FONT_DIR / _file_name(family, "B" if bold else "")


# -- parts ------------------------------------------------------------------------------------


def _write_part(
    faces: list[BadgeFace],
    spec: Layout,
    path: Path,
    done: int,
    progress: Callable[[int], None] | None,
) -> int:
    design = spec.design
    slots = (design.name, design.company, design.title, design.event, design.code)
    texts = {
        (text, slot.bold)
        for f in faces
        for text, slot in zip(
            (f.name, f.company, f.title, f.event_name, f.code), slots, strict=True
        )
    }
    doc = _Document(spec.page, texts)
    for start in range(0, len(faces), spec.per_page):
        doc.pdf.add_page()
        if spec.cut_marks:
            doc.cut_marks(spec.cut_lines())
        for face, (x, y) in zip(faces[start : start + spec.per_page], spec.origins(), strict=False):
            _badge(doc, design, face, x, y)
            done += 1
        if progress:
            progress(done)
    _save(doc.pdf, path)
    return done


def _badge(doc: _Document, design: Design, face: BadgeFace, x: float, y: float) -> None:
    doc.text(face.event_name, design.event, x, y)
    doc.text(face.name, design.name, x, y)
    doc.text(face.company, design.company, x, y)
    doc.text(face.title, design.title, x, y)
    doc.qr(face.url, design.qr.moved(x, y))
    if face.code:
        doc.text(face.code, design.code, x, y)


def _save(pdf: FPDF, target: Path | BinaryIO) -> None:
    """Write ``pdf`` to ``target``, its streams compressed at zlib level 1.

    fpdf2 compresses at zlib's default level 6; on QR paths (numbers) that took 1 s per 1,000
    badges. Level 1 takes a tenth of that for a PDF about a third larger.
    """
    data = pdf.output()
    for font in pdf.fonts.values():
        font.close()  # the per-document fontTools font keeps its file open
    with pikepdf.open(io.BytesIO(data)) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Stream) and pikepdf.Name.Filter not in obj:
                data = zlib.compress(obj.read_raw_bytes(), 1)
                obj.write(data, filter=pikepdf.Name.FlateDecode)
        doc.save(target, compress_streams=False)


def _concatenate(parts: list[Path], out: BinaryIO) -> None:
    if len(parts) == 1:
        with parts[0].open("rb") as f:
            shutil.copyfileobj(f, out)
        return
    with pikepdf.Pdf.new() as whole:
        sources = [pikepdf.open(p) for p in parts]
        try:
            for source in sources:
                whole.pages.extend(source.pages)
            whole.save(out)
        finally:
            for source in sources:
                source.close()


# -- one document -----------------------------------------------------------------------------


class _Document:
    """An fpdf2 document with the fonts that ``texts`` need, and the drawing primitives."""

    def __init__(self, size: tuple[float, float], texts: Iterable[tuple[str, bool]]) -> None:
        """Start a document; ``texts`` are (text, bold) pairs: all it will hold, for the fonts."""
        self.pdf = FPDF(unit="mm", format=size)
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margin(0)
        self.pdf.set_compression(False)  # see _save
        # Only the faces that some character needs: fpdf2 embeds every font it was given.
        faces = {("noto", ""), ("noto", "B")}
        for text, bold in texts:
            style = "B" if bold else ""
            for ch in set(unicodedata.normalize("NFC", text)):
                family = _family(ch, style)
                if family:
                    faces.add((family, _style(family, style)))
        for face in sorted(faces):
            _attach(self.pdf, *face)
        families = {family for family, _ in faces}
        fallbacks = [f for f in _FONT_FILES if f in families and f != "noto"]
        if fallbacks:
            self.pdf.set_fallback_fonts(fallbacks, exact_match=False)
        self._widths: dict[tuple[str, str], float] = {}

    def text(self, text: str, slot: Text, dx: float, dy: float) -> None:
        """Set ``text`` in ``slot`` (centred, or flush right), shrunk or wrapped to fit."""
        text = unicodedata.normalize("NFC", text)
        style = "B" if slot.bold else ""
        fitted = fit(text, slot, lambda s: self._width(s, style))
        size = fitted.size * MM_PER_PT
        pitch = size * LINE_PITCH
        box = slot.box.moved(dx, dy)
        top = box.y + (box.h - pitch * len(fitted.lines)) / 2
        for i, line in enumerate(fitted.lines):
            line_top = top + i * pitch
            width = self._width(line, style) * fitted.size  # measures at 100 pt, so first
            family = _plain_family(line, style)
            if family:
                self.pdf.set_font(family, _style(family, style), fitted.size)
                left = box.x + (box.w - width) / (1 if slot.align == "right" else 2)
                # fpdf2's cell() puts the baseline at half the height plus 0.3 em; match it.
                self.pdf.text(left, line_top + pitch / 2 + 0.3 * size, line)
            else:
                self.pdf.set_font("noto", style, fitted.size)
                self.pdf.set_text_shaping(True)
                self.pdf.set_xy(box.x, line_top)
                align = Align.R if slot.align == "right" else Align.C
                self.pdf.cell(box.w, pitch, line, align=align)
                self.pdf.set_text_shaping(False)

    def qr(self, url: str, box: Box) -> None:
        """Draw the QR code for ``url`` filling ``box`` (quiet zone included), as one path."""
        code = qr.matrix(url)
        module = box.w / (code.size + 2 * qr.QUIET_ZONE)
        k = self.pdf.k
        left = (box.x + qr.QUIET_ZONE * module) * k
        top = (self.pdf.h - box.y - qr.QUIET_ZONE * module) * k
        starts, lengths = qr.dark_runs(code)
        at, width = _run_operands(code.size)
        rects = " ".join(
            chain.from_iterable(
                zip(map(at.__getitem__, starts), map(width.__getitem__, lengths), strict=True)
            )
        )
        # One path of runs in module units, flipped so that rows go down the page. fpdf2 has
        # no public call for a raw path: 600 rect() calls cost 9 ms a code, this 0.3 ms.
        self.pdf._out(
            f"q 0 g {module * k:.4f} 0 0 {-module * k:.4f} {left:.3f} {top:.3f} cm {rects} f Q"
        )

    def cut_marks(self, lines: list[tuple[float, ...]]) -> None:
        self.pdf.set_line_width(0.1)
        for x1, y1, x2, y2 in lines:
            self.pdf.line(x1, y1, x2, y2)

    def _width(self, text: str, style: str) -> float:
        """Return the width in mm of ``text`` set at 1 pt, as it will be drawn."""
        key = (text, style)
        if key not in self._widths:
            family = _plain_family(text, style)
            if family:
                self.pdf.set_font(family, _style(family, style), 100)
                self._widths[key] = self.pdf.get_string_width(text) / 100
            else:
                self.pdf.set_text_shaping(True)
                self.pdf.set_font("noto", style, 100)
                self._widths[key] = self.pdf.get_string_width(text) / 100
                self.pdf.set_text_shaping(False)
        return self._widths[key]


@cache
def _run_operands(size: int) -> tuple[list[str], list[str]]:
    """Return the ``re`` operands for each run start (see ``qr.dark_runs``) and each length."""
    stride = size + 1
    return [f"{s % stride} {s // stride}" for s in range(stride * size)], [
        f"{n} 1 re" for n in range(stride)
    ]


@lru_cache(maxsize=4096)
def _plain_family(text: str, style: str) -> str | None:
    """Return the one family that sets ``text`` with no shaping, if there is one.

    That is text in a single left-to-right font with no combining marks: most names, and
    CJK names (ideographs, kana and precomposed Hangul need no joining). Skipping HarfBuzz
    and the bidi pass there makes a line 30× cheaper to set.
    """
    families = {_family(ch, style) for ch in set(text) if ch != " "}
    if len(families) != 1 or any(unicodedata.combining(ch) for ch in text):
        return None if families else "noto"
    family = families.pop()
    if family not in _UNSHAPED or (" " in text and ord(" ") not in _coverage(family, style)):
        return None
    return family


# -- fonts ------------------------------------------------------------------------------------


def _style(family: str, style: str) -> str:
    """Return ``style`` if ``family`` has it, else regular."""
    return style if style in _FONT_FILES[family] else ""


def _file_name(family: str, style: str) -> str:
    return _FONT_FILES[family][_style(family, style)]


@cache
def _coverage(family: str, style: str) -> frozenset[int]:
    font = ttLib.TTFont(FONT_DIR / _file_name(family, style), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


@cache
def _family(char: str, style: str) -> str | None:
    """Return the first family, in fallback order, that has ``char`` (the CJK cmap last)."""
    code = ord(char)
    return next((f for f in _FONT_FILES if code in _coverage(f, style)), None)


@cache
def _prototype(family: str, style: str) -> tuple[TTFFont, tuple[str, ...]]:
    """Parse a font once per process; return it and its glyph order."""
    font = TTFFont(FPDF(), FONT_DIR / _file_name(family, style), f"{family}{style}", style)
    glyph_order = tuple(font.ttfont.getGlyphOrder())
    font.ttfont.close()
    font.ttfont = None  # 18 MB for Droid; each document opens its own (see _attach)
    return font, glyph_order


def _attach(pdf: FPDF, family: str, style: str) -> None:
    """Add a font to ``pdf`` as a copy of its parsed prototype: what ``add_font`` does, faster.

    Metrics and cmap are shared (read only). The glyph subset is per document, and so are the
    HarfBuzz font (fpdf2 sets its size before shaping) and the fontTools font, which fpdf2
    cuts down in place when it writes the subset; giving it the glyph order saves deriving
    33,000 glyph names from the cmap again.
    """
    proto, glyph_order = _prototype(family, style)
    font = copy.copy(proto)
    font.i = len(pdf.fonts) + 1
    font.ttfont = ttLib.TTFont(proto.ttffile, recalcTimestamp=False, lazy=True)
    font.ttfont.setGlyphOrder(list(glyph_order))
    font._hbfont = None
    font.subset = SubsetMap(font)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    pdf.fonts[font.fontkey] = font
