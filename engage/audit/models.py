"""The audit trail: every state-changing action and every download and API pull."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.models import User
from engage.audit import wording
from engage.extensions import BigId, Model
from engage.partnership.models import Agency
from engage.timeutil import utcnow


class AuditEntry(Model):
    """Who (and for which agency) did what, to which object, with which filters, to how
    many rows, when, and in which request."""

    id: so.Mapped[int] = so.mapped_column(BigId, primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(
        sa.DateTime(timezone=True), default=utcnow, index=True
    )
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    # The acting user's role and agency at the time (either may change later).
    role: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    agency_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("agency.id"), index=True)
    # e.g. "download", "api", "account", "panel" (engage.audit.wording.KINDS)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20), index=True)
    # e.g. "responses.csv", "GET /api/v1/responses", "panels.vote.start_voting"
    action: so.Mapped[str] = so.mapped_column(sa.String(200))
    # The object acted on, in words: "Vote 3 ‘Millbrook priorities’", "ana@example.org"
    target: so.Mapped[str] = so.mapped_column(sa.String(300), default="", server_default="")
    filters: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    rows: so.Mapped[int | None]
    detail: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # The request that did it (X-Request-ID); None for a command or a background job.
    request_id: so.Mapped[str | None] = so.mapped_column(sa.String(64))

    user: so.Mapped[User | None] = so.relationship()
    agency: so.Mapped[Agency | None] = so.relationship()

    @property
    def words(self) -> str:
        return wording.words(self.action, self.kind)
