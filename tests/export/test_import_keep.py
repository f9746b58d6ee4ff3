"""A card of someone the company knows: every email and phone kept, differing details proposed."""

from __future__ import annotations

from sqlalchemy import select

from netcompanion.capture.models import Capture, Contact
from netcompanion.contact.models import ContactNote, ContactPoint
from netcompanion.extensions import db
from netcompanion.followup import service as followups
from tests.export.import_helpers import (
    card,
    confirm,
    event_url,
    exhibitor_fixture,  # noqa: F401 (the exhibitor fixture)
    list_url,
    outcomes,
    row_counts,
    upload,
    vcf,
)

OLD = card("Ada", "EMAIL:ada@example.com", "TEL:+49 111 111111", "ORG:OldCo", "TITLE:Analyst")
NEW = card("Ada", "EMAIL:ada@example.com", "TEL:+49 222 222222", "ORG:NewCo", "TITLE:Lead")


def points_of(contact) -> list[tuple[str, str, str]]:
    db.session.expire_all()
    query = select(ContactPoint).where(ContactPoint.contact_id == contact.id)
    return sorted((str(p.kind), p.value, p.label) for p in db.session.scalars(query))


def notes_of(contact) -> list[str]:
    query = select(ContactNote.body).where(ContactNote.contact_id == contact.id)
    return list(db.session.scalars(query))


def only_contact(user) -> Contact:
    db.session.expire_all()
    query = select(Contact).where(Contact.organization_id == user.organization_id)
    return db.session.scalars(query).one()


def test_a_second_card_at_the_event_keeps_the_new_phone_and_proposes_the_company(client, exhibitor):
    recruiter, event = exhibitor
    confirm(client, upload(client, event_url(event), OLD.encode()))
    preview = upload(client, event_url(event), NEW.encode())
    assert outcomes(preview) == {1: "merged"}
    page = preview.get_data(as_text=True)
    assert "Will add: phone +49 222 222222 added" in page
    assert "company NewCo not applied: differs from OldCo" in page
    assert "Added to this person" not in page

    report = confirm(client, preview).get_data(as_text=True)
    assert "Kept: company OldCo kept; title Analyst kept" in report
    assert "Added: phone +49 222 222222 added" in report
    assert "title Lead not applied: differs from Analyst" in report
    ada = only_contact(recruiter)
    assert (ada.phone, ada.company, ada.title) == ("+49 111 111111", "OldCo", "Analyst")
    assert points_of(ada) == [("phone", "+49 222 222222", "")]
    (note,) = notes_of(ada)
    assert "gives company NewCo, title Lead (kept: OldCo, Analyst)" in note
    (capture,) = db.session.scalars(select(Capture).where(Capture.event_id == event.id))
    assert capture.company == "OldCo"

    # The same file again has nothing to add, and says so.
    before = row_counts()
    again = upload(client, event_url(event), NEW.encode())
    assert outcomes(again) == {1: "already_imported"}
    assert "Nothing to import" in again.get_data(as_text=True)
    assert row_counts() == before


def test_an_iphone_cards_preferred_number_is_kept_beside_the_contacts_own(client, exhibitor):
    recruiter, event = exhibitor
    ada = Contact(
        organization_id=recruiter.organization_id, name="Ada", email="ada@example.com",
        phone="+49 170 1111111",
    )  # fmt: skip
    db.session.add(ada)
    db.session.commit()
    iphone = card(
        "Ada Lovelace",
        "item1.EMAIL;type=INTERNET;type=HOME;type=pref:ada@example.com",
        "item2.EMAIL;type=INTERNET;type=WORK:ada@work.example",
        "TEL;type=IPHONE;type=CELL;type=VOICE:+49 170 1111111",
        "TEL;type=CELL;type=VOICE;type=pref:+49 171 2222222",
        "TEL;type=WORK;type=VOICE:+49 30 333333",
    )
    report = confirm(client, upload(client, event_url(event), iphone.encode()))
    assert outcomes(report) == {1: "matched"}
    text = report.get_data(as_text=True)
    assert "phone +49 171 2222222 (preferred on the card) added" in text
    assert "the contact&#39;s +49 170 1111111 stays first" in text
    db.session.refresh(ada)
    assert ada.phone == "+49 170 1111111"
    assert points_of(ada) == [
        ("email", "ada@work.example", "work"),
        ("phone", "+49 171 2222222", "cell,pref"),
        ("phone", "+49 30 333333", "work"),
    ]


def test_a_new_contacts_further_emails_and_phones_are_kept(client, exhibitor):
    recruiter, event = exhibitor
    data = card("Ada", "EMAIL:ada@example.com", "EMAIL;TYPE=WORK:ada@work.example",
                "TEL;TYPE=CELL:+49 170 1111111", "TEL;TYPE=WORK:+49 30 333333")  # fmt: skip
    report = confirm(client, upload(client, event_url(event), data.encode()))
    assert outcomes(report) == {1: "new"}
    ada = only_contact(recruiter)
    assert (ada.email, ada.phone) == ("ada@example.com", "+49 170 1111111")
    assert points_of(ada) == [
        ("email", "ada@work.example", "work"),
        ("phone", "+49 30 333333", "work"),
    ]


def test_a_later_card_with_a_further_number_finds_the_contact(client, exhibitor):
    recruiter, event = exhibitor
    confirm(client, upload(client, event_url(event), vcf(OLD)))
    confirm(client, upload(client, event_url(event), vcf(NEW)))
    lst = followups.create_list(recruiter, "Leads")
    db.session.commit()
    later = card("A. Lovelace", "TEL:+49 222 222222")
    report = confirm(client, upload(client, list_url(lst), later.encode()))
    assert outcomes(report) == {1: "matched"}
    assert only_contact(recruiter).name == "Ada"


def test_the_contact_page_and_its_vcard_show_every_email_and_phone(client, exhibitor):
    recruiter, event = exhibitor
    confirm(client, upload(client, event_url(event), vcf(OLD)))
    confirm(client, upload(client, event_url(event), vcf(NEW)))
    ada = only_contact(recruiter)
    page = client.get(f"/contacts/{ada.public_id}").get_data(as_text=True)
    assert "+49 222 222222" in page and "+49 111 111111" in page
    assert "gives company NewCo, title Lead (kept: OldCo, Analyst)" in page
    data = client.get(f"/contacts/{ada.public_id}/export.vcf").data
    assert b"TEL;TYPE=VOICE:+49 111 111111\r\nTEL:+49 222 222222\r\n" in data


LISTED = card(
    "Grace Hopper",
    "EMAIL;TYPE=WORK:grace@navy.example",
    "EMAIL;TYPE=HOME:grace@home.example",
    "NOTE:Met at the COBOL meetup\\, wants a remote role",
    "CATEGORIES:Backend,Mentor",
    "URL:https://grace.example",
    "URL:https://blog.grace.example",
)


def test_a_list_import_keeps_the_cards_note_categories_and_second_email(
    client, make_company, login_as
):
    owner = make_company("Acme Talent")
    login_as(owner)
    lst = followups.create_list(owner, "Leads")
    db.session.commit()
    preview = upload(client, list_url(lst), LISTED.encode())
    page = preview.get_data(as_text=True)
    assert "Will add: email grace@home.example added" in page
    assert "categories Backend, Mentor added to the contact&#39;s notes" in page
    report = confirm(client, preview)
    assert outcomes(report) == {1: "new"}
    grace = only_contact(owner)
    assert grace.email == "grace@navy.example"
    assert points_of(grace) == [("email", "grace@home.example", "home")]
    (note,) = notes_of(grace)
    assert note == (
        "Met at the COBOL meetup, wants a remote role\n\n"
        "Categories on the card: Backend, Mentor\n\n"
        "Other web addresses on the card: https://blog.grace.example"
    )

    # Importing the card again adds nothing twice.
    before = row_counts()
    again = upload(client, list_url(lst), LISTED.encode())
    assert outcomes(again) == {1: "already_in_list"}
    assert "Will add" not in again.get_data(as_text=True)
    assert row_counts() == before


def test_a_list_import_into_a_known_contact_proposes_the_differing_company(
    client, make_company, login_as
):
    owner = make_company("Acme Talent")
    login_as(owner)
    lst = followups.create_list(owner, "Leads")
    ada = Contact(organization_id=owner.organization_id, name="Ada", email="ada@example.com",
                  phone="+49 111 111111", company="OldCo")  # fmt: skip
    db.session.add(ada)
    db.session.commit()
    report = confirm(client, upload(client, list_url(lst), NEW.encode()))
    assert outcomes(report) == {1: "matched"}
    text = report.get_data(as_text=True)
    assert "company NewCo not applied: differs from OldCo" in text
    assert "Added to the contact: Job title" in text  # a gap is filled, as before
    assert "Added: phone +49 222 222222 added" in text
    db.session.refresh(ada)
    assert (ada.company, ada.title) == ("OldCo", "Lead")
    assert points_of(ada) == [("phone", "+49 222 222222", "")]
    (note,) = notes_of(ada)
    assert "gives company NewCo (kept: OldCo)" in note


def test_our_own_cards_note_is_not_repeated_on_a_contact_it_came_from(client, exhibitor):
    recruiter, event = exhibitor
    confirm(client, upload(client, event_url(event), vcf(LISTED)))
    grace = only_contact(recruiter)
    own = client.get(f"/contacts/{grace.public_id}/export.vcf").data
    assert b"NOTE:" in own
    lst = followups.create_list(recruiter, "Leads")
    db.session.commit()
    report = confirm(client, upload(client, list_url(lst), own))
    assert outcomes(report) == {1: "matched"}
    assert "The note and categories of our own export" in report.get_data(as_text=True)
    assert notes_of(grace) == []
