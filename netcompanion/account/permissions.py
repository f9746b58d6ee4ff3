"""What only owners and admins may do: remove attendees, reissue badges, erase people.

Rule: removing an attendee, reissuing a badge (on the attendee's page, or by applying an
attendee import that changes a field the badge prints) and erasing a contact (a request to be
forgotten) are for owners and admins. Each destroys what cannot be brought back: a
registration, every printed copy of a badge, everything the company holds about a person.
Recruiters keep all the rest: scanning, captures and notes, contact details, follow-up, exports.

The services that do these things call ``require_can_manage`` before they write, so a route
added later cannot skip the rule; their views carry ``managers_only`` as well, so a recruiter is
refused before any work. A request with an API token acts as the member who created the token,
with that member's role at the time of the request. A refusal is a 403 (``NotPermitted``): the
error page, or ``{"error": {"code": "forbidden", ...}}`` under /api/; nothing is written.
"""

from __future__ import annotations

from functools import wraps

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..exceptions import NotPermitted
from .models import Role, User

#: The roles that may remove attendees, reissue badges and erase people.
MANAGERS = frozenset({Role.OWNER, Role.ADMIN})

REFUSAL = _l(
    "Only owners and admins can remove attendees, reissue badges or erase a person. "
    "Ask one of them to do it."
)


def can_manage(member: User) -> bool:
    """Whether the member may remove attendees, reissue badges and erase people."""
    return member.is_authenticated and member.is_active and member.role in MANAGERS


def require_can_manage(member: User) -> None:
    """Refuse with a 403 unless the member is an owner or an admin."""
    if not can_manage(member):
        raise NotPermitted(str(REFUSAL))


def managers_only(view):
    """Refuse the view to anyone but owners and admins; place it under ``login_required``."""

    @wraps(view)
    def guarded(*args, **kwargs):
        require_can_manage(current_user)
        return view(*args, **kwargs)

    return guarded
