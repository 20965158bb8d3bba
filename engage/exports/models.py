"""Downloads prepared in the background: what was asked for, how far along, the file."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.models import User
from engage.extensions import Model
from engage.jobs.models import DONE, EXPIRED, FAILED, QUEUED, RUNNING, Tracked

__all__ = ["DONE", "EXPIRED", "FAILED", "QUEUED", "RUNNING", "ExportJob"]


class ExportJob(Tracked, Model):
    """One requested download: written by a job worker, kept for a while, then deleted."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    format: so.Mapped[str] = so.mapped_column(sa.String(20))
    filters: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    # How option answers are written: codes, numbers or labels (engage.exports.values).
    option_values: so.Mapped[str] = so.mapped_column(
        sa.String(10), default="codes", server_default="codes"
    )
    # The language of the question and option labels (engage.i18n.LANGUAGES).
    language: so.Mapped[str] = so.mapped_column(sa.String(10), default="en", server_default="en")
    free_text: so.Mapped[bool] = so.mapped_column(default=False)
    agency_id: so.Mapped[int | None]
    # The file's name under instance/exports: random, so it cannot be guessed.
    stored_as: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    size: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    expires_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    user: so.Mapped[User] = so.relationship()
