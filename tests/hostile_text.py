"""Text the way people and attackers type it: NUL and other controls, lone surrogates, emoji,
right-to-left text, typos; and the same text with at least one character the app refuses."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from hypothesis import strategies as st

from netcompanion import text_input

#: One of each kind of character the rule refuses.
REFUSED = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x1f", "\x7f", "\ud800", "\udfff"]
#: What a person does type, including the awkward bits, and what an attacker types.
TYPED = ["é", "ß", "😀", "👩🏽\u200d💻", "שלום", "مرحبا", "\u202e", "\u200f", "\t", "\n", "\r"]
TYPED += ["Jne Doe", "' OR 1=1 --", "<script>", "%00", "\\0", "../", "a@example.com"]

_alphabet = st.one_of(
    st.characters(max_codepoint=0x7F),
    st.characters(max_codepoint=0x9F, min_codepoint=0x80),  # C1: kept on purpose
    st.sampled_from(REFUSED),
    st.characters(),
)

#: Any text, refused or not.
texts = st.lists(st.one_of(st.text(_alphabet, max_size=4), st.sampled_from(TYPED)), max_size=6).map(
    "".join
)


@st.composite
def refused_texts(draw, surrogates: bool = True) -> str:
    """Text holding at least one refused character (no lone surrogate if ``surrogates`` is off:
    a URL cannot carry one)."""
    text = draw(texts)
    if not surrogates:
        text = text.encode("utf-8", "ignore").decode()
    bad = draw(st.sampled_from([c for c in REFUSED if surrogates or c < "\ud800"]))
    at = draw(st.integers(0, len(text)))
    value = text[:at] + bad + text[at:]
    assert not text_input.is_clean(value)
    return value


#: Text whose brackets and quotes a nesting scan must not count.
_bracketed = st.text(st.sampled_from('[]{}"\\ a'), max_size=8)


@st.composite
def nested_json(draw, max_depth: int = 40) -> tuple[str, int]:
    """A JSON text nesting arrays and objects to a drawn depth, with brackets, quotes and
    backslashes in its strings and keys; and that depth."""
    depth = draw(st.integers(0, max_depth))
    value = draw(st.one_of(st.none(), st.integers(), _bracketed))
    for _ in range(depth):
        if draw(st.booleans()):
            value = [draw(_bracketed), value] if draw(st.booleans()) else [value]
        else:
            value = {draw(_bracketed): value}
    return json.dumps(value, ensure_ascii=draw(st.booleans())), depth


def deeply_nested(value, depth: int = 1000) -> str:
    """``value`` as JSON, at the bottom of ``depth`` levels of arrays and objects: too deep to
    decode recursively."""
    text = json.dumps(value)
    for level in range(depth):
        text = f'{{"a": {text}}}' if level % 2 else f"[{text}]"
    return text


#: The widest offsets ISO 8601 text can carry, a minute short of a day either way.
_MINUTES = st.integers(1, 24 * 60 - 1)


@st.composite
def overflowing_instants(draw) -> str:
    """ISO 8601 text of a date and time whose offset carries it out of years 1 to 9999 in UTC:
    early on 1 January of year 1 east of Greenwich, or late on 31 December 9999 west of it."""
    minutes = draw(_MINUTES)
    seconds = timedelta(seconds=draw(st.integers(0, minutes * 60 - 1)))
    if draw(st.booleans()):
        local, offset = datetime(1, 1, 1) + seconds, timedelta(minutes=minutes)
    else:
        local, offset = datetime.max - seconds, -timedelta(minutes=minutes)
    return local.replace(tzinfo=timezone(offset)).isoformat()


_offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)

#: Date-time text at the edges of what ISO 8601 and the databases hold, right and wrong.
_DAYS = ["0001-01-01", "0001-01-02", "9999-12-31", "9999-12-30", "2028-02-29", "2030-02-29"]
_DAYS += ["0000-12-31", "10000-01-01", "2030-13-01", "2030-W01-1", "20300101"]
_TIMES = ["00:00:00", "00:59:59", "23:59:59", "23:00", "00", "23:59:60", "24:00:00", "12:60:00"]
_FRACTIONS = ["", ".5", ".999999", ".123456789", ",5", "."]
_OFFSETS = ["Z", "+00:00", "-00:00", "+01:00", "-01:00", "+23:59", "-23:59", "+00:00:30.5"]
_OFFSETS += ["", "z", "+24:00", "-24:00", "+99:99", "+01:60", "+0100", "+01", "+1:00", " +01:00"]


@st.composite
def edge_instants(draw) -> str:
    """ISO 8601 date-time text in years 1 and 9999 and just outside, with fractions and offsets
    that Python, ISO 8601 or the databases take or refuse."""
    day, time = draw(st.sampled_from(_DAYS)), draw(st.sampled_from(_TIMES))
    separator = draw(st.sampled_from(["T", "T", " ", "t"]))
    return (
        day + separator + time + draw(st.sampled_from(_FRACTIONS)) + draw(st.sampled_from(_OFFSETS))
    )


#: Date-time text as clients send it, right and wrong: any offset, none, out of range, garbage.
instants = st.one_of(
    overflowing_instants(),
    st.datetimes(timezones=_offsets).map(datetime.isoformat),
    st.datetimes().map(datetime.isoformat),
    st.sampled_from(["2030-01-01", "2030-01-31T09:00:00Z", "24:00", "", "1e3", "0"]),
    edge_instants(),
    texts,
)


#: Date text at the edges: the first and last days there are, and just outside them.
edge_dates = st.one_of(
    st.sampled_from(_DAYS + ["0001-01-01T00:00:00Z", "9999-12-31Z", "1", "-0001-01-01"]),
    st.dates().map(date.isoformat),
    texts,
)

#: Lone surrogates as a JSON text can spell them: escapes in either case, a high one before a
#: character that is not a low one, a low one first, two highs.
SURROGATE_ESCAPES = [r"\ud800", r"\uDFFF", r"\udbff\u0041", r"\udc00\ud800", r"\uD83D\uD83D"]


@st.composite
def surrogate_strings(draw) -> str:
    """A JSON string literal (quotes included) holding at least one lone surrogate escape
    among other text; ``json.dumps`` cannot write one from a Python string."""
    before, after = draw(texts), draw(texts)
    literal = json.dumps(before)[:-1] + draw(st.sampled_from(SURROGATE_ESCAPES))
    return literal + json.dumps(after)[1:]


def _opening(key: str, brackets: str) -> str:
    return "[" if brackets == "[" else "{" + json.dumps(key) + ":"


@st.composite
def deep_json(draw, min_depth: int = 33, max_depth: int = 2000) -> str:
    """JSON text nesting arrays and objects ``min_depth`` to ``max_depth`` levels deep, built as
    text (the encoder recurses too), with brackets and quotes in its keys and strings."""
    depth = draw(st.integers(min_depth, max_depth))
    kinds = draw(st.lists(st.sampled_from("[{"), min_size=1, max_size=8))
    key = draw(_bracketed)
    space = draw(st.sampled_from(["", " ", "\n\t"]))
    inner = json.dumps(draw(st.one_of(st.none(), st.integers(), _bracketed)))
    openings = [_opening(key, kinds[level % len(kinds)]) for level in range(depth)]
    closings = ["]" if o == "[" else "}" for o in reversed(openings)]
    return space.join(openings) + inner + space.join(closings)


def row_counts() -> dict[str, int]:
    """How many rows each table holds: a refusal must leave every count as it was."""
    from sqlalchemy import func, select

    from netcompanion.extensions import db

    db.session.rollback()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def record_answers(kind: str, answers: dict[str, list]) -> None:
    """Write this engine's answers under $TEXT_ANSWERS_DIR and compare with the other engine's.

    CI runs the suite on SQLite and then on PostgreSQL with the same directory: the second run
    fails if any input got another answer there. The examples are derandomized, so both runs
    send the same inputs.
    """
    import json
    import os
    from pathlib import Path

    from netcompanion.extensions import db

    folder = os.environ.get("TEXT_ANSWERS_DIR")
    if not folder:
        return
    engine = db.engine.dialect.name
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    (path / f"{kind}-{engine}.json").write_text(json.dumps(answers, sort_keys=True, indent=1))
    for other in path.glob(f"{kind}-*.json"):
        if other.name == f"{kind}-{engine}.json":
            continue
        theirs = json.loads(other.read_text())
        shared = answers.keys() & theirs.keys()
        assert shared, f"no input in common with {other.name}"
        differ = {key: (answers[key], theirs[key]) for key in shared if answers[key] != theirs[key]}
        assert not differ, f"{engine} and {other.name} answer differently: {differ}"
