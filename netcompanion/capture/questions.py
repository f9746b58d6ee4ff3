"""The organizer's capture sheet: interest chips and short questions for every exhibitor.

Only the organizer's owners and admins change them. Exhibitors' recruiters see them on the
scanner. Captures keep answers by the question's public id, so deleting or rewording a
question never touches what was already captured.
"""

from __future__ import annotations

import re

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..account.models import User
from ..event.service import EventAccess
from ..exceptions import Rejected
from ..extensions import db
from .items import clean_tags
from .models import EventQuestion, QuestionKind

MAX_TAGS = 30
MAX_TAG = 40
MAX_PROMPT = 200
MIN_OPTIONS = 2
MAX_OPTIONS = 12
MAX_OPTION = 60
#: More would not fit a recruiter's screen between two conversations.
MAX_QUESTIONS = 20

CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


def require_sheet_editor(actor: User, ev: EventAccess) -> None:
    """Organizer only (403 for exhibitors), and among its members owners and admins."""
    if not ev.is_organizer:
        abort(403)
    if not actor.role.can_manage_events:
        raise Rejected(_l("Only owners and admins can change the capture sheet."))


# Interest chips -----------------------------------------------------------------------------


def split_tags(text: str) -> list[str]:
    """One chip per line or between commas, trimmed, without case-insensitive repeats."""
    return clean_tags(re.split(r"[,\n]", text or ""))


def tags_problem(tags: list[str]) -> str | None:
    if len(tags) > MAX_TAGS:
        return str(_l("At most %(limit)d interests.", limit=MAX_TAGS))
    too_long = [tag for tag in tags if len(tag) > MAX_TAG]
    if too_long:
        return str(
            _l(
                "An interest has at most %(limit)d characters: %(tag)s",
                limit=MAX_TAG,
                tag=too_long[0],
            )
        )
    return None


def set_tags(actor: User, ev: EventAccess, tags: list[str]) -> None:
    require_sheet_editor(actor, ev)
    tags = clean_tags(tags)
    problem = tags_problem(tags)
    if problem:
        raise Rejected(problem, "tags")
    ev.event.interest_tags = tags
    db.session.flush()


# Questions ----------------------------------------------------------------------------------


def split_options(text: str) -> list[str]:
    """One answer per line; blank lines ignored."""
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def options_problem(kind: QuestionKind, options: list[str]) -> str | None:
    if kind not in CHOICE_KINDS:
        return None
    if len(options) < MIN_OPTIONS:
        return str(_l("Give at least %(count)d answers to choose from.", count=MIN_OPTIONS))
    if len(options) > MAX_OPTIONS:
        return str(_l("At most %(count)d answers.", count=MAX_OPTIONS))
    too_long = [option for option in options if len(option) > MAX_OPTION]
    if too_long:
        return str(
            _l(
                "An answer has at most %(limit)d characters: %(option)s",
                limit=MAX_OPTION,
                option=too_long[0],
            )
        )
    seen = set()
    for option in options:
        if option.casefold() in seen:
            return str(_l("Each answer only once: %(option)s", option=option))
        seen.add(option.casefold())
    return None


def _check(kind: QuestionKind, prompt: str, options: list[str]) -> tuple[str, list[str]]:
    prompt = " ".join((prompt or "").split())
    if not prompt:
        raise Rejected(_l("Enter the question."), "prompt")
    if len(prompt) > MAX_PROMPT:
        raise Rejected(_l("At most %(limit)d characters.", limit=MAX_PROMPT), "prompt")
    options = [" ".join(option.split()) for option in options if option.strip()]
    problem = options_problem(kind, options)
    if problem:
        raise Rejected(problem, "options")
    return prompt, options if kind in CHOICE_KINDS else []


def questions(ev: EventAccess) -> list[EventQuestion]:
    """The event's questions in the order recruiters see them."""
    return list(
        db.session.scalars(
            select(EventQuestion)
            .where(EventQuestion.event_id == ev.event.id)
            .order_by(EventQuestion.position, EventQuestion.id)
        )
    )


def question_or_404(ev: EventAccess, public_id: str) -> EventQuestion:
    question = db.session.scalars(
        select(EventQuestion).where(
            EventQuestion.event_id == ev.event.id, EventQuestion.public_id == public_id
        )
    ).first()
    if question is None:
        abort(404)
    return question


def add_question(
    actor: User, ev: EventAccess, kind: QuestionKind, prompt: str, options: list[str]
) -> EventQuestion:
    require_sheet_editor(actor, ev)
    prompt, options = _check(kind, prompt, options)
    count, last = db.session.execute(
        select(func.count(), func.max(EventQuestion.position)).where(
            EventQuestion.event_id == ev.event.id
        )
    ).one()
    if count >= MAX_QUESTIONS:
        raise Rejected(_l("At most %(count)d questions per event.", count=MAX_QUESTIONS))
    question = EventQuestion(
        organization_id=ev.event.organization_id,
        event_id=ev.event.id,
        position=0 if last is None else last + 1,
        kind=kind,
        prompt=prompt,
        options=options,
    )
    db.session.add(question)
    db.session.flush()
    return question


def update_question(
    actor: User,
    ev: EventAccess,
    question: EventQuestion,
    kind: QuestionKind,
    prompt: str,
    options: list[str],
) -> None:
    require_sheet_editor(actor, ev)
    question.prompt, question.options = _check(kind, prompt, options)
    question.kind = kind
    db.session.flush()


def delete_question(actor: User, ev: EventAccess, question: EventQuestion) -> None:
    """Remove the question from the sheet; answers already captured stay with the captures."""
    require_sheet_editor(actor, ev)
    db.session.delete(question)
    db.session.flush()


def move_question(actor: User, ev: EventAccess, question: EventQuestion, step: int) -> None:
    """Move one place up (-1) or down (+1); at either end nothing moves."""
    require_sheet_editor(actor, ev)
    order = questions(ev)
    at = next(i for i, q in enumerate(order) if q.id == question.id)
    to = at + step
    if 0 <= to < len(order):
        order[at], order[to] = order[to], order[at]
    for position, q in enumerate(order):
        q.position = position
    db.session.flush()
