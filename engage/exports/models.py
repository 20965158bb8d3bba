"""Downloads prepared in the background: what was asked for, how far along, the file."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.models import User
from engage.extensions import Model
from engage.timeutil import utcnow

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
EXPIRED = "expired"


class ExportJob(Model):
    """One requested download: written by a job worker, kept for a while, then deleted."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    format: so.Mapped[str] = so.mapped_column(sa.String(20))
    filters: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    labelled: so.Mapped[bool] = so.mapped_column(default=False)
    free_text: so.Mapped[bool] = so.mapped_column(default=False)
    agency_id: so.Mapped[int | None]
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default=QUEUED)
    rows_total: so.Mapped[int] = so.mapped_column(default=0)
    rows_done: so.Mapped[int] = so.mapped_column(default=0)
    # The file's name under instance/exports: random, so it cannot be guessed.
    stored_as: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    size: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    error: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    started_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    finished_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    expires_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    user: so.Mapped[User] = so.relationship()
