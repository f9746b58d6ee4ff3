"""The merge pages: picking the other contact, confirming side by side, undo, and review.

Routes of the ``contact`` blueprint; the rules are in ``merging``.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from ..account.forms import ConfirmForm
from ..capture.models import Contact
from ..dbtypes import utcnow
from ..exceptions import Rejected
from ..extensions import db
from ..redirects import safe_next
from ..scoping import current_org_id, get_or_404, scoped
from . import merging, page, queries
from .forms import KeepForm, MergeForm
from .models import ContactMerge, MatchSuggestion
from .views import PAGE_SIZE, bp, live_or_redirect, time_helpers

#: Contacts offered when picking the other half of a merge.
PICK_LIMIT = 20


# Merging -------------------------------------------------------------------------------------


@bp.get("/contacts/<contact_id>/merge")
@login_required
def merge_pick(contact_id: str):
    """Find the other contact: the one this person is a duplicate of, or the reverse."""
    contact, elsewhere = live_or_redirect(contact_id)
    if elsewhere is not None:
        return elsewhere
    org_id = current_org_id()
    search = request.args.get("q", "").strip()[:100]
    found = []
    if search:
        query = queries.contacts(org_id, queries.Filters(search=search)).where(
            Contact.id != contact.id
        )
        found = list(db.session.scalars(query.limit(PICK_LIMIT)))
    suggested = [
        s.other if s.contact_id == contact.id else s.contact
        for s in db.session.scalars(queries.with_pair(queries.open_suggestions(org_id, contact.id)))
    ]
    return render_template(
        "contact/merge_pick.html",
        contact=contact,
        search=search,
        found=found,
        suggested=suggested,
        limit=PICK_LIMIT,
    )


def _older(a: Contact, b: Contact) -> Contact:
    """The one people have known longest: the default to keep."""
    return min((a, b), key=lambda c: (c.created_at, c.id))


def _pair(contact: Contact, other_id: str) -> Contact:
    other = db.session.scalars(scoped(Contact).where(Contact.public_id == other_id)).first()
    if other is None:
        abort(404)
    return other


@bp.get("/contacts/<contact_id>/merge/confirm")
@login_required
def merge_confirm(contact_id: str):
    contact, elsewhere = live_or_redirect(contact_id)
    if elsewhere is not None:
        return elsewhere
    other = _pair(contact, request.args.get("other", ""))
    try:
        merging.check(current_user, contact, other)
    except Rejected as error:
        flash(error.message, "error")
        return redirect(url_for("contact.merge_pick", contact_id=contact.public_id))
    form = MergeForm(formdata=None, other=other.public_id, keep=_older(contact, other).public_id)
    form.keep.choices = [(c.public_id, merging.display_name(c)) for c in (contact, other)]
    return render_template(
        "contact/merge_confirm.html",
        contact=contact,
        other=other,
        form=form,
        sides=[page.merge_side(c) for c in (contact, other)],
        plans={
            contact.public_id: merging.plan(contact, other),
            other.public_id: merging.plan(other, contact),
        },
        **time_helpers(),
    )


def _merged_message(record: ContactMerge, *, review_left: int = 0) -> Markup:
    """The flash after a merge, with its Undo button (the form lives on the survivor's page).

    Rendered by an autoescaping template, so names in it are escaped: safe as markup.
    """
    html = render_template("contact/_merged_flash.html", record=record, review_left=review_left)
    return Markup(html.strip())  # noqa: S704 -- escaped by the template


def _do_merge(survivor: Contact, merged: Contact, back: str):
    try:
        record = merging.merge(current_user, survivor, merged)
    except Rejected as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()
    flash(
        _merged_message(record, review_left=queries.count_open_suggestions(current_org_id())),
        "success",
    )
    return redirect(url_for("contact.show", contact_id=survivor.public_id))


@bp.post("/contacts/<contact_id>/merge")
@login_required
def merge(contact_id: str):
    contact = get_or_404(Contact, contact_id)
    form = MergeForm()
    other = _pair(contact, form.other.data or "")
    form.keep.choices = [(c.public_id, c.public_id) for c in (contact, other)]
    back = url_for("contact.show", contact_id=contact.public_id)
    if not form.validate_on_submit():
        flash(_("Choose which of the two contacts stays."), "error")
        return redirect(back)
    survivor, merged = (contact, other) if form.keep.data == contact.public_id else (other, contact)
    return _do_merge(survivor, merged, back)


@bp.post("/merges/<merge_id>/undo")
@login_required
def undo_merge(merge_id: str):
    record = get_or_404(ContactMerge, merge_id)
    back = safe_next(url_for("contact.show", contact_id=record.survivor.public_id))
    try:
        merging.undo(current_user, record)
    except Rejected as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()
    flash(
        _(
            "Merge undone: %(name)s and %(survivor)s are separate contacts again.",
            name=merging.display_name(record.merged),
            survivor=merging.display_name(record.survivor),
        ),
        "success",
    )
    return redirect(back)


# Reviewing possible duplicates ---------------------------------------------------------------


@bp.get("/contacts/review")
@login_required
def review():
    org_id = current_org_id()
    suggestions = list(
        db.session.scalars(queries.with_pair(queries.open_suggestions(org_id)).limit(PAGE_SIZE))
    )
    sides = page.merge_sides([c for s in suggestions for c in (s.contact, s.other)])
    forms = {}
    for suggestion in suggestions:
        form = KeepForm(formdata=None, keep=_older(suggestion.contact, suggestion.other).public_id)
        form.keep.choices = [
            (c.public_id, merging.display_name(c)) for c in (suggestion.other, suggestion.contact)
        ]
        forms[suggestion.id] = form
    return render_template(
        "contact/review.html",
        suggestions=suggestions,
        sides=sides,
        forms=forms,
        total=queries.count_open_suggestions(org_id),
        **time_helpers(),
    )


def _open_suggestion(suggestion_id: str) -> MatchSuggestion | None:
    suggestion = get_or_404(MatchSuggestion, suggestion_id)
    live = suggestion.contact.merged_into_id is None and suggestion.other.merged_into_id is None
    if suggestion.resolution is not None or not live:
        flash(_("Someone already decided about these two contacts."), "info")
        return None
    return suggestion


@bp.post("/contacts/review/<suggestion_id>/merge")
@login_required
def review_merge(suggestion_id: str):
    suggestion = _open_suggestion(suggestion_id)
    back = url_for("contact.review")
    if suggestion is None:
        return redirect(back)
    pair = (suggestion.contact, suggestion.other)
    form = KeepForm()
    form.keep.choices = [(c.public_id, c.public_id) for c in pair]
    if not form.validate_on_submit():
        flash(_("Choose which of the two contacts stays."), "error")
        return redirect(back)
    survivor = next(c for c in pair if c.public_id == form.keep.data)
    merged = next(c for c in pair if c is not survivor)
    return _do_merge(survivor, merged, back)


@bp.post("/contacts/review/<suggestion_id>/dismiss")
@login_required
def review_dismiss(suggestion_id: str):
    suggestion = _open_suggestion(suggestion_id)
    if suggestion is not None:
        if not ConfirmForm().validate_on_submit():
            abort(400)
        suggestion.resolution = "dismissed"
        suggestion.resolved_at = utcnow()
        suggestion.resolved_by_id = current_user.id
        db.session.commit()
        flash(
            _(
                "Noted: %(one)s and %(other)s are different people.",
                one=merging.display_name(suggestion.contact),
                other=merging.display_name(suggestion.other),
            ),
            "success",
        )
    return redirect(url_for("contact.review"))
