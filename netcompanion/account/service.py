"""Account rules: sign-up, sign-in, passwords, invitations, roles and removal.

Services flush; the caller (a view or CLI command) commits.

Team changes (a role, a removal) run one at a time per company: each takes the company row's
lock (``SELECT … FOR UPDATE``; SQLite's write lock) and then re-reads both people, so two
owners acting on each other at the same instant are judged one after the other, and the
company always keeps an active owner. A removal ends the member's sessions and revokes the API
tokens they created and their calendar feed for good; a removed member who is invited back
starts with none of them.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from .. import sqlite
from .. import tokens as canonical
from ..api import tokens as api_tokens
from ..dbtypes import utcnow
from ..exceptions import Rejected
from ..extensions import db
from ..outreach import calendar
from ..scoping import scoped
from .models import Invitation, Organization, Role, User
from .passwords import hash_password, needs_rehash, verify_password


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == normalise_email(email))).first()


def sign_up(name: str, email: str, password: str, company: str) -> User:
    """Create a company and its first member, the owner."""
    email = normalise_email(email)
    if find_user_by_email(email):
        raise Rejected(_l("An account with this email already exists. Sign in instead."), "email")
    org = Organization(name=company.strip())
    user = User(
        organization=org,
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=Role.OWNER,
    )
    db.session.add_all([org, user])
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, upgrading an outdated hash on the way."""
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password and end the user's other sessions."""
    if not verify_password(user.password_hash, current):
        raise Rejected(_l("The current password is not correct."), "current_password")
    user.password_hash = hash_password(new)
    user.session_version += 1
    db.session.flush()


def sign_out(user: User) -> None:
    """End every session of the user, so a copy of the session cookie opens nothing either."""
    user.session_version += 1
    db.session.flush()


def load_session_user(session_id: str) -> User | None:
    """Resolve a Flask-Login id ``<public_id>.<version>``; stale versions are signed out."""
    public_id, _, version = session_id.rpartition(".")
    if not public_id or not version.isdigit():
        return None
    user = db.session.scalars(select(User).where(User.public_id == public_id)).first()
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


# Team ---------------------------------------------------------------------------------------


def active_members(org_id: int) -> list[User]:
    query = scoped(User, org_id).where(User.removed_at.is_(None)).order_by(func.lower(User.name))
    return list(db.session.scalars(query))


def _require_manager(actor: User) -> None:
    if not actor.role.can_manage_team:
        raise Rejected(_l("Only owners and admins can manage the team."))


def _owner_count(org_id: int) -> int:
    query = (
        select(func.count())
        .select_from(User)
        .where(User.organization_id == org_id, User.role == Role.OWNER, User.removed_at.is_(None))
    )
    return db.session.scalar(query)


def _check_power_over(actor: User, member: User, new_role: Role | None = None) -> None:
    _require_manager(actor)
    if actor.role is not Role.OWNER and (member.role is Role.OWNER or new_role is Role.OWNER):
        raise Rejected(_l("Only an owner can change or remove an owner."))


def _lock_team(actor: User, member: User | None = None) -> None:
    """Wait for the company's other team changes, then re-read both people as they now are."""
    sqlite.hold_write_lock(db.session)
    db.session.execute(
        select(Organization.id).where(Organization.id == actor.organization_id).with_for_update()
    )
    db.session.refresh(actor)
    if member is not None:
        db.session.refresh(member)
    if not actor.is_active:
        raise Rejected(_l("You are no longer a member of this team."))


def change_role(actor: User, member: User, role: Role) -> None:
    _lock_team(actor, member)
    _check_power_over(actor, member, role)
    if member.removed_at is not None:  # removed a moment ago, from another page
        raise Rejected(_l("This person is no longer a member of this team."))
    if (
        member.role is Role.OWNER
        and role is not Role.OWNER
        and _owner_count(member.organization_id) == 1
    ):
        raise Rejected(_l("The company needs at least one owner. Make someone else owner first."))
    member.role = role
    db.session.flush()


def remove_member(actor: User, member: User) -> None:
    """Remove a member: no more sign-in, sessions, API tokens or calendar feed."""
    _lock_team(actor, member)
    _check_power_over(actor, member)
    if member.id == actor.id:
        raise Rejected(_l("You cannot remove yourself. Ask another owner or admin."))
    if member.removed_at is not None:  # someone else removed them a moment ago
        return
    member.removed_at = utcnow()
    member.session_version += 1
    _revoke_credentials(member, actor)
    db.session.flush()


def _revoke_credentials(member: User, actor: User | None) -> None:
    """End what lets a member's integrations in: their API tokens and their calendar feed."""
    api_tokens.revoke_created_by(member, actor)
    calendar.revoke(member)


# Invitations --------------------------------------------------------------------------------


#: Random bytes in an invitation link's token (256 bits).
INVITATION_BYTES = 32


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def pending_invitations(org_id: int) -> list[Invitation]:
    now = utcnow()
    query = (
        scoped(Invitation, org_id)
        .where(
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .order_by(Invitation.created_at.desc())
    )
    return list(db.session.scalars(query))


def invite(actor: User, email: str, role: Role) -> tuple[Invitation, str]:
    """Create an invitation and return it with the secret token for the link."""
    _lock_team(actor)  # judged by the role the inviter has now, not before a demotion
    _require_manager(actor)
    if actor.role is not Role.OWNER and role is Role.OWNER:
        raise Rejected(_l("Only an owner can invite another owner."), "role")
    email = normalise_email(email)
    existing = find_user_by_email(email)
    if existing and existing.is_active and existing.organization_id == actor.organization_id:
        raise Rejected(_l("This person is already a member of your team."), "email")
    # An address with an account in another company is invited like any other: the inviter
    # must not learn who works where. Its holder accepts with that account's password.
    # A new invitation to the same address replaces the old one, so only the latest link works.
    for old in pending_invitations(actor.organization_id):
        if old.email == email:
            old.revoked_at = utcnow()
    token = secrets.token_urlsafe(INVITATION_BYTES)
    invitation = Invitation(
        organization_id=actor.organization_id,
        email=email,
        role=role,
        token_hash=_token_hash(token),
        invited_by_id=actor.id,
        expires_at=utcnow() + current_app.config["INVITATION_TTL"],
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def invitation_for_token(token: str) -> Invitation | None:
    if not canonical.is_secret(token, INVITATION_BYTES):
        return None
    return db.session.scalars(
        select(Invitation).where(Invitation.token_hash == _token_hash(token))
    ).first()


def invitation_problem(invitation: Invitation | None, now: datetime) -> str | None:
    """Say why an invitation link cannot be used, or None when it can."""
    if invitation is None:
        return str(_l("This invitation link is not valid. Ask for a new one."))
    if invitation.revoked_at is not None:
        return str(_l("This invitation was withdrawn. Ask for a new one."))
    if invitation.accepted_at is not None:
        return str(_l("This invitation has already been used. Sign in instead."))
    if invitation.expires_at <= now:
        return str(_l("This invitation has expired. Ask the person who invited you for a new one."))
    return None


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    _require_manager(actor)
    invitation.revoked_at = utcnow()
    db.session.flush()


def _check_move(member: User, invitation: Invitation, password: str) -> None:
    """Let the member of another company take the invitation with their own password, unless
    their company would be left without an owner."""
    if member.organization_id == invitation.organization_id:
        raise Rejected(_l("This email already has an account. Sign in instead."))
    if not verify_password(member.password_hash, password):
        raise Rejected(
            _l(
                "This email already has a NetCompanion account, and this is not its password. "
                "Type that account's password to move it to this company."
            ),
            "password",
        )
    if member.role is Role.OWNER and _owner_count(member.organization_id) == 1:
        raise Rejected(
            _l(
                "You are the only owner of %(company)s. Make someone else its owner first, "
                "then open this link again.",
                company=member.organization.name,
            )
        )


def accept_invitation(token: str, name: str, password: str) -> User:
    """Turn an invitation into a member; the link works once, however many tabs race for it."""
    now = utcnow()
    invitation = invitation_for_token(token)
    problem = invitation_problem(invitation, now)
    if problem:
        raise Rejected(problem)
    existing = find_user_by_email(invitation.email)
    moving = existing is not None and existing.is_active
    if moving:
        _check_move(existing, invitation, password)

    claimed = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise Rejected(_l("This invitation has already been used. Sign in instead."))

    if existing:  # a removed member coming back, or a member moving from another company
        user = existing
        user.organization_id = invitation.organization_id
        user.removed_at = None
        user.session_version += 1  # sessions in the company they leave end here
        _revoke_credentials(user, None)  # nothing they held before comes back
    else:
        user = User(organization_id=invitation.organization_id, email=invitation.email)
        db.session.add(user)
    user.name = name.strip()
    if not moving:  # a member moving keeps the password they proved
        user.password_hash = hash_password(password)
    user.role = invitation.role
    db.session.flush()
    db.session.refresh(invitation)
    return user
