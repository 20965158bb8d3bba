"""Background jobs as the people who asked for them see them: what, how far, how it ended.

``Tracked`` is what every job row has (downloads in ``engage.exports.models`` too);
``Job`` is the long work that is not a download: recounting results, seeding
synthetic responses, importing a kiosk queue file.
"""

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

RECOUNT = "recount"
SEED = "seed-synthetic"
KIOSK_IMPORT = "kiosk-import"
WEIGHTS = "weights"
PANEL_SELECTION = "panel-selection"


class Tracked:
    """The columns a job's progress page reads."""

    status: so.Mapped[str] = so.mapped_column(sa.String(10), default=QUEUED)
    rows_total: so.Mapped[int] = so.mapped_column(default=0)
    rows_done: so.Mapped[int] = so.mapped_column(default=0)
    error: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    started_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    finished_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))


class Job(Tracked, Model):
    """One recount, seeding or import: queued from a page or the command line."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    # Who asked: None when it came from the command line.
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    params: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    # How it ended, in a sentence; and, for a refused import, each problem.
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    problems: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)

    user: so.Mapped[User | None] = so.relationship()
