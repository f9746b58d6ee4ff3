"""Recognising the cards our own export wrote, so an import reads them back as they were meant.

A card is ours when its PRODID is the writer's (``cards.PRODID``). Its FN may be a placeholder:
the writer puts the email, the company or "Unnamed contact" (in the exporter's language) there
when the contact has no name, and that is never read back as a name. Any card whose FN is one
of its own email addresses or phone numbers is treated the same way: phones write that too.
"""

from __future__ import annotations

import functools

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from .cards import PRODID


def is_ours(prodid: str) -> bool:
    return prodid.strip() == PRODID


def _in_every_language(message: str) -> frozenset[str]:
    return _translations(message, tuple(current_app.config["LANGUAGES"]))


@functools.lru_cache(maxsize=64)
def _translations(message: str, languages: tuple[str, ...]) -> frozenset[str]:
    found = {message}
    for language in languages:
        with force_locale(language):
            found.add(_(message))
    return frozenset(found)


def placeholder_name(name: str, ours: bool, written: list[str], company: str) -> bool:
    """Whether FN is a stand-in for a missing name rather than the person's name.

    ``written``: the card's email addresses and phone numbers as written.
    """
    if not name:
        return False
    folded = name.strip().casefold()
    if folded in {value.strip().casefold() for value in written if value.strip()}:
        return True
    if not ours:
        return False
    unnamed = {text.casefold() for text in _in_every_language("Unnamed contact")}
    return folded in unnamed or (bool(company) and folded == company.strip().casefold())
