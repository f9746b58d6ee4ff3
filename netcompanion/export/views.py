"""Downloads: vCards (one, a .vcf of many, a .zip of one per file) and CSV for CRMs.

Any signed-in member may export what their company holds; every lookup is scoped, so another
company's contact, list or event answers 404. Arguments that cannot make an export answer a
page that says which one and why (422), never a file of something else.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..followup.queries import user_today
from . import routes
from .presets import PRESETS
from .selection import Invalid

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


@bp.get("/contacts/<contact_id>/export.vcf")
@login_required
def contact_vcf(contact_id: str):
    """One person's vCard; a merged contact's address downloads its survivor."""
    return routes.contact_vcf(contact_id, "export.contact_vcf")


def _contacts_name() -> str:
    return _("contacts-%(date)s") % {"date": user_today(current_user).isoformat()}


routes.add_scopes(
    bp,
    {
        "contacts": "/contacts/export.{fmt}",
        "list": "/lists/<list_id>/export.{fmt}",
        "event": "/events/<event_id>/captures/export.{fmt}",
    },
    contacts_name=_contacts_name,
    wrap=login_required,
)
