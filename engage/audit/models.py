"""The audit trail: every download, API pull and admin action, kept for review."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.models import User
from engage.extensions import BigId, Model
from engage.timeutil import utcnow


class AuditEntry(Model):
    """Who did what, with which filters, to how many rows, and when."""

    id: so.Mapped[int] = so.mapped_column(BigId, primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(
        sa.DateTime(timezone=True), default=utcnow, index=True
    )
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    # e.g. "download", "api", "admin"
    kind: so.Mapped[str] = so.mapped_column(sa.String(20), index=True)
    # e.g. "responses.csv", "GET /api/v1/responses", "questionnaire.publish"
    action: so.Mapped[str] = so.mapped_column(sa.String(200))
    filters: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    rows: so.Mapped[int | None]
    detail: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    user: so.Mapped[User | None] = so.relationship()
