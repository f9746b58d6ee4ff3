"""A person's name split into given and family parts, as importers and vCard's N field want them.

One name field is what people type; CRMs, ATSs and vCard's ``N`` want two. The rules, in order:

- White space is folded; no name gives two empty parts.
- One word (``Madonna``, ``김민준``, a name in a script written without spaces) is the family
  name: Salesforce's lead import refuses a lead without a Last Name, and vCard readers show a
  card whose ``N`` carries only a family name by that name.
- Names written family name first (Hangul, Han, kana: ``김 민준``, ``山田 太郎``) give their
  first word as family name, the rest as given name.
- Any other name gives its first word as given name and the rest as family name, so
  ``María Fernández de la Vega`` keeps her whole family name; a guess at middle names would be
  wrong more often than this.

:func:`name_parts` is what CRM layouts use: the same split, after two more rules.

- Emoji and other pictographs are no part of a name (``Αλεξάνδρα Παππά 😀``): a CRM's name
  fields, sorted and matched on, get the letters only; the whole name keeps them.
- A suffix after a comma or at the end (``Zoë O'Brien, PhD``, ``Martin Luther King Jr.``) is
  kept apart, for the layouts that have a column for it; it is never mistaken for a family name.

A one-word name in a script written without spaces (``王小明``, ``김민준``, ``やまだたろう``) stays
whole in the family name, the field every importer requires: a guessed split by the first
character is wrong for two-character family names (欧阳, 남궁, 諸葛) and for any Japanese name.

Why not a library such as ``nameparser``: it reads ``Madonna`` as a first name (Salesforce then
refuses the lead), ``Smith, John`` as a reordered name where people here type one name in one
order, knows no family-first script, and moves titles and nicknames around; the rules above are
the few that importers need, and they fit in this module.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

#: Suffixes that follow a name, compared without dots and case (``Jr.`` = ``jr``).
SUFFIXES = frozenset(
    [
        "jr",
        "sr",
        "ii",
        "iii",
        "iv",
        "v",
        "phd",
        "md",
        "mba",
        "msc",
        "bsc",
        "ma",
        "ba",
        "dds",
        "dvm",
        "esq",
        "cpa",
        "pe",
        "rn",
        "jd",
        "llm",
        "mph",
        "dphil",
    ]
)
_SUFFIX_WORD = re.compile(r"[\s,;]+")
#: Joiners and modifiers of emoji sequences: zero-width joiner, variation selectors, keycap,
#: skin tones (Sk), tags.
_EMOJI_PARTS = re.compile("[\u200d\ufe0e\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")


class NameParts(NamedTuple):
    given: str
    family: str
    suffix: str


def _family_first(word: str) -> bool:
    """Whether a word is in a script whose names put the family name first."""
    for char in word:
        name = unicodedata.name(char, "")
        if name.startswith(("HANGUL", "CJK", "HIRAGANA", "KATAKANA")):
            return True
    return False


def split_name(name: str) -> tuple[str, str]:
    """(given, family) of a name as typed."""
    words = (name or "").split()
    if not words:
        return "", ""
    if len(words) == 1:
        return "", words[0]
    if _family_first(words[0]):
        return " ".join(words[1:]), words[0]
    return words[0], " ".join(words[1:])


def without_emoji(text: str) -> str:
    """``text`` without pictographs (emoji, dingbats, regional flags), spaces folded."""
    text = _EMOJI_PARTS.sub("", text)
    kept = "".join(" " if unicodedata.category(char) == "So" else char for char in text)
    return " ".join(kept.split())


def _is_suffix(text: str) -> bool:
    words = [w for w in _SUFFIX_WORD.split(text.replace(".", "")) if w]
    return bool(words) and all(w.casefold() in SUFFIXES for w in words)


def name_parts(name: str) -> NameParts:
    """(given, family, suffix) of a name as typed, for a CRM's name columns."""
    text = without_emoji(name or "")
    suffix = ""
    head, comma, tail = text.partition(",")
    if comma and head.strip() and _is_suffix(tail):
        text, suffix = head.strip(), tail.strip()
    else:
        words = text.split()
        while len(words) > 2 and _is_suffix(words[-1]):
            suffix = f"{words.pop()} {suffix}".strip()
        text = " ".join(words)
    given, family = split_name(text)
    return NameParts(given, family, suffix)
