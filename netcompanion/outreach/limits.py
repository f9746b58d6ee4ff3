"""What rendering one message may cost: loop steps, what it builds and compares, and time.

Rules:
- A message (subject and body together) gets one :class:`Budget`: 10,000 loop steps and calls,
  1,000,000 characters (or list items) built or compared in all, and 2 seconds from the start
  of compiling.
- No string a template builds is longer than 50,000 characters; no list, tuple or dict holds
  more than 10,000 items, counting the items of the lists inside it (a list of 10,000
  references to one list of 10,000 would cost 10^8 comparisons); no number passes 10^18; no
  template nests more than 50 deep (compiling takes time with the cube of the nesting).
- Every value :func:`bounded` lets through is counted against the budget, and so is, before a
  comparison, an ``is`` test or a call runs, all that it may read (:func:`charge`): comparing
  two lists of 10,000 equal strings of 50,000 characters would read a gigabyte.
- The clock is read at each of those, so the deadline holds to within one operation, and no
  operation is long. It is the backstop: the other limits refuse the costliest templates
  known in milliseconds (``bench/template_sandbox.py``).

A limit reached raises :class:`Refused`, with a message for people.
"""

from __future__ import annotations

import contextvars
import time

from flask_babel import format_number
from flask_babel import gettext as _
from jinja2.exceptions import TemplateRuntimeError

#: Longest subject or body a rendering may produce, and longest string a template may build.
MAX_OUTPUT = 50_000
#: Most items a list, tuple or dict may hold, counting those of the lists inside it.
MAX_ITEMS = 10_000
#: Loop steps and calls per message.
MAX_STEPS = 10_000
#: Characters (and list items) a message may build or compare in all, intermediate values included.
MAX_WORK = 1_000_000
#: Seconds a message may take to compile and render.
DEADLINE_SECONDS = 2
#: Deepest nesting of tags and expressions (nodes inside one another) in a template.
MAX_NESTING = 50
#: Longest ``range()``.
MAX_RANGE = 1_000
#: Largest number a calculation may produce.
MAX_NUMBER = 10**18

_CONTAINERS = (list, tuple, dict)


class Refused(TemplateRuntimeError):
    """A limit of the sandbox was reached."""


class Budget:
    """What one message has spent; ``exhausted`` once a limit of the whole message refused it."""

    def __init__(self):
        self.steps = 0
        self.work = 0
        self.deadline = time.monotonic() + DEADLINE_SECONDS
        self.exhausted = False

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            self._refuse(
                _(
                    "the template repeats too much (more than %(count)d loop steps).",
                    count=MAX_STEPS,
                )
            )
        self.check_time()

    def spend(self, size: int) -> None:
        self.work += size
        if self.work > MAX_WORK:
            self._refuse(
                _(
                    "the template does too much work (it builds or compares more than "
                    "%(count)s characters).",
                    count=format_number(MAX_WORK),
                )
            )
        self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            self._refuse(
                _(
                    "the template takes too long to render (more than %(seconds)d seconds).",
                    seconds=DEADLINE_SECONDS,
                )
            )

    def _refuse(self, message: str) -> None:
        self.exhausted = True
        raise Refused(message)


#: The budget of the message being rendered; ``rendering`` sets a fresh one for each.
budget: contextvars.ContextVar[Budget] = contextvars.ContextVar("template_budget")


def step() -> None:
    budget.get().step()


def check_time() -> None:
    budget.get().check_time()


def too_long() -> Refused:
    return Refused(
        _("the template makes too much text (more than %(count)d characters).", count=MAX_OUTPUT)
    )


def too_large() -> Refused:
    return Refused(_("this calculation makes a value too large for a message."))


def weight(value: list | tuple | dict, limit: int = MAX_ITEMS) -> int:
    """Items in a container, counting those of the containers in it; stops soon past ``limit``.

    Shared references count each time: what matters is the work of comparing or hashing it.
    """
    total, pending = 0, [value]
    while pending and total <= limit:
        current = pending.pop()
        total += len(current)
        items = [*current, *current.values()] if isinstance(current, dict) else current
        pending.extend(item for item in items if isinstance(item, _CONTAINERS))
    return total


def cost(value, limit: int = MAX_WORK) -> int:
    """Characters and items in a value, those inside its containers included; stops past ``limit``.

    What comparing it, or looking for something in it, may read.
    """
    total, pending = 0, [value]
    while pending and total <= limit:
        current = pending.pop()
        if isinstance(current, str):
            total += len(current)
        elif isinstance(current, _CONTAINERS):
            total += len(current)
            pending.extend([*current, *current.values()] if isinstance(current, dict) else current)
        else:
            total += 1
    return total


def charge(*values) -> None:
    """Count what comparing these values may read against the budget, before comparing them."""
    budget.get().spend(sum(cost(value) for value in values))


def bounded(value):
    """The value, if a template may hold it; counted against the budget."""
    size = 1
    if isinstance(value, str):
        size = len(value)
        if size > MAX_OUTPUT:
            raise too_long()
    elif isinstance(value, _CONTAINERS):
        size = weight(value)
        if size > MAX_ITEMS:
            raise too_large()
    elif isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise too_large()
    budget.get().spend(size)
    return value


def _size(value) -> int | None:
    return len(value) if isinstance(value, str | list | tuple) else None


def check_binop(operator: str, left, right) -> None:
    """Refuse an operation before it runs when its result would be too large."""
    if operator == "%" and isinstance(left, str):
        raise Refused(_("'%' formatting is not available; write the fields with {{ … }}."))
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            size = _size(seq)
            if size is not None and isinstance(times, int):
                limit = MAX_OUTPUT if isinstance(seq, str) else MAX_ITEMS
                if size * times > limit:
                    raise too_large()
    if operator == "+":
        left_size, right_size = _size(left), _size(right)
        limit = MAX_OUTPUT if isinstance(left, str) else MAX_ITEMS
        if left_size is not None and right_size is not None and left_size + right_size > limit:
            raise too_large()
    if (
        operator == "**"
        and isinstance(left, int | float)
        and isinstance(right, int | float)
        and (abs(right) > 64 or abs(left) > 10**6)
    ):
        raise too_large()
