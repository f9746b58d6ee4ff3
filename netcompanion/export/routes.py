"""The export scopes as views, shared by the download links (``views``) and the API
(``api_views``): the two differ only in their URLs, how they authenticate and how they word
a mistake."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from ..capture.models import Contact
from ..contact.views import survivor_of
from ..event import service as events
from ..followup.models import FollowupList
from ..scoping import current_org_id, get_or_404
from . import selection
from .downloads import respond
from .selection import FORMATS
from .service import export


def _organization():
    current_org_id()
    return current_user.organization


def contact_vcf(contact_id: str, endpoint: str):
    """One person's vCard; a merged contact's address redirects to its survivor's."""
    org = _organization()
    contact = get_or_404(Contact, contact_id)
    if contact.merged_into_id is not None:
        survivor = survivor_of(contact)
        if survivor is None:
            abort(404)
        return redirect(url_for(endpoint, contact_id=survivor.public_id, **request.args))
    options = selection.options_from(request.args)
    return respond(export(selection.one_contact(org, contact), "vcf", options))


def _contacts(fmt: str, name: Callable[[], str]):
    org = _organization()
    filters = selection.contact_filters(org.id, request.args)
    options = selection.options_from(request.args)
    return respond(export(selection.searched(org, filters, name()), fmt, options))


def _list(fmt: str, list_id: str):
    org = _organization()
    lst = get_or_404(FollowupList, list_id)
    options = selection.options_from(request.args)
    return respond(export(selection.of_list(org, lst), fmt, options))


def _event(fmt: str, event_id: str):
    org = _organization()
    ev = events.access(org.id, event_id)
    options = selection.options_from(request.args)
    return respond(export(selection.of_event(org, ev.event, request.args), fmt, options))


def add_scopes(
    bp: Blueprint,
    rules: dict[str, str],
    contacts_name: Callable[[], str],
    wrap: Callable = lambda view: view,
) -> None:
    """Add one rule per scope and format, e.g. ``rules["list"] = "/lists/<list_id>.{fmt}"``.

    One rule per format rather than a ``<fmt>`` argument: each URL names one kind of file.
    """
    views = {
        "contacts": lambda fmt: _contacts(fmt, contacts_name),
        "list": _list,
        "event": _event,
    }
    for scope, view in views.items():
        for fmt in FORMATS:
            endpoint = f"{scope}_{fmt}"

            def download(_view=view, _fmt=fmt, **ids):
                return _view(_fmt, **ids)

            download.__name__ = endpoint
            bp.add_url_rule(rules[scope].format(fmt=fmt), endpoint, wrap(download), methods=["GET"])
