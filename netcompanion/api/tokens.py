"""Create, find and revoke company API tokens (format and storage: see ``api.models``)."""

from __future__ import annotations

import hashlib
import secrets
import string
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..account.models import User
from ..dbtypes import utcnow
from ..exceptions import Rejected
from ..extensions import db
from .models import ApiToken, TokenScope

PREFIX = "nct_"
ALPHABET = string.ascii_letters + string.digits
#: 43 base62 characters carry 256 bits.
LENGTH = 43
SHOWN_PREFIX = len(PREFIX) + 4
#: How stale "last used" may get before a request refreshes it.
LAST_USED_GRANULARITY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(value: str) -> bool:
    """Whether ``value`` is spelt as ``create`` spells a token.

    Base62 characters are drawn one by one, not decoded from bytes, so each such string is a
    different token: matching the prefix's case, the length and the alphabet exactly leaves
    no second spelling.
    """
    return (
        value.startswith(PREFIX)
        and len(value) == len(PREFIX) + LENGTH
        and all(c in ALPHABET for c in value[len(PREFIX) :])
    )


def create(actor: User, name: str, scope: TokenScope) -> tuple[ApiToken, str]:
    """Create a token for the actor's company; return it with the secret, shown only now."""
    if not actor.role.can_manage_team:
        raise Rejected(_l("Only owners and admins can manage API tokens."))
    secret = PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    token = ApiToken(
        organization_id=actor.organization_id,
        name=name.strip(),
        scope=scope,
        token_hash=_hash(secret),
        prefix=secret[:SHOWN_PREFIX],
        created_by_id=actor.id,
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke(actor: User, token: ApiToken) -> None:
    if not actor.role.can_manage_team:
        raise Rejected(_l("Only owners and admins can manage API tokens."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        token.revoked_by_id = actor.id
        db.session.flush()


def revoke_created_by(member: User, actor: User | None) -> None:
    """Revoke every live token the member created: a departing member takes them along."""
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.created_by_id == member.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_by_id=actor.id if actor else None)
        .execution_options(synchronize_session="fetch")
    )


def company_tokens(org_id: int) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.organization_id == org_id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
        )
    )


def authenticate(secret: str) -> ApiToken | None:
    """Return the live token with this secret, or None.

    A token stops working when it is revoked or when the member who created it leaves the
    company, since its writes are recorded as theirs.
    """
    if not looks_like_token(secret):
        return None
    token = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == _hash(secret))).first()
    if token is None or token.revoked_at is not None or not token.created_by.is_active:
        return None
    if token.created_by.organization_id != token.organization_id:
        return None
    _touch(token)
    return token


def _touch(token: ApiToken) -> None:
    """Record use in its own short transaction: a read-only request never commits its own."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_GRANULARITY:
        return
    with db.engine.begin() as connection:
        connection.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    token.last_used_at = now
