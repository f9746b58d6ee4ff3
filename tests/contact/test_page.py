"""One contact's page: timeline, notes, lists, touches, consent, details and "do not contact"."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from netcompanion.capture.models import Contact, EventQuestion, QuestionKind
from netcompanion.contact.models import Touch, TouchKind
from netcompanion.extensions import db
from netcompanion.followup import service as followups
from netcompanion.followup.models import ListEntry

from .conftest import T0, meet


def _url(contact) -> str:
    return f"/contacts/{contact.public_id}"


def _touches() -> int:
    return db.session.scalar(select(func.count()).select_from(Touch))


def test_page_shows_encounters_notes_lists_touches_and_consent(
    booth, make_event, make_member, make_contact, login_as, client
):
    owner, fair = booth
    meetup = make_event(owner, name="Rust Meetup", timezone="America/New_York")
    colleague = make_member(owner, name="Carla Colleague")
    question = EventQuestion(
        organization_id=owner.organization_id,
        event_id=fair.id,
        kind=QuestionKind.SINGLE,
        prompt="Preferred work mode?",
        options=["Remote", "Office"],
    )
    db.session.add(question)
    db.session.commit()
    contact = make_contact(
        owner,
        name="Grace Hopper",
        email="grace@example.org",
        met=[
            meet(
                fair,
                rating="hot",
                availability="3_months",
                tags=["Compilers"],
                answers={question.public_id: "Remote"},
                notes=["Loves COBOL"],
            ),
            meet(meetup, at=T0 + timedelta(days=40), notes=["Asked about Rust"], by=colleague),
        ],
    )
    lst = followups.create_list(owner, "Language nerds")
    followups.add_entries(lst, followups.candidates_for_contacts([contact.id]), owner.id)
    followups.log_touch(colleague, contact, TouchKind.CALL, body="Talked about the team")
    contact.consent_text, contact.consent_at = "Happy to hear about roles", T0
    contact.consent_by_id = owner.id
    db.session.commit()
    login_as(owner)
    html = client.get(_url(contact)).get_data(as_text=True)
    for shown in (
        "Berlin Tech Careers Fair",
        "Rust Meetup",
        "Carla Colleague",
        "Open in about 3 months",
        "Compilers",
        "Preferred work mode?",
        "Remote",
        "Loves COBOL",
        "Asked about Rust",
        "Call",
        "Talked about the team",
        "Language nerds",
        "New",  # the stage
        "Happy to hear about roles",
        f"/contacts/{contact.public_id}/message",
    ):
        assert shown in html, shown
    # The touch (now) comes before the meetup, which comes before the fair.
    assert html.index("Talked about the team") < html.index("Asked about Rust")
    assert html.index("Asked about Rust") < html.index("Loves COBOL")
    entry = db.session.scalars(select(ListEntry)).one()
    assert f'action="/entries/{entry.public_id}?next=' in html
    for action in ("snooze", "next_stage", "pause", "close"):
        assert f'name="action" value="{action}"' in html


def test_another_companys_contact_is_not_found(booth, make_company, make_contact, login_as, client):
    owner, fair = booth
    theirs = make_contact(make_company(), name="Not Yours", met=[])
    login_as(owner)
    base = _url(theirs)
    assert client.get(base).status_code == 404
    for path, data in (
        ("/details", {"name": "Hijacked"}),
        ("/touches", {"kind": "call"}),
        ("/consent", {"text": "x"}),
        ("/do-not-contact", {"reason": "x"}),
        ("/do-not-contact/lift", {"confirm": "y"}),
        ("/lists", {"list": "x"}),
    ):
        assert client.submit(base + path, data).status_code == 404, path
    assert client.get(base + "/merge").status_code == 404
    db.session.expire_all()
    assert db.session.get(Contact, theirs.id).name == "Not Yours"
    assert _touches() == 0


def test_edit_details_and_bad_input_is_shown_again(booth, make_contact, login_as, client):
    owner, fair = booth
    contact = make_contact(owner, name="Ada", met=[meet(fair)])
    login_as(owner)
    bad = client.submit(
        _url(contact) + "/details",
        {
            "name": "Ada Lovelace",
            "email": "not-an-email",
            "linkedin_url": "nope",
            "phone": "1" * 51,
        },
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'value="Ada Lovelace"' in html and "Enter a valid email address." in html
    assert db.session.get(Contact, contact.id).name == "Ada"
    good = client.submit(
        _url(contact) + "/details",
        {
            "name": " Ada Lovelace ",
            "email": "ADA@Example.org",
            "company": "Analytical Engines",
            "title": "Programmer",
            "phone": "+44 20 7946 0000",
            "linkedin_url": "https://www.linkedin.com/in/Ada-L/",
        },
    )
    assert good.status_code == 302
    saved = db.session.get(Contact, contact.id)
    assert (saved.name, saved.email, saved.company) == (
        "Ada Lovelace",
        "ada@example.org",
        "Analytical Engines",
    )
    assert saved.linkedin_key == "in/ada-l" and "analytical" in saved.search_text


def test_logging_a_touch_moves_the_next_due_date(booth, make_contact, login_as, client):
    owner, fair = booth
    contact = make_contact(owner, name="Linus", met=[meet(fair, at=T0)])
    lst = followups.create_list(owner, "Kernel people")
    followups.add_entries(lst, followups.candidates_for_contacts([contact.id]), owner.id)
    db.session.commit()
    entry = db.session.scalars(select(ListEntry)).one()
    assert entry.next_due_on == (T0 + timedelta(days=2)).date()  # the thank-you step
    login_as(owner)
    response = client.submit(
        _url(contact) + "/touches", {"kind": "email", "body": "Thanks for stopping by"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == _url(contact)
    touch = db.session.scalars(select(Touch)).one()
    assert (touch.kind, touch.body, touch.by_id) == (
        TouchKind.EMAIL,
        "Thanks for stopping by",
        owner.id,
    )
    entry = db.session.get(ListEntry, entry.id)
    # Step two (check-in, 30 days in) now falls 28 days after the touch.
    assert entry.next_due_on == touch.happened_at.date() + timedelta(days=28)
    assert entry.last_touch_at == touch.happened_at


def test_a_touch_on_a_past_day_and_a_safe_next(booth, make_contact, login_as, client):
    owner, fair = booth
    contact = make_contact(owner, name="Linus")
    login_as(owner)
    day = date.today() - timedelta(days=3)
    response = client.submit(
        _url(contact) + "/touches?next=/today", {"kind": "meeting", "happened_on": day.isoformat()}
    )
    assert response.headers["Location"] == "/today"
    assert db.session.scalars(select(Touch)).one().happened_at.date() == day
    elsewhere = client.submit(
        _url(contact) + "/touches?next=https://evil.example/", {"kind": "reply"}
    )
    assert elsewhere.headers["Location"] == _url(contact)


def test_bad_touches_are_refused_with_the_input_kept(booth, make_contact, login_as, client):
    owner, fair = booth
    contact = make_contact(owner, name="Linus")
    login_as(owner)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    for data, message in (
        ({"kind": "call", "happened_on": tomorrow, "body": "Keep me"}, "future date"),
        ({"kind": "call", "body": "x" * 5001}, "At most 5000 characters."),
        ({"kind": "telepathy", "body": "Keep me"}, "Not a valid choice"),
        ({"kind": "call", "happened_on": "yesterday"}, "Not a valid date value."),
    ):
        response = client.submit(_url(contact) + "/touches", data)
        assert response.status_code == 422, data
        html = response.get_data(as_text=True)
        assert message in html, data
        if data.get("body") == "Keep me":
            assert "Keep me" in html
    assert _touches() == 0


def test_do_not_contact_is_set_with_a_reason_and_lifted_with_confirmation(
    booth, make_contact, login_as, client
):
    owner, fair = booth
    contact = make_contact(owner, name="Private Person")
    login_as(owner)
    url = _url(contact)
    assert client.submit(url + "/do-not-contact", {"reason": " "}).status_code == 422
    assert not db.session.get(Contact, contact.id).do_not_contact
    assert client.submit(url + "/do-not-contact", {"reason": "Asked by email"}).status_code == 302
    marked = db.session.get(Contact, contact.id)
    assert marked.do_not_contact and marked.do_not_contact_reason == "Asked by email"
    assert marked.do_not_contact_by_id == owner.id
    html = client.get(url).get_data(as_text=True)
    assert "Do not contact since" in html and "Asked by email" in html
    unconfirmed = client.submit(url + "/do-not-contact/lift", {})
    assert unconfirmed.status_code == 422 and "Tick the box to confirm." in unconfirmed.get_data(
        as_text=True
    )
    assert db.session.get(Contact, contact.id).do_not_contact
    assert client.submit(url + "/do-not-contact/lift", {"confirm": "y"}).status_code == 302
    lifted = db.session.get(Contact, contact.id)
    assert not lifted.do_not_contact and lifted.do_not_contact_reason == ""


def test_consent_is_recorded_in_the_persons_words(booth, make_contact, login_as, client):
    owner, fair = booth
    contact = make_contact(owner, name="Willing Person")
    login_as(owner)
    url = _url(contact)
    assert "No consent on record" in client.get(url).get_data(as_text=True)
    assert client.submit(url + "/consent", {"text": ""}).status_code == 422
    assert db.session.get(Contact, contact.id).consent_at is None
    said = "Happy to hear about backend roles by email"
    assert client.submit(url + "/consent", {"text": said}).status_code == 302
    recorded = db.session.get(Contact, contact.id)
    assert (recorded.consent_text, recorded.consent_by_id) == (said, owner.id)
    assert recorded.consent_at is not None
    html = client.get(url).get_data(as_text=True)
    assert said in html and "Recorded by Owner" in html


def test_add_to_a_list_from_the_contact(booth, make_contact, login_as, client):
    owner, fair = booth
    contact = make_contact(owner, name="Pooled Person", met=[meet(fair, availability="now")])
    pool = followups.create_list(owner, "Pool")
    old = followups.create_list(owner, "Old pool")
    old.archived_at = T0
    db.session.commit()
    login_as(owner)
    url = _url(contact)
    html = client.get(url).get_data(as_text=True)
    assert f'value="{pool.public_id}"' in html and f'value="{old.public_id}"' not in html
    assert client.submit(url + "/lists", {"list": old.public_id}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ListEntry)) == 0
    assert client.submit(url + "/lists", {"list": pool.public_id}).status_code == 302
    entry = db.session.scalars(select(ListEntry)).one()
    assert (entry.list_id, entry.contact_id, entry.owner_id) == (pool.id, contact.id, owner.id)
    # Met "open now": the revisit is the day they were met.
    assert entry.revisit_on == T0.date()
    again = client.submit(url + "/lists", {"list": pool.public_id}, follow_redirects=True)
    assert "Choose one of your lists" in again.get_data(as_text=True)


def test_a_contact_seen_with_the_scanner_has_a_page(fair_with_api, client):
    api, event, exhibitor, item = fair_with_api
    created = api.batch([item(event, contact={"name": "Scanned Person"}, note="Met at the bar")])
    assert created.status_code == 200, created.json
    contact = db.session.scalars(select(Contact)).one()
    assert "Scanned Person" in client.get("/contacts").get_data(as_text=True)
    html = client.get(_url(contact)).get_data(as_text=True)
    assert "Met at the bar" in html and "Berlin Tech Careers Fair" in html


def test_the_page_reads_the_same_number_of_queries_however_long_the_history(
    booth, make_event, make_contact, login_as, client, count_queries
):
    owner, fair = booth
    pool = followups.create_list(owner, "Pool")
    other = followups.create_list(owner, "Other pool")
    db.session.commit()

    def person(name: str, encounters: int):
        events = [make_event(owner, name=f"{name} event {i}") for i in range(encounters)]
        contact = make_contact(
            owner,
            name=name,
            met=[meet(ev, tags=["Backend", "Go"], notes=["One", "Two"]) for ev in events],
        )
        for lst in (pool, other)[: min(encounters, 2)]:
            followups.add_entries(lst, followups.candidates_for_contacts([contact.id]), owner.id)
        for _ in range(encounters):
            followups.log_touch(owner, contact, TouchKind.CALL, body="Hello")
        db.session.commit()
        return contact

    short, long = person("Short History", 1), person("Long History", 8)
    login_as(owner)
    few = count_queries(lambda: client.get(_url(short)))
    many = count_queries(lambda: client.get(_url(long)))
    assert client.get(_url(long)).get_data(as_text=True).count("Long History event") == 8
    assert many == few, (few, many)


def test_a_touch_dated_before_1970_is_refused(booth, make_contact, login_as, client):
    owner, fair = booth
    contact = make_contact(owner, name="Linus")
    login_as(owner)
    response = client.submit(
        _url(contact) + "/touches", {"kind": "call", "happened_on": "0001-01-01"}
    )
    assert response.status_code == 422 and "1970 or later" in response.get_data(as_text=True)
    assert _touches() == 0
