"""A request's JSON body, decoded once before any view, with a limit on how deep it nests.

Python's decoder recurses once per level of nesting, so a body of a thousand ``[`` exhausts
the interpreter's stack before any view sees it. No body the API takes nests more than four
levels (a batch's capture's contact's field), so a body nested more than ``MAX_DEPTH`` levels
is refused before it is decoded, by a scan that does not recurse: it skips strings (whose
brackets are text) and counts the brackets between them.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate

from flask import g, request

#: The deepest nesting a body may have: arrays and objects inside one another.
MAX_DEPTH = 32

_STRING_START = re.compile('"')
#: The rest of a string after its opening quote; possessive, so a long one costs one pass.
_STRING_REST = re.compile(r'(?:[^"\\]|\\.)*+"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class TooDeep(ValueError):
    """The body nests arrays and objects deeper than ``MAX_DEPTH``."""


def _brackets_exceed(text: str, depth: int, limit: int) -> tuple[int, bool]:
    brackets = _NOT_BRACKET.sub("", text)
    if not brackets:
        return depth, False
    levels = list(accumulate(map(_STEP.__getitem__, brackets), initial=depth))
    return levels[-1], max(levels) > limit


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """True when ``text`` nests arrays and objects more than ``limit`` levels deep.

    Text that is not JSON (an unterminated string, unbalanced brackets) is left to the decoder
    to refuse, unless its brackets already go too deep.
    """
    if text.count("[") + text.count("{") <= limit:  # the usual body: no scan needed
        return False
    depth, position = 0, 0
    while True:
        quote = _STRING_START.search(text, position)
        end = len(text) if quote is None else quote.start()
        depth, exceeded = _brackets_exceed(text[position:end], depth, limit)
        if exceeded:
            return True
        if quote is None:
            return False
        rest = _STRING_REST.match(text, quote.end())
        if rest is None:  # an unterminated string: not JSON, which the decoder says
            return False
        position = rest.end()


def decode(raw: bytes):
    """The JSON value ``raw`` holds; ``TooDeep``, or ``ValueError`` for anything else not JSON.

    Decoded as the standard library does (UTF-8, -16 or -32), keeping lone surrogates so that
    ``text_input`` can name the field that holds one.
    """
    text = raw.decode(json.detect_encoding(raw), "surrogatepass")
    if too_deep(text):
        raise TooDeep(f"nested more than {MAX_DEPTH} levels deep")
    return json.loads(text)


_UNREAD = object()


def read():
    """Decode the current request's JSON body into ``g``: call once, before the views.

    Raises ``TooDeep``; a body that is not JSON, or not sent as JSON, reads as None, as with
    ``get_json(silent=True)``.
    """
    if not request.is_json:
        g.json_body = None
        return None
    try:
        value = decode(request.get_data(cache=True))
    except TooDeep:
        g.json_body = None
        raise
    except ValueError:
        value = None
    g.json_body = value
    return value


def current():
    """The request's decoded JSON body (None when it is not JSON)."""
    value = g.get("json_body", _UNREAD)
    return read() if value is _UNREAD else value
