"""A job's state, kept in the database so any web worker can report its progress."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime, text_enum, utcnow
from ..extensions import db
from ..ids import PublicIdMixin


class Status(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(PublicIdMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: What the job does, e.g. "badges" or "attendee-import".
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[Status] = mapped_column(text_enum(Status, "job_status"), default=Status.QUEUED)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    #: A sentence for people: why it failed, or what it produced.
    message: Mapped[str] = mapped_column(Text, default="")
    #: Structured outcome, e.g. an import's per-row report.
    result: Mapped[dict | None] = mapped_column(JSON)
    #: File name under the jobs folder, and the name offered for download.
    file_name: Mapped[str | None] = mapped_column(String(64))
    download_name: Mapped[str | None] = mapped_column(String(200))
    #: Where the job page links back to when done.
    return_url: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def percent(self) -> int:
        return 100 if self.status is Status.DONE else int(100 * self.done / max(self.total, 1))
