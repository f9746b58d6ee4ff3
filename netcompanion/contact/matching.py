"""Which contact a newly met person is: matching by badge, email, phone and LinkedIn profile.

Rules, strongest first:
- the same badge at the same event is the same capture, hence the same contact;
- the same email (lower-cased) is the same person;
- the same LinkedIn profile (``in/<slug>``, lower-cased) is the same person;
- the same phone number (E.164 digits) is the same person, unless both have an email and the
  emails differ: a shared office line is not a person, so that is only a suggestion.
A contact's further emails and phones (``ContactPoint``) count as its own, after the contacts
whose own email or phone it is.
When the keys of one upload point at two different contacts, the upload goes to the strongest
match and the other contact is offered for review (:class:`MatchSuggestion`); contacts are
never merged without a person deciding.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import phonenumbers
from sqlalchemy import event, or_, select, union_all

from ..capture.models import Contact
from ..extensions import db
from .models import ContactPoint, MatchReason, PointKind

#: Fewer digits than this is an extension or a typo, not a number worth matching on.
MIN_PHONE_DIGITS = 7


@functools.lru_cache(maxsize=4096)  # a batch asks for each number several times
def phone_key(raw: str) -> str:
    """The number's E.164 digits, or its bare digits when it has no country code."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]
    digits = re.sub(r"\D", "", raw)
    return digits[:20] if len(digits) >= MIN_PHONE_DIGITS else ""


_LINKEDIN_PATH = re.compile(r"^/(in|pub)/([^/?#]+)")


@functools.lru_cache(maxsize=4096)
def linkedin_key(raw: str) -> str:
    """``in/<slug>`` for a LinkedIn profile URL in any of its spellings; "" otherwise."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    host = (parts.hostname or "").lower()
    if host != "linkedin.com" and not host.endswith(".linkedin.com"):
        return ""
    match = _LINKEDIN_PATH.match(parts.path)
    if not match:
        return ""
    return f"in/{match.group(2).lower()}"[:120]


def fold(text: str) -> str:
    """Lower-case without accents: "Müller" and "muller" find each other."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_text(name: str, email: str, company: str, title: str) -> str:
    return fold(" ".join(p for p in (name, email, company, title) if p))[:900]


def keys_for(details: dict) -> dict[str, str]:
    """The derived columns of a contact with these details."""
    email = (details.get("email") or "").strip().lower()
    return {
        "phone_key": phone_key(details.get("phone", "")),
        "linkedin_key": linkedin_key(details.get("linkedin_url", "")),
        "search_text": search_text(
            details.get("name", ""), email, details.get("company", ""), details.get("title", "")
        ),
    }


@event.listens_for(Contact, "before_insert")
@event.listens_for(Contact, "before_update")
def _keep_keys(mapper, connection, contact: Contact) -> None:
    """Whatever edits a contact, its match keys and search text follow its details."""
    contact.email = (contact.email or "").strip().lower()
    contact.phone_key = phone_key(contact.phone)
    contact.linkedin_key = linkedin_key(contact.linkedin_url)
    contact.search_text = search_text(contact.name, contact.email, contact.company, contact.title)


@dataclass
class Match:
    """The contact an upload belongs to, and others that may be the same person."""

    contact: Contact | None = None
    reason: MatchReason | None = None
    #: Other contacts one of the keys points at: (contact, why).
    doubts: list[tuple[Contact, MatchReason]] = field(default_factory=list)


_STRENGTH = {MatchReason.EMAIL: 0, MatchReason.LINKEDIN: 1, MatchReason.PHONE: 2}


def find(org_id: int, people: list[dict], keys: list[dict] | None = None) -> list[Match]:
    """Match each person's details against the company's contacts, in one query for all.

    ``keys``: each person's ``keys_for``, when the caller has them already.
    """
    if keys is None:
        keys = [keys_for(p) for p in people]
    wanted = [
        k | {"email": (p.get("email") or "").strip().lower()}
        for p, k in zip(people, keys, strict=True)
    ]
    emails = {w["email"] for w in wanted if w["email"]}
    phones = {w["phone_key"] for w in wanted if w["phone_key"]}
    profiles = {w["linkedin_key"] for w in wanted if w["linkedin_key"]}
    found = _lookup(org_id, emails, phones, profiles)
    by_email: dict[str, Contact] = {}
    by_phone: dict[str, list[Contact]] = {}
    by_profile: dict[str, Contact] = {}
    for contact in found:  # oldest first: the first one created is the one people know
        if contact.email:
            by_email.setdefault(contact.email, contact)
        if contact.linkedin_key:
            by_profile.setdefault(contact.linkedin_key, contact)
        if contact.phone_key:
            by_phone.setdefault(contact.phone_key, []).append(contact)
    for contact, kind, key in _points(org_id, emails, phones):
        if kind == PointKind.EMAIL:
            by_email.setdefault(key, contact)
        elif contact not in by_phone.setdefault(key, []):
            by_phone[key].append(contact)
    return [match_one(w, by_email, by_profile, by_phone) for w in wanted]


def match_one(wanted: dict, by_email: dict, by_profile: dict, by_phone: dict) -> Match:
    """Decide for one person, given the candidates found for every key."""
    candidates: list[tuple[Contact, MatchReason]] = []
    if wanted["email"] and wanted["email"] in by_email:
        candidates.append((by_email[wanted["email"]], MatchReason.EMAIL))
    if wanted["linkedin_key"] and wanted["linkedin_key"] in by_profile:
        candidates.append((by_profile[wanted["linkedin_key"]], MatchReason.LINKEDIN))
    for contact in by_phone.get(wanted["phone_key"], []) if wanted["phone_key"] else []:
        candidates.append((contact, MatchReason.PHONE))
    match = Match()
    seen: set[int] = set()
    for contact, reason in sorted(candidates, key=lambda c: _STRENGTH[c[1]]):
        if id(contact) in seen:
            continue
        seen.add(id(contact))
        weak = (
            reason is MatchReason.PHONE
            and wanted["email"]
            and contact.email
            and contact.email != wanted["email"]
        )
        if match.contact is None and not weak:
            match.contact, match.reason = contact, reason
        else:
            match.doubts.append((contact, reason))
    return match


def _lookup(org_id: int, emails: set, phones: set, profiles: set) -> list[Contact]:
    """Contacts having any of these keys. A UNION so each key uses its own index."""
    halves = []
    live = (Contact.organization_id == org_id, Contact.merged_into_id.is_(None))
    if emails:
        halves.append(select(Contact.id).where(*live, Contact.email.in_(emails)))
    if phones:
        halves.append(select(Contact.id).where(*live, Contact.phone_key.in_(phones)))
    if profiles:
        halves.append(select(Contact.id).where(*live, Contact.linkedin_key.in_(profiles)))
    if not halves:
        return []
    ids = union_all(*halves).subquery()
    query = select(Contact).where(Contact.id.in_(select(ids.c.id))).order_by(Contact.id)
    return list(db.session.scalars(query))


def _points(org_id: int, emails: set, phones: set) -> list[tuple[Contact, str, str]]:
    """(contact, kind, key) of the further emails and phones having any of these keys."""
    wanted = []
    if emails:
        wanted.append((ContactPoint.kind == PointKind.EMAIL) & ContactPoint.key.in_(emails))
    if phones:
        wanted.append((ContactPoint.kind == PointKind.PHONE) & ContactPoint.key.in_(phones))
    if not wanted:
        return []
    query = (
        select(Contact, ContactPoint.kind, ContactPoint.key)
        .join(Contact, Contact.id == ContactPoint.contact_id)
        .where(
            ContactPoint.organization_id == org_id,
            Contact.merged_into_id.is_(None),
            or_(*wanted),
        )
        .order_by(Contact.id, ContactPoint.id)
    )
    return [(contact, str(kind), key) for contact, kind, key in db.session.execute(query)]
