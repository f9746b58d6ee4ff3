"""The ``is`` tests of message templates, with their arguments checked before they run.

Jinja's own tests apply Python operators directly, outside the sandbox's checks:
``'%500000000s' is divisibleby 1`` formats a 500-million-character string, ``a_list is lower``
spells out the whole list. Here ``divisibleby``, ``even`` and ``odd`` take whole numbers only,
``lower`` and ``upper`` text only, and the comparisons count what they read against the
budget first. Left out: ``callable``,
``filter`` and ``test``, which probe the server rather than the message, and ``escaped``, which
means nothing in plain text.
"""

from __future__ import annotations

import operator

from flask_babel import gettext as _
from jinja2 import Undefined
from jinja2 import tests as jinja

from .limits import Refused, charge


def _whole_number(value, test: str) -> int:
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()  # says which field is missing, and why
    if not isinstance(value, int):  # True and False are whole numbers to Python too
        raise Refused(
            _("'is %(test)s' works on whole numbers only, such as loop.index.", test=test)
        )
    return value


def _text(value, test: str) -> str:
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    if not isinstance(value, str):
        raise Refused(_("'is %(test)s' works on text only.", test=test))
    return value


def _odd(value) -> bool:
    return _whole_number(value, "odd") % 2 == 1


def _even(value) -> bool:
    return _whole_number(value, "even") % 2 == 0


def _divisible_by(value, num) -> bool:
    return _whole_number(value, "divisibleby") % _whole_number(num, "divisibleby") == 0


def _lower(value) -> bool:
    return _text(value, "lower").islower()


def _upper(value) -> bool:
    return _text(value, "upper").isupper()


def _charged(compare):
    """A comparison that counts what it reads first: comparing long lists is the costliest test."""

    def charged(value, other) -> bool:
        charge(value, other)
        return compare(value, other)

    return charged


_COMPARISONS = {
    operator.eq: ("==", "eq", "equalto"),
    operator.ne: ("!=", "ne"),
    operator.gt: (">", "gt", "greaterthan"),
    operator.ge: (">=", "ge"),
    operator.lt: ("<", "lt", "lessthan"),
    operator.le: ("<=", "le"),
}

TESTS = {
    "defined": jinja.test_defined,
    "undefined": jinja.test_undefined,
    "none": jinja.test_none,
    "boolean": jinja.test_boolean,
    "true": jinja.test_true,
    "false": jinja.test_false,
    "integer": jinja.test_integer,
    "float": jinja.test_float,
    "number": jinja.test_number,
    "string": jinja.test_string,
    "sequence": jinja.test_sequence,
    "iterable": jinja.test_iterable,
    "mapping": jinja.test_mapping,
    "sameas": jinja.test_sameas,
    "odd": _odd,
    "even": _even,
    "divisibleby": _divisible_by,
    "lower": _lower,
    "upper": _upper,
    "in": _charged(jinja.test_in),
    **{name: _charged(compare) for compare, names in _COMPARISONS.items() for name in names},
}
