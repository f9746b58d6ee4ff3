"""Benchmark reading .vcf uploads: the import's reader beside vobject parsing the same cards.

Run: ``.venv/bin/python bench/vcard_import.py`` (a few minutes); ``--repeat N`` (default 1).

Measured in-process (no HTTP, no database), each the median of ``--repeat`` runs:

- the import's reader (``export.vcard_reading.read``, the default limits): structure checks,
  charsets, unfolding, vobject, the mapping to a contact's details (email validation included);
- floor: ``vobject.readComponents`` of the same file, decoded outside the clock: what the
  library the reader builds on costs for it, with no checks and no mapping. (For the 19 MB note
  this is no lower bound: the reader hands vobject only the first ``MAX_VALUE`` characters.)

Files: 80,000 EMAIL and TEL lines in one card (refused: more properties than a card may have),
and again with the limit lifted, to show that reading grows linearly; 80,000 EMAIL and TEL lines
in cards of 198; 20 MB of 4,000 cards of 5 KB (names, addresses, numbers, a long note); 20 MB of
5,000 cards each at the property limit; a card with one 19 MB note.

Target: each file read within 4× the floor (refused files: within 0.1 s). The exit status is 0
when every file meets it.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import vobject  # noqa: E402

from netcompanion import create_app  # noqa: E402
from netcompanion.export import vcard_lines, vcard_reading  # noqa: E402

TARGET_RATIO = 4.0
REFUSAL_SECONDS = 0.1
MAX_CARDS = 5000
MB = 1024 * 1024


def card(*lines: str) -> str:
    return "\r\n".join(["BEGIN:VCARD", "VERSION:3.0", *lines, "END:VCARD", ""])


def emails_and_phones(n: int, tag: str = "") -> list[str]:
    lines = []
    for i in range(n // 2):
        lines += [f"EMAIL:p{tag}x{i}@example.com", f"TEL:+49 30 {tag}{i:04d}"]
    return lines


def files() -> list[tuple[str, bytes, int]]:
    """(label, file, property limit) for each file measured."""
    limit = 200
    one = card("FN:Many", *emails_and_phones(80_000)).encode()
    per = limit - 2  # VERSION and FN
    many = "".join(card(f"FN:P{c}", *emails_and_phones(per, str(c))) for c in range(80_000 // per))
    note = "Met at the fair; " * 260
    contacts = "".join(
        card(
            f"FN:Person {c}",
            f"ORG:Initech {c}",
            "TITLE:Engineer",
            f"EMAIL;TYPE=work:p{c}@example.com",
            f"EMAIL;TYPE=home:p{c}@home.example",
            f"TEL;TYPE=cell:+49 170 {c:07d}",
            f"URL:https://www.linkedin.com/in/person-{c}",
            f"NOTE:{note}",
        )
        for c in range(4000)
    )
    full, size = [], 0
    while len(full) < MAX_CARDS:
        text = card(f"FN:P{len(full)}", *emails_and_phones(per, str(len(full))))
        if size + len(text) > 20 * MB:
            break
        full.append(text)
        size += len(text)
    long_note = card("FN:Ada", "NOTE:" + "x" * (19 * MB))
    return [
        ("80,000 EMAIL/TEL lines, one card", one, limit),
        ("the same, property limit lifted", one, 10**6),
        (f"80,000 EMAIL/TEL lines, {80_000 // per} cards", many.encode(), limit),
        ("20 MB, 4,000 cards of 5 KB", contacts.encode(), limit),
        (f"20 MB, {len(full):,} cards of {per} EMAIL/TEL", "".join(full).encode(), limit),
        ("one 19 MB note", long_note.encode(), limit),
    ]


def timed(function, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def read(data: bytes, limit: int) -> str:
    try:
        cards = vcard_reading.read(data, MAX_CARDS, limit)
    except vcard_lines.VCardFileError as error:
        return f"refused: {error.message[:60]}…"
    return f"{len(cards):,} cards"


def floor(data: bytes, limit: int):
    """vobject alone on the file, or None when the reader refuses it."""
    try:
        vcard_lines.split_cards(data, MAX_CARDS, limit)
    except vcard_lines.VCardFileError:
        return None
    text = data.decode()
    return lambda: list(vobject.readComponents(text))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    app = create_app({"SECRET_KEY": secrets.token_urlsafe(32), "ENV": "development"})
    ok = True
    print(f"{'file':<40} {'MB':>5} {'reader s':>9} {'floor s':>8} {'ratio':>6}  outcome")
    with app.test_request_context():
        for label, data, limit in files():
            outcome = read(data, limit)
            seconds = timed(lambda data=data, limit=limit: read(data, limit), args.repeat)
            bare = floor(data, limit)
            if bare is None:
                met = seconds <= REFUSAL_SECONDS
                print(
                    f"{label:<40} {len(data) / MB:5.1f} {seconds:9.3f} {'':>8} {'':>6}  {outcome}"
                )
            else:
                floor_seconds = timed(bare, args.repeat)
                ratio = seconds / floor_seconds
                met = ratio <= TARGET_RATIO
                print(
                    f"{label:<40} {len(data) / MB:5.1f} {seconds:9.3f} {floor_seconds:8.3f} "
                    f"{ratio:5.2f}×  {outcome}"
                )
            ok = ok and met
    print(
        f"target: ≤ {TARGET_RATIO}× the floor, refusals ≤ {REFUSAL_SECONDS} s: "
        f"{'met' if ok else 'NOT met'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
