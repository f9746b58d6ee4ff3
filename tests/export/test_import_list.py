"""Importing a .vcf into a follow-up list: matched or new contacts, each in the list once."""

from __future__ import annotations

from sqlalchemy import select

from netcompanion.capture.models import Contact
from netcompanion.contact.models import MatchSuggestion
from netcompanion.dbtypes import utcnow
from netcompanion.extensions import db
from netcompanion.followup import service as followups
from netcompanion.followup.models import ListEntry
from tests.export.import_helpers import (
    card,
    confirm,
    exported,
    list_url,
    outcomes,
    row_counts,
    upload,
    vcf,
)


def entries(lst) -> dict[int, ListEntry]:
    db.session.expire_all()
    query = select(ListEntry).where(ListEntry.list_id == lst.id)
    return {entry.contact_id: entry for entry in db.session.scalars(query)}


def test_list_import_matches_or_creates_contacts_and_adds_them(client, make_company, login_as):
    owner = make_company("Acme Talent")
    login_as(owner)
    lst = followups.create_list(owner, "Data people")
    by_email = Contact(
        organization_id=owner.organization_id, name="P. Raman", email="priya.raman@globex.example"
    )
    by_phone = Contact(organization_id=owner.organization_id, name="Lena", phone="+44 7700 900 123")
    db.session.add_all([by_email, by_phone])
    db.session.commit()
    followups.add_entries(lst, [followups.Candidate(by_phone.id)], owner.id)
    db.session.commit()
    before = row_counts()

    data = exported("crm.vcf") + exported("google.vcf")
    preview = upload(client, list_url(lst), data)
    assert outcomes(preview) == {1: "matched", 2: "skipped", 3: "already_in_list", 4: "new"}
    page = preview.get_data(as_text=True)
    assert "Will add to the contact: Company, Job title, Phone, LinkedIn URL, Website" in page
    assert row_counts() == before

    report = confirm(client, preview)
    assert outcomes(report) == {1: "matched", 2: "skipped", 3: "already_in_list", 4: "new"}
    assert "2 people added to the list Data people." in report.get_data(as_text=True)
    in_list = entries(lst)
    marco = db.session.scalars(
        select(Contact).where(Contact.email == "marco.rossi@example.it")
    ).one()
    assert set(in_list) == {by_email.id, by_phone.id, marco.id}
    added = in_list[by_email.id]
    assert added.added_by_id == owner.id and added.owner_id == owner.id
    assert added.stage_id == lst.stages[0].id
    # The card filled what the contact lacked and replaced nothing.
    db.session.refresh(by_email)
    assert by_email.name == "P. Raman"
    assert by_email.title == "Senior Data Scientist"
    assert by_email.linkedin_key == "in/priyaraman"
    # A new contact is made the way contacts are made elsewhere, with its match keys.
    assert marco.organization_id == owner.organization_id
    assert marco.last_met_at is not None
    assert marco.search_text.startswith("marco rossi")
    after = row_counts()
    assert after["contact"] == before["contact"] + 1
    assert after["list_entry"] == before["list_entry"] + 2


def test_list_import_again_reports_everyone_already_in_the_list(client, make_company, login_as):
    owner = make_company()
    login_as(owner)
    lst = followups.create_list(owner, "Leads")
    data = exported("iphone.vcf")
    confirm(client, upload(client, list_url(lst), data))
    counts = row_counts()
    again = upload(client, list_url(lst), data)
    assert outcomes(again) == {1: "already_in_list", 2: "already_in_list"}
    assert "Nothing to import: every card is already there or skipped." in again.get_data(
        as_text=True
    )
    assert row_counts() == counts


def test_the_same_person_twice_in_a_file_joins_once(client, make_company, login_as):
    owner = make_company()
    login_as(owner)
    lst = followups.create_list(owner, "Leads")
    data = vcf(
        card("Ada", "EMAIL:ada@example.com", "TEL:+44 20 7946 0001"),
        card("Ada Lovelace", "URL:linkedin.com/in/ada"),
        card("Ada L.", "URL:https://www.linkedin.com/in/ADA/", "EMAIL:ada@example.com"),
        # A shared office line, but another email: another person.
        card("Office", "EMAIL:office@example.com", "TEL:+44 20 7946 0001"),
    )
    report = confirm(client, upload(client, list_url(lst), data))
    assert outcomes(report) == {1: "new", 2: "new", 3: "same_person", 4: "new"}
    assert "Same person as card 1" in report.get_data(as_text=True)
    contacts = db.session.scalars(select(Contact).order_by(Contact.id)).all()
    assert [c.name for c in contacts] == ["Ada", "Ada Lovelace", "Office"]
    assert len(entries(lst)) == 3


def test_a_doubtful_match_in_a_list_import_is_offered_for_review(client, make_company, login_as):
    owner = make_company()
    login_as(owner)
    lst = followups.create_list(owner, "Leads")
    office = Contact(
        organization_id=owner.organization_id, email="office@example.com", phone="+49 30 5550000"
    )
    db.session.add(office)
    db.session.commit()
    report = confirm(
        client,
        upload(
            client, list_url(lst), card("Eve", "EMAIL:eve@example.com", "TEL:+49305550000").encode()
        ),
    )
    assert outcomes(report) == {1: "new"}
    eve = db.session.scalars(select(Contact).where(Contact.email == "eve@example.com")).one()
    suggestion = db.session.scalars(select(MatchSuggestion)).one()
    assert (suggestion.contact_id, suggestion.other_id) == (eve.id, office.id)


def test_an_archived_list_takes_no_import(client, make_company, login_as):
    owner = make_company()
    login_as(owner)
    lst = followups.create_list(owner, "Old leads")
    lst.archived_at = utcnow()
    db.session.commit()
    page = client.get(list_url(lst))
    assert page.status_code == 200
    assert "This list is archived. Unarchive it to add people." in page.get_data(as_text=True)
    counts = row_counts()
    response = upload(client, list_url(lst), exported("google.vcf"))
    assert response.status_code == 409
    assert row_counts() == counts


def test_the_list_page_links_to_the_import(client, make_company, login_as):
    owner = make_company()
    login_as(owner)
    lst = followups.create_list(owner, "Leads")
    db.session.commit()
    page = client.get(f"/lists/{lst.public_id}").get_data(as_text=True)
    assert f'href="{list_url(lst)}"' in page
