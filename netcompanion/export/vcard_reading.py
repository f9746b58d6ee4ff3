"""Cards of an uploaded .vcf as the details a capture or a contact keeps.

Each card is parsed by vobject (after ``vcard_lines`` has made its lines clean) and mapped:
- name: FN, or the parts of N when FN is missing or a placeholder (``own_cards``);
- UID and PRODID: the person's identity, and whether our own export wrote the card;
- email: the preferred address (PREF, or vCard 4.0's lowest PREF=n), else the first valid one;
- phone: the preferred number, else a mobile, else the first; fax and pager numbers come last;
  a vCard 4.0 extension (``tel:+1-555-0100;ext=12``) stays, as "+1-555-0100 ext. 12";
- company: the first part of ORG (its units, a department, are named as not kept); title: TITLE;
- LinkedIn: the first URL (or Apple's X-SOCIALPROFILE) on linkedin.com; website: the first other;
- NOTE, and any further emails, phones and web addresses, become the capture's note;
- CATEGORIES become tags, but for the groups an address book puts every contact in, which say
  nothing about the person (``DEFAULT_GROUPS``: Google's "myContacts", "My Contacts", "Starred in
  Android", "Address Book", "Imported on 3/14/24", …).
What a contact has no field for (address, birthday, nickname, messenger, an AGENT's card) is
named in ``not_kept``, which the preview shows: nothing is dropped without a word.
Values longer than a contact's columns hold are cut (text) or left out (an address or number cut
short would be wrong) with a warning on the card: a card is never refused for its length.
A card with no name, no email and no phone has a ``problem`` and is skipped; so is a vCard 4.0
group, organization or place, which is not a person.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

import vobject
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from ..attendee.models import DETAIL_LIMITS
from ..capture import items
from ..config import Defaults
from ..contact import identity
from . import own_cards
from .vcard_charsets import label
from .vcard_lines import RawCard, VCardFileError, split_cards

#: Groups an address book or phone puts contacts in by itself (Google adds "myContacts" to every
#: contact, Android "Starred in Android" to favourites): no interest of the person's.
DEFAULT_GROUPS = frozenset(
    {
        "mycontacts",
        "my contacts",
        "starred",
        "starred in android",
        "favorites",
        "favourites",
        "address book",
        "all contacts",
        "other contacts",
        "contacts",
    }
)
#: Google's "System Group: My Contacts" and "Imported on 3/14/24" are groups no one chose either.
_DEFAULT_GROUP = re.compile(r"^(system group:|imported on )", re.IGNORECASE)
_NOT_PEOPLE = {"group", "org", "location"}


@dataclass
class Card:
    """One card, ready to import; ``problem`` says why it cannot be, if so."""

    number: int
    line: int
    #: name, email, phone, company, title, linkedin_url, website_url; "" when absent.
    details: dict[str, str]
    note: str = ""
    tags: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: What the card holds that a contact has no field for ("address", "birthday"), each once.
    not_kept: list[str] = field(default_factory=list)
    problem: str | None = None
    #: The card's UID ("" when none): what identifies the person across imports.
    uid: str = ""
    #: Written by our own export (its PRODID).
    ours: bool = False
    #: Our own export's NOTE, read back into its parts (``own_cards``); None for others'.
    own: own_cards.OwnNote | None = None
    #: The further emails, phones and web addresses, as the note's last paragraph.
    extras: str = ""
    #: Every email and phone of the card, preferred first, with its TYPE labels ("work,pref").
    points: list[tuple[str, str, str]] = field(default_factory=list)
    #: What the card says, in no language: the note's extra lines are in the reader's, and
    #: importing the same card must not depend on who imports it.
    content: list = field(default_factory=list, repr=False)

    @property
    def label(self) -> str:
        """What the report calls the person."""
        return self.details["name"] or self.details["email"] or self.details["phone"]

    def digest(self) -> str:
        """Same content, same digest: what makes importing the same card twice harmless."""
        content = json.dumps([self.details, self.content, self.tags], sort_keys=True)
        return hashlib.sha256(content.encode()).hexdigest()


def read(
    data: bytes, max_cards: int, max_properties: int = Defaults.VCARD_IMPORT_MAX_PROPERTIES
) -> list[Card]:
    """Every card of the file, in order; raise VCardFileError when the file is unreadable."""
    return [_card(raw) for raw in split_cards(data, max_cards, max_properties)]


def _card(raw: RawCard) -> Card:
    try:
        components = list(vobject.readComponents(raw.text()))
    except Exception as error:  # vobject raises many kinds on damaged input
        raise VCardFileError(_unreadable(raw)) from error
    if len(components) != 1:
        raise VCardFileError(_unreadable(raw))
    return _fields(raw, components[0].contents)


def _unreadable(raw: RawCard) -> str:
    """Name the first line vobject cannot parse on its own, else the card."""
    for number, line in raw.lines:
        try:
            vobject.base.textLineToContentLine(line, number)
        except Exception:  # noqa: BLE001 (any failure marks the line)
            return _(
                "Line %(line)d of card %(card)d could not be read.", line=number, card=raw.number
            )
    return _(
        "Card %(card)d (from line %(line)d) could not be read.", card=raw.number, line=raw.line
    )


# Mapping ------------------------------------------------------------------------------------


def _types(line) -> set[str]:
    """TYPE values however written: TYPE=a,b; type=a;type=b; or bare (vCard 2.1: TEL;CELL)."""
    values = [v for value in line.params.get("TYPE", []) for v in value.split(",")]
    return {v.strip().upper() for v in values + list(line.singletonparams)}


def _labels(line) -> str:
    """The TYPE labels as a contact point keeps them; PREF=n marks the preferred one too."""
    labels = sorted(t.lower() for t in _types(line) - {"INTERNET", "VOICE"} if t)
    if _preference(line) == 1 and "pref" not in labels:
        labels.append("pref")
    return ",".join(labels)[:60]


def _preference(line) -> int:
    """1 for the preferred value, 100 for the others (vCard 4.0 PREF=1 … 100)."""
    for value in line.params.get("PREF", []):
        if value.strip().isdigit():
            return max(1, min(int(value), 100))
    return 1 if "PREF" in _types(line) else 101


def _value(line) -> str:
    value = line.value
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v)
    return value.strip() if isinstance(value, str) else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _part(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if v)
    return str(value or "")


def _fields(raw: RawCard, contents: dict) -> Card:
    card = Card(raw.number, raw.line, dict.fromkeys(DETAIL_LIMITS, ""))
    card.not_kept = list(raw.not_kept)
    if raw.unsure_charset:
        card.warnings.append(
            _(
                "The card does not say which character set its text is in; it was read as "
                "%(charset)s. Check that the name reads right.",
                charset=label(raw.unsure_charset),
            )
        )
    kind = _value(contents["kind"][0]).lower() if contents.get("kind") else ""

    card.uid = identity.usable(_value(contents["uid"][0])) if contents.get("uid") else ""
    card.ours = bool(contents.get("prodid")) and own_cards.is_ours(_value(contents["prodid"][0]))
    fn = next((line for line in contents.get("fn", []) if _value(line)), None)
    name = _one_line(_value(fn)) if fn is not None else ""
    written = [_value(line).removeprefix("mailto:") for line in contents.get("email", [])]
    written += [_value(line).removeprefix("tel:") for line in contents.get("tel", [])]
    marked = fn is not None and own_cards.FN_PLACEHOLDER in fn.params
    if marked:  # the mark names the detail FN repeats: an address too, then
        written += [_value(line) for line in contents.get("url", [])]
    if own_cards.placeholder_name(name, card.ours or marked, written, _company(contents)):
        name = ""  # a stand-in for a missing name: N says whether there is one
    if not name and contents.get("n"):
        n = contents["n"][0].value
        if isinstance(n, vobject.vcard.Name):
            parts = (n.prefix, n.given, n.additional, n.family, n.suffix)
            name = _one_line(" ".join(_part(p) for p in parts))
    card.details["name"] = _cut(card, "name", name, _("name"))
    if contents.get("org"):
        org = contents["org"][0].value
        if isinstance(org, list) and any(_part(unit).strip() for unit in org[1:]):
            card.not_kept.append(_("department"))
        card.details["company"] = _cut(card, "company", _company(contents), _("company"))
    if contents.get("title"):
        title = _one_line(_value(contents["title"][0]))
        card.details["title"] = _cut(card, "title", title, _("job title"))

    emails = _emails(card, contents.get("email", []))
    phones = _phones(card, contents.get("tel", []))
    # Apple's social profiles: only those that are web addresses (LinkedIn's are).
    social = [line for line in contents.get("x-socialprofile", []) if _is_web(_value(line))]
    others = _urls(card, contents.get("url", []) + social)
    card.details["email"] = emails[0] if emails else ""
    card.details["phone"] = phones[0] if phones else ""
    extras = []
    if len(emails) > 1:
        extras.append(_("Other email addresses on the card: %(list)s", list=", ".join(emails[1:])))
    if len(phones) > 1:
        extras.append(_("Other phone numbers on the card: %(list)s", list=", ".join(phones[1:])))
    if others:
        extras.append(_("Other web addresses on the card: %(list)s", list=", ".join(others)))
    notes = [_value(line) for line in contents.get("note", [])]
    if card.ours and len(notes) == 1:
        card.own = own_cards.read_note(notes[0])
    card.extras = "\n".join(extras)
    card.content = [notes, emails, phones, others]
    note = "\n\n".join([n for n in notes if n] + ["\n".join(extras)] * bool(extras))
    if len(note) > items.MAX_NOTE:
        note = note[: items.MAX_NOTE]
        card.warnings.append(_("The note was cut to %(limit)d characters.", limit=items.MAX_NOTE))
    card.note = note
    card.tags = _tags(card, contents.get("categories", []))
    card.warnings += [
        _(
            "Control characters (such as NUL) were removed from line %(line)d (%(property)s).",
            line=line,
            property=name,
        )
        for line, name in raw.cleaned
    ]

    if kind in _NOT_PEOPLE:
        card.problem = _("This card is a group, an organization or a place, not a person.")
    elif not (card.details["name"] or card.details["email"] or card.details["phone"]):
        card.problem = _("The card has no name, email address or phone number.")
    return card


def _company(contents: dict) -> str:
    if not contents.get("org"):
        return ""
    org = contents["org"][0].value
    return _one_line(_part(org[0] if isinstance(org, list) and org else org))


def _cut(card: Card, key: str, value: str, label: str) -> str:
    limit = DETAIL_LIMITS[key]
    if len(value) > limit:
        card.warnings.append(
            _("The %(field)s was cut to %(limit)d characters.", field=label, limit=limit)
        )
        return value[:limit].rstrip()
    return value


def _emails(card: Card, lines: list) -> list[str]:
    """Valid addresses, preferred first, each once; invalid ones are warned about."""
    ordered = sorted(enumerate(lines), key=lambda pair: (_preference(pair[1]), pair[0]))
    found: dict[str, None] = {}  # ordered, and a repeat is found at once
    for _index, line in ordered:
        value = _value(line)
        if value.lower().startswith("mailto:"):
            value = value[7:]
        if not value:
            continue
        try:
            email = validate_email(value, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            card.warnings.append(
                _("“%(value)s” is not a valid email address and was left out.", value=value[:80])
            )
            continue
        if email not in found:
            card.points.append(("email", email, _labels(line)))
        found.setdefault(email)
    return list(found)


_PHONE_KIND = {"CELL": 0, "MOBILE": 0, "IPHONE": 0, "FAX": 2, "PAGER": 2}


def _phones(card: Card, lines: list) -> list[str]:
    """Numbers, preferred first, then mobiles, then the rest; fax and pager last."""

    def rank(pair):
        index, line = pair
        kind = min((_PHONE_KIND.get(t, 1) for t in _types(line)), default=1)
        return (_preference(line), kind, index)

    found: dict[str, None] = {}  # ordered, and a repeat is found at once
    for _index, line in sorted(enumerate(lines), key=rank):
        value = _one_line(_value(line))
        if value.lower().startswith("tel:"):  # vCard 4.0: TEL;VALUE=uri:tel:+49-170-…;ext=1
            number, *params = value[4:].split(";")
            ext = next((p[4:] for p in params if p.lower().startswith("ext=") and p[4:]), "")
            value = f"{number} ext. {ext}" if ext else number
        if not value:
            continue
        if len(value) > DETAIL_LIMITS["phone"]:
            card.warnings.append(
                _(
                    "A phone number longer than %(limit)d characters was left out.",
                    limit=DETAIL_LIMITS["phone"],
                )
            )
            continue
        if value not in found:
            card.points.append(("phone", value, _labels(line)))
        found.setdefault(value)
    return list(found)


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _is_web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _urls(card: Card, lines: list) -> list[str]:
    """Fill LinkedIn and website; return the other web addresses for the note."""
    others: dict[str, None] = {}  # ordered, and a repeat is found at once
    for line in sorted(lines, key=_preference):
        url = _value(line)
        if not url:
            continue
        if not _is_web(url):
            if _SCHEME.match(url) or " " in url:
                card.warnings.append(
                    _("“%(value)s” is not a web address and was left out.", value=url[:80])
                )
                continue
            url = "https://" + url
        if len(url) > DETAIL_LIMITS["website_url"]:
            card.warnings.append(
                _(
                    "A web address longer than %(limit)d characters was left out.",
                    limit=DETAIL_LIMITS["website_url"],
                )
            )
            continue
        # The scanner's rule (capture.cards): a link to linkedin.com is the LinkedIn profile.
        key = "linkedin_url" if "linkedin.com/" in url.lower() else "website_url"
        if not card.details[key]:
            card.details[key] = url
        elif url != card.details[key]:
            others.setdefault(url)
    return list(others)


def _default_group(name: str) -> bool:
    name = " ".join(name.split()).casefold().removeprefix("* ")  # Google's "* starred"
    return name in DEFAULT_GROUPS or bool(_DEFAULT_GROUP.match(name))


def _tags(card: Card, lines: list) -> list[str]:
    names: list[str] = []
    for line in lines:
        values = line.value if isinstance(line.value, list) else [line.value]
        names += [str(v) for v in values if not _default_group(str(v))]
    tags = items.clean_tags(names)
    if any(len(tag) > items.MAX_TAG for tag in tags):
        card.warnings.append(_("Categories were cut to %(limit)d characters.", limit=items.MAX_TAG))
        tags = items.clean_tags([tag[: items.MAX_TAG] for tag in tags])
    if len(tags) > items.MAX_TAGS:
        card.warnings.append(
            _(
                "Only the first %(limit)d of %(count)d categories were kept.",
                limit=items.MAX_TAGS,
                count=len(tags),
            )
        )
        tags = tags[: items.MAX_TAGS]
    return tags
