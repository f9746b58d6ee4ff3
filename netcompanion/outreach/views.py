"""Message templates, and a message to one contact: previewed, edited, then sent or handed over."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from ..account.forms import ConfirmForm
from ..capture.models import Contact
from ..contact.consent import blocked_reason
from ..extensions import db
from ..followup.models import FollowupList, ListEntry
from ..formhelpers import form_status
from ..mail import mail_configured
from ..redirects import safe_next
from ..scoping import current_org_id, get_or_404, scoped
from ..security import CONTENT_SECURITY_POLICY
from . import rendering, sending
from .forms import MessageForm, TemplateForm
from .models import MessageTemplate
from .rendering import TemplateProblem

bp = Blueprint("outreach", __name__)

#: The compose page's forms may hand the browser to a mail app: its "Open in my mail app"
#: answer is a redirect to ``mailto:``, which ``form-action 'self'`` alone would block.
COMPOSE_POLICY = CONTENT_SECURITY_POLICY.replace("form-action 'self'", "form-action 'self' mailto:")

#: Offered to a company with no templates yet: (name, subject, body), in English by default.
STARTERS = (
    (
        _l("Thank you after the event"),
        _l('Great to meet you at {{ event.name|default("our booth") }}'),
        _l(
            'Hi {{ contact.first_name|default("there") }},\n\n'
            'Thank you for stopping by at {{ event.name|default("our booth") }}'
            "{% if event.date %} on {{ event.date }}{% endif %}. I enjoyed our conversation"
            '{% if interests %} about {{ interests|join(", ") }}{% endif %}.\n\n'
            "I would be glad to stay in touch and to let you know about roles at {{ company }} "
            "that match what you are looking for. Just reply to this email whenever it suits "
            "you.\n\n"
            "Best regards,\n"
            "{{ recruiter.signature|default(recruiter.name, true) }}\n"
        ),
    ),
    (
        _l("Check-in when they said they'd be available"),
        _l("Checking in from {{ company }}"),
        _l(
            'Hi {{ contact.first_name|default("there") }},\n\n'
            "When we met{% if event.name %} at {{ event.name }}{% endif %}, you said you might "
            "be open to a new role around this time. Is that still the case?\n\n"
            '{% if interests %}You told me about your interest in {{ interests|join(", ") }}; '
            "we have openings that fit. {% endif %}If you are up for it, I would love to set up "
            "a short call to hear what you are looking for now.\n\n"
            "Best regards,\n"
            "{{ recruiter.signature|default(recruiter.name, true) }}\n"
        ),
    ),
)


def _templates() -> list[MessageTemplate]:
    query = scoped(MessageTemplate).order_by(MessageTemplate.name, MessageTemplate.id)
    return list(db.session.scalars(query))


# Templates ----------------------------------------------------------------------------------


@bp.get("/templates")
@login_required
def templates():
    return render_template(
        "outreach/templates.html", templates=_templates(), confirm_form=ConfirmForm()
    )


def _editor(form: TemplateForm, template: MessageTemplate | None, preview=None, status=200):
    sample = rendering.sample_context(current_user)
    return (
        render_template(
            "outreach/template_form.html",
            form=form,
            template=template,
            preview=preview,
            fields=rendering.examples(sample),
        ),
        status,
    )


def _save_or_preview(form: TemplateForm, template: MessageTemplate | None):
    """Check the template against a sample contact; save it unless only a preview was asked."""
    if not form.validate_on_submit():
        return _editor(form, template, status=form_status(form))
    sample = rendering.sample_context(current_user)
    preview, problems = rendering.preview(form.subject.data, form.body.data, sample)
    if problems:
        form.show_problems(problems)
        return _editor(form, template, status=422)
    if request.form.get("action") == "preview":
        return _editor(form, template, preview=preview)
    if template is None:
        template = MessageTemplate(organization_id=current_org_id(), created_by_id=current_user.id)
        db.session.add(template)
    template.name = form.name.data
    template.subject = form.subject.data
    template.body = form.body.data
    db.session.commit()
    flash(_("The template “%(name)s” is saved.", name=template.name), "success")
    return redirect(url_for("outreach.templates"))


@bp.route("/templates/new", methods=["GET", "POST"])
@login_required
def new_template():
    return _save_or_preview(TemplateForm(), None)


@bp.route("/templates/<template_id>/edit", methods=["GET", "POST"])
@login_required
def edit_template(template_id: str):
    template = get_or_404(MessageTemplate, template_id)
    form = TemplateForm(obj=template)
    if request.method == "GET":
        return _editor(form, template)
    return _save_or_preview(form, template)


@bp.post("/templates/<template_id>/delete")
@login_required
def delete_template(template_id: str):
    template = get_or_404(MessageTemplate, template_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = template.name
    db.session.delete(template)  # cadence steps that used it keep going without one
    db.session.commit()
    flash(_("The template “%(name)s” is deleted.", name=name), "success")
    return redirect(url_for("outreach.templates"))


def _starter_texts(sample: dict) -> list[tuple[str, str, str]]:
    """The starters in the reader's language; in English where a translation would not work."""
    out = []
    for starter in STARTERS:
        texts = tuple(str(text) for text in starter)
        if rendering.check(texts[1], texts[2], sample):
            with force_locale("en"):
                texts = tuple(str(text) for text in starter)
        out.append(texts)
    return out


@bp.post("/templates/starters")
@login_required
def add_starters():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if _templates():
        flash(_("Starter templates are for a company with no templates yet."), "info")
        return redirect(url_for("outreach.templates"))
    for name, subject, body in _starter_texts(rendering.sample_context(current_user)):
        db.session.add(
            MessageTemplate(
                organization_id=current_org_id(),
                created_by_id=current_user.id,
                name=name,
                subject=subject,
                body=body,
            )
        )
    db.session.commit()
    flash(_("Two starter templates are ready; adapt them to your voice."), "success")
    return redirect(url_for("outreach.templates"))


# Composing a message ------------------------------------------------------------------------


def _contact_or_404(contact_id: str) -> Contact:
    contact = get_or_404(Contact, contact_id)
    if contact.merged_into_id is not None:
        abort(404)  # merged contacts are hidden until the merge is undone
    return contact


def _entry_or_404(contact: Contact, entry_id: str | None) -> ListEntry | None:
    if not entry_id:
        return None
    entry = db.session.scalars(
        scoped(ListEntry)
        .where(ListEntry.public_id == entry_id, ListEntry.contact_id == contact.id)
        .options(
            joinedload(ListEntry.list).selectinload(FollowupList.steps),
            joinedload(ListEntry.stage),
        )
    ).first()
    if entry is None:
        abort(404)
    return entry


def _chosen_template(
    templates: list[MessageTemplate], entry: ListEntry | None, template_id: str | None
) -> MessageTemplate | None:
    """The template asked for; else the one the entry's next cadence step names; else the first."""
    if template_id:
        for template in templates:
            if template.public_id == template_id:
                return template
        abort(404)
    if entry is not None and entry.step < len(entry.list.steps):
        step_template_id = entry.list.steps[entry.step].template_id
        for template in templates:
            if template.id == step_template_id:
                return template
    return templates[0] if templates else None


def _compose_page(contact, entry, templates, template, form, blocked, problem=None, status=200):
    next_url = safe_next("") or None
    response = current_app.make_response(
        (
            render_template(
                "outreach/compose.html",
                contact=contact,
                entry=entry,
                templates=templates,
                template=template,
                form=form,
                blocked=blocked,
                problem=problem,
                can_send=mail_configured(),
                next_url=next_url,
                action=url_for(
                    "outreach.compose",
                    contact_id=contact.public_id,
                    template=template.public_id if template else None,
                    entry=entry.public_id if entry else None,
                    next=next_url,
                ),
            ),
            status,
        )
    )
    response.headers["Content-Security-Policy"] = COMPOSE_POLICY
    return response


@bp.route("/contacts/<contact_id>/message", methods=["GET", "POST"])
@login_required
def compose(contact_id: str):
    contact = _contact_or_404(contact_id)
    entry = _entry_or_404(contact, request.args.get("entry"))
    templates = _templates()
    template = _chosen_template(templates, entry, request.args.get("template"))
    blocked = blocked_reason(contact)

    if request.method == "GET":
        subject = body = ""
        problem = None
        if template is not None:
            context = rendering.context_for(contact, current_user, entry)
            try:
                subject, body = rendering.render(template.subject, template.body, context)
            except TemplateProblem as error:
                problem = error
        form = MessageForm(data={"subject": subject, "body": body})
        return _compose_page(contact, entry, templates, template, form, blocked, problem)

    form = MessageForm()
    if blocked:
        # The page offers no button then; a forged request is refused the same way.
        return _compose_page(contact, entry, templates, template, form, blocked, status=409)
    action = request.form.get("action")
    if action not in ("send", "mailto"):
        abort(400)
    if not form.validate_on_submit():
        return _compose_page(contact, entry, templates, template, form, blocked, status=422)
    subject = rendering.one_line(form.subject.data)
    body = form.body.data.replace("\r\n", "\n")  # browsers send a textarea with CRLF
    try:
        if action == "send":
            sending.send_by_smtp(current_user, contact, subject, body)
        else:
            url = sending.open_in_mail_app(current_user, contact, subject, body)
    except sending.NotSent as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
        return _compose_page(
            contact, entry, templates, template, form, blocked, status=refusal.status
        )
    db.session.commit()
    if action == "mailto":
        # Not through safe_next: this is the one redirect that leaves the site on purpose,
        # to the visitor's own mail app, with a URL built here from the contact's address.
        return redirect(url, code=303)
    flash(
        _("Sent to %(email)s. The touch is logged on the contact.", email=contact.email),
        "success",
    )
    return redirect(safe_next(url_for("contact.show", contact_id=contact.public_id)))
