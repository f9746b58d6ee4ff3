"""Rendering message templates, checking them before they are saved, and what they see.

The rules that keep a template from leaking, hanging or bloating the server are in
``netcompanion.outreach.sandbox`` and ``limits``. This module gives each message (subject and
body together) one budget of work and time, wherever it is rendered: the editor's check and
preview, and composing a message to a contact. It adds, when compiling, the refusal of tags a
message does not need (macros, blocks, includes, imports, recursive loops, ``{% set %}`` and
``{% filter %}`` blocks: the ways to recurse or to buffer output without bound) and of unknown
fields, even in branches a contact does not take.

Problems raise :class:`TemplateProblem` with a message for people and the template line.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jinja2 import Template, TemplateError, UndefinedError, nodes
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..attendee.models import Availability
from ..capture.models import Capture, Contact, Rating
from ..extensions import db
from ..names import split_name
from .limits import MAX_OUTPUT, Budget, Refused, budget, too_long
from .sandbox import ENVIRONMENT, Fields, LocalDate, harden, missing, too_deep

#: Tags a message template cannot use, and why in the user's words.
_REFUSED_TAGS: dict[type[nodes.Node], str] = {
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
    nodes.Import: "import",
    nodes.FromImport: "from",
    nodes.Include: "include",
    nodes.Extends: "extends",
    nodes.Block: "block",
    nodes.FilterBlock: "filter",
    nodes.AssignBlock: "set … endset",
}


class TemplateProblem(Exception):
    """A template that cannot be rendered: ``message`` says why, ``line`` where."""

    def __init__(self, message: str, line: int | None = None, part: str | None = None):
        super().__init__(message)
        self.problem = message
        self.line = line
        #: "subject" or "body": which part of the template is at fault.
        self.part = part

    @property
    def message(self) -> str:
        if self.line is None:
            return self.problem
        return _("Line %(line)d: %(problem)s", line=self.line, problem=self.problem)

    def __str__(self) -> str:
        return self.message


# Compiling ----------------------------------------------------------------------------------


def _harden(tree: nodes.Template) -> None:
    """Refuse the tags a message does not need; route what the rest builds through limits."""
    for node in tree.find_all(nodes.Node):
        for kind, tag in _REFUSED_TAGS.items():
            if isinstance(node, kind):
                raise TemplateProblem(
                    _("'{%% %(tag)s %%}' is not available in message templates.", tag=tag),
                    node.lineno,
                )
        if isinstance(node, nodes.For) and node.recursive:
            raise TemplateProblem(
                _("recursive loops are not available in message templates."), node.lineno
            )
    harden(tree)


def _nests_too_deeply() -> str:
    return _("the template nests too deeply (brackets or tags inside one another).")


@functools.lru_cache(maxsize=256)
def _compile(source: str, part: str) -> Template:
    """Compile once per source: a compiled template is immutable and safe to share."""
    try:
        tree = ENVIRONMENT.parse(source)
        deep = too_deep(tree)
        if deep is not None:
            raise TemplateProblem(_nests_too_deeply(), deep.lineno)
        problem = _static_problem(tree)
        if problem is not None:
            raise problem
        _harden(tree)
        code = ENVIRONMENT.compile(tree, filename=f"<{part}>")
    except TemplateSyntaxError as error:
        raise TemplateProblem(error.message or str(error), error.lineno, part) from None
    except TemplateProblem as problem:
        problem.part = part
        raise
    except (RecursionError, SyntaxError):
        # Hundreds of brackets inside one another stop Jinja's parser; some twenty loops, Python's
        # compiler. (TemplateSyntaxError is not a SyntaxError.)
        raise TemplateProblem(_nests_too_deeply(), None, part) from None
    except ValueError as error:  # e.g. a number of more than 4,300 digits
        message = _("this template cannot be read (%(reason)s).", reason=str(error)[:200])
        raise TemplateProblem(message, None, part) from None
    return Template.from_code(ENVIRONMENT, code, ENVIRONMENT.make_globals(None))


def _line_of(error: BaseException, part: str) -> int | None:
    line, tb = None, error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == f"<{part}>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _problem_text(error: Exception) -> str:
    if isinstance(error, UndefinedError | Refused | SecurityError):
        return str(error)
    if isinstance(error, ZeroDivisionError):
        return _("division by zero.")
    if isinstance(error, TemplateError):
        return error.message or _("this line cannot be rendered.")
    reason = str(error)[:200] or type(error).__name__
    return _("this line cannot be rendered (%(reason)s).", reason=reason)


def _paused_line(template: Template, chunks) -> int | None:
    """The template line where rendering is paused (the generator's innermost frame)."""
    frame = None
    while chunks is not None and getattr(chunks, "gi_frame", None) is not None:
        frame, chunks = chunks.gi_frame, chunks.gi_yieldfrom
    if frame is None or frame.f_code.co_filename != template.filename:
        return None
    return template.get_corresponding_lineno(frame.f_lineno)


@contextlib.contextmanager
def _message_budget() -> Iterator[Budget]:
    """One budget for a message: its subject and body share the steps, the work and the time."""
    token = budget.set(Budget())
    try:
        yield budget.get()
    finally:
        budget.reset(token)


def _render_part(source: str, context: dict, part: str) -> str:
    """One part of a message, spending the budget of the message under way."""
    spent = budget.get()
    template = _compile(source, part)
    out: list[str] = []
    size = 0
    chunks = template.generate(context)
    try:
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise TemplateProblem(str(too_long()), _paused_line(template, chunks), part)
            spent.check_time()
            out.append(chunk)
    except TemplateProblem:
        raise
    except Exception as error:  # noqa: BLE001 (user input: any failure is the template's)
        raise TemplateProblem(_problem_text(error), _line_of(error, part), part) from None
    return "".join(out)


def one_line(text: str) -> str:
    """A subject on one line: line breaks in a header would start a new header."""
    return " ".join(text.split())


def render(template_subject: str, template_body: str, context: dict) -> tuple[str, str]:
    """The subject and body of a message for this context; raises TemplateProblem."""
    with _message_budget():
        subject = one_line(_render_part(template_subject, context, "subject"))
        body = _render_part(template_body, context, "body")
    return subject, body


# What a template may name -------------------------------------------------------------------


@dataclass(frozen=True)
class FieldDoc:
    expression: str
    label: str


#: The fields beside the editor, in the order a letter uses them.
FIELD_DOCS = (
    FieldDoc("contact.first_name", _l("First name")),
    FieldDoc("contact.last_name", _l("Last name")),
    FieldDoc("contact.name", _l("Full name")),
    FieldDoc("contact.email", _l("Email")),
    FieldDoc("contact.company", _l("Their company")),
    FieldDoc("contact.title", _l("Job title")),
    FieldDoc("event.name", _l("Event of the last encounter")),
    FieldDoc("event.date", _l("Day you met, e.g. |date('d MMMM')")),
    FieldDoc("event.venue", _l("Venue")),
    FieldDoc("interests", _l("Interests noted at the event (a list)")),
    FieldDoc("notes", _l("Notes of the last encounter, oldest first (a list)")),
    FieldDoc("notes_text", _l("The same notes as one text")),
    FieldDoc("availability", _l("When they said they could move")),
    FieldDoc("rating", _l("Your rating")),
    FieldDoc("recruiter.name", _l("Your name")),
    FieldDoc("recruiter.first_name", _l("Your first name")),
    FieldDoc("recruiter.email", _l("Your email")),
    FieldDoc("recruiter.signature", _l("Your signature (Profile and reminders)")),
    FieldDoc("company", _l("Your company")),
    FieldDoc("list", _l("The list (when opened from a list entry)")),
    FieldDoc("stage", _l("Their stage in the list (likewise)")),
)


def _known_fields() -> dict[str, frozenset[str] | None]:
    """Field groups and their fields; top-level names that are plain values map to None."""
    known: dict[str, frozenset[str] | None] = {}
    for doc in FIELD_DOCS:
        group, _dot, field = doc.expression.partition(".")
        known[group] = (known.get(group) or frozenset()) | {field} if field else None
    return known


KNOWN = _known_fields()


def _static_problem(tree: nodes.Template) -> TemplateProblem | None:
    """The first unknown field the template names, even in a branch the sample skips."""
    assigned = {node.name for node in tree.find_all(nodes.Name) if node.ctx in ("store", "param")}
    known_names = set(KNOWN) | assigned | {"loop", "range"}
    problems: list[tuple[int, str]] = []
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name not in known_names:
            problems.append((node.lineno, node.name))
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            attr = node.attr
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            attr = node.arg.value
        else:
            continue
        if attr.startswith("_"):
            return TemplateProblem(
                _("'%(name)s' is not available in message templates.", name=attr), node.lineno
            )
        parent = node.node
        if isinstance(parent, nodes.Name) and parent.name not in assigned:
            fields = KNOWN.get(parent.name)
            if fields is not None and attr not in fields:
                problems.append((node.lineno, f"{parent.name}.{attr}"))
    if not problems:
        return None
    line, name = min(problems)
    return TemplateProblem(_("unknown field '%(name)s'", name=name), line)


def preview(
    subject: str, body: str, sample: dict
) -> tuple[tuple[str, str] | None, dict[str, TemplateProblem]]:
    """The message for the sample contact, or the problems of its parts, from one rendering.

    Problems are syntax, unknown fields (found in every branch, not only those the sample
    contact takes) and rendering. A part that spends the message's budget is the only one
    reported: the other would be refused for the same reason.
    """
    texts: dict[str, str] = {}
    problems: dict[str, TemplateProblem] = {}
    with _message_budget() as spent:
        for part, source in (("subject", subject), ("body", body)):
            try:
                texts[part] = _render_part(source, sample, part)
            except TemplateProblem as problem:
                problems[part] = problem
                if spent.exhausted:
                    break
    if problems:
        return None, problems
    return (one_line(texts["subject"]), texts["body"]), {}


def check(subject: str, body: str, sample: dict) -> dict[str, TemplateProblem]:
    """Problems of a template about to be saved, by part; empty when it renders."""
    return preview(subject, body, sample)[1]


# Contexts -----------------------------------------------------------------------------------


def _greeting_names(name: str) -> tuple[str, str]:
    """(first, last) for a greeting: a one-word name is what "Hi {{ first_name }}" says."""
    given, family = split_name(name)
    return (given, family) if given else (family, "")


def _value(group: str, field: str, value: str, why: str):
    return value if value else missing(f"{group}.{field}" if group else field, why)


def _recruiter_fields(recruiter) -> Fields:
    return Fields(
        "recruiter",
        {
            "name": recruiter.name,
            "first_name": recruiter.first_name,
            "email": recruiter.email,
            # Empty rather than missing: a member without a signature can still write.
            "signature": recruiter.signature or "",
        },
    )


def latest_capture(contact: Contact) -> Capture | None:
    """The contact's last encounter, with its event, interests and notes (three queries)."""
    return db.session.scalars(
        select(Capture)
        .where(Capture.contact_id == contact.id)
        .order_by(Capture.captured_at.desc(), Capture.id.desc())
        .options(joinedload(Capture.event), selectinload(Capture.tags), selectinload(Capture.notes))
        .limit(1)
    ).first()


def context_for(contact: Contact, recruiter, entry=None, capture: Capture | None = None) -> dict:
    """What a template sees for this contact, written by this recruiter.

    ``entry`` (a list entry with its list and stage loaded) adds ``list`` and ``stage``.
    ``capture`` is the last encounter when the caller has it already.
    """
    if capture is None:
        capture = latest_capture(contact)
    empty = _("it is empty for this contact.")
    first, last = _greeting_names(contact.name)
    person = Fields(
        "contact",
        {
            "name": _value("contact", "name", contact.name, empty),
            "first_name": _value("contact", "first_name", first, empty),
            "last_name": _value("contact", "last_name", last, empty),
            "email": _value("contact", "email", contact.email, empty),
            "company": _value("contact", "company", contact.company, empty),
            "title": _value("contact", "title", contact.title, empty),
        },
    )
    if capture is not None:
        met = capture.captured_at.astimezone(ZoneInfo(capture.event.timezone)).date()
        event = Fields(
            "event",
            {
                "name": capture.event.name,
                "date": LocalDate(met.year, met.month, met.day),
                "venue": _value("event", "venue", capture.event.venue, empty),
            },
        )
        interests = capture.tag_names
        notes = [note.body for note in capture.notes]
    else:
        never = _("no encounter is on record for this contact.")
        event = Fields(
            "event", {k: missing(f"event.{k}", never) for k in ("name", "date", "venue")}
        )
        interests, notes = [], []
    no_entry = _("it has a value when the message is opened from a list entry.")
    return {
        "contact": person,
        "event": event,
        "interests": interests,
        "notes": notes,
        "notes_text": _value("", "notes_text", "\n".join(notes), empty),
        "availability": (
            capture.availability.label
            if capture is not None and capture.availability
            else missing("availability", empty)
        ),
        "rating": (
            capture.rating.label
            if capture is not None and capture.rating
            else missing("rating", empty)
        ),
        "recruiter": _recruiter_fields(recruiter),
        "company": recruiter.organization.name,
        "list": entry.list.name if entry is not None else missing("list", no_entry),
        "stage": entry.stage.name if entry is not None else missing("stage", no_entry),
    }


def sample_context(recruiter) -> dict:
    """A contact with every field filled, for checking templates and showing examples."""
    met = date.today() - timedelta(days=2)
    notes = [
        _("Wants to move from backend work into platform engineering."),
        _("Prefers hybrid work; open to relocating to Berlin."),
    ]
    return {
        "contact": Fields(
            "contact",
            {
                "name": "Ana Souza",
                "first_name": "Ana",
                "last_name": "Souza",
                "email": "ana.souza@example.com",
                "company": "Initech",
                "title": _("Backend engineer"),
            },
        ),
        "event": Fields(
            "event",
            {
                "name": "Berlin Tech Careers Fair",
                "date": LocalDate(met.year, met.month, met.day),
                "venue": "Messe Berlin",
            },
        ),
        "interests": ["Kubernetes", "Python"],
        "notes": notes,
        "notes_text": "\n".join(notes),
        "availability": Availability.IN_3_MONTHS.label,
        "rating": Rating.WARM.label,
        "recruiter": _recruiter_fields(recruiter),
        "company": recruiter.organization.name,
        "list": _("Backend engineers — nurture"),
        "stage": _("Contacted"),
    }


def examples(sample: dict) -> list[tuple[FieldDoc, str]]:
    """Each documented field with what it gives for the sample contact."""
    out = []
    for doc in FIELD_DOCS:
        try:
            _, value = render("", "{{ " + doc.expression + " }}", sample)
        except TemplateProblem:
            value = ""
        out.append((doc, value))
    return out
