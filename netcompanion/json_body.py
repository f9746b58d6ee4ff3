"""A request's JSON body, decoded once before any view, with a limit on how deep it nests.

Python's decoder recurses once per level of nesting, so a body of a thousand ``[`` exhausts
the interpreter's stack before any view sees it. No body the API takes nests more than four
levels (a batch's capture's contact's field), so a body nested more than ``MAX_DEPTH`` levels
is refused before it is decoded, by a scan that does not recurse: it skips strings (whose
brackets are text) and counts the brackets between them.

The scan is a few passes of the byte-level string methods, none per character in Python: a
body may be 20 MB, and the scan must cost less than decoding it. A backslash escapes a
backslash or a quote after it; what is left of the text keeps only quotes and brackets, and
every other quote-delimited run (a string) is dropped, up to the end of an unterminated one.
"""

from __future__ import annotations

import json
from array import array
from itertools import accumulate

from flask import g, request

#: The deepest nesting a body may have: arrays and objects inside one another.
MAX_DEPTH = 32

_NOT_QUOTE_OR_BRACKET = bytes(b for b in range(256) if b not in b'"[]{}')
_ONE_KIND = bytes.maketrans(b"{}", b"[]")
#: Each bracket as its step in depth, as a signed byte: +1 for ``[``, -1 for ``]``.
_STEPS = bytes.maketrans(b"[]", b"\x01\xff")
_CHUNK = 4096


class TooDeep(ValueError):
    """The body nests arrays and objects deeper than ``MAX_DEPTH``."""


def _brackets(text: str) -> bytes:
    """The brackets outside ``text``'s strings, objects' written as arrays'."""
    raw = text.encode("utf-8", "surrogatepass").replace(b"\\\\", b"").replace(b'\\"', b"")
    return b"".join(raw.translate(_ONE_KIND, _NOT_QUOTE_OR_BRACKET).split(b'"')[::2])


def _rises_above(steps: bytes, threshold: int) -> bool:
    """True when the running sum of ``steps``, from 0, goes above ``threshold``."""
    depth = 0
    for start in range(0, len(steps), _CHUNK):
        chunk = steps[start : start + _CHUNK]
        rises = chunk.count(1)
        if depth + rises > threshold:  # else the chunk cannot reach it: skip it unread
            levels = list(accumulate(array("b", chunk), initial=depth))
            if max(levels) > threshold:
                return True
        depth += 2 * rises - len(chunk)
    return False


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """True when ``text`` nests arrays and objects more than ``limit`` levels deep.

    Text that is not JSON (an unterminated string, unbalanced brackets) is left to the decoder
    to refuse, unless its brackets already go too deep.
    """
    if text.count("[") + text.count("{") <= limit:  # the usual body: no scan needed
        return False
    brackets = _brackets(text)
    end = 2 * brackets.count(b"[") - len(brackets)  # the depth after the last bracket
    if end > limit:
        return True
    # Deleting every "[]" lowers the deepest level by one, unless the text ends there (or it
    # is 0): an array or object with nothing nested in it is gone. A round that halves the
    # text is cheaper than reading it bracket by bracket; a deep body's are not.
    while limit > max(end, 0):
        shorter = brackets.replace(b"[]", b"")
        if len(shorter) == len(brackets):
            return False
        halved = 2 * len(shorter) <= len(brackets)
        brackets, limit = shorter, limit - 1
        if not halved:
            break
    return _rises_above(brackets.translate(_STEPS), limit)


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
