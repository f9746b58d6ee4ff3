"""The exports through the API, streamed like the downloads.

Same scopes, formats and arguments as the download links (``selection``); a read token is
enough. Mistakes answer the API's one error shape: 422 ``invalid`` with the fields at fault,
404 for an id the company does not have (another company's included).
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..api.auth import token_limit
from ..capture.models import Contact
from ..contact.views import survivor_of
from ..errors import error_response
from ..event import service as events
from ..followup.models import FollowupList
from ..scoping import current_org_id, get_or_404
from . import selection
from .downloads import respond
from .selection import FORMATS, Invalid
from .service import export

bp = Blueprint("export_api", __name__, url_prefix="/api/v1/exports")
token_limit(bp)


@bp.errorhandler(Invalid)
def _invalid(error: Invalid):
    return error_response(422, _("These arguments cannot make an export."), error.fields)


def _organization():
    current_org_id()
    return current_user.organization


@bp.get("/contacts/<contact_id>.vcf")
def contact_vcf(contact_id: str):
    """One person's vCard; a merged contact's address redirects to its survivor's."""
    _organization()
    contact = get_or_404(Contact, contact_id)
    if contact.merged_into_id is not None:
        survivor = survivor_of(contact)
        if survivor is None:
            abort(404)
        return redirect(
            url_for("export_api.contact_vcf", contact_id=survivor.public_id, **request.args)
        )
    options = selection.options_from(request.args)
    return respond(export(selection.one_contact(_organization(), contact), "vcf", options))


def _contacts(fmt: str):
    org = _organization()
    filters = selection.contact_filters(org.id, request.args)
    options = selection.options_from(request.args)
    return respond(export(selection.searched(org, filters, "contacts"), fmt, options))


def _list(fmt: str, list_id: str):
    org = _organization()
    lst = get_or_404(FollowupList, list_id)
    options = selection.options_from(request.args)
    return respond(export(selection.of_list(org, lst), fmt, options))


def _event(fmt: str, event_id: str):
    org = _organization()
    ev = events.access(org.id, event_id)
    options = selection.options_from(request.args)
    return respond(export(selection.of_event(org, ev.event), fmt, options))


def _route(rule: str, endpoint: str, view, fmt: str) -> None:
    def download(**ids):
        return view(fmt, **ids)

    download.__name__ = endpoint
    bp.add_url_rule(rule, endpoint, download, methods=["GET"])


for _fmt in FORMATS:
    _route(f"/contacts.{_fmt}", f"contacts_{_fmt}", _contacts, _fmt)
    _route(f"/lists/<list_id>.{_fmt}", f"list_{_fmt}", _list, _fmt)
    _route(f"/events/<event_id>/captures.{_fmt}", f"event_{_fmt}", _event, _fmt)
