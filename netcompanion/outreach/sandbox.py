"""The Jinja sandbox for templates that users write: it cannot leak, hang or bloat.

Rules:
- Templates are Jinja, rendered by a ``jinja2.sandbox.SandboxedEnvironment`` with
  ``StrictUndefined`` and no autoescaping (the mail is plain text).
- The context holds plain values only: strings, lists of strings, dates and groups of fields
  (``contact``, ``event``, ``recruiter``). No attribute of a Python object is reachable: the
  sandbox refuses every attribute but a loop's ``loop.index`` and friends, and ``str.format``.
- A small set of filters (``FILTERS``) and one global, ``range``, capped at 1,000 numbers.
- Every loop step and call counts against a budget of 10,000 per rendering (``budget``);
  ``+ * ** %`` and ``~`` check the size of what they build; ``rendering`` stops the output at
  50,000 characters and refuses, when compiling, the tags that recurse or buffer output.

A limit reached raises :class:`Refused`, with a message for people.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _
from jinja2 import StrictUndefined, Undefined
from jinja2.exceptions import SecurityError, TemplateRuntimeError
from jinja2.filters import do_truncate
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import missing as _nothing

#: Longest subject or body a rendering may produce.
MAX_OUTPUT = 50_000
#: Longest list a template may build (``[x] * n``, ``a + b``).
MAX_ITEMS = 10_000
#: Loop steps and calls per rendering.
MAX_STEPS = 10_000
#: Longest ``range()``.
MAX_RANGE = 1_000
#: Largest number a calculation may produce.
MAX_NUMBER = 10**18

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


class Refused(TemplateRuntimeError):
    """A limit of the sandbox was reached."""


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


# Limits -------------------------------------------------------------------------------------


class Budget:
    def __init__(self):
        self.steps = 0

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise Refused(
                _(
                    "the template repeats too much (more than %(count)d loop steps).",
                    count=MAX_STEPS,
                )
            )


#: The budget of the rendering under way; ``rendering`` sets a fresh one for each.
budget: contextvars.ContextVar[Budget] = contextvars.ContextVar("template_budget")


def _step() -> None:
    budget.get().step()


def _counted(iterable) -> Iterator:
    if isinstance(iterable, Fields):
        _text(iterable)  # refuses, saying why
    steps = budget.get()
    for item in iterable:
        steps.step()
        yield item


def too_long() -> Refused:
    return Refused(
        _("the template makes too much text (more than %(count)d characters).", count=MAX_OUTPUT)
    )


def _too_large() -> Refused:
    return Refused(_("this calculation makes a value too large for a message."))


def _bounded(value):
    if isinstance(value, str) and len(value) > MAX_OUTPUT:
        raise too_long()
    if isinstance(value, list | tuple) and len(value) > MAX_ITEMS:
        raise _too_large()
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise _too_large()
    if isinstance(value, float) and abs(value) > MAX_NUMBER:
        raise _too_large()
    return value


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
    return _bounded(str(value))


def _join(values, separator="") -> str:
    if isinstance(values, Undefined):
        return _text(values)
    parts = [_text(v) for v in _counted(values)]
    separator = _text(separator)
    if sum(map(len, parts)) + len(separator) * len(parts) > MAX_OUTPUT:
        raise too_long()
    return separator.join(parts)


def _range(*args) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise Refused(_("range() is limited to %(count)d numbers here.", count=MAX_RANGE))
    return numbers


def _size(value) -> int | None:
    return len(value) if isinstance(value, str | list | tuple) else None


def _check_binop(operator: str, left, right) -> None:
    """Refuse an operation before it runs when its result would be too large."""
    if operator == "%" and isinstance(left, str):
        raise Refused(_("'%' formatting is not available; write the fields with {{ … }}."))
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            size = _size(seq)
            if size is not None and isinstance(times, int):
                limit = MAX_OUTPUT if isinstance(seq, str) else MAX_ITEMS
                if size * times > limit:
                    raise _too_large()
    if operator == "+":
        left_size, right_size = _size(left), _size(right)
        limit = MAX_OUTPUT if isinstance(left, str) else MAX_ITEMS
        if left_size is not None and right_size is not None and left_size + right_size > limit:
            raise _too_large()
    if (
        operator == "**"
        and isinstance(left, int | float)
        and isinstance(right, int | float)
        and (abs(right) > 64 or abs(left) > 10**6)
    ):
        raise _too_large()


# Filters ------------------------------------------------------------------------------------


def _default(value, fallback="", boolean=False):
    if isinstance(value, Undefined) or (boolean and not value):
        return fallback
    return value


def _truncate(value, length=255, end="…", killwords=False, leeway=0):
    return do_truncate(ENVIRONMENT, _text(value), length, killwords, _text(end), leeway)


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
    return format_date(value, format)


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
    "lower": lambda value: _text(value).lower(),
    "upper": lambda value: _text(value).upper(),
    "title": lambda value: _text(value).title(),
    "capitalize": lambda value: _text(value).capitalize(),
    "trim": lambda value: _text(value).strip(),
    "truncate": _truncate,
    "length": _length,
    "first": _first,
    "last": _last,
    "date": _date,
    # Inserted by the compiler below, not meant for people (harmless if they use them).
    "_loop_steps": _counted,
    "_piece": _text,
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
        )
        self.filters = dict(FILTERS)
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
        _check_binop(operator, left, right)
        return _bounded(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        _step()
        return super().call(__context, __obj, *args, **kwargs)


ENVIRONMENT = _Sandbox()
