"""Contact cards scanned from QR codes: vCard (2.1, 3.0, 4.0) and MECARD.

Business cards and phones' "share contact" screens show one of these. Only what a capture
keeps is read: name, email, phone, company, title and web links.
"""

from __future__ import annotations

import re

import vobject

#: Bigger than any contact card a QR code can hold (a version-40 QR holds under 3 KB).
MAX_CARD_CHARS = 8000


class CardError(ValueError):
    """Not a contact card we can read; the message says why."""


def is_card(text: str) -> bool:
    head = text.lstrip()[:12].upper()
    return head.startswith("BEGIN:VCARD") or head.startswith("MECARD:")


def parse(text: str) -> dict[str, str]:
    """Return the contact's fields (name, email, phone, company, title, linkedin_url,
    website_url), each "" when absent."""
    if len(text) > MAX_CARD_CHARS:
        raise CardError("too long for a contact card")
    stripped = text.strip()
    if stripped[:7].upper() == "MECARD:":
        fields = _mecard(stripped[7:])
    elif stripped[:11].upper() == "BEGIN:VCARD":
        fields = _vcard(stripped)
    else:
        raise CardError("not a vCard or MECARD")
    if not fields["name"] and not fields["email"] and not fields["phone"]:
        raise CardError("the card has no name, email or phone")
    return fields


def _empty() -> dict[str, str]:
    return dict.fromkeys(
        ("name", "email", "phone", "company", "title", "linkedin_url", "website_url"), ""
    )


def _add_url(fields: dict[str, str], url: str) -> None:
    url = url.strip()
    if not url:
        return
    key = "linkedin_url" if "linkedin.com/" in url.lower() else "website_url"
    if not fields[key]:
        fields[key] = url


def _vcard(text: str) -> dict[str, str]:
    try:
        card = vobject.readOne(text, ignoreUnreadable=True)
    except Exception as error:  # vobject raises many kinds on damaged input
        raise CardError("the vCard could not be read") from error
    if card.name != "VCARD":
        raise CardError("not a vCard")
    fields = _empty()
    contents = card.contents

    def first(key: str) -> str:
        values = contents.get(key) or []
        value = values[0].value if values else ""
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if v)
        return str(value).strip()

    fields["name"] = first("fn")
    if not fields["name"] and contents.get("n"):
        name = contents["n"][0].value
        fields["name"] = " ".join(
            p for p in (name.prefix, name.given, name.additional, name.family, name.suffix) if p
        ).strip()
    fields["email"] = first("email")
    fields["phone"] = first("tel")
    if contents.get("org"):
        org = contents["org"][0].value
        fields["company"] = (org[0] if isinstance(org, list) and org else str(org)).strip()
    fields["title"] = first("title")
    for url in contents.get("url", []):
        _add_url(fields, str(url.value))
    return fields


_MECARD_FIELD = re.compile(r"((?:[^;\\]|\\.)*);")


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def _mecard(body: str) -> dict[str, str]:
    fields = _empty()
    if not body.endswith(";"):
        body += ";"
    for raw in _MECARD_FIELD.findall(body):
        key, sep, value = raw.partition(":")
        if not sep:
            continue
        key, value = key.strip().upper(), _unescape(value).strip()
        if key == "N" and not fields["name"]:
            family, comma, given = value.partition(",")
            fields["name"] = f"{given.strip()} {family.strip()}".strip() if comma else value
        elif key == "EMAIL" and not fields["email"]:
            fields["email"] = value
        elif key == "TEL" and not fields["phone"]:
            fields["phone"] = value
        elif key == "ORG" and not fields["company"]:
            fields["company"] = value
        elif key == "TITLE" and not fields["title"]:
            fields["title"] = value
        elif key == "URL":
            _add_url(fields, value)
    return fields
