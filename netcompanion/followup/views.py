"""Follow-up list pages: the lists, one list's people, editing a list, entry actions, adding
an event's captures in bulk, and the lists that take an event's new captures."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from ..account.forms import ConfirmForm
from ..capture.queries import filters_from, recruiters
from ..event import service as events
from ..exceptions import Rejected
from ..extensions import db
from ..formhelpers import form_status
from ..outreach.models import MessageTemplate
from ..paging import page_number
from ..redirects import safe_next
from ..scoping import current_org_id, get_or_404, scoped
from . import entries, queries, service
from .forms import ListEditForm, ListForm
from .models import FollowupList

bp = Blueprint("followup", __name__)


@bp.route("/lists")
@login_required
def index():
    org_id = current_org_id()
    show_archived = request.args.get("archived") == "1"
    lists = list(db.session.scalars(service.lists_query(org_id, archived=show_archived)))
    lists.sort(key=lambda lst: (lst.archived_at is not None, lst.name.casefold(), lst.id))
    archived_count = db.session.scalar(
        select(db.func.count())
        .select_from(FollowupList)
        .where(FollowupList.organization_id == org_id, FollowupList.archived_at.is_not(None))
    )
    return render_template(
        "followup/index.html",
        lists=lists,
        counts=queries.list_counts(lists, queries.user_today(current_user)),
        show_archived=show_archived,
        archived_count=archived_count,
    )


@bp.route("/lists/new", methods=["GET", "POST"])
@login_required
def create():
    form = ListForm()
    if form.validate_on_submit():
        lst = service.create_list(current_user, form.name.data, form.description.data or "")
        db.session.commit()
        flash(_("List created. Edit its stages and cadence any time."), "success")
        return redirect(url_for("followup.show", list_id=lst.public_id))
    return render_template("followup/new.html", form=form), form_status(form)


def _list_or_404(list_id: str) -> FollowupList:
    return get_or_404(FollowupList, list_id)


@bp.route("/lists/<list_id>")
@login_required
def show(list_id: str):
    lst = _list_or_404(list_id)
    args = request.args
    team = queries.members(lst.organization_id)
    filters = queries.EntryFilters(search=args.get("q", "").strip()[:100])
    stage = next((s for s in lst.stages if s.public_id == args.get("stage")), None)
    if stage is not None:
        filters.stage_id = stage.id
    owner = next((u for u in team if u.public_id == args.get("owner")), None)
    if owner is not None:
        filters.owner_id = owner.id
    elif args.get("owner") == "none":
        filters.owner_id = 0
    if args.get("due") in queries.DUE_FILTERS:
        filters.due = args["due"]
    today = queries.user_today(current_user)
    counts = queries.stage_counts(lst, filters, today)
    pagination = queries.entry_page(
        lst,
        filters,
        today,
        page=page_number(args),
        total=counts.get(stage.id, 0) if stage else sum(counts.values()),
    )
    return render_template(
        "followup/show.html",
        lst=lst,
        pagination=pagination,
        filters=filters,
        stage=stage,
        owner_arg=owner.public_id if owner else ("none" if filters.owner_id == 0 else ""),
        team=team,
        stage_counts=counts,
        today=today,
        tomorrow=today + timedelta(days=1),
        confirm_form=ConfirmForm(),
    )


def _template_choices(org_id: int) -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(MessageTemplate.public_id, MessageTemplate.name)
        .where(MessageTemplate.organization_id == org_id)
        .order_by(db.func.lower(MessageTemplate.name))
    )
    return [(public_id, name) for public_id, name in rows]


@bp.route("/lists/<list_id>/edit", methods=["GET", "POST"])
@login_required
def edit(list_id: str):
    lst = _list_or_404(list_id)
    form = ListEditForm.for_list(lst) if request.method == "GET" else ListEditForm()
    form.offer(lst, _template_choices(lst.organization_id))
    general: dict[str, list[str]] = {}
    if form.validate_on_submit():
        try:
            entries.update_list(lst, form.details(), form.stage_rows(), form.step_rows())
        except entries.Problems as error:
            db.session.rollback()
            _attach(form, error.problems, general)
        else:
            db.session.commit()
            flash(_("List saved. Due dates follow the new stages and cadence."), "success")
            return redirect(url_for("followup.show", list_id=lst.public_id))
    elif request.method == "POST":
        # Show every mistake at once: the rules across rows too, beside the fields' own.
        problems = entries.check_list(lst, form.details(), form.stage_rows(), form.step_rows())
        _attach(form, problems, general)
    status = form_status(form) if request.method == "POST" else 200
    return render_template(
        "followup/edit.html", lst=lst, form=form, general=general, confirm_form=ConfirmForm()
    ), status


def _attach(form: ListEditForm, problems: dict[str, str], general: dict[str, list[str]]):
    """Put each problem beside its field; section-wide ones above the section."""
    fields = form.fields_by_id()
    for key, message in problems.items():
        target = fields.get(key)
        if target is None or key in ("stages", "steps"):
            general.setdefault(key, []).append(message)
        elif not target.errors:  # a field's own error already says what is wrong
            target.errors = [*target.errors, message]
    general.setdefault("", []).append(_("Nothing was saved. Check the fields marked below."))


@bp.route("/lists/<list_id>/archive", methods=["POST"])
@login_required
def archive(list_id: str):
    lst = _list_or_404(list_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    entries.set_archived(lst, True)
    db.session.commit()
    flash(_("%(name)s is archived: it left menus and the Today view.", name=lst.name), "success")
    return redirect(url_for("followup.index"))


@bp.route("/lists/<list_id>/unarchive", methods=["POST"])
@login_required
def unarchive(list_id: str):
    lst = _list_or_404(list_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    entries.set_archived(lst, False)
    db.session.commit()
    flash(_("%(name)s is back in use.", name=lst.name), "success")
    return redirect(url_for("followup.show", list_id=lst.public_id))


@bp.route("/entries/<entry_id>", methods=["POST"])
@login_required
def entry_update(entry_id: str):
    """One action on one entry, from the list page or the Today view."""
    entry = entries.entry_or_none(current_org_id(), entry_id)
    if entry is None:
        abort(404)
    back = safe_next(url_for("followup.show", list_id=entry.list.public_id))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        message = entries.update_entry(
            entry,
            request.form.get("action", ""),
            request.form,
            queries.user_today(current_user),
        )
    except Rejected as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(back)


# From an event --------------------------------------------------------------------------------


@bp.route("/events/<event_id>/follow-up/add", methods=["POST"])
@login_required
def bulk_add(event_id: str):
    """Put everyone the event's capture list shows, with its filters, into a list."""
    org_id = current_org_id()
    ev = events.access(org_id, event_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    filters, recruiter = filters_from(request.form, ev.event.id, recruiters(org_id))
    back = url_for(
        "capture.index",
        event_id=ev.event.public_id,
        q=filters.search or None,
        rating=filters.rating.value if filters.rating else None,
        rating_min=filters.rating_min.value if filters.rating_min else None,
        tag=filters.tag or None,
        recruiter=recruiter.public_id if recruiter else None,
    )
    lst = db.session.scalars(
        scoped(FollowupList, org_id).where(
            FollowupList.public_id == request.form.get("list", ""),
            FollowupList.archived_at.is_(None),
        )
    ).first()
    if lst is None:
        flash(_("Choose the list to add these people to."), "error")
        return redirect(back)
    try:
        added, present = entries.add_captures(lst, org_id, filters, current_user)
    except Rejected as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(back)
    db.session.commit()
    message = ngettext(
        "%(num)d person added to %(list)s.",
        "%(num)d people added to %(list)s.",
        added,
        list=lst.name,
    )
    if present:
        message += " " + ngettext(
            "%(num)d was already in the list.", "%(num)d were already in the list.", present
        )
    flash(message, "success")
    return redirect(back)


@bp.route("/events/<event_id>/follow-up", methods=["GET", "POST"])
@login_required
def rules(event_id: str):
    """Choose the lists that take every new capture of this event."""
    org_id = current_org_id()
    ev = events.access(org_id, event_id)
    if ev.booth is None and not ev.is_organizer:
        abort(404)
    offered = list(db.session.scalars(service.lists_query(org_id)))
    chosen = entries.rule_list_ids(org_id, ev.event.id)
    form = ConfirmForm()
    if form.validate_on_submit():
        wanted = set(request.form.getlist("list"))
        by_public_id = {lst.public_id: lst for lst in offered}
        try:
            if not wanted <= set(by_public_id):
                raise Rejected(_("Choose among your lists. Reload the page and try again."))
            entries.set_rules(
                current_user, ev.event.id, offered, {by_public_id[p].id for p in wanted}
            )
        except Rejected as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Saved. New captures at this event join the lists you ticked."), "success")
            return redirect(url_for("followup.rules", event_id=ev.event.public_id))
    return render_template(
        "followup/rules.html", ev=ev, lists=offered, chosen=chosen, form=form
    ), form_status(form)
