"""The organizer's capture-sheet page: interest chips and questions for every exhibitor.

Strangers get 404 (the event is not theirs to know), exhibitors 403, and the organizer's
recruiters a 403 that says owners and admins make these changes.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..account.forms import ConfirmForm
from ..errors import error_response
from ..event import service as events
from ..event.service import EventAccess
from ..exceptions import Rejected
from ..extensions import db
from ..formhelpers import form_status, show_rejection
from ..scoping import current_org_id
from . import questions
from .question_forms import QuestionForm, TagsForm

bp = Blueprint("questions", __name__, url_prefix="/events/<event_id>/questions")


def _sheet(event_id: str) -> EventAccess:
    ev = events.organizer_access(current_org_id(), event_id)
    if not current_user.role.can_manage_events:
        message = _("Only owners and admins can change the capture sheet.")
        abort(make_response(error_response(403, message)))
    return ev


def _index_url(ev: EventAccess) -> str:
    return url_for("questions.index", event_id=ev.event.public_id)


def _page(ev: EventAccess, tags_form: TagsForm | None = None, form: QuestionForm | None = None):
    if tags_form is None:
        tags_form = TagsForm(formdata=None, tags="\n".join(ev.event.interest_tags or []))
    return render_template(
        "capture/questions.html",
        ev=ev,
        tags_form=tags_form,
        form=form or QuestionForm(formdata=None),
        questions=questions.questions(ev),
        confirm_form=ConfirmForm(),
    )


@bp.route("")
@login_required
def index(event_id: str):
    return _page(_sheet(event_id))


@bp.route("/tags", methods=["POST"])
@login_required
def save_tags(event_id: str):
    ev = _sheet(event_id)
    tags_form = TagsForm()
    if tags_form.validate_on_submit():
        try:
            questions.set_tags(current_user, ev, tags_form.chips())
        except Rejected as error:
            db.session.rollback()
            show_rejection(tags_form, error)
        else:
            db.session.commit()
            flash(_("Interest chips saved."), "success")
            return redirect(_index_url(ev))
    return _page(ev, tags_form=tags_form), 422


@bp.route("/new", methods=["POST"])
@login_required
def create(event_id: str):
    ev = _sheet(event_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            questions.add_question(current_user, ev, *form.values())
        except Rejected as error:
            db.session.rollback()
            show_rejection(form, error)
        else:
            db.session.commit()
            flash(_("Question added."), "success")
            return redirect(_index_url(ev))
    return _page(ev, form=form), 422


@bp.route("/<question_id>", methods=["GET", "POST"])
@login_required
def edit(event_id: str, question_id: str):
    ev = _sheet(event_id)
    question = questions.question_or_404(ev, question_id)
    form = QuestionForm(
        data={
            "prompt": question.prompt,
            "kind": question.kind.value,
            "options": "\n".join(question.options or []),
        }
    )
    if form.validate_on_submit():
        try:
            questions.update_question(current_user, ev, question, *form.values())
        except Rejected as error:
            db.session.rollback()
            show_rejection(form, error)
        else:
            db.session.commit()
            flash(_("Question saved."), "success")
            return redirect(_index_url(ev))
    return render_template(
        "capture/questions_edit.html", ev=ev, question=question, form=form
    ), form_status(form)


@bp.route("/<question_id>/delete", methods=["POST"])
@login_required
def delete(event_id: str, question_id: str):
    ev = _sheet(event_id)
    question = questions.question_or_404(ev, question_id)
    if ConfirmForm().validate_on_submit():
        questions.delete_question(current_user, ev, question)
        db.session.commit()
        flash(_("Question deleted. Answers already captured are kept."), "success")
    return redirect(_index_url(ev))


@bp.route("/<question_id>/move", methods=["POST"])
@login_required
def move(event_id: str, question_id: str):
    ev = _sheet(event_id)
    question = questions.question_or_404(ev, question_id)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if ConfirmForm().validate_on_submit() and step:
        questions.move_question(current_user, ev, question, step)
        db.session.commit()
    return redirect(_index_url(ev))
