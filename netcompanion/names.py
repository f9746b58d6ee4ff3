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
"""

from __future__ import annotations

import unicodedata


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
