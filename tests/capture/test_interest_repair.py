"""Interests the edit page once wrote from the repr of the tags are restored from that repr."""

from __future__ import annotations

from netcompanion.capture import editing
from netcompanion.capture.models import Capture, CaptureSource, Contact
from netcompanion.dbtypes import utcnow
from netcompanion.extensions import db


def _capture(owner, event, tags) -> Capture:
    org_id = owner.organization_id
    capture = Capture(
        organization_id=org_id,
        event=event,
        contact=Contact(organization_id=org_id, name="Zoë"),
        source=CaptureSource.WALK_IN,
        name="Zoë",
        captured_at=utcnow(),
    )
    db.session.add(capture)
    db.session.flush()
    editing.update(capture, {"name": "Zoë"}, "", "", tags, {})
    db.session.commit()
    return capture


def _old_save(capture: Capture) -> None:
    """What saving the page untouched did: the field held ``str(capture.tags)``, split at commas."""
    db.session.refresh(capture)
    text = str(capture.tags)
    editing.update(capture, {"name": "Zoë"}, "", "", text.split(","), {})
    db.session.commit()


def test_repair_restores_interests_from_the_repr_and_is_idempotent(
    app, runner, make_company, make_event
):
    owner = make_company()
    event = make_event(owner)
    once = _capture(owner, event, ["Backend", "Go", "البيانات 🚀"])
    _old_save(once)
    twice = _capture(owner, event, ["Backend", "Go"])
    _old_save(twice)
    _old_save(twice)
    empty = _capture(owner, event, [])
    _old_save(empty)
    clean = _capture(owner, event, ["Ops"])
    assert any("CaptureTag" in name for name in once.tag_names)

    dry = runner.invoke(args=["captures", "repair-interests"])
    assert dry.exit_code == 0, dry.output
    assert "3 captures to repair" in dry.output
    db.session.expire_all()
    assert any("CaptureTag" in name for name in once.tag_names)  # a dry run writes nothing

    done = runner.invoke(args=["captures", "repair-interests", "--apply"])
    assert "Repaired 3 captures." in done.output, done.output
    db.session.expire_all()
    assert once.tag_names == ["Backend", "Go", "البيانات 🚀"]
    assert twice.tag_names == ["Backend", "Go"]
    assert empty.tag_names == []
    assert clean.tag_names == ["Ops"]

    again = runner.invoke(args=["captures", "repair-interests", "--apply"])
    assert "Repaired 0 captures." in again.output
