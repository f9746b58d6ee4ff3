"""Badges and booth posters: issuing their tokens and resolving scanned ones."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..attendee.models import Attendee
from ..event.models import Event, Exhibitor
from ..extensions import db
from . import token as tokens


def badge_token(attendee: Attendee) -> str:
    return tokens.encode(
        tokens.Claims(
            tokens.Kind.BADGE,
            attendee.event.public_id,
            attendee.public_id,
            attendee.badge_version,
            attendee.name,
            attendee.company,
        )
    )


def badge_url(attendee: Attendee) -> str:
    """What the badge's QR encodes: any phone camera opens it. Built without a request, so
    background jobs can print badges."""
    return f"{current_app.config['BASE_URL']}/b/{badge_token(attendee)}"


def resolve_badge(token: str) -> Attendee | None:
    """The attendee a genuine, current badge token names; None for anything else."""
    return _resolve(token, tokens.Kind.BADGE, Attendee, "badge_version")


def booth_token(booth: Exhibitor) -> str:
    return tokens.encode(
        tokens.Claims(
            tokens.Kind.BOOTH,
            booth.event.public_id,
            booth.public_id,
            booth.poster_version,
            booth.booth_name,
            booth.booth_location,
        )
    )


def booth_url(booth: Exhibitor) -> str:
    """What a booth poster's QR encodes: attendees scan it to leave their details."""
    return f"{current_app.config['BASE_URL']}/j/{booth_token(booth)}"


def resolve_booth(token: str) -> Exhibitor | None:
    """The booth a genuine, current poster token names; None for anything else."""
    return _resolve(token, tokens.Kind.BOOTH, Exhibitor, "poster_version")


def _resolve(token: str, kind: tokens.Kind, model, version_field: str):
    """Look up the subject of a token; an unknown subject or an older version is no match."""
    try:
        claims = tokens.decode(token, kind)
    except tokens.InvalidToken:
        return None
    subject = db.session.scalars(
        select(model)
        .join(Event, Event.id == model.event_id)
        .where(
            model.public_id == claims.subject_public_id,
            Event.public_id == claims.event_public_id,
        )
    ).first()
    if subject is None or getattr(subject, version_field) != claims.version:
        return None
    return subject
