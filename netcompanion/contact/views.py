"""The contact pages: the contacts list and one person's page, with touches, consent and lists.

Thin views: queries come from ``queries``, rules from ``merging`` and ``followup.service``.
Every lookup is scoped to the signed-in member's company: another company's id answers 404.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_datetime
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..account.permissions import managers_only
from ..attendee.models import Availability
from ..capture.models import Contact, Rating
from ..dbtypes import utcnow
from ..extensions import db
from ..followup import service as followups
from ..followup.models import FollowupList
from ..paging import IdPage, page_number
from ..redirects import safe_next
from ..scoping import current_org_id, get_or_404
from ..webhook import changes as webhooks
from . import consent, erasure, merging, page, queries
from .forms import (
    AddToListForm,
    ConsentForm,
    ContactForm,
    DoNotContactForm,
    EraseForm,
    LiftDoNotContactForm,
    TouchForm,
)
from .models import TouchKind

bp = Blueprint("contact", __name__)

PAGE_SIZE = 50
#: Following ``merged_into_id`` further than this means a broken chain, not a real history.
MAX_MERGE_HOPS = 50


# Time at the reader's or the event's place ---------------------------------------------------


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_date(instant: datetime | None, zone: str | None) -> str:
    if instant is None:
        return ""
    return format_date(instant.astimezone(_zone(zone)).date(), "medium", locale=get_locale())


def local_datetime(instant: datetime | None, zone: str | None) -> str:
    if instant is None:
        return ""
    return format_datetime(instant, "medium", tzinfo=_zone(zone), locale=get_locale())


def _today() -> date:
    """The signed-in member's date: "not in the future" means on their calendar."""
    return datetime.now(_zone(current_user.timezone)).date()


def time_helpers() -> dict:
    return {"local_date": local_date, "local_datetime": local_datetime, "locale": get_locale()}


# The contacts list ---------------------------------------------------------------------------


@bp.get("/contacts")
@login_required
def index():
    org_id = current_org_id()
    args = request.args
    filters, shown = queries.filters_from(org_id, args)
    events = shown["events"]
    number = page_number(args)
    query = queries.contacts(org_id, filters)
    if filters.any:  # one pass over the matches gives the count and the page
        pagination = IdPage(
            query.with_only_columns(Contact.id, Contact.last_met_at).order_by(None),
            lambda c: [c.last_met_at.desc(), c.id.desc()],
            queries.by_id,
            number,
            PAGE_SIZE,
        )
    else:  # the whole list: counted and paged along its index
        pagination = db.paginate(query, page=number, per_page=PAGE_SIZE, error_out=False)
    return render_template(
        "contact/index.html",
        pagination=pagination,
        extras=queries.row_extras([contact.id for contact in pagination.items]),
        filters=filters,
        **shown,
        tags=queries.suggested_tags(events),
        ratings=list(Rating),
        availabilities=list(Availability),
        to_review=queries.count_open_suggestions(org_id),
        **time_helpers(),
    )


# One contact ---------------------------------------------------------------------------------


def survivor_of(contact: Contact) -> Contact | None:
    """The live contact a merged one ended up in; None for a broken chain."""
    seen = {contact.id}
    while contact.merged_into_id is not None and len(seen) <= MAX_MERGE_HOPS:
        contact = db.session.get(Contact, contact.merged_into_id)
        if contact is None or contact.id in seen or contact.organization_id != current_org_id():
            return None
        seen.add(contact.id)
    return contact if contact.merged_into_id is None else None


def live_or_redirect(contact_id: str):
    """The live contact, or a redirect to what it was merged into (with a word why)."""
    return _live(contact_id, _("%(name)s was merged into %(survivor)s: this is the contact now."))


def _live(contact_id: str, why: str, category: str = "info"):
    """(contact, None) for a live contact; (None, a redirect to its survivor) for a merged one,
    flashing ``why`` with the two names."""
    contact = get_or_404(Contact, contact_id)
    if contact.merged_into_id is None:
        return contact, None
    survivor = survivor_of(contact)
    if survivor is None:
        abort(404)
    names = {"name": merging.display_name(contact), "survivor": merging.display_name(survivor)}
    flash(why % names, category)
    return None, redirect(url_for("contact.show", contact_id=survivor.public_id))


def _forms(contact: Contact, lists: list[FollowupList], **given) -> dict:
    forms = {
        "form": ContactForm(obj=contact, formdata=None),
        "touch_form": TouchForm(formdata=None, today=_today()),
        "consent_form": ConsentForm(formdata=None),
        "dnc_form": DoNotContactForm(formdata=None),
        "lift_form": LiftDoNotContactForm(formdata=None),
        "list_form": AddToListForm(formdata=None),
        "erase_form": EraseForm(formdata=None),
    }
    forms.update(given)
    forms["list_form"].list.choices = [(lst.public_id, lst.name) for lst in lists]
    return forms


def _render_show(contact: Contact, status: int = 200, **given):
    shown = page.contact_page(contact)
    return render_template(
        "contact/show.html",
        contact=contact,
        page=shown,
        touch_kinds=list(TouchKind),
        user_zone=current_user.timezone,
        **_forms(contact, shown.addable_lists, **given),
        **time_helpers(),
    ), status


@bp.get("/contacts/<contact_id>")
@login_required
def show(contact_id: str):
    contact, elsewhere = live_or_redirect(contact_id)
    if elsewhere is not None:
        return elsewhere
    return _render_show(contact)


def _live_for_change(contact_id: str):
    """For a change: the live contact, or a redirect saying a merged one cannot change."""
    why = _("%(name)s was merged into %(survivor)s; nothing was changed. Make the change here.")
    return _live(contact_id, why, "error")


@bp.post("/contacts/<contact_id>/details")
@login_required
def update(contact_id: str):
    contact, elsewhere = _live_for_change(contact_id)
    if elsewhere is not None:
        return elsewhere
    form = ContactForm()
    if not form.validate_on_submit():
        return _render_show(contact, 422, form=form)
    for name in merging.DETAIL_FIELDS:
        setattr(contact, name, getattr(form, name).data or "")
    contact.email = contact.email.lower()
    if db.session.is_modified(contact):
        webhooks.contact_updated(contact)
    db.session.commit()
    flash(_("The contact is saved."), "success")
    return redirect(url_for("contact.show", contact_id=contact.public_id))


@bp.post("/contacts/<contact_id>/touches")
@login_required
def log_touch(contact_id: str):
    contact, elsewhere = _live_for_change(contact_id)
    if elsewhere is not None:
        return elsewhere
    today = _today()
    form = TouchForm(today=today)
    if not form.validate_on_submit():
        return _render_show(contact, 422, touch_form=form)
    day = form.happened_on.data
    if day is None or day == today:
        at = utcnow()
    else:  # a day in the past, logged late: midday there, so the date reads right everywhere
        at = datetime.combine(day, time(12), _zone(current_user.timezone)).astimezone(UTC)
    followups.log_touch(
        current_user, contact, TouchKind(form.kind.data), body=form.body.data, happened_at=at
    )
    db.session.commit()
    flash(
        _(
            "Logged: %(kind)s with %(name)s.",
            kind=TouchKind(form.kind.data).label,
            name=merging.display_name(contact),
        ),
        "success",
    )
    return redirect(safe_next(url_for("contact.show", contact_id=contact.public_id)))


@bp.post("/contacts/<contact_id>/consent")
@login_required
def record_consent(contact_id: str):
    contact, elsewhere = _live_for_change(contact_id)
    if elsewhere is not None:
        return elsewhere
    form = ConsentForm()
    if not form.validate_on_submit():
        return _render_show(contact, 422, consent_form=form)
    contact.consent_text = form.text.data
    contact.consent_at = utcnow()
    contact.consent_by_id = current_user.id
    webhooks.contact_updated(contact)
    db.session.commit()
    flash(_("Consent recorded."), "success")
    return redirect(url_for("contact.show", contact_id=contact.public_id) + "#consent")


@bp.post("/contacts/<contact_id>/do-not-contact")
@login_required
def set_do_not_contact(contact_id: str):
    contact, elsewhere = _live_for_change(contact_id)
    if elsewhere is not None:
        return elsewhere
    form = DoNotContactForm()
    if not form.validate_on_submit():
        return _render_show(contact, 422, dnc_form=form)
    consent.mark_do_not_contact(contact, current_user, form.reason.data)
    db.session.commit()
    flash(_("%(name)s is marked “do not contact”.", name=merging.display_name(contact)), "success")
    return redirect(url_for("contact.show", contact_id=contact.public_id) + "#consent")


@bp.post("/contacts/<contact_id>/do-not-contact/lift")
@login_required
def lift_do_not_contact(contact_id: str):
    contact, elsewhere = _live_for_change(contact_id)
    if elsewhere is not None:
        return elsewhere
    form = LiftDoNotContactForm()
    if not form.validate_on_submit():
        return _render_show(contact, 422, lift_form=form)
    consent.lift_do_not_contact(contact)
    db.session.commit()
    flash(_("%(name)s may be contacted again.", name=merging.display_name(contact)), "success")
    return redirect(url_for("contact.show", contact_id=contact.public_id) + "#consent")


@bp.post("/contacts/<contact_id>/erase")
@login_required
@managers_only
def erase(contact_id: str):
    """An erasure request: the person asked the company to forget them."""
    contact, elsewhere = _live_for_change(contact_id)
    if elsewhere is not None:
        return elsewhere
    form = EraseForm()
    if not form.validate_on_submit():
        return _render_show(contact, 422, erase_form=form)
    name = merging.display_name(contact)
    erasure.erase(current_user, contact)
    db.session.commit()
    flash(_("Everything about %(name)s is deleted.", name=name), "success")
    return redirect(url_for("contact.index"))


@bp.post("/contacts/<contact_id>/lists")
@login_required
def add_to_list(contact_id: str):
    contact, elsewhere = _live_for_change(contact_id)
    if elsewhere is not None:
        return elsewhere
    addable = page.addable_lists(contact)
    form = AddToListForm()
    form.list.choices = [(lst.public_id, lst.name) for lst in addable]
    if not form.validate_on_submit():
        flash(_("Choose one of your lists that this person is not in yet."), "error")
        return redirect(url_for("contact.show", contact_id=contact.public_id) + "#lists")
    lst = queries.pick(addable, form.list.data)
    added = followups.add_entries(
        lst, followups.candidates_for_contacts([contact.id]), current_user.id
    )
    db.session.commit()
    if added:
        flash(_("Added to %(list)s.", list=lst.name), "success")
    else:
        flash(_("Already in %(list)s.", list=lst.name), "info")
    return redirect(url_for("contact.show", contact_id=contact.public_id) + "#lists")


# The merge and review pages are routes of this blueprint too.
from . import merge_views  # noqa: E402, F401
