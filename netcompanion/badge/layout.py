"""Where things go on badges and posters, in millimetres from the top-left corner.

Sheet layouts put 2 × 4 badges of 90 × 55 mm (the business-card size that standard badge
holders take) in a grid centred on the page, with cut marks in the margins on every badge edge.
Single-badge layouts fill the page with one badge, the size of common badge-printer stock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

MM_PER_PT = 25.4 / 72
Measure = Callable[[str], float]
LINE_PITCH = 1.18  # line spacing, as a multiple of the font size
#: The smallest size a text shrinks to before it is cut: that of the badge code, the smallest
#: text on a badge that people must read.
SMALLEST_PT = 6.0


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def moved(self, dx: float, dy: float) -> Box:
        return Box(self.x + dx, self.y + dy, self.w, self.h)


@dataclass(frozen=True)
class Text:
    """A text slot: shrinks from ``max_pt`` to ``min_pt`` on one line, then wraps."""

    box: Box
    max_pt: float
    min_pt: float
    lines: int = 1
    bold: bool = False
    #: "center" or "right" (set flush against what is to its right, such as the QR code).
    align: str = "center"


@dataclass(frozen=True)
class Design:
    """One badge: its size and slots; ``qr`` is the square code including its quiet zone.

    ``code`` is the badge code that recruiters type when a camera fails: small, next to or
    under the QR code and never inside its quiet zone.
    """

    width: float
    height: float
    event: Text
    name: Text
    company: Text
    title: Text
    qr: Box
    code: Text


@dataclass(frozen=True)
class Layout:
    page: tuple[float, float]
    design: Design
    columns: int = 1
    rows: int = 1
    cut_marks: bool = False

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def origins(self) -> list[tuple[float, float]]:
        """Top-left corner of each badge on a page, row by row."""
        x0, y0 = self._grid_origin()
        w, h = self.design.width, self.design.height
        return [(x0 + c * w, y0 + r * h) for r in range(self.rows) for c in range(self.columns)]

    def cut_lines(self, gap: float = 2.0, length: float = 6.0) -> list[tuple[float, ...]]:
        """Cut marks as (x1, y1, x2, y2): each badge edge extended into the page margins.

        Badges touch, so one cut serves two badges; the marks stay ``gap`` mm clear of the
        grid so that none is printed on a badge.
        """
        x0, y0 = self._grid_origin()
        x1 = x0 + self.columns * self.design.width
        y1 = y0 + self.rows * self.design.height
        marks: list[tuple[float, ...]] = []
        for c in range(self.columns + 1):
            x = x0 + c * self.design.width
            marks += [(x, y0 - gap - length, x, y0 - gap), (x, y1 + gap, x, y1 + gap + length)]
        for r in range(self.rows + 1):
            y = y0 + r * self.design.height
            marks += [(x0 - gap - length, y, x0 - gap, y), (x1 + gap, y, x1 + gap + length, y)]
        return marks

    def _grid_origin(self) -> tuple[float, float]:
        return (
            (self.page[0] - self.columns * self.design.width) / 2,
            (self.page[1] - self.rows * self.design.height) / 2,
        )


# 90 × 55 mm, landscape: the name across the top, the code bottom right. The code's quiet
# zone (4 modules, about 2.4 mm) doubles as its margin, so it sits 1.5 mm from the edges.
# The badge code sits to the left of the QR's quiet zone, level with its last rows.
CARD = Design(
    width=90,
    height=55,
    event=Text(Box(4, 3.2, 82, 4), 7, 5),
    name=Text(Box(4, 7.5, 82, 12), 28, 14, lines=2, bold=True),
    company=Text(Box(4, 22, 49, 10), 13, 8, lines=2, bold=True),
    title=Text(Box(4, 33, 49, 9), 10, 7, lines=2),
    qr=Box(54.5, 19.5, 34, 34),
    code=Text(Box(4, 47.5, 49, 4), 8, 6, align="right"),
)

# 4 × 3 in (101.6 × 76.2 mm), landscape: the same arrangement, larger.
CARD_4X3 = Design(
    width=101.6,
    height=76.2,
    event=Text(Box(5, 4, 91.6, 5), 8, 6),
    name=Text(Box(5, 10, 91.6, 22), 40, 18, lines=2, bold=True),
    company=Text(Box(5, 35, 52, 14), 16, 9, lines=2, bold=True),
    title=Text(Box(5, 50, 52, 12), 12, 8, lines=2),
    qr=Box(59.6, 34.2, 40, 40),
    code=Text(Box(5, 67, 53, 5), 8, 6, align="right"),
)

# 54 × 90 mm, portrait: text on top, the code centred at the bottom, the badge code under it
# (the code is 41 mm wide, 0.7 mm a module, to leave it a line).
PORTRAIT = Design(
    width=54,
    height=90,
    event=Text(Box(4, 4, 46, 4), 7, 5),
    name=Text(Box(4, 9, 46, 20), 26, 13, lines=2, bold=True),
    company=Text(Box(4, 30, 46, 8), 12, 7, lines=2, bold=True),
    title=Text(Box(4, 38.5, 46, 5.5), 9, 6),
    qr=Box(6.5, 44, 41, 41),
    code=Text(Box(4, 85, 46, 3.5), 8, 6),
)

A4 = (210.0, 297.0)
LETTER = (215.9, 279.4)

LAYOUTS: dict[str, Layout] = {
    "a4": Layout(A4, CARD, columns=2, rows=4, cut_marks=True),
    "letter": Layout(LETTER, CARD, columns=2, rows=4, cut_marks=True),
    "badge-4x3in": Layout((CARD_4X3.width, CARD_4X3.height), CARD_4X3),
    "badge-54x90mm": Layout((PORTRAIT.width, PORTRAIT.height), PORTRAIT),
}

PAPERS = {"a4": A4, "letter": LETTER}


@dataclass(frozen=True)
class Poster:
    headline: Text
    booth: Text
    qr: Box
    event: Text
    location: Text


def poster(paper: str) -> Poster:
    """Lay out a booth poster on A4 or Letter: headline, booth, a 120 mm code, event, place."""
    width, _ = PAPERS[paper]
    inner = width - 30
    return Poster(
        headline=Text(Box(15, 15, inner, 34), 44, 24, lines=2, bold=True),
        booth=Text(Box(15, 52, inner, 28), 34, 18, lines=2, bold=True),
        qr=Box((width - 120) / 2, 84, 120, 120),
        event=Text(Box(15, 210, inner, 12), 20, 10),
        location=Text(Box(15, 224, inner, 12), 18, 10),
    )


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    size: float  # points


def fit(text: str, slot: Text, width_at_1pt: Measure) -> Fitted:
    """Choose lines and a font size for ``text`` in ``slot``.

    Shrink on one line down to ``min_pt``; then wrap to two balanced lines, between words
    (between characters in Chinese and Japanese); then keep shrinking below ``min_pt``, down to
    ``SMALLEST_PT``, wrapping onto as many lines as the box holds, also after hyphens, so that
    a long name still prints in full; only then fill the first line and cut the second with an
    ellipsis. A first word too long for a line is broken inside rather than lost.
    ``width_at_1pt(s)`` is the width in mm of ``s`` set at 1 pt.
    """
    text = " ".join(text.split())
    box = slot.box
    height_pt = box.h / MM_PER_PT / LINE_PITCH  # largest size one line can have
    size = min(slot.max_pt, height_pt, _size_for(box.w, width_at_1pt(text)))
    if size >= slot.min_pt or not text:
        return Fitted((text,), size)
    floor = min(slot.min_pt, height_pt / slot.lines)
    if slot.lines >= 2:
        best = min(
            _splits(text),
            key=lambda pair: max(width_at_1pt(pair[0]), width_at_1pt(pair[1])),
            default=None,
        )
        if best is not None:
            widest = max(width_at_1pt(best[0]), width_at_1pt(best[1]))
            size = min(slot.max_pt, height_pt / 2, _size_for(box.w, widest))
            if size >= floor:
                return Fitted(best, size)
    smallest = min(SMALLEST_PT, floor)
    wrapped = _wrap_smaller(text, slot, smallest, floor, width_at_1pt)
    if wrapped is not None:
        return wrapped
    floor = smallest
    if slot.lines >= 2 and height_pt / 2 >= floor:
        first = _longest_prefix(text, box.w / floor, width_at_1pt)
        rest = text[len(first) :].strip()
        return Fitted((first, _ellipsize(rest, box.w / floor, width_at_1pt)), floor)
    return Fitted((_ellipsize(text, box.w / floor, width_at_1pt),), floor)


def _wrap_smaller(
    text: str, slot: Text, smallest: float, largest: float, width_at_1pt: Measure
) -> Fitted | None:
    """The largest size from ``smallest`` to ``largest`` at which ``text`` wraps into the box
    whole, with its lines balanced; None if it does not fit even at ``smallest``."""
    box = slot.box
    height_pt = box.h / MM_PER_PT / LINE_PITCH
    pieces = _pieces(text)

    def lines_at(size: float) -> list[str] | None:
        lines = _greedy(pieces, box.w / size, width_at_1pt)
        return lines if lines and len(lines) <= int(height_pt / size + 1e-9) else None

    if lines_at(smallest) is None:
        return None
    lo, hi = smallest, largest
    for _ in range(12):  # to within a hundredth of a point or so
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if lines_at(mid) else (lo, mid)
    lines = lines_at(lo)
    # As many lines, as even as they go: the narrowest width that still needs no more.
    narrow, wide = max(width_at_1pt(p) for _glue, p in pieces), box.w / lo
    for _ in range(12):
        mid = (narrow + wide) / 2
        tried = _greedy(pieces, mid, width_at_1pt)
        if tried and len(tried) <= len(lines):
            wide, lines = mid, tried
        else:
            narrow = mid
    widest = max(width_at_1pt(line) for line in lines)
    size = min(slot.max_pt, height_pt / len(lines), _size_for(box.w, widest))
    return Fitted(tuple(lines), size)


def _pieces(text: str) -> list[tuple[str, str]]:
    """Cut ``text`` where a line may break: (what joins it to the previous piece, piece).

    Lines break at spaces, after a hyphen inside a word ("Papadopoulos-" / "Konstantinidou"),
    and between characters in Chinese and Japanese.
    """
    out: list[tuple[str, str]] = []
    for word in text.split(" "):
        parts = (
            list(word)
            if any(_unspaced(ch) for ch in word)
            else [p for p in _AFTER_HYPHEN.split(word) if p]
        )
        out += [(" " if out and i == 0 else "", part) for i, part in enumerate(parts)]
    return out


#: A break after a hyphen (or slash) with letters on both sides.
_AFTER_HYPHEN = re.compile(r"(?<=\w[-\u2010/])(?=\w)")


def _greedy(pieces: list[tuple[str, str]], limit: float, width_at_1pt: Measure) -> list[str] | None:
    """Fill lines in turn up to ``limit``; None if a piece alone is wider than that."""
    lines: list[str] = []
    line = ""
    for glue, piece in pieces:
        longer = line + glue + piece if line else piece
        if width_at_1pt(longer) <= limit:
            line = longer
        elif width_at_1pt(piece) <= limit and line:
            lines.append(line)
            line = piece
        else:
            return None
    return [*lines, line] if line else lines


def _size_for(box_width: float, width_1pt: float) -> float:
    return box_width / width_1pt if width_1pt > 0 else float("inf")


def _splits(text: str) -> list[tuple[str, str]]:
    """List the ways to break ``text`` into two lines: at spaces, else between characters.

    Breaking between characters is right for names in scripts written without spaces
    (Chinese, Japanese); a long word in other scripts ends up ellipsized instead.
    """
    if " " in text:
        words = text.split(" ")
        return [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    if any(_unspaced(ch) for ch in text):
        return [(text[:i], text[i:]) for i in range(1, len(text))]
    return []


def _unspaced(ch: str) -> bool:
    code = ord(ch)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF


def _longest_prefix(text: str, limit: float, width_at_1pt: Measure) -> str:
    """Return the longest run of whole words (or characters) from the start within ``limit``."""
    best = ""
    for head, _ in _splits(text):
        if width_at_1pt(head) <= limit:
            best = head
    if best:
        return best
    cut = _ellipsize(text, limit, width_at_1pt)
    return cut if cut == text else cut[:-1]


def _ellipsize(text: str, limit: float, width_at_1pt: Measure) -> str:
    if width_at_1pt(text) <= limit:
        return text
    lo, hi = 0, len(text)  # binary search on the number of characters kept
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if width_at_1pt(text[:mid].rstrip() + "…") <= limit:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"
