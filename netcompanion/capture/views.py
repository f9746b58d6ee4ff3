"""The company's capture pages: the list per event, and one capture to review and edit."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..account.forms import ConfirmForm
from ..event import service as events
from ..extensions import db
from ..followup import queries as followup_queries
from ..formhelpers import form_status
from ..paging import page_number
from ..scoping import current_org_id
from . import editing, items, queries
from .forms import CaptureForm, NoteForm
from .items import ItemError
from .models import EventQuestion, Rating

bp = Blueprint("capture", __name__)

PAGE_SIZE = 50


def _questions(event_id: int) -> list[EventQuestion]:
    return list(
        db.session.scalars(
            select(EventQuestion)
            .where(EventQuestion.event_id == event_id)
            .order_by(EventQuestion.position, EventQuestion.id)
        )
    )


@bp.route("/events/<event_id>/captures")
@login_required
def index(event_id: str):
    org_id = current_org_id()
    ev = events.access(org_id, event_id)
    args = request.args
    team = queries.recruiters(org_id)
    filters, recruiter = queries.filters_from(args, ev.event.id, team)
    page = page_number(args)
    pagination = db.paginate(
        queries.with_everything(queries.captures(org_id, filters)),
        page=page,
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template(
        "capture/index.html",
        ev=ev,
        pagination=pagination,
        filters=filters,
        team=team,
        recruiter=recruiter,
        ratings=list(Rating),
        tags=queries.event_tags(org_id, ev.event.id),
        follow_up_lists=followup_queries.list_choices(org_id),
        add_form=ConfirmForm(),
    )


def _capture_or_404(capture_id: str):
    capture = queries.capture_or_none(current_org_id(), capture_id)
    if capture is None:
        abort(404)
    return capture


@bp.route("/captures/<capture_id>", methods=["GET", "POST"])
@login_required
def detail(capture_id: str):
    capture = _capture_or_404(capture_id)
    questions = _questions(capture.event_id)
    form = CaptureForm.for_capture(capture)
    answers = capture.answers or {}
    answer_errors: dict[str, str] = {}
    if form.validate_on_submit():
        raw = {}
        for q in questions:
            key = f"answer-{q.public_id}"
            raw[q.public_id] = (
                request.form.getlist(key)
                if q.kind.value == "multiple"
                else request.form.get(key, "")
            )
        try:
            answers = items.check_answers(raw, questions)
        except ItemError as error:
            answer_errors = {k.removeprefix("answers."): v for k, v in error.fields.items()}
            answers = raw
        else:
            details = {key: getattr(form, key).data or "" for key in items.CONTACT_FIELDS}
            details["email"] = details["email"].lower()
            editing.update(
                capture,
                details,
                form.rating.data,
                form.availability.data,
                form.interests(),
                answers,
            )
            db.session.commit()
            flash(_("The capture is saved."), "success")
            return redirect(url_for("capture.detail", capture_id=capture.public_id))
    return render_template(
        "capture/detail.html",
        capture=capture,
        form=form,
        note_form=NoteForm(),
        confirm_form=ConfirmForm(),
        questions=questions,
        answers=answers,
        answer_errors=answer_errors,
    ), form_status(form)


@bp.route("/captures/<capture_id>/notes", methods=["POST"])
@login_required
def add_note(capture_id: str):
    capture = _capture_or_404(capture_id)
    form = NoteForm()
    if not form.validate_on_submit():
        flash(
            _("Write the note first; it can be up to %(limit)d characters.", limit=items.MAX_NOTE),
            "error",
        )
        return redirect(url_for("capture.detail", capture_id=capture.public_id))
    editing.add_note(capture, current_user, form.body.data)
    db.session.commit()
    flash(_("Note added."), "success")
    return redirect(url_for("capture.detail", capture_id=capture.public_id) + "#notes")


@bp.route("/captures/<capture_id>/delete", methods=["POST"])
@login_required
def delete(capture_id: str):
    capture = _capture_or_404(capture_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    event_id = capture.event.public_id
    editing.delete(capture)
    db.session.commit()
    flash(_("The capture is deleted."), "success")
    return redirect(url_for("capture.index", event_id=event_id))
