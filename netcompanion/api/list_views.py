"""Follow-up lists and their entries through the API.

Entries change only through ``followup.service`` / ``followup.entries``, as on the list page,
so due dates, cadences and webhooks stay right. A ``PATCH`` applies its changes in a fixed
order (state, stage, owner, snooze) and all or nothing: a refusal rolls every one back.
"""

from __future__ import annotations

from datetime import date

from flask import abort, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..capture.models import Contact
from ..exceptions import Rejected
from ..extensions import db
from ..followup import entries as entry_actions
from ..followup import queries
from ..followup import service as followups
from ..followup.models import EntryState, FollowupList, ListEntry
from ..scoping import current_org_id, scoped
from . import inputs, paging, serialize
from .views import bp

LIST_KEYS = (
    paging.Key(FollowupList.name, lambda lst: lst.name, str),
    paging.Key(FollowupList.id, lambda lst: lst.id),
)
ENTRY_KEYS = (
    paging.Key(ListEntry.next_due_on, lambda e: e.next_due_on, date, nullable=True),
    paging.Key(ListEntry.id, lambda e: e.id),
)
#: ``state`` values a client may set, and the entry action that sets each.
STATES = {"active": "resume", "paused": "pause", "closed": "close"}


def _entry_options():
    return (
        joinedload(ListEntry.list).selectinload(FollowupList.stages),
        joinedload(ListEntry.stage),
        joinedload(ListEntry.contact),
        joinedload(ListEntry.owner),
    )


def _list_or_404(list_id: str) -> FollowupList:
    lst = db.session.scalars(
        scoped(FollowupList, current_org_id())
        .where(FollowupList.public_id == list_id)
        .options(selectinload(FollowupList.stages), selectinload(FollowupList.steps))
    ).first()
    if lst is None:
        abort(404)
    return lst


@bp.get("/lists")
def list_lists():
    """The company's lists by name; ``archived=true`` for the archived ones instead."""
    org_id = current_org_id()
    fields: dict = {}
    limit = paging.limit_arg(fields)
    archived = request.args.get("archived", "false")
    if archived not in ("true", "false"):
        fields["archived"] = _("true or false.")
    inputs.check(fields)
    query = scoped(FollowupList, org_id).options(selectinload(FollowupList.stages))
    if archived == "true":
        query = query.where(FollowupList.archived_at.is_not(None))
    else:
        query = query.where(FollowupList.archived_at.is_(None))
    found = paging.page("lists", query, LIST_KEYS, limit)
    return jsonify(lists=[serialize.list_(lst) for lst in found.rows], next=found.next)


@bp.get("/lists/<list_id>")
def read_list(list_id: str):
    return jsonify(list=serialize.list_(_list_or_404(list_id)))


@bp.get("/lists/<list_id>/entries")
def list_entries(list_id: str):
    """A list's entries, soonest due first (nothing due last); filters as on the list page."""
    lst = _list_or_404(list_id)
    args = request.args
    fields: dict = {}
    limit = paging.limit_arg(fields)
    filters = queries.EntryFilters(search=inputs.text(args, "q", fields, 100) or "")
    if args.get("stage"):
        stage = next((s for s in lst.stages if s.public_id == args["stage"]), None)
        if stage is None:
            fields["stage"] = _("Choose one of this list's stages.")
        else:
            filters.stage_id = stage.id
    if args.get("owner") == "none":
        filters.owner_id = 0
    elif args.get("owner"):
        owner = entry_actions.member_or_none(lst.organization_id, args["owner"])
        if not owner:
            fields["owner"] = _("Choose a member of your team, or none.")
        else:
            filters.owner_id = owner.id
    due = args.get("due", "")
    if due and due not in queries.DUE_FILTERS:
        fields["due"] = _("One of: %(choices)s.", choices=", ".join(queries.DUE_FILTERS))
    filters.due = due
    inputs.check(fields, _("Some filters are not valid."))
    ids = queries.entries(lst, filters, queries.user_today(current_user))
    query = ids.with_only_columns(ListEntry).options(*_entry_options())
    found = paging.page(f"entries:{lst.public_id}", query, ENTRY_KEYS, limit)
    return jsonify(entries=[serialize.entry(e) for e in found.rows], next=found.next)


def _entry(entry_id: str) -> ListEntry:
    entry = db.session.scalars(
        scoped(ListEntry, current_org_id())
        .where(ListEntry.public_id == entry_id)
        .options(*_entry_options(), joinedload(ListEntry.list).selectinload(FollowupList.steps))
    ).first()
    if entry is None:
        abort(404)
    return entry


@bp.post("/lists/<list_id>/entries")
def add_entry(list_id: str):
    """Put a contact in the list: 201 with the new entry, 200 with the one already there."""
    lst = _list_or_404(list_id)
    data = inputs.body()
    fields: dict = {}
    inputs.only(data, ("contact", "owner"), fields)
    contact = None
    raw = data.get("contact")
    if isinstance(raw, str) and raw:
        contact = db.session.scalars(
            scoped(Contact, lst.organization_id).where(
                Contact.public_id == raw, Contact.merged_into_id.is_(None)
            )
        ).first()
    if contact is None:
        fields["contact"] = _("Give the id of one of your contacts.")
    owner = None
    if data.get("owner") is not None:
        owner = entry_actions.member_or_none(
            lst.organization_id, data["owner"] if isinstance(data["owner"], str) else "?"
        )
        if not owner:
            fields["owner"] = _("Give the id of a member of your team.")
    if lst.archived_at is not None:
        fields["list"] = _("This list is archived. Bring it back into use first.")
    inputs.check(fields)
    candidates = followups.candidates_for_contacts([contact.id])
    if owner:
        candidates[0].owner_id = owner.id
    added = followups.add_entries(lst, candidates, current_user.id)
    db.session.commit()
    entry = db.session.scalars(
        select(ListEntry)
        .where(ListEntry.list_id == lst.id, ListEntry.contact_id == contact.id)
        .options(*_entry_options())
    ).one()
    headers = {"Location": url_for(".read_entry", entry_id=entry.public_id)}
    return jsonify(entry=serialize.entry(entry)), 201 if added else 200, headers


@bp.get("/entries/<entry_id>")
def read_entry(entry_id: str):
    return jsonify(entry=serialize.entry(_entry(entry_id)))


def _act(entry: ListEntry, action: str, values: dict, field: str, today: date) -> None:
    try:
        entry_actions.update_entry(entry, action, values, today)
    except Rejected as error:
        raise Rejected(error.message, field) from None


@bp.patch("/entries/<entry_id>")
def update_entry(entry_id: str):
    """Move an entry on: ``state``, ``stage``, ``owner`` (null: nobody), ``snooze_until``."""
    entry = _entry(entry_id)
    data = inputs.body()
    fields: dict = {}
    inputs.only(data, ("state", "stage", "owner", "snooze_until"), fields)
    state = data.get("state")
    if "state" in data and (not isinstance(state, str) or state not in STATES):
        fields["state"] = _("One of: %(choices)s.", choices=", ".join(STATES))
    stage = data.get("stage")
    if "stage" in data and not any(s.public_id == stage for s in entry.list.stages):
        fields["stage"] = _("Choose one of this list's stages.")
    owner = data.get("owner")
    if owner is not None and (
        not isinstance(owner, str) or not entry_actions.member_or_none(entry.organization_id, owner)
    ):
        fields["owner"] = _("Give the id of a member of your team, or null for nobody.")
    until = inputs.day(data.get("snooze_until"), "snooze_until", fields)
    inputs.check(fields)
    if entry.state is EntryState.MERGED:
        raise Rejected(_("This person was merged into another contact: follow them up there."))
    today = queries.user_today(current_user)
    if "state" in data and entry.state.value != state:
        _act(entry, STATES[state], {}, "state", today)
    if "stage" in data and entry.stage.public_id != stage:
        _act(entry, "stage", {"stage": stage}, "stage", today)
    if "owner" in data:
        _act(entry, "owner", {"owner": owner or ""}, "owner", today)
    if until is not None:
        _act(entry, "snooze", {"until": until.isoformat()}, "snooze_until", today)
    elif "snooze_until" in data and entry.snoozed_until is not None:
        followups.snooze(entry, None)  # null: wake it now
    db.session.commit()
    return jsonify(entry=serialize.entry(_entry(entry_id)))
