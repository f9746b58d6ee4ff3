"""Who's coming: people in a company's lists who registered for an event it attends."""

from __future__ import annotations

from datetime import date, timedelta

from netcompanion.extensions import db
from netcompanion.followup.coming import coming
from netcompanion.followup.models import EntryState


def test_a_contact_in_my_lists_registered_at_an_event_i_exhibit_at_is_flagged(
    fair,
    make_company,
    make_event,
    join_event,
    make_attendee,
    make_capture,
    make_list,
    enlist,
    login_as,
    client,
):
    organizer, fair_event, acme = fair
    pool = make_list(acme, "Backend pool")
    sam = make_capture(acme, fair_event, "Sam Example", email="sam@example.org")
    enlist(pool, [sam], by=acme)
    paused = make_capture(acme, fair_event, "Paused Pat", email="pat@example.org")
    closed = make_capture(acme, fair_event, "Closed Cleo", email="cleo@example.org")
    merged = make_capture(acme, fair_event, "Merged Max", email="max@example.org")
    not_listed = make_capture(acme, fair_event, "Unlisted Una", email="una@example.org")
    entries = enlist(pool, [paused, closed, merged], by=acme)
    entries[0].state, entries[1].state = EntryState.PAUSED, EntryState.CLOSED
    merged.contact.merged_into_id = sam.contact_id

    # The organizer's next event, where Acme exhibits again.
    summit = make_event(organizer, name="Spring Summit", starts_on=date.today() + timedelta(30))
    join_event(acme, summit)
    for person in (sam, paused, closed, merged, not_listed):
        make_attendee(
            organizer, summit, name=f"Registered as {person.name}", email=person.email.upper()
        )
    # An event that already ended: nobody is coming to it any more.
    ended = make_event(organizer, name="Last Week", starts_on=date.today() - timedelta(8))
    join_event(acme, ended)
    make_attendee(organizer, ended, name="Sam at the past", email="sam@example.org")
    db.session.commit()

    found = coming(acme.organization_id, date.today())
    assert [(r.event.name, r.name, r.lists) for r in found] == [
        ("Spring Summit", "Paused Pat", ["Backend pool"]),
        ("Spring Summit", "Sam Example", ["Backend pool"]),
    ]
    assert coming(acme.organization_id, date.today(), event_id=fair_event.id) == []

    login_as(acme)
    page = client.get(f"/events/{summit.public_id}").get_data(as_text=True)
    assert "From your lists: 2 registered" in page
    assert "Sam Example" in page and "Paused Pat" in page
    assert "Registered as" not in page  # nothing of the organizer's attendee row
    today = client.get("/today").get_data(as_text=True)
    assert "Coming to events" in today and "Spring Summit" in today and "Sam Example" in today


def test_a_company_not_at_the_event_sees_nothing(
    fair, make_company, make_event, make_attendee, make_capture, make_list, enlist
):
    organizer, fair_event, acme = fair
    outsider = make_company("Outsider Talent")
    own_event = make_event(outsider, name="Outsider Meetup")
    pool = make_list(outsider, "Outsider pool")
    enlist(pool, [make_capture(outsider, own_event, "Sam Example", email="sam@example.org")])
    make_attendee(organizer, fair_event, name="Sam", email="sam@example.org")
    assert coming(outsider.organization_id, date.today()) == []
    # Acme exhibits at the fair but has no Sam in its lists.
    assert coming(acme.organization_id, date.today()) == []


def test_the_organizer_sees_its_own_contacts_registered(
    fair, make_attendee, make_capture, make_list, enlist, login_as, client
):
    organizer, fair_event, acme = fair
    pool = make_list(organizer, "Organizer pool")
    enlist(pool, [make_capture(organizer, fair_event, "Olive Own", email="olive@example.org")])
    make_attendee(organizer, fair_event, name="Olive", email="olive@example.org")
    assert [r.name for r in coming(organizer.organization_id, date.today())] == ["Olive Own"]
    login_as(acme)
    page = client.get(f"/events/{fair_event.public_id}").get_data(as_text=True)
    assert "From your lists: 0 registered" in page and "Olive" not in page
