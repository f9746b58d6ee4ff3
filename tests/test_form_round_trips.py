"""Every edit form, shown and posted back untouched, changes no row.

Edit pages are found from the app's URL map: every path that answers GET and POST, and every
POST endpoint named ``update``/``edit``. Each must say how to build its page (``ROUND_TRIPS``)
or why it is no edit form (``NOT_EDITS``), so an edit page added later fails here first.
"""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from netcompanion.capture import editing
from netcompanion.capture.models import Capture, CaptureSource, Contact, Rating
from netcompanion.dbtypes import utcnow
from netcompanion.extensions import db
from tests.conftest import login

#: What people type: accents, emoji, right-to-left text, commas and semicolons, spaces.
PEOPLE = {
    "name": "  Zoë Ångström-Núñez 🦊 ",
    "company": "شركة النور; Ltd.",
    "title": "מהנדסת  Backend, senior",
    "phone": " +49 30 1234 5678 ",
}
INTERESTS = ["Go, Rust", "C++; C#", "البيانات", 'O"Reilly', "Ünïcode 🚀", "Backend"]

#: Pages with GET and POST that create things, sign in or upload: nothing pre-filled to keep.
NOT_EDITS = {
    "account.signup": "creates an account",
    "account.login": "signs in",
    "account.change_password": "password fields are never pre-filled",
    "account.accept_invitation": "creates the member",
    "attendee.create": "creates an attendee",
    "attendee.register": "public self-registration creates an attendee",
    "attendee_import.upload": "uploads a file",
    "booth.form": "the public booth form creates a capture",
    "printing.badges": "asks for a print job",
    "event.create": "creates an event",
    "event.join": "joins an event by code",
    "contact.merge": "merges two contacts, an action",
    "followup.create": "creates a list",
    "outreach.new_template": "creates a template",
    "outreach.compose": "writes a message, an action",
    "api_tokens.create": "creates a token",
    "vcard_import.event_upload": "uploads a file",
    "vcard_import.list_upload": "uploads a file",
    "webhooks.create": "creates an endpoint",
}

#: Edit pages whose round trip is not written yet.
PENDING = {
    "attendee.show",
    "badge.mine",
    "questions.edit",
    "event.booth",
    "contact.update",
    "followup.edit",
    "followup.rules",
    "outreach.edit_template",
    "webhooks.update",
}


class FormReader(HTMLParser):
    """The forms of a page, with what a browser would send for each untouched."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select = self._textarea = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action"), "fields": []})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name") and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "reset"):
                fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = {"name": a.get("name"), "multiple": "multiple" in a, "chosen": []}
            self._first = None
        elif tag == "option" and self._select is not None:
            self._option = a.get("value")
            if self._first is None:
                self._first = a.get("value")
            if "selected" in a:
                self._select["chosen"].append(a.get("value"))
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            chosen = self._select["chosen"] or ([] if self._select["multiple"] else [self._first])
            for value in chosen:
                self.forms[-1]["fields"].append((self._select["name"], value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.forms[-1]["fields"].append(tuple(self._textarea))
            self._textarea = None


def forms_of(html: str) -> list[dict]:
    reader = FormReader()
    reader.feed(html)
    return reader.forms


def edit_endpoints(app) -> set[str]:
    by_path = defaultdict(set)
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            by_path[rule.rule].add((method, rule.endpoint))
    found = set()
    for pairs in by_path.values():
        methods = {m for m, _ in pairs}
        for method, endpoint in pairs:
            named = endpoint.rsplit(".", 1)[-1] in ("update", "edit")
            if method == "POST" and ({"GET", "POST"} <= methods or named):
                found.add(endpoint)
    return found


def snapshot() -> dict:
    """Every row of every table, as plain values.

    Nothing is ignored: an untouched save must not even bump ``updated_at``, so
    integrations and sync clients hear only of real edits.
    """
    return {
        table.name: sorted(
            (tuple(map(repr, row)) for row in db.session.execute(select(table))), key=repr
        )
        for table in db.metadata.sorted_tables
    }


def _capture(owner, event) -> str:
    org_id = owner.organization_id
    capture = Capture(
        organization_id=org_id,
        event=event,
        contact=Contact(organization_id=org_id, name="x"),
        source=CaptureSource.WALK_IN,
        captured_at=utcnow(),
    )
    db.session.add(capture)
    db.session.flush()
    details = {key: value.strip() for key, value in PEOPLE.items()}
    editing.update(capture, details, Rating.HOT.value, "", INTERESTS, {})
    db.session.commit()
    return f"/captures/{capture.public_id}"


def _event(owner, event) -> str:
    return f"/events/{event.public_id}/edit"


def _profile(owner, event) -> str:
    owner.signature = "Best,\nZoë 🦊\nمع التحية"
    db.session.commit()
    return "/account/profile"


#: Edit endpoint → how to make its page: returns the page's path.
ROUND_TRIPS = {
    "capture.detail": _capture,
    "event.edit": _event,
    "profile.edit": _profile,
}


def test_every_edit_form_has_a_round_trip(app):
    unknown = edit_endpoints(app) - set(ROUND_TRIPS) - set(NOT_EDITS) - PENDING
    assert not unknown, f"edit forms without a round trip in ROUND_TRIPS: {sorted(unknown)}"


@pytest.mark.parametrize("endpoint", sorted(ROUND_TRIPS))
def test_posting_an_edit_form_back_untouched_changes_nothing(
    client, make_company, make_event, endpoint
):
    owner = make_company(name="Ñandú Recruiting ✨")
    event = make_event(owner, name="Café Conf 2030 ☕", venue="Tel Aviv, תל אביב; hall 2")
    path = ROUND_TRIPS[endpoint](owner, event)
    login(client, owner)
    page = client.get(path)
    assert page.status_code == 200
    forms = [f for f in forms_of(page.get_data(as_text=True)) if f["action"] in (None, "", path)]
    assert forms, f"no form posting to {path}"
    for form in forms:
        before = snapshot()
        response = client.post(path, data=_multidict(form["fields"]))
        assert response.status_code in (200, 302, 303), response.get_data(as_text=True)[:500]
        assert snapshot() == before, f"posting {path} back untouched changed rows"


def _multidict(fields):
    from werkzeug.datastructures import MultiDict

    return MultiDict(fields)


def test_capture_page_shows_the_real_interests(client, make_company, make_event):
    owner = make_company()
    path = _capture(owner, make_event(owner))
    login(client, owner)
    html = client.get(path).get_data(as_text=True)
    (tags,) = [v for f in forms_of(html) for k, v in f["fields"] if k == "tags"]
    assert "CaptureTag" not in html
    assert tags == 'Backend, "Go, Rust", "C++; C#", "O""Reilly", Ünïcode 🚀, البيانات' or (
        "CaptureTag" not in tags and '"Go, Rust"' in tags
    )
