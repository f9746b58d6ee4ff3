"""Merging two contacts and undoing it: what moves, what is kept, and the refusals."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from netcompanion.capture.models import Capture, Contact
from netcompanion.contact import matching, merging, points
from netcompanion.contact.models import (
    ContactMerge,
    ContactNote,
    ContactPoint,
    MatchReason,
    MatchSuggestion,
    Touch,
    TouchKind,
)
from netcompanion.exceptions import Rejected
from netcompanion.extensions import db
from netcompanion.followup import service as followups
from netcompanion.followup.models import EntryState, ListEntry

from .conftest import T0, captures_of, meet

#: Columns that change on every write: not part of "the same as before".
VOLATILE = {"updated_at"}
TABLES = ("contact", "capture", "note", "touch", "list_entry", "match_suggestion")


def snapshot() -> dict:
    """Every row of the contact tables, as plain values."""
    db.session.expire_all()
    out = {}
    for name in TABLES:
        table = db.metadata.tables[name]
        columns = [c for c in table.c if c.name not in VOLATILE]
        rows = db.session.execute(select(*columns).order_by(*table.primary_key.columns))
        out[name] = [tuple(row) for row in rows]
    return out


def _suggest(owner, newer, older, reason=MatchReason.EMAIL) -> MatchSuggestion:
    suggestion = MatchSuggestion(
        organization_id=owner.organization_id, contact_id=newer.id, other_id=older.id, reason=reason
    )
    db.session.add(suggestion)
    db.session.commit()
    return suggestion


@pytest.fixture
def pair(booth, make_event, make_member, make_contact):
    """Two contacts of one person, each with encounters, touches and list places."""
    owner, fair = booth
    meetup = make_event(owner, name="Rust Meetup")
    colleague = make_member(owner, name="Carla Colleague")
    survivor = make_contact(
        owner,
        name="Grace Hopper",
        company="",
        phone="",
        met=[meet(fair, at=T0, rating="warm", notes=["Navy"])],
    )
    merged = make_contact(
        owner,
        name="G. Hopper",
        email="grace@example.org",
        company="US Navy",
        phone="+1 202 555 0100",
        met=[
            meet(meetup, at=T0 + timedelta(days=30), rating="hot", notes=["COBOL"], by=colleague),
            meet(fair, at=T0 - timedelta(days=400)),
        ],
    )
    merged.do_not_contact_at, merged.do_not_contact_reason = T0, "Asked at the meetup"
    merged.do_not_contact_by_id = colleague.id
    merged.consent_text, merged.consent_at, merged.consent_by_id = "Email is fine", T0, colleague.id
    both = followups.create_list(owner, "Both are here")
    only_merged = followups.create_list(owner, "Only the duplicate")
    paused = followups.create_list(owner, "Paused duplicate")
    for lst in (both, paused):
        followups.add_entries(lst, followups.candidates_for_contacts([survivor.id]), owner.id)
    for lst in (both, only_merged, paused):
        followups.add_entries(lst, followups.candidates_for_contacts([merged.id]), owner.id)
    paused_entry = db.session.scalars(
        select(ListEntry).where(ListEntry.list_id == paused.id, ListEntry.contact_id == merged.id)
    ).one()
    followups.pause(paused_entry)
    followups.log_touch(owner, survivor, TouchKind.CALL, body="Survivor's call")
    followups.log_touch(colleague, merged, TouchKind.EMAIL, body="Duplicate's email")
    db.session.commit()
    return owner, colleague, survivor, merged, {"both": both, "only": only_merged, "paused": paused}


def test_merge_moves_everything_and_undo_restores_exactly(pair):
    owner, colleague, survivor, merged, lists = pair
    suggestion = _suggest(owner, merged, survivor)
    moved_captures = captures_of(merged)
    before = snapshot()

    record = merging.merge(owner, survivor, merged)
    db.session.commit()
    db.session.expire_all()
    survivor, merged = db.session.get(Contact, survivor.id), db.session.get(Contact, merged.id)

    assert merged.merged_into_id == survivor.id
    assert captures_of(survivor) == sorted(captures_of(survivor))
    assert set(moved_captures) <= set(captures_of(survivor)) and captures_of(merged) == []
    touches = db.session.scalars(select(Touch).order_by(Touch.id)).all()
    assert [t.contact_id for t in touches] == [survivor.id, survivor.id]
    entries = {(e.list_id, e.contact_id): e for e in db.session.scalars(select(ListEntry)).all()}
    assert entries[(lists["only"].id, survivor.id)].state is EntryState.ACTIVE
    set_aside = [entries[(lists[k].id, merged.id)] for k in ("both", "paused")]
    assert all(e.state is EntryState.MERGED and e.next_due_on is None for e in set_aside)
    # Empty details are filled in, filled ones kept.
    assert (survivor.name, survivor.email, survivor.company, survivor.phone) == (
        "Grace Hopper",
        "grace@example.org",
        "US Navy",
        "+1 202 555 0100",
    )
    assert survivor.last_met_at == T0 + timedelta(days=30)
    assert survivor.do_not_contact and survivor.do_not_contact_reason == "Asked at the meetup"
    assert (survivor.consent_text, survivor.consent_by_id) == ("Email is fine", colleague.id)
    assert db.session.get(MatchSuggestion, suggestion.id).resolution == "merged"
    assert set(record.undo) >= {
        "fields",
        "captures",
        "touches",
        "entries_moved",
        "entries_set_aside",
    }
    assert record.undo["fields"]["email"] == "" and record.undo["captures"] == moved_captures

    merging.undo(owner, db.session.get(ContactMerge, record.id))
    db.session.commit()
    assert snapshot() == before
    undone = db.session.get(ContactMerge, record.id)
    assert undone.undone_at is not None and undone.undone_by_id == owner.id


def test_the_survivor_keeps_its_own_details_and_the_earliest_do_not_contact(booth, make_contact):
    owner, fair = booth
    survivor = make_contact(owner, name="Kept Name", email="kept@example.org")
    merged = make_contact(owner, name="Other Name", email="other@example.org", title="CTO")
    survivor.do_not_contact_at, survivor.do_not_contact_reason = T0, "First request"
    merged.do_not_contact_at, merged.do_not_contact_reason = T0 - timedelta(days=1), "Earlier"
    survivor.consent_text, survivor.consent_at = "Survivor's consent", T0
    merged.consent_text, merged.consent_at = "Other consent", T0
    db.session.commit()
    merging.merge(owner, survivor, merged)
    db.session.commit()
    kept = db.session.get(Contact, survivor.id)
    assert (kept.name, kept.email, kept.title) == ("Kept Name", "kept@example.org", "CTO")
    assert kept.do_not_contact_reason == "Earlier"
    assert kept.do_not_contact_at == T0 - timedelta(days=1)
    assert kept.consent_text == "Survivor's consent"


def test_refused_merges_say_why_and_write_nothing(booth, make_company, make_contact):
    owner, fair = booth
    one = make_contact(owner, name="One", met=[meet(fair)])
    two = make_contact(owner, name="Two", met=[meet(fair)])
    gone = make_contact(owner, name="Gone")
    gone.merged_into_id = two.id
    stranger = make_contact(make_company(), name="Stranger", met=[])
    db.session.commit()
    before = snapshot()
    for survivor, merged, message in (
        (one, one, "cannot be merged with itself"),
        (one, stranger, "Only contacts of your company"),
        (stranger, one, "Only contacts of your company"),
        (one, gone, "Gone was already merged"),
        (gone, one, "Gone was already merged"),
    ):
        with pytest.raises(Rejected, match=message):
            merging.merge(owner, survivor, merged)
        db.session.rollback()
    assert snapshot() == before
    assert db.session.scalars(select(ContactMerge)).all() == []


def test_merges_are_undone_newest_first(booth, make_contact):
    owner, fair = booth
    a = make_contact(owner, name="Person A", met=[meet(fair)])
    b = make_contact(owner, name="Person B", met=[meet(fair)])
    c = make_contact(owner, name="Person C", met=[meet(fair)])
    first = merging.merge(owner, a, b)
    second = merging.merge(owner, a, c)
    db.session.commit()
    with pytest.raises(Rejected, match="Undo the later merge of Person C"):
        merging.undo(owner, first)
    db.session.rollback()
    assert db.session.get(ContactMerge, first.id).undone_at is None
    merging.undo(owner, db.session.get(ContactMerge, second.id))
    merging.undo(owner, db.session.get(ContactMerge, first.id))
    db.session.commit()
    assert [len(captures_of(x)) for x in (a, b, c)] == [1, 1, 1]
    with pytest.raises(Rejected, match="already undone"):
        merging.undo(owner, db.session.get(ContactMerge, first.id))


def test_a_merge_into_a_contact_merged_since_waits_for_that_undo(booth, make_contact):
    owner, fair = booth
    a = make_contact(owner, name="Person A", met=[meet(fair)])
    b = make_contact(owner, name="Person B", met=[meet(fair)])
    c = make_contact(owner, name="Person C", met=[meet(fair)])
    inner = merging.merge(owner, a, b)
    outer = merging.merge(owner, c, a)
    db.session.commit()
    assert len(captures_of(c)) == 3
    with pytest.raises(Rejected, match="Person A was merged into another contact since"):
        merging.undo(owner, inner)
    db.session.rollback()
    merging.undo(owner, db.session.get(ContactMerge, outer.id))
    merging.undo(owner, db.session.get(ContactMerge, inner.id))
    db.session.commit()
    assert [len(captures_of(x)) for x in (a, b, c)] == [1, 1, 1]


def test_undo_keeps_what_changed_after_the_merge(booth, make_contact):
    owner, fair = booth
    survivor = make_contact(owner, name="Ada", met=[meet(fair)])
    merged = make_contact(owner, name="Ada L", email="ada@example.org", company="Engines")
    record = merging.merge(owner, survivor, merged)
    db.session.commit()
    survivor = db.session.get(Contact, survivor.id)
    survivor.company = "Analytical Engines"  # corrected after the merge
    touch = followups.log_touch(owner, survivor, TouchKind.CALL, body="After the merge")
    db.session.commit()
    merging.undo(owner, db.session.get(ContactMerge, record.id))
    db.session.commit()
    survivor = db.session.get(Contact, survivor.id)
    assert survivor.email == "" and survivor.company == "Analytical Engines"
    assert db.session.get(Touch, touch.id).contact_id == survivor.id


def test_merge_from_the_contact_page_with_undo_in_the_message(pair, login_as, client):
    owner, colleague, survivor, merged, lists = pair
    login_as(owner)
    picked = client.get(f"/contacts/{survivor.public_id}/merge?q=hopper").get_data(as_text=True)
    confirm_url = f"/contacts/{survivor.public_id}/merge/confirm?other={merged.public_id}"
    assert f'href="{confirm_url}"' in picked
    confirm = client.get(confirm_url)
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "G. Hopper" in html and "Grace Hopper" in html and "US Navy" in html
    assert "2 encounters" in html and "Both are here, Paused duplicate" in html
    # The older contact is offered as the one to keep.
    assert re.search(rf'<input checked [^>]*value="{survivor.public_id}"', html)
    done = client.submit(
        f"/contacts/{survivor.public_id}/merge",
        {"other": merged.public_id, "keep": survivor.public_id},
        follow_redirects=True,
    )
    page = done.get_data(as_text=True)
    assert "G. Hopper is merged into Grace Hopper." in page
    record = db.session.scalars(select(ContactMerge)).one()
    assert f'form="undo-{record.public_id}"' in page
    assert f'id="undo-{record.public_id}"' in page
    # The duplicate's address now leads to the survivor.
    moved = client.get(f"/contacts/{merged.public_id}", follow_redirects=True)
    assert "G. Hopper was merged into Grace Hopper" in moved.get_data(as_text=True)
    assert client.submit(f"/merges/{record.public_id}/undo").status_code == 302
    assert db.session.get(Contact, merged.id).merged_into_id is None
    assert len(captures_of(merged)) == 2


def test_merge_pages_refuse_clearly(booth, make_company, make_contact, login_as, client):
    owner, fair = booth
    one = make_contact(owner, name="Only One")
    gone = make_contact(owner, name="Gone Already")
    gone.merged_into_id = one.id
    stranger = make_contact(make_company(), name="Stranger")
    db.session.commit()
    login_as(owner)
    base = f"/contacts/{one.public_id}/merge"
    myself = client.get(f"{base}/confirm?other={one.public_id}", follow_redirects=True)
    assert "cannot be merged with itself" in myself.get_data(as_text=True)
    assert client.get(f"{base}/confirm?other={stranger.public_id}").status_code == 404
    assert (
        client.submit(base, {"other": stranger.public_id, "keep": one.public_id}).status_code == 404
    )
    already = client.submit(
        base, {"other": gone.public_id, "keep": one.public_id}, follow_redirects=True
    )
    assert "Gone Already was already merged into another contact." in already.get_data(as_text=True)
    assert db.session.scalars(select(ContactMerge)).all() == []


def test_review_queue_merges_or_dismisses_suggestions(booth, make_contact, login_as, client):
    owner, fair = booth
    older = make_contact(owner, name="Sam Older", phone="+49 30 1234567", met=[meet(fair)])
    newer = make_contact(owner, name="Sam Newer", phone="+49 30 1234567", met=[meet(fair)])
    third = make_contact(owner, name="Kim Third", email="kim@example.org")
    fourth = make_contact(owner, name="Kim Fourth", email="kim@example.org")
    merge_me = _suggest(owner, newer, older, MatchReason.PHONE)
    dismiss_me = _suggest(owner, fourth, third)
    login_as(owner)
    html = client.get("/contacts/review").get_data(as_text=True)
    for shown in ("Sam Older", "Sam Newer", "Same phone number", "Kim Third", "Same email"):
        assert shown in html
    assert client.submit(f"/contacts/review/{dismiss_me.public_id}/dismiss").status_code == 302
    assert db.session.get(MatchSuggestion, dismiss_me.id).resolution == "dismissed"
    done = client.submit(f"/contacts/review/{merge_me.public_id}/merge", {"keep": older.public_id})
    assert done.headers["Location"] == f"/contacts/{older.public_id}"
    assert db.session.get(Contact, newer.id).merged_into_id == older.id
    assert db.session.get(MatchSuggestion, merge_me.id).resolution == "merged"
    assert "Nothing to review" in client.get("/contacts/review").get_data(as_text=True)
    # Deciding twice changes nothing.
    again = client.submit(f"/contacts/review/{merge_me.public_id}/merge", {"keep": newer.public_id})
    assert again.headers["Location"] == "/contacts/review"
    assert db.session.get(Contact, older.id).merged_into_id is None


def test_undoing_a_merge_reopens_its_suggestion(booth, make_contact, login_as, client):
    owner, fair = booth
    older = make_contact(owner, name="Sam Older")
    newer = make_contact(owner, name="Sam Newer")
    suggestion = _suggest(owner, newer, older)
    login_as(owner)
    client.submit(f"/contacts/review/{suggestion.public_id}/merge", {"keep": older.public_id})
    record = db.session.scalars(select(ContactMerge)).one()
    client.submit(f"/merges/{record.public_id}/undo")
    assert db.session.get(MatchSuggestion, suggestion.id).resolution is None
    assert "Sam Newer" in client.get("/contacts/review").get_data(as_text=True)


def test_captures_of_the_merged_contact_show_on_the_survivor(pair, login_as, client):
    owner, colleague, survivor, merged, lists = pair
    merging.merge(owner, survivor, merged)
    db.session.commit()
    login_as(owner)
    html = client.get(f"/contacts/{survivor.public_id}").get_data(as_text=True)
    assert "COBOL" in html and "Navy" in html and "Duplicate&#39;s email" in html
    assert (
        db.session.scalar(select(Capture.contact_id).where(Capture.contact_id == merged.id)) is None
    )


def test_the_review_queue_reads_a_fixed_number_of_queries(
    booth, make_contact, login_as, client, count_queries
):
    owner, fair = booth

    def pairs(n: int) -> None:
        for i in range(n):
            older = make_contact(owner, name=f"Older {i}", email=f"p{i}@example.org")
            newer = make_contact(owner, name=f"Newer {i}", email=f"p{i}@example.org")
            _suggest(owner, newer, older)

    login_as(owner)
    pairs(1)
    few = count_queries(lambda: client.get("/contacts/review"))
    pairs(9)
    many = count_queries(lambda: client.get("/contacts/review"))
    assert client.get("/contacts/review").get_data(as_text=True).count("Same email") == 10
    assert many == few, (few, many)


def test_a_merge_moves_the_further_emails_phones_and_notes_and_undo_gives_them_back(
    booth, make_contact
):
    """Matching passes a merged contact by: its further details must move to be found."""
    owner, fair = booth
    survivor = make_contact(owner, name="Ada Lovelace", email="ada@example.org")
    merged = make_contact(owner, name="A. Lovelace", email="ada@old.example")
    for contact, kind, value in (
        (merged, "email", "ada@work.example"),  # only the merged contact has it: moves
        (merged, "phone", "+44 20 7946 0001"),  # moves
        (merged, "email", "ada@example.org"),  # the survivor's own email: stays
    ):
        points.insert([points.row(contact, kind, value, "work")])
    note = ContactNote(organization_id=owner.organization_id, contact_id=merged.id, body="Card")
    db.session.add(note)
    db.session.commit()

    record = merging.merge(owner, survivor, merged)
    db.session.commit()
    (found,) = matching.find(owner.organization_id, [{"email": "ada@work.example"}])
    assert found.contact.id == survivor.id
    (by_phone,) = matching.find(owner.organization_id, [{"phone": "+44 20 7946 0001"}])
    assert by_phone.contact.id == survivor.id
    assert db.session.get(ContactNote, note.id).contact_id == survivor.id
    left = db.session.scalars(
        select(ContactPoint.value).where(ContactPoint.contact_id == merged.id)
    )
    assert list(left) == ["ada@example.org"]

    merging.undo(owner, db.session.get(ContactMerge, record.id))
    db.session.commit()
    db.session.expire_all()
    on_merged = db.session.scalars(
        select(ContactPoint.value).where(ContactPoint.contact_id == merged.id)
    )
    assert sorted(on_merged) == ["+44 20 7946 0001", "ada@example.org", "ada@work.example"]
    assert db.session.get(ContactNote, note.id).contact_id == merged.id
    (found,) = matching.find(owner.organization_id, [{"email": "ada@work.example"}])
    assert found.contact.id == merged.id
