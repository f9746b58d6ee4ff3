"""Changing a capture through the API: corrections (``PATCH``) and more notes.

Reading and creating captures is the scanner's API (``capture.api``), which integrations share.
A ``PATCH`` changes only the fields it names, with the capture page's rules, and goes through
``capture.editing`` like the page, so everything that follows an edit (webhooks) follows it.
"""

from __future__ import annotations

from flask import abort, jsonify
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..capture import editing, items, queries
from ..capture.forms import CaptureForm, NoteForm
from ..capture.items import ItemError
from ..capture.models import Capture, EventQuestion
from ..extensions import db
from ..scoping import current_org_id
from . import inputs, serialize
from .views import bp, form_errors

DETAILS = tuple(items.CONTACT_FIELDS)
EDITABLE = (*DETAILS, "rating", "availability", "tags", "answers")


def _capture_or_404(capture_id: str) -> Capture:
    capture = queries.capture_or_none(current_org_id(), capture_id)
    if capture is None:
        abort(404)
    return capture


def _tags(raw, fields: dict) -> list[str] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(tag, str) for tag in raw):
        fields["tags"] = _("Tags must be a list of texts.")
        return None
    tags = items.clean_tags(raw)
    if len(tags) > items.MAX_TAGS:
        fields["tags"] = _("At most %(limit)d tags.", limit=items.MAX_TAGS)
    elif any(len(tag) > items.MAX_TAG for tag in tags):
        fields["tags"] = _("A tag has at most %(limit)d characters.", limit=items.MAX_TAG)
    return tags


def _answers(capture: Capture, raw, fields: dict) -> dict | None:
    """The capture's answers with the given ones replaced; ``null`` or ``""`` clears one."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        fields["answers"] = _("Answers must be an object keyed by question.")
        return None
    questions = list(
        db.session.scalars(select(EventQuestion).where(EventQuestion.event_id == capture.event_id))
    )
    try:
        clean = items.check_answers(raw, questions)
    except ItemError as error:
        fields.update(error.fields)
        return None
    answers = {k: v for k, v in (capture.answers or {}).items() if k not in raw}
    answers.update(clean)
    return answers


@bp.patch("/captures/<capture_id>")
def update_capture(capture_id: str):
    """Correct a capture's details or assessment; fields left out stay as they are."""
    capture = _capture_or_404(capture_id)
    data = inputs.body()
    fields: dict = {}
    inputs.only(data, EDITABLE, fields)
    for key in DETAILS:
        inputs.text(data, key, fields, items.CONTACT_FIELDS[key], one_line=True)
    for key in ("rating", "availability"):
        if data.get(key) is not None and not isinstance(data[key], str):
            fields[key] = _("Must be text.")
    tags = _tags(data.get("tags"), fields)
    answers = _answers(capture, data.get("answers"), fields)
    inputs.check(fields)
    current = {key: getattr(capture, key) for key in DETAILS}
    current["rating"] = capture.rating.value if capture.rating else ""
    current["availability"] = capture.availability.value if capture.availability else ""
    wanted = {**current, **{k: data[k] for k in (*DETAILS, "rating", "availability") if k in data}}
    form = CaptureForm(formdata=inputs.form_data(wanted), meta={"csrf": False})
    if not form.validate():
        inputs.check(form_errors(form))
    details = {key: getattr(form, key).data or "" for key in DETAILS}
    details["email"] = details["email"].lower()
    editing.update(
        capture,
        details,
        form.rating.data,
        form.availability.data,
        capture.tag_names if tags is None else tags,
        (capture.answers or {}) if answers is None else answers,
    )
    db.session.commit()
    return jsonify(capture=serialize.capture(_capture_or_404(capture_id)))


@bp.post("/captures/<capture_id>/notes")
def add_note(capture_id: str):
    """Add a note; notes are never edited, so a correction is another note."""
    capture = _capture_or_404(capture_id)
    data = inputs.body()
    fields: dict = {}
    inputs.only(data, ("body",), fields)
    inputs.text(data, "body", fields, items.MAX_NOTE, required=True)
    inputs.check(fields)
    form = NoteForm(formdata=inputs.form_data({"body": data["body"]}), meta={"csrf": False})
    if not form.validate():
        inputs.check(form_errors(form))
    note = editing.add_note(capture, current_user, form.body.data)
    db.session.commit()
    return jsonify(note=serialize.note(note)), 201
