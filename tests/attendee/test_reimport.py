"""Re-importing a CSV: a preview that writes nothing, then exactly that, with badges reissued."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest
from sqlalchemy import func, select

from netcompanion.attendee import service as attendees
from netcompanion.attendee.changes import FIELDS
from netcompanion.attendee.models import Attendee
from netcompanion.badge import printing
from netcompanion.badge.service import badge_token, resolve_badge
from netcompanion.event import service as events
from netcompanion.extensions import db
from netcompanion.job.models import Job, Status
from tests.attendee.test_import import apply, job_id, preview, upload
from tests.conftest import finished_job, login

HEADER = "Name,Email,Company,Job title,Phone\n"


def snapshot() -> dict:
    """Every attendee column of every attendee, updated_at and badge included."""
    rows = db.session.scalars(select(Attendee).order_by(Attendee.id)).all()
    return {
        row.email: {c.key: getattr(row, c.key) for c in Attendee.__table__.columns} for row in rows
    }


def by_email(email: str) -> Attendee:
    db.session.expire_all()
    return db.session.scalars(select(Attendee).where(Attendee.email == email)).one()


@pytest.fixture
def organizer(client, make_company, make_event, make_attendee):
    """An organizer signed in, with an event of four attendees in several scripts."""
    owner = make_company()
    event = make_event(owner)
    for name, email, company, title in (
        ("Ελένη Παπαδοπούλου", "eleni@example.com", "Ακμή ΑΕ", "Μηχανικός"),
        ("ليلى حداد", "layla@example.com", "شركة النور", "مهندسة"),
        ("王芳", "wang.fang@example.com", "深圳机器人", "产品经理"),
        ("José Müller", "jose@example.com", "Initech", "Engineer"),
    ):
        make_attendee(owner, event, name=name, email=email, company=company, title=title)
    login(client, owner)
    return owner, event


def csv(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


def test_preview_shows_each_change_and_writes_nothing(client, organizer):
    owner, event = organizer
    before, jobs = snapshot(), db.session.scalar(select(func.count()).select_from(Job))
    job = preview(
        client,
        event,
        csv(
            "Ελένη Παπαδοπούλου-Κο,ELENI@Example.com,Ακμή ΑΕ,Μηχανικός,",
            "ليلى حداد,layla@example.com,شركة النور,مهندسة,+971 4 555 0100",
            "王芳,wang.fang@example.com,深圳机器人,产品经理,",
            "Zoë 🚀 Ng,zoe@example.com,Hooli,,",
            "<script>alert(1)</script>,not-an-email,X,,",
        ),
    )
    assert job.status is Status.DONE, job.message
    assert snapshot() == before
    assert db.session.scalar(select(func.count()).select_from(Job)) == jobs + 1
    result = job.result
    assert (result["created"], result["updated"], result["unchanged"], result["skipped"]) == (
        1,
        2,
        1,
        1,
    )
    changes = {change["email"]: change for change in result["changed"]}
    assert changes["eleni@example.com"]["fields"] == {
        "name": ["Ελένη Παπαδοπούλου", "Ελένη Παπαδοπούλου-Κο"]
    }
    assert changes["eleni@example.com"]["reissue"] is True
    assert changes["layla@example.com"]["fields"] == {"phone": ["", "+971 4 555 0100"]}
    assert changes["layla@example.com"]["reissue"] is False

    page = client.get(f"/events/{event.public_id}/attendees/import/{job.public_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<del>Ελένη Παπαδοπούλου</del>" in html and "<ins>Ελένη Παπαδοπούλου-Κο</ins>" in html
    assert "1 badge will be reissued: reprint it." in html
    assert "Zoë 🚀 Ng" in html and "zoe@example.com" in html
    assert "<script>alert(1)</script>" not in html and "not a valid email address" in html
    assert "Apply these changes" in html
    assert snapshot() == before


def test_confirm_applies_the_preview_and_reissues_printed_fields_only(client, organizer):
    owner, event = organizer
    eleni, layla, wang = (
        by_email(e) for e in ("eleni@example.com", "layla@example.com", "wang.fang@example.com")
    )
    old_tokens = {a.email: badge_token(a) for a in (eleni, layla, wang)}
    before = snapshot()
    job = preview(
        client,
        event,
        csv(
            "Ελένη Παπαδοπούλου-Κο,eleni@example.com,,,",  # blank cells keep what is stored
            "ليلى حداد,layla@example.com,شركة النور,مهندسة,+971 4 555 0100",
            "王芳,wang.fang@example.com,深圳机器人科技,产品经理,",
            "José Müller,jose@example.com,Initech,Engineer,",
            "Zoë 🚀 Ng,zoe@example.com,Hooli,,",
        ),
    )
    done = apply(client, event, job)
    assert done.status is Status.DONE, done.message
    assert "2 badges were reissued: reprint them." in done.message
    after = snapshot()

    eleni = by_email("eleni@example.com")
    assert eleni.name == "Ελένη Παπαδοπούλου-Κο"
    assert (eleni.company, eleni.title) == ("Ακμή ΑΕ", "Μηχανικός")
    assert (
        eleni.badge_version == 2 and eleni.badge_code != before["eleni@example.com"]["badge_code"]
    )
    assert resolve_badge(old_tokens["eleni@example.com"]) is None
    assert resolve_badge(badge_token(eleni)).id == eleni.id
    assert by_email("wang.fang@example.com").badge_version == 2

    layla = by_email("layla@example.com")
    assert layla.phone == "+971 4 555 0100"
    assert layla.badge_version == 1 and resolve_badge(old_tokens["layla@example.com"]) is not None

    assert after["jose@example.com"] == before["jose@example.com"]  # not even updated_at
    assert after["zoe@example.com"]["name"] == "Zoë 🚀 Ng"
    # Exactly what the preview listed, and nothing else.
    changed = {e for e in after if e in before and after[e] != before[e]}
    assert changed == {change["email"] for change in job.result["changed"]}
    for change in job.result["changed"]:
        for name, (old, new) in change["fields"].items():
            assert (before[change["email"]][name], after[change["email"]][name]) == (old, new)

    result = client.get(f"/events/{event.public_id}/attendees/import/{done.public_id}/result")
    html = result.get_data(as_text=True)
    assert "Reprint these badges" in html
    assert f"/attendees/{eleni.public_id}/badge.pdf" in html
    assert f"/attendees/{layla.public_id}/badge.pdf" not in html
    pdf = client.get(f"/events/{event.public_id}/attendees/{eleni.public_id}/badge.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")


def test_normalisation_whitespace_and_email_case_are_not_changes(client, organizer):
    owner, event = organizer
    before = snapshot()
    nfd = unicodedata.normalize("NFD", "José Müller")
    assert nfd != "José Müller"
    job = preview(
        client,
        event,
        csv(
            f"  {nfd} ,JOSE@EXAMPLE.COM,  Initech,Engineer  ,",
            '"Ελένη   Παπαδοπούλου",Eleni@Example.com,"Ακμή\nΑΕ",Μηχανικός,',
            "ليلى  حداد,LAYLA@example.COM,شركة النور,مهندسة,",
            "王芳,Wang.Fang@Example.com,深圳机器人,产品经理,",
        ),
    )
    assert (job.result["created"], job.result["updated"], job.result["unchanged"]) == (0, 0, 4)
    assert snapshot() == before
    page = client.get(f"/events/{event.public_id}/attendees/import/{job.public_id}")
    assert b"Apply these changes" not in page.data  # nothing to apply


def test_a_stored_value_in_another_form_is_unchanged(client, organizer):
    owner, event = organizer
    jose = by_email("jose@example.com")
    jose.name = unicodedata.normalize("NFD", "José  Müller")  # typed elsewhere, kept as typed
    db.session.commit()
    before = snapshot()
    job = preview(client, event, csv("José Müller,jose@example.com,Initech,Engineer,"))
    assert job.result["unchanged"] == 1
    done = apply(client, event, job)
    assert done.status is Status.DONE and snapshot() == before


def test_a_case_change_in_a_name_is_a_change(client, organizer):
    owner, event = organizer
    job = preview(client, event, csv("JOSÉ MÜLLER,jose@example.com,Initech,Engineer,"))
    assert job.result["changed"][0]["fields"] == {"name": ["José Müller", "JOSÉ MÜLLER"]}


def test_a_stale_preview_is_refused_and_checked_again(client, organizer):
    owner, event = organizer
    job = preview(client, event, csv("José Mueller,jose@example.com,Initech,Engineer,"))
    jose = by_email("jose@example.com")
    ev = events.access(owner.organization_id, event.public_id)
    attendees.update(owner, ev, jose, {"title": "Staff engineer"})  # an edit meanwhile
    db.session.commit()
    before = snapshot()

    stale = apply(client, event, job)
    assert stale.status is Status.FAILED
    assert "changed since this preview" in stale.message
    assert snapshot() == before
    result = client.get(f"/events/{event.public_id}/attendees/import/{stale.public_id}/result")
    assert b"Check the changes again" in result.data

    again = client.submit(f"/events/{event.public_id}/attendees/import/{job.public_id}/recheck")
    fresh = finished_job(job_id(again))
    # The new preview shows that the file would undo the edit, which the stale one could not.
    assert fresh.result["changed"][0]["fields"] == {
        "name": ["José Müller", "José Mueller"],
        "title": ["Staff engineer", "Engineer"],
    }
    assert apply(client, event, fresh).status is Status.DONE
    jose = by_email("jose@example.com")
    assert (jose.name, jose.title, jose.badge_version) == ("José Mueller", "Engineer", 2)


def test_an_edit_the_preview_does_not_touch_leaves_it_current(client, organizer):
    owner, event = organizer
    job = preview(client, event, csv("José Mueller,jose@example.com,,,"))
    jose = by_email("jose@example.com")
    attendees.update(
        owner, events.access(owner.organization_id, event.public_id), jose, {"phone": "+49 30 1"}
    )
    db.session.commit()
    assert apply(client, event, job).status is Status.DONE
    jose = by_email("jose@example.com")
    assert (jose.name, jose.phone) == ("José Mueller", "+49 30 1")


def test_another_import_in_between_makes_the_preview_stale(client, organizer):
    owner, event = organizer
    first = preview(client, event, csv("Zoë Ng,zoe@example.com,Hooli,,"))
    second = preview(client, event, csv("Zoe Ng,zoe@example.com,Globex,,"))
    assert apply(client, event, first).status is Status.DONE
    before = snapshot()
    assert apply(client, event, second).status is Status.FAILED
    assert snapshot() == before and by_email("zoe@example.com").company == "Hooli"


def test_confirming_twice_applies_once(client, organizer):
    owner, event = organizer
    job = preview(client, event, csv("José Mueller,jose@example.com,Initech,Engineer,"))
    done = apply(client, event, job)
    base = f"/events/{event.public_id}/attendees/import/{job.public_id}"
    again = client.submit(base + "/apply")
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Job, job.id).result["applied"] == done.public_id
    assert db.session.scalar(select(func.count()).where(Job.kind == "attendee-import")) == 1
    assert by_email("jose@example.com").badge_version == 2
    assert client.get(base).headers["Location"].endswith(f"/import/{done.public_id}/result")


def test_cancel_writes_nothing_and_forgets_the_file(client, organizer, app):
    owner, event = organizer
    before = snapshot()
    job = preview(client, event, csv("José Mueller,jose@example.com,Initech,Engineer,"))
    base = f"/events/{event.public_id}/attendees/import/{job.public_id}"
    response = client.submit(base + "/cancel", follow_redirects=True)
    assert b"The import was cancelled; nothing was changed." in response.data
    client.submit(base + "/apply")
    assert snapshot() == before
    assert b"Import cancelled" in client.get(base).data
    from netcompanion.job import runner

    assert not (runner.jobs_dir() / job.result["upload"]).exists()


def test_another_companys_preview_is_not_found(
    client, new_client, organizer, make_company, make_event
):
    owner, event = organizer
    job = preview(client, event, csv("José Mueller,jose@example.com,Initech,Engineer,"))
    other = make_company()
    other_event = make_event(other)
    stranger = new_client()
    login(stranger, other)
    for url in (
        f"/events/{event.public_id}/attendees/import/{job.public_id}",
        f"/events/{other_event.public_id}/attendees/import/{job.public_id}",
    ):
        assert stranger.get(url).status_code == 404
    base = f"/events/{other_event.public_id}/attendees/import/{job.public_id}"
    for action in ("/apply", "/cancel", "/recheck"):
        assert stranger.submit(base + action).status_code == 404
    assert by_email("jose@example.com").name == "José Müller"


def test_the_printed_fields_are_the_ones_the_badge_shows(organizer):
    owner, event = organizer
    attendee = by_email("jose@example.com")
    face, token = printing.face(attendee), badge_token(attendee)
    for name in FIELDS:
        original = getattr(attendee, name)
        setattr(attendee, name, "Different value")
        changed = printing.face(attendee) != face or badge_token(attendee) != token
        setattr(attendee, name, original)
        assert changed == (name in printing.PRINTED_FIELDS), name
    assert dataclasses.replace(face) == printing.face(attendee)
    db.session.rollback()


def test_an_expired_upload_is_said_so(client, organizer):
    owner, event = organizer
    job = preview(client, event, csv("José Mueller,jose@example.com,Initech,Engineer,"))
    from netcompanion.job import runner

    (runner.jobs_dir() / job.result["upload"]).unlink()
    done = apply(client, event, job)
    assert done.status is Status.FAILED and "expired" in done.message
    assert by_email("jose@example.com").name == "José Müller"


def test_a_nul_in_a_cell_refuses_the_file_and_writes_nothing(client, organizer):
    owner, event = organizer
    before = snapshot()
    response = upload(client, event, csv("Jo\x00sé,jose@example.com,,,"))
    assert response.status_code == 422 and b"binary data" in response.data
    assert snapshot() == before


def test_the_reissued_badges_print_on_their_own(client, organizer):
    owner, event = organizer
    job = preview(
        client,
        event,
        csv(
            "Ελένη Παπαδοπούλου-Κο,eleni@example.com,,,",
            "ليلى حداد,layla@example.com,,,+971 4 555 0100",
            "Zoë 🚀 Ng,zoe@example.com,Hooli,,",
        ),
    )
    done = apply(client, event, job)
    result = client.get(f"/events/{event.public_id}/attendees/import/{done.public_id}/result")
    link = f"/events/{event.public_id}/badges?reissued={done.public_id}"
    assert link in result.get_data(as_text=True)
    page = client.get(link)
    assert "Only the 1 badge the import reissued." in page.get_data(as_text=True)
    printed = client.submit(
        f"/events/{event.public_id}/badges",
        {"layout": "a4", "q": "", "reissued": done.public_id},
    )
    badges = finished_job(printed.headers["Location"].rsplit("/", 1)[1])
    assert badges.status is Status.DONE and badges.total == 1, badges.message
    for forged in (job.public_id, "A" * 16, "<script>"):
        assert client.get(f"/events/{event.public_id}/badges?reissued={forged}").status_code == 404


def test_control_characters_are_removed_and_listed_in_the_preview(client, organizer):
    owner, event = organizer
    before = snapshot()
    job = preview(client, event, csv("Jo\x07sé\x1b Müller,jose@example.com,Ini\x7ftech,,"))
    assert job.status is Status.DONE, job.message
    assert snapshot() == before
    # What is left once the characters are gone is what is stored: no change, no reissue.
    assert (job.result["changed"], job.result["unchanged"]) == ([], 1)
    cleaned = {(note["row"], note["field"]) for note in job.result["cleaned"]}
    assert cleaned == {(2, "name"), (2, "company")}
    html = client.get(f"/events/{event.public_id}/attendees/import/{job.public_id}").get_data(
        as_text=True
    )
    assert "Characters removed" in html
