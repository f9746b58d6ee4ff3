"""Every edit form, shown and posted back untouched, changes no row.

Edit pages are found from the app's URL map: every path that answers GET and POST, and every
POST endpoint named ``update``/``edit``. Each must say how to build its page (``ROUND_TRIPS``)
or why it is no edit form (``NOT_EDITS``), so an edit page added later fails here first.
"""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from netcompanion.attendee import service as attendees
from netcompanion.capture import editing, questions
from netcompanion.capture.forms import interest_names
from netcompanion.capture.models import Capture, CaptureSource, Contact, QuestionKind, Rating
from netcompanion.dbtypes import utcnow
from netcompanion.event import service as events
from netcompanion.extensions import db
from netcompanion.followup import entries
from netcompanion.followup import service as followups
from netcompanion.outreach.models import MessageTemplate
from netcompanion.webhook import service as hooks
from netcompanion.webhook.models import Topic
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


class FormReader(HTMLParser):
    """The forms of a page, with what a browser sends for each when saved untouched.

    That is every enabled field with its pre-filled value, plus the form's first submit
    button, the one pressing Enter or the page's main button clicks.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select = self._option = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            method = (a.get("method") or "get").lower()
            self.forms.append({"action": a.get("action"), "method": method, "fields": []})
            self._pressed = False
            return
        if not self.forms or "disabled" in a:
            return
        fields = self.forms[-1]["fields"]
        kind = a.get("type", "submit" if tag == "button" else "text")
        if tag in ("input", "button") and kind == "submit":
            if not self._pressed and a.get("name"):
                fields.append((a["name"], a.get("value", "")))
            self._pressed = True
        elif tag == "input" and a.get("name"):
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("button", "file", "reset", "image"):
                fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = {"name": a.get("name"), "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            # An option without a value sends its text.
            self._option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
            self._select["options"].append(self._option)
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        elif self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and options and not self._select["multiple"]:
                chosen = options[:1]
            for option in chosen if self._select["name"] else ():
                value = option["value"]
                value = " ".join(option["text"].split()) if value is None else value
                self.forms[-1]["fields"].append((self._select["name"], value))
            self._select = self._option = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # As a browser does: the newline right after <textarea> is markup, not text, and
            # the text is sent with every line break as CRLF.
            text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\n")
            text = text.replace("\n", "\r\n")
            self.forms[-1]["fields"].append((name, text))
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
    editing.update(capture, _details(), Rating.HOT.value, "", INTERESTS, {})
    db.session.commit()
    return f"/captures/{capture.public_id}"


def _event(owner, event) -> str:
    return f"/events/{event.public_id}/edit"


def _profile(owner, event) -> str:
    owner.signature = "Best,\nZoë 🦊\nمع التحية"
    db.session.commit()
    return "/account/profile"


def _attendee(owner, event) -> str:
    attendee = _registered(owner, event)
    return f"/events/{event.public_id}/attendees/{attendee.public_id}"


def _details() -> dict:
    """A person's details as the forms store them: trimmed at the ends."""
    details = {key: value.strip() for key, value in PEOPLE.items()}
    details.update(
        email="zoe.nunez@exämple.com",
        linkedin_url="https://www.linkedin.com/in/zoë-ångström",
        website_url="https://zoë.example/عربي?a=1;b=2",
    )
    return details


def _registered(owner, event):
    ev = events.access(owner.organization_id, event.public_id)
    attendee = attendees.add(owner, ev, _details())
    db.session.commit()
    return attendee


def _badge(owner, event) -> str:
    attendee = _registered(owner, event)
    attendee.consent_share_contact = True
    attendee.show_linkedin = True
    key = attendees.new_access_key(attendee)
    db.session.commit()
    return f"/me/{key}"


def _question(owner, event) -> str:
    ev = events.access(owner.organization_id, event.public_id)
    options = ["Go, Rust", "C++; C#", "البيانات", "Ünïcode 🚀"]
    question = questions.add_question(
        owner, ev, QuestionKind.MULTIPLE, "Was suchen Sie? מה אתם מחפשים? 🔎", options
    )
    db.session.commit()
    return f"/events/{event.public_id}/questions/{question.public_id}"


def _booth(owner, event) -> str:
    ev = events.access(owner.organization_id, event.public_id)
    events.update_booth(ev.booth, "Ñandú — קבוצת Backend 🦊", "Hall 2, Stand A; الطابق 1")
    db.session.commit()
    return f"/events/{event.public_id}/booth"


def _contact(owner, event) -> str:
    _capture(owner, event)
    contact = db.session.scalars(select(Contact)).one()
    for key, value in _details().items():
        setattr(contact, key, value)
    db.session.commit()
    return f"/contacts/{contact.public_id}"


def _list(owner, event) -> str:
    typed = " Für Leute,\nمهندسون\n  who said “later” \n"
    # Stored as the new-list form stores it: trimmed at the ends, lines kept as typed.
    lst = followups.create_list(owner, "Backend, nurture; 2030 🚀", typed.strip())
    db.session.commit()
    return f"/lists/{lst.public_id}/edit"


def _rules(owner, event) -> str:
    ticked = followups.create_list(owner, "Café leads ☕")
    followups.create_list(owner, "רשימה, שנייה")
    entries.set_rules(owner, event.id, [ticked], {ticked.id})
    db.session.commit()
    return f"/events/{event.public_id}/follow-up"


def _template(owner, event) -> str:
    template = MessageTemplate(
        organization_id=owner.organization_id,
        name="Merci, شكرا 🙏",
        subject="Hello {{ contact.first_name }}; schön, dich zu treffen",
        body="Hi {{ contact.first_name }},\n\nשמחתי לפגוש אותך 🦊\n  Zoë\n",
        created_by_id=owner.id,
    )
    db.session.add(template)
    db.session.commit()
    return f"/templates/{template.public_id}/edit"


def _webhook(owner, event) -> str:
    current_app.config["WEBHOOK_ALLOW_PRIVATE_HOSTS"] = True  # a loopback address, no lookup
    details = hooks.Details(
        "https://127.0.0.1:8443/hooks/netcompanion?zoë=1;x=2",
        "Zapier → CRM, שלב 2 🚀",
        [Topic.CAPTURE_CREATED.value, Topic.CONTACT_UPDATED.value],
    )
    endpoint = hooks.create(owner, details)
    db.session.commit()
    return f"/settings/webhooks/{endpoint.public_id}"


#: Edit endpoint → how to make the page that carries its form: returns the page's path.
ROUND_TRIPS = {
    "capture.detail": _capture,
    "event.edit": _event,
    "profile.edit": _profile,
    "attendee.show": _attendee,
    "badge.mine": _badge,
    "questions.edit": _question,
    "event.booth": _booth,
    "contact.update": _contact,
    "followup.edit": _list,
    "followup.rules": _rules,
    "outreach.edit_template": _template,
    "webhooks.update": _webhook,
}


def test_every_edit_form_has_a_round_trip(app):
    unknown = edit_endpoints(app) - set(ROUND_TRIPS) - set(NOT_EDITS)
    assert not unknown, f"edit forms without a round trip in ROUND_TRIPS: {sorted(unknown)}"


#: Forms that edit pages carry for something other than editing: buttons for an action, or
#: forms that add a row. Posting one does something by design, so none is posted here.
ACTIONS = {
    "account.logout": "signs out",
    "attendee.delete": "removes the attendee",
    "attendee.reissue": "issues a new badge",
    "attendee.send_badge": "mails the badge link",
    "capture.add_note": "adds a note",
    "capture.delete": "deletes the capture",
    "contact.erase": "erases the contact",
    "contact.log_touch": "logs a touch",
    "contact.record_consent": "records a consent",
    "contact.set_do_not_contact": "marks the contact do-not-contact",
    "profile.calendar_key": "issues a new calendar link",
    "webhooks.delete": "deletes the endpoint",
    "webhooks.pause": "pauses the endpoint",
    "webhooks.roll_secret": "rolls the signing secret",
    "webhooks.send_test": "sends a test event",
}

#: Forms that edit from every page, with no page of their own: posted back untouched as well.
PAGE_EDITS = {"i18n.switch": "the language menu, showing the language in use"}


def edit_forms(app, page: str, html: str) -> dict[str, list[dict]]:
    """The page's forms that edit, by endpoint, each with the path it posts to.

    A form posting to an endpoint that is neither an edit nor a known action fails the test:
    an edit form added to an existing page needs no page of its own to be found.
    """
    adapter = app.url_map.bind("netcompanion.test")
    edits = edit_endpoints(app) | set(PAGE_EDITS)
    found = defaultdict(list)
    for form in forms_of(html):
        if form["method"] != "post":
            continue
        path = urlsplit(form["action"] or page).path or page
        try:
            endpoint, _ = adapter.match(path, method="POST")
        except HTTPException:
            pytest.fail(f"{page} has a form posting to {path}, which takes no POST")
        if endpoint in edits:
            found[endpoint].append({**form, "path": path})
        else:
            assert endpoint in ACTIONS, f"{page}: is the form posting to {endpoint} an edit?"
    return found


@pytest.mark.parametrize("endpoint", sorted(ROUND_TRIPS))
def test_posting_an_edit_form_back_untouched_changes_nothing(
    app, client, make_company, make_event, endpoint
):
    owner = make_company(name="Ñandú Recruiting ✨")
    event = make_event(
        owner,
        name="Café Conf 2030 ☕",
        venue="Tel Aviv, תל אביב; hall 2",
        description="Stand A; Halle 2\n\n  — قاعة المؤتمرات, 2nd floor 🚀",
    )
    page = ROUND_TRIPS[endpoint](owner, event)
    login(client, owner)
    shown = client.get(page)
    assert shown.status_code == 200
    found = edit_forms(app, page, shown.get_data(as_text=True))
    assert endpoint in found, f"{page} shows no form posting to {endpoint}"
    # Every edit form the page carries, not only the one it is listed for.
    for form in [form for forms in found.values() for form in forms]:
        before = snapshot()
        response = client.post(form["path"], data=MultiDict(form["fields"]))
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
        assert snapshot() == before, f"posting {form['path']} from {page} untouched changed rows"


def test_capture_page_shows_the_real_interests(client, make_company, make_event):
    owner = make_company()
    path = _capture(owner, make_event(owner))
    login(client, owner)
    html = client.get(path).get_data(as_text=True)
    (tags,) = [v for f in forms_of(html) for k, v in f["fields"] if k == "tags"]
    assert "CaptureTag" not in html
    assert sorted(interest_names(tags)) == sorted(INTERESTS)
    assert '"Go, Rust"' in tags, "a comma inside an interest is quoted"
