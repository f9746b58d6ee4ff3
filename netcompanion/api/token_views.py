"""Admins create, see and revoke the company's API tokens.

A new token's secret is rendered once, on the answer to the form that created it: never
stored, never put in a flash cookie, and sent with ``Cache-Control: no-store`` so the page is
not kept where the secret could be read back. Only owners and admins see these pages (403).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..account.forms import ConfirmForm
from ..extensions import db
from ..scoping import get_or_404
from . import tokens
from .forms import TokenForm
from .models import ApiToken, TokenScope

bp = Blueprint("api_tokens", __name__)


def _admins_only() -> None:
    if not current_user.role.can_manage_team:
        abort(403)


def _index(form: TokenForm, status: int = 200):
    return render_template(
        "api/tokens.html",
        form=form,
        api_tokens=tokens.company_tokens(current_user.organization_id),
        confirm_form=ConfirmForm(),
    ), status


@bp.get("/settings/api-tokens")
@login_required
def index():
    _admins_only()
    return _index(TokenForm(formdata=None))


@bp.post("/settings/api-tokens")
@login_required
def create():
    _admins_only()
    form = TokenForm()
    if not form.validate_on_submit():
        return _index(form, 422)
    token, secret = tokens.create(current_user, form.name.data, TokenScope(form.scope.data))
    db.session.commit()
    response = make_response(render_template("api/token_created.html", token=token, secret=secret))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.post("/settings/api-tokens/<api_token_id>/revoke")
@login_required
def revoke(api_token_id: str):
    _admins_only()
    token = get_or_404(ApiToken, api_token_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    tokens.revoke(current_user, token)
    db.session.commit()
    flash(_("“%(name)s” is revoked: it stops working at once.", name=token.name), "success")
    return redirect(url_for("api_tokens.index"))


# The API page is a route of this blueprint too.
from . import docs_views  # noqa: E402, F401
