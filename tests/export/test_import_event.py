"""Importing a .vcf into an event's captures: preview, import, per-card report, no duplicates."""

from __future__ import annotations

from sqlalchemy import select

from netcompanion.capture.models import Capture, CaptureSource, Contact, Note
from netcompanion.contact.models import MatchReason, MatchSuggestion
from netcompanion.extensions import db
from netcompanion.followup import service as followups
from netcompanion.followup.models import EventListRule, ListEntry
from netcompanion.job import runner
from tests.export.import_helpers import (
    card,
    confirm,
    event_url,
    exhibitor_fixture,  # noqa: F401 (the exhibitor fixture)
    exported,
    outcomes,
    row_counts,
    upload,
    vcf,
)


def captures(event) -> list[Capture]:
    db.session.expire_all()
    query = select(Capture).where(Capture.event_id == event.id).order_by(Capture.id)
    return list(db.session.scalars(query))


def existing_contact(user, **details) -> Contact:
    contact = Contact(organization_id=user.organization_id, **details)
    db.session.add(contact)
    db.session.commit()
    return contact


def test_the_preview_writes_nothing_and_the_import_captures_each_card(client, exhibitor):
    recruiter, event = exhibitor
    before = row_counts()
    preview = upload(client, event_url(event), exported("iphone.vcf"))
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Check the cards" in page and "Chidi Okafor" in page and "佐藤 由紀" in page
    assert outcomes(preview) == {1: "new", 2: "new"}
    assert row_counts() == before
    assert len(list(runner.jobs_dir().glob("vcards-*"))) == 1  # waiting for the confirmation

    report = confirm(client, preview)
    assert not list(runner.jobs_dir().glob("vcards-*"))  # imported: not kept
    assert report.status_code == 200
    assert "Import finished" in report.get_data(as_text=True)
    assert "2 people added to the captures at Berlin Tech Careers Fair." in report.get_data(
        as_text=True
    )
    assert outcomes(report) == {1: "new", 2: "new"}
    chidi, yuki = captures(event)
    assert chidi.source is CaptureSource.VCARD
    assert chidi.captured_by_id == recruiter.id
    assert (chidi.name, chidi.email, chidi.phone) == (
        "Chidi Okafor",
        "chidi@lumen.example",
        "+1 (415) 555-0142",
    )
    assert chidi.linkedin_url == "https://www.linkedin.com/in/chidi-okafor"
    assert chidi.tag_names == ["Kotlin", "Remote"]
    (note,) = chidi.notes
    assert note.author_id == recruiter.id
    assert note.body.startswith("Met at the Kotlin meetup, wants remote work.\nFollow up in May.")
    assert chidi.contact.email == "chidi@lumen.example"
    assert yuki.contact.name == "佐藤 由紀"


def test_each_exporters_file_imports(client, exhibitor):
    recruiter, event = exhibitor
    for name, expected in [
        ("android.vcf", {1: "new", 2: "new", 3: "skipped"}),
        ("google.vcf", {1: "new", 2: "new"}),
        ("outlook.vcf", {1: "new"}),
        ("crm.vcf", {1: "new", 2: "skipped"}),
    ]:
        report = confirm(client, upload(client, event_url(event), exported(name)))
        assert outcomes(report) == expected, name
    names = {capture.name for capture in captures(event)}
    assert names == {
        "Ayşe Öztürk",
        "Kowalski, Jan",
        "Lena Fischer",
        "Marco Rossi",
        "Jürgen Müller",
        "Priya Raman",
    }
    text = report.get_data(as_text=True)
    assert "Skipped: This card is a group, an organization or a place, not a person." in text


def test_cards_are_matched_to_existing_contacts_by_email_phone_and_linkedin(client, exhibitor):
    recruiter, event = exhibitor
    by_email = existing_contact(recruiter, name="Ada L.", email="ada@example.com")
    by_phone = existing_contact(recruiter, name="Bob", phone="+49 (170) 555 0101")
    by_profile = existing_contact(
        recruiter, name="Cy", linkedin_url="linkedin.com/in/cy-young?trk=share"
    )
    data = vcf(
        card("Ada Lovelace", "EMAIL:ADA@example.com"),
        card("Bob Builder", "TEL;VALUE=uri:tel:+49-170-5550101", version="4.0"),
        card("Cy Young", "URL:https://de.linkedin.com/in/Cy-Young/"),
        card("Dee New", "EMAIL:dee@example.com"),
    )
    preview = upload(client, event_url(event), data)
    assert outcomes(preview) == {1: "matched", 2: "matched", 3: "matched", 4: "new"}
    assert 'Existing contact <span class="muted">(Same email)</span>' in preview.get_data(
        as_text=True
    )
    report = confirm(client, preview)
    assert outcomes(report) == {1: "matched", 2: "matched", 3: "matched", 4: "new"}
    ada, bob, cy, dee = captures(event)
    assert (ada.contact_id, bob.contact_id, cy.contact_id) == (
        by_email.id,
        by_phone.id,
        by_profile.id,
    )
    assert dee.contact_id not in (by_email.id, by_phone.id, by_profile.id)
    # The link goes to the contact the card was matched to.
    assert f"/contacts/{by_email.public_id}" in report.get_data(as_text=True)


def test_a_doubtful_match_becomes_a_suggestion_to_review(client, exhibitor):
    recruiter, event = exhibitor
    shared_line = existing_contact(
        recruiter, name="Office", email="office@example.com", phone="+49 30 5550000"
    )
    data = vcf(card("Eve", "EMAIL:eve@example.com", "TEL:+49 30 555 0000"))
    preview = upload(client, event_url(event), data)
    assert outcomes(preview) == {1: "new"}
    assert "Possible duplicate" in preview.get_data(as_text=True)
    report = confirm(client, preview)
    assert "Review possible duplicates" in report.get_data(as_text=True)
    (eve,) = captures(event)
    assert eve.contact_id != shared_line.id
    suggestion = db.session.scalars(select(MatchSuggestion)).one()
    assert {suggestion.contact_id, suggestion.other_id} == {eve.contact_id, shared_line.id}
    assert suggestion.reason is MatchReason.PHONE


def test_uploading_the_same_file_again_adds_nobody(client, exhibitor):
    recruiter, event = exhibitor
    data = exported("google.vcf")
    confirm(client, upload(client, event_url(event), data))
    counts = row_counts()
    again = upload(client, event_url(event), data)
    assert outcomes(again) == {1: "already_imported", 2: "already_imported"}
    assert "Nothing to import" in again.get_data(as_text=True)
    # Even sent again as it was (an old preview's button), nothing is recorded twice.
    report = confirm(client, upload(client, event_url(event), data + card("New Person").encode()))
    assert outcomes(report) == {1: "already_imported", 2: "already_imported", 3: "new"}
    assert len(captures(event)) == 3
    after = row_counts()
    assert after["capture"] == counts["capture"] + 1
    assert after["note"] == counts["note"]


def test_a_later_export_with_other_metadata_is_still_the_same_card(client, exhibitor):
    recruiter, event = exhibitor
    first = card("Ada", "EMAIL:ada@example.com", "REV:20240101T000000Z", "PRODID:-//A//EN")
    later = card("Ada", "EMAIL:ada@example.com", "REV:20240901T000000Z", "UID:abc")
    confirm(client, upload(client, event_url(event), first.encode()))
    report = confirm(client, upload(client, event_url(event), vcf(later, card("Bob"))))
    assert outcomes(report) == {1: "already_imported", 2: "new"}


def test_reloading_the_report_imports_nothing_twice(client, exhibitor):
    recruiter, event = exhibitor
    preview = upload(client, event_url(event), exported("crm.vcf"))
    confirm(client, preview)
    counts = row_counts()
    again = confirm(client, preview)  # the browser re-sends the confirmation
    assert again.status_code == 302
    follow = client.get(again.headers["Location"])
    assert "This upload is no longer waiting" in follow.get_data(as_text=True)
    assert row_counts() == counts


def test_the_same_person_twice_in_a_file_is_one_capture(client, exhibitor):
    recruiter, event = exhibitor
    data = vcf(
        card("Ada Lovelace", "EMAIL:ada@example.com", "NOTE:First card"),
        card("Ada Lovelace", "EMAIL:ada@example.com", "NOTE:First card"),  # the very same
        card("Ada L.", "EMAIL:ada@example.com", "TITLE:Analyst", "NOTE:Second card"),
    )
    preview = upload(client, event_url(event), data)
    assert outcomes(preview) == {1: "new", 2: "same_card", 3: "same_person"}
    report = confirm(client, preview)
    assert outcomes(report) == {1: "new", 2: "same_card", 3: "same_person"}
    assert "Same person as card 1" in report.get_data(as_text=True)
    (ada,) = captures(event)
    assert ada.title == "Analyst"  # the second card filled the gap
    assert sorted(note.body for note in ada.notes) == ["First card", "Second card"]


def test_a_card_of_someone_already_captured_at_the_event_is_added_to_that_capture(
    client, exhibitor
):
    recruiter, event = exhibitor
    confirm(client, upload(client, event_url(event), card("Ada", "EMAIL:ada@example.com").encode()))
    data = card("Ada Lovelace", "EMAIL:ada@example.com", "TEL:+44 20 7946 0001").encode()
    preview = upload(client, event_url(event), data)
    assert outcomes(preview) == {1: "merged"}
    report = confirm(client, preview)
    assert outcomes(report) == {1: "merged"}
    (ada,) = captures(event)
    assert ada.phone == "+44 20 7946 0001" and ada.name == "Ada"


def test_the_events_follow_up_rules_take_imported_captures(client, exhibitor):
    recruiter, event = exhibitor
    lst = followups.create_list(recruiter, "Fair leads")
    db.session.add(
        EventListRule(organization_id=recruiter.organization_id, event_id=event.id, list_id=lst.id)
    )
    db.session.commit()
    confirm(client, upload(client, event_url(event), exported("google.vcf")))
    entries = db.session.scalars(select(ListEntry).where(ListEntry.list_id == lst.id)).all()
    assert len(entries) == 2
    assert {entry.owner_id for entry in entries} == {recruiter.id}


def test_more_cards_than_one_batch_are_imported_in_chunks(client, exhibitor):
    recruiter, event = exhibitor
    data = vcf(*(card(f"Person {i}", f"EMAIL:person{i}@example.com") for i in range(620)))
    report = confirm(client, upload(client, event_url(event), data))
    assert set(outcomes(report).values()) == {"new"}
    assert len(outcomes(report)) == 620
    assert len(captures(event)) == 620
    notes = db.session.scalars(select(Note)).all()
    assert notes == []


def test_commas_semicolons_and_backslashes_survive_the_import(client, exhibitor):
    recruiter, event = exhibitor
    data = card(
        "Zoë d'Arcy\\; PhD\\, \\\\ Jr",
        "ORG:Acme\\, Inc. \\; EU;Sales",
        "TITLE:Head of R&D\\, Backend",
        "URL:https://example.org/a,b;c?x=1",
        "EMAIL:zoe@example.org",
    ).encode()
    confirm(client, upload(client, event_url(event), data))
    (zoe,) = captures(event)
    assert zoe.name == "Zoë d'Arcy; PhD, \\ Jr"
    assert zoe.company == "Acme, Inc. ; EU"
    assert zoe.title == "Head of R&D, Backend"
    assert zoe.website_url == "https://example.org/a,b;c?x=1"
