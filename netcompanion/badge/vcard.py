"""The public card as a vCard: what "Save contact" on a badge page downloads."""

from __future__ import annotations

import io

import vobject
from flask import Response, send_file

from .. import filenames
from ..attendee.models import Attendee
from ..names import split_name


def public_card(attendee: Attendee, note: str = "") -> str:
    """vCard 3.0 with what the attendee shows publicly: name, company, title, chosen links."""
    card = vobject.vCard()
    card.add("fn").value = attendee.name
    given, family = split_name(attendee.name)
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    if attendee.company:
        card.add("org").value = [attendee.company]
    if attendee.title:
        card.add("title").value = attendee.title
    for show, url in (
        (attendee.show_linkedin, attendee.linkedin_url),
        (attendee.show_website, attendee.website_url),
    ):
        if show and url:
            card.add("url").value = url
    if note:
        card.add("note").value = note
    return card.serialize()


def download(card: str, name: str) -> Response:
    """A vCard as a file download named after the contact; private, never cached stale."""
    response = send_file(
        io.BytesIO(card.encode()),
        mimetype="text/vcard",
        as_attachment=True,
        download_name=filenames.download_name(name, "contact") + ".vcf",
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response
