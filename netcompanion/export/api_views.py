"""The exports through the API, streamed like the downloads.

Same scopes, formats and arguments as the download links (``selection``); a read token is
enough. Mistakes answer the API's one error shape: 422 ``invalid`` with the fields at fault,
404 for an id the company does not have (another company's included).
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from ..api.auth import token_limit
from ..errors import error_response
from . import routes
from .selection import Invalid

bp = Blueprint("export_api", __name__, url_prefix="/api/v1/exports")
token_limit(bp)


@bp.errorhandler(Invalid)
def _invalid(error: Invalid):
    return error_response(422, _("These arguments cannot make an export."), error.fields)


@bp.get("/contacts/<contact_id>.vcf")
def contact_vcf(contact_id: str):
    """One person's vCard; a merged contact's address redirects to its survivor's."""
    return routes.contact_vcf(contact_id, "export_api.contact_vcf")


routes.add_scopes(
    bp,
    {
        "contacts": "/contacts.{fmt}",
        "list": "/lists/<list_id>.{fmt}",
        "event": "/events/<event_id>/captures.{fmt}",
    },
    contacts_name=lambda: "contacts",
)
