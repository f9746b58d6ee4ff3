"""Downloads: vCards (one, a .vcf of many, a .zip of one per file) and CSV for CRMs.

Any signed-in member may export what their company holds; every lookup is scoped, so another
company's contact, list or event answers 404. Arguments that cannot make an export answer a
page that says which one and why (422), never a file of something else.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..capture.models import Contact
from ..contact.views import survivor_of
from ..event import service as events
from ..followup.models import FollowupList
from ..followup.queries import user_today
from ..scoping import current_org_id, get_or_404
from . import selection
from .downloads import respond
from .presets import PRESETS
from .selection import FORMATS, Invalid
from .service import export

bp = Blueprint("export", __name__)


@bp.app_template_global()
def export_presets():
    """The CSV layouts the Export menus offer (templates/export/_menu.html)."""
    return list(PRESETS.values())


@bp.errorhandler(Invalid)
def _invalid(error: Invalid):
    return render_template("export/invalid.html", fields=error.fields, back=_back()), 422


def _back() -> str:
    """The page the export was asked from, to go back and choose again."""
    ids = request.view_args or {}
    if "contact_id" in ids:
        return url_for("contact.show", contact_id=ids["contact_id"])
    if "list_id" in ids:
        return url_for("followup.show", list_id=ids["list_id"])
    if "event_id" in ids:
        return url_for("capture.index", event_id=ids["event_id"])
    kept = {k: v for k, v in request.args.items() if k not in ("version", "preset")}
    return url_for("contact.index", **kept)


def _organization():
    current_org_id()
    return current_user.organization


@bp.get("/contacts/<contact_id>/export.vcf")
@login_required
def contact_vcf(contact_id: str):
    """One person's vCard; a merged contact's address downloads its survivor."""
    contact = get_or_404(Contact, contact_id)
    if contact.merged_into_id is not None:
        survivor = survivor_of(contact)
        if survivor is None:
            abort(404)
        return redirect(
            url_for("export.contact_vcf", contact_id=survivor.public_id, **request.args)
        )
    options = selection.options_from(request.args)
    return respond(export(selection.one_contact(_organization(), contact), "vcf", options))


def _contacts(fmt: str):
    org = _organization()
    filters = selection.contact_filters(org.id, request.args)
    options = selection.options_from(request.args)
    name = _("contacts-%(date)s") % {"date": user_today(current_user).isoformat()}
    return respond(export(selection.searched(org, filters, name), fmt, options))


def _list(fmt: str, list_id: str):
    lst = get_or_404(FollowupList, list_id)
    options = selection.options_from(request.args)
    return respond(export(selection.of_list(_organization(), lst), fmt, options))


def _event(fmt: str, event_id: str):
    org = _organization()
    ev = events.access(org.id, event_id)
    options = selection.options_from(request.args)
    return respond(export(selection.of_event(org, ev.event), fmt, options))


def _route(rule: str, endpoint: str, view, fmt: str) -> None:
    def download(**ids):
        return view(fmt, **ids)

    download.__name__ = endpoint
    download.__doc__ = view.__doc__
    bp.add_url_rule(rule, endpoint, login_required(download), methods=["GET"])


for _fmt in FORMATS:
    # One rule per format (not a <fmt> argument): each URL names exactly one kind of file.
    _route(f"/contacts/export.{_fmt}", f"contacts_{_fmt}", _contacts, _fmt)
    _route(f"/lists/<list_id>/export.{_fmt}", f"list_{_fmt}", _list, _fmt)
    _route(f"/events/<event_id>/captures/export.{_fmt}", f"event_{_fmt}", _event, _fmt)
