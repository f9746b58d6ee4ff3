"""Sign-up, sign-in, password change, and the team page (members and invitations)."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..caching import never_stored
from ..dbtypes import utcnow
from ..exceptions import Rejected
from ..extensions import db, limiter, login_manager
from ..formhelpers import form_status, perform, show_rejection
from ..mail import build_message, deliver
from ..ratelimits import client_address, configured, not_posting
from ..redirects import safe_next
from ..scoping import current_org_id, get_or_404
from . import service
from .forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ConfirmForm,
    InviteForm,
    LoginForm,
    RoleForm,
    SignupForm,
)
from .models import Invitation, Role, User

bp = Blueprint("account", __name__)


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    return service.load_session_user(session_id)


def _start_session(user: User) -> None:
    session.clear()  # a fresh session on every sign-in defeats session fixation
    session.permanent = True
    login_user(user)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(configured("SIGNUP_RATE_LIMIT"), key_func=client_address, exempt_when=not_posting)
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = service.sign_up(
                form.name.data, form.email.data, form.password.data, form.company.data
            )
        except Rejected as error:
            db.session.rollback()
            show_rejection(form, error)
        else:
            db.session.commit()
            _start_session(user)
            flash(_("Welcome to NetCompanion, %(name)s.", name=user.first_name), "success")
            return redirect(url_for("dashboard.index"))
    return render_template("account/signup.html", form=form), form_status(form)


def _login_account() -> str:
    return "login-account:" + service.normalise_email(request.form.get("email", ""))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(configured("LOGIN_RATE_LIMIT"), key_func=client_address, exempt_when=not_posting)
@limiter.limit(
    configured("LOGIN_ACCOUNT_RATE_LIMIT"), key_func=_login_account, exempt_when=not_posting
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Email or password is not correct."))
        else:
            db.session.commit()
            _start_session(user)
            return redirect(safe_next(url_for("dashboard.index")))
    return render_template("account/login.html", form=form), form_status(form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        service.sign_out(current_user)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out on every device."), "success")
    return redirect(url_for("account.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except Rejected as error:
            db.session.rollback()
            show_rejection(form, error)
        else:
            db.session.commit()
            # Keep this session; the others end with the old version. The member itself, not
            # the proxy: Flask-Login keeps what it is given as the request's member.
            _start_session(current_user._get_current_object())
            flash(_("Password changed. Other devices are signed out."), "success")
            return redirect(url_for("dashboard.index"))
    return render_template("account/password.html", form=form), form_status(form)


# Team ---------------------------------------------------------------------------------------


def _team_page(invite_form: InviteForm, status: int = 200):
    org_id = current_org_id()
    return (
        render_template(
            "account/team.html",
            members=service.active_members(org_id),
            invitations=service.pending_invitations(org_id),
            invite_form=invite_form,
            role_form=RoleForm(),
            confirm_form=ConfirmForm(),
            roles=Role,
        ),
        status,
    )


@bp.route("/team")
@login_required
def team():
    return _team_page(InviteForm())


@bp.route("/team/invitations", methods=["POST"])
@login_required
def invite():
    form = InviteForm()
    if not form.validate_on_submit():
        return _team_page(form, 422)
    try:
        invitation, token = service.invite(current_user, form.email.data, Role(form.role.data))
    except Rejected as error:
        db.session.rollback()
        show_rejection(form, error)
        return _team_page(form, 422 if form.errors else 403)
    link = current_app.config["BASE_URL"] + url_for("account.accept_invitation", token=token)
    # Built before the commit, so a message that cannot be sent leaves no invitation behind.
    message = build_message(
        invitation.email,
        _(
            "%(name)s invited you to %(company)s on NetCompanion",
            name=current_user.name,
            company=current_user.organization.name,
        ),
        render_template("account/invitation_email.txt", invitation=invitation, link=link),
        reply_to=current_user.email,
    )
    db.session.commit()
    deliver(message)
    flash(
        _(
            "Invitation sent to %(email)s. The link works once, for 7 days: %(link)s",
            email=invitation.email,
            link=link,
        ),
        "success",
    )
    return redirect(url_for("account.team"))


@bp.route("/team/invitations/<invitation_id>/revoke", methods=["POST"])
@login_required
def revoke_invitation(invitation_id: str):
    invitation = get_or_404(Invitation, invitation_id)
    if ConfirmForm().validate_on_submit():
        perform(
            lambda: service.revoke_invitation(current_user, invitation), _("Invitation withdrawn.")
        )
    return redirect(url_for("account.team"))


@bp.route("/team/members/<member_id>/role", methods=["POST"])
@login_required
def change_role(member_id: str):
    member = get_or_404(User, member_id)
    form = RoleForm()
    if form.validate_on_submit():
        perform(
            lambda: service.change_role(current_user, member, Role(form.role.data)),
            lambda _result: _(
                "%(name)s is now %(role)s.", name=member.name, role=member.role.label
            ),
        )
    else:
        flash(_("Choose a valid role."), "error")
    return redirect(url_for("account.team"))


@bp.route("/team/members/<member_id>/remove", methods=["POST"])
@login_required
def remove_member(member_id: str):
    member = get_or_404(User, member_id)
    if member.removed_at is not None:
        return redirect(url_for("account.team"))
    if ConfirmForm().validate_on_submit():
        perform(
            lambda: service.remove_member(current_user, member),
            _("%(name)s was removed from the team.", name=member.name),
        )
    return redirect(url_for("account.team"))


def _invited_account() -> str:
    """Count acceptances per invited address too: one may be typing an account's password."""
    invitation = service.invitation_for_token((request.view_args or {}).get("token", ""))
    return "invited-account:" + (invitation.email if invitation else "")


@bp.route("/invite/<token>", methods=["GET", "POST"])
@never_stored  # the company's name and the invited address, to whoever has the link
@limiter.limit(
    configured("INVITE_ACCEPT_RATE_LIMIT"), key_func=client_address, exempt_when=not_posting
)
@limiter.limit(
    configured("LOGIN_ACCOUNT_RATE_LIMIT"), key_func=_invited_account, exempt_when=not_posting
)
def accept_invitation(token: str):
    invitation = service.invitation_for_token(token)
    problem = service.invitation_problem(invitation, utcnow())
    if problem:
        return render_template("account/invitation_invalid.html", problem=problem), 404
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = service.accept_invitation(token, form.name.data, form.password.data)
        except Rejected as error:
            db.session.rollback()
            if error.field is None:
                problem = error.message
                return render_template("account/invitation_invalid.html", problem=problem), 409
            show_rejection(form, error)  # e.g. a wrong password: the link still works
        else:
            db.session.commit()
            _start_session(user)
            flash(_("Welcome to %(company)s.", company=user.organization.name), "success")
            return redirect(url_for("dashboard.index"))
    return render_template("account/accept.html", form=form, invitation=invitation), form_status(
        form
    )
