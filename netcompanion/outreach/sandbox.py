"""The Jinja sandbox for templates that users write: it cannot leak, hang or bloat.

Rules:
- Templates are Jinja, rendered by a ``jinja2.sandbox.SandboxedEnvironment`` with
  ``StrictUndefined`` and no autoescaping (the mail is plain text).
- The context holds plain values only: strings, lists of strings, dates and groups of fields
  (``contact``, ``event``, ``recruiter``). No attribute of a Python object is reachable: the
  sandbox refuses every attribute but a loop's ``loop.index`` and friends, and ``str.format``.
- A small set of filters (``FILTERS``), of ``is`` tests (``is_tests``) and one global,
  ``range``, capped at 1,000 numbers.
- Every value a template builds passes ``limits.bounded`` (its size, counted against the
  message's budget of work and time): the results of ``+ - * / // % **``, of filters, of
  ``~``, of slices and of list, tuple and dict literals (:func:`harden` routes the last four
  through filters when compiling). What a comparison, a test or a call may read is counted
  before it runs (``limits.charge``); loop steps and calls count too. ``rendering`` stops the
  output at 50,000 characters and refuses, when compiling, the tags that recurse or buffer
  output.

A limit reached raises :class:`Refused`, with a message for people.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _
from jinja2 import StrictUndefined, Undefined, nodes
from jinja2.exceptions import SecurityError
from jinja2.filters import do_truncate
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import missing as _nothing
from jinja2.visitor import NodeTransformer

from .is_tests import TESTS
from .limits import (
    MAX_NESTING,
    MAX_OUTPUT,
    MAX_RANGE,
    Refused,
    bounded,
    budget,
    charge,
    check_binop,
    step,
    too_long,
)

#: What a loop's ``loop`` variable offers.
LOOP_ATTRIBUTES = frozenset(
    {
        "index",
        "index0",
        "revindex",
        "revindex0",
        "first",
        "last",
        "length",
        "previtem",
        "nextitem",
        "depth",
        "depth0",
        "cycle",
        "changed",
    }
)

# The values a template sees -------------------------------------------------------------------


class Fields:
    """A group of fields, read as ``group.field``; it has no attributes of its own to reach."""

    __slots__ = ("_name", "_values")
    __iter__ = None  # not iterable: ``{% for x in contact %}`` is a mistake, say so

    def __init__(self, name: str, values: dict[str, object]):
        self._name = name
        self._values = values

    def __getitem__(self, key):
        return self._values[key]

    def __contains__(self, key) -> bool:
        return key in self._values


class UnknownField(StrictUndefined):
    """A name the context does not have: a typo, most often. Fails wherever it is used."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        name = self._undefined_name
        if isinstance(self._undefined_obj, Fields):
            name = f"{self._undefined_obj._name}.{name}"
        elif isinstance(name, int):
            return _("there is no item %(index)d in this list", index=name)
        elif self._undefined_obj is not _nothing:
            return _("'%(name)s' is not a field of this value", name=name)
        return _("unknown field '%(name)s'", name=name)


class MissingField(StrictUndefined):
    """A known field with no value for this contact (no encounter, no title, ...).

    False in ``{% if %}``, replaced by ``|default(...)``; printing it fails with a hint.
    """

    __slots__ = ()
    __bool__ = Undefined.__bool__
    __eq__ = Undefined.__eq__
    __ne__ = Undefined.__ne__
    __hash__ = Undefined.__hash__
    __iter__ = Undefined.__iter__
    __len__ = Undefined.__len__


def missing(field: str, why: str) -> MissingField:
    hint = _(
        "'%(field)s' has no value here: %(why)s Give it a fallback, "
        'e.g. {{ %(field)s|default("…") }}, or use another template.',
        field=field,
        why=why,
    )
    return MissingField(hint=hint, name=field)


class LocalDate(date):
    """A date that prints in the reader's language; ``|date(...)`` formats it otherwise."""

    def __str__(self) -> str:
        return format_date(self, "long")


# Text and loops ----------------------------------------------------------------------------


def _counted(iterable) -> Iterator:
    if isinstance(iterable, Fields):
        _text(iterable)  # refuses, saying why
    steps = budget.get()
    for item in iterable:
        steps.step()
        yield item


def _text(value) -> str:
    """A value as text, refusing to spell out a group of fields or a huge list."""
    if isinstance(value, Fields):
        raise Refused(
            _(
                "'%(name)s' is a group of fields: write one of them, e.g. %(name)s.name.",
                name=value._name,
            )
        )
    if isinstance(value, list | tuple):
        return _join(value, ", ")
    if isinstance(value, dict):
        raise Refused(_("a group of values cannot be written as text."))
    return bounded(str(value))


def _joined(texts: list[str], separator: str = "") -> str:
    """Join texts, refusing before the join when the result would be too long."""
    if sum(map(len, texts)) + len(separator) * len(texts) > MAX_OUTPUT:
        raise too_long()
    return bounded(separator.join(texts))


def _join(values, separator="") -> str:
    if isinstance(values, Undefined):
        return _text(values)
    parts = [_text(v) for v in _counted(values)]
    return _joined(parts, _text(separator))


def _concat(texts: tuple[str, ...]) -> str:
    """What ``a ~ b ~ c`` gives; ``harden`` makes each part text first."""
    return _joined(list(texts))


def _charged(value):
    charge(value)
    return value


def _range(*args) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise Refused(_("range() is limited to %(count)d numbers here.", count=MAX_RANGE))
    return numbers


# Filters ------------------------------------------------------------------------------------


def _default(value, fallback="", boolean=False):
    if isinstance(value, Undefined) or (boolean and not value):
        return fallback
    return value


def _truncate(value, length=255, end="…", killwords=False, leeway=0):
    return bounded(do_truncate(ENVIRONMENT, _text(value), length, killwords, _text(end), leeway))


def _date(value, format="long"):  # noqa: A002 (the name templates use)
    if isinstance(value, Undefined):
        return value
    if not isinstance(value, date):
        raise Refused(_("the date filter needs a date, such as event.date."))
    if isinstance(value, datetime):
        value = value.date()
    format = _text(format)
    if len(format) > 40:
        raise Refused(_("that date format is too long."))
    return bounded(format_date(value, format))


def _first(value):
    for item in _counted(value):
        return item
    return MissingField(hint=_("the list is empty."))


def _last(value):
    if isinstance(value, str | list | tuple) and value:
        return value[-1]
    return _first(value)


def _length(value) -> int:
    if isinstance(value, Fields):
        _text(value)
    return len(value)


FILTERS = {
    "default": _default,
    "d": _default,
    "join": _join,
    "lower": lambda value: bounded(_text(value).lower()),
    "upper": lambda value: bounded(_text(value).upper()),
    "title": lambda value: bounded(_text(value).title()),
    "capitalize": lambda value: bounded(_text(value).capitalize()),
    "trim": lambda value: bounded(_text(value).strip()),
    "truncate": _truncate,
    "length": _length,
    "first": _first,
    "last": _last,
    "date": _date,
    # Inserted by the compiler below, not meant for people (harmless if they use them).
    "_loop_steps": _counted,
    "_piece": _text,
    "_concat": _concat,
    "_bounded": bounded,
    "_charged": _charged,
}


def _finalize(value):
    """What ``{{ … }}`` prints: lists as "a, b", groups of fields refused."""
    if isinstance(value, Undefined):
        return value
    return _text(value)


class _Sandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def __init__(self):
        super().__init__(
            autoescape=False,
            undefined=UnknownField,
            finalize=_finalize,
            keep_trailing_newline=True,
            cache_size=0,
            # Jinja's optimizer evaluates constant parts when compiling, outside the budget, and
            # its time grows with the cube of the nesting: 200 filters in a row took 3 s.
            optimized=False,
        )
        self.filters = dict(FILTERS)
        self.tests = dict(TESTS)
        self.globals = {"range": _range}

    def is_safe_attribute(self, obj, attr, value) -> bool:
        return isinstance(obj, LoopContext) and attr in LOOP_ATTRIBUTES

    def wrap_str_format(self, value):
        return None  # str.format is refused like every other attribute

    def unsafe_undefined(self, obj, attribute):
        return self.undefined(
            _("'%(name)s' is not available in message templates.", name=attribute),
            name=attribute,
            obj=obj,
            exc=SecurityError,
        )

    def call_binop(self, context, operator, left, right):
        check_binop(operator, left, right)
        return bounded(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        step()
        charge(*args, *kwargs.values())  # loop.changed(…) compares its arguments
        return super().call(__context, __obj, *args, **kwargs)


ENVIRONMENT = _Sandbox()


# Compiling ----------------------------------------------------------------------------------


def _through(node: nodes.Expr, name: str) -> nodes.Filter:
    return nodes.Filter(node, name, [], [], None, None, lineno=node.lineno)


class _Bounds(NodeTransformer):
    """Route what Jinja builds or compares outside ``call_binop`` and the filters through limits."""

    def visit_For(self, node: nodes.For) -> nodes.For:
        node = self.generic_visit(node)
        node.iter = _through(node.iter, "_loop_steps")
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Filter:
        node = self.generic_visit(node)
        parts = [_through(part, "_piece") for part in node.nodes]
        return _through(nodes.Tuple(parts, "load", lineno=node.lineno), "_concat")

    def visit_List(self, node: nodes.List) -> nodes.Filter:
        return _through(self.generic_visit(node), "_bounded")

    visit_Dict = visit_List

    def visit_Tuple(self, node: nodes.Tuple) -> nodes.Expr:
        node = self.generic_visit(node)
        return _through(node, "_bounded") if node.ctx == "load" else node

    def visit_Getitem(self, node: nodes.Getitem) -> nodes.Expr:
        node = self.generic_visit(node)
        return _through(node, "_bounded") if isinstance(node.arg, nodes.Slice) else node

    def visit_Compare(self, node: nodes.Compare) -> nodes.Compare:
        node = self.generic_visit(node)
        node.expr = _through(node.expr, "_charged")
        for operand in node.ops:
            operand.expr = _through(operand.expr, "_charged")
        return node


def too_deep(tree: nodes.Template) -> nodes.Node | None:
    """The first node nested more than ``MAX_NESTING`` deep, found without recursion."""
    pending = [(tree, 0)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_NESTING:
            return node
        pending.extend((child, depth + 1) for child in node.iter_child_nodes())
    return None


def harden(tree: nodes.Template) -> None:
    """Count loop steps and what comparisons read; bound every ``~``, slice and literal."""
    _Bounds().visit(tree)
