"""Cells an importer takes whole: under its length limit, cut at a note, and one line where the
field is one line.

Limits, counted in UTF-16 code units as Excel and Salesforce count them (an emoji is two):
Excel keeps at most 32,767 characters in a cell, and cuts the rest when it opens or saves the
file, before any importer sees it; Salesforce's Lead Description takes 32,000 and refuses the
row above that. A long notes cell is cut before the note that would cross the limit and ends
with "… 3 more notes in NetCompanion", so the cut is on the cell the reader looks at: a streamed
file's headers are sent before the rows that need cutting are read, so only the cell can say.

Name, company and title are one line everywhere: forms and the API refuse a line break in them,
and a value stored before that rule (or imported from a file) is folded into one line here.
"""

from __future__ import annotations

from flask_babel import ngettext

from ..webform import one_line

#: Excel's limit for the text of one cell.
EXCEL_LIMIT = 32_767
#: Salesforce's limit for a Lead's Description (a Long Text Area of 32,000).
SALESFORCE_DESCRIPTION_LIMIT = 32_000


def units(text: str) -> int:
    """The length of ``text`` as Excel and Salesforce count it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def more_notes(count: int) -> str:
    return ngettext(
        "… %(num)d more note in NetCompanion", "… %(num)d more notes in NetCompanion", count
    )


def fit(blocks: list[list[tuple[str, bool]]], limit: int, keep: str = "", first: str = "") -> str:
    """Blocks of lines (``(text, is_note)``) as one cell of at most ``limit`` units.

    Lines join with a line break, blocks with a blank line; ``first`` and ``keep`` (a
    do-not-contact mark, the lists) open and close the cell whatever is cut. Past the limit,
    the cell ends before the first line that does not fit, and says how many notes it left out.
    """
    head = [first] if first else []
    tail = [keep] if keep else []
    whole = "\n\n".join(head + ["\n".join(text for text, _n in block) for block in blocks] + tail)
    if units(whole) <= limit:
        return whole
    total = sum(is_note for block in blocks for _t, is_note in block)
    # The marker's own length depends on the count; reserve room for the longest one.
    budget = limit - units("\n\n".join([*head, *tail, more_notes(total)])) - 2
    kept_blocks: list[list[str]] = []
    kept_notes = 0
    used = 0
    for block in blocks:
        lines: list[str] = []
        for text, is_note in block:
            cost = units(text) + (1 if lines else 2 if kept_blocks else 0)
            if used + cost > budget:
                break
            lines.append(text)
            used += cost
            kept_notes += is_note
        else:
            kept_blocks.append(lines)
            continue
        if lines:
            kept_blocks.append(lines)
        break
    body = ["\n".join(lines) for lines in kept_blocks]
    marker = more_notes(total - kept_notes) if total > kept_notes else "…"
    return "\n\n".join(head + body + [marker] + tail)


def line(value: str) -> str:
    """A one-line field's value on one line, as stored before forms refused line breaks."""
    return one_line(value).strip() if value else value
