"""An agency's XLSForm as read for the question bank.

The workbook is not kept: only what the report shows, as plain JSON, with each
row's outcome and what the analyst has done about it since.
"""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.models import User
from engage.extensions import Model
from engage.partnership.models import Agency
from engage.timeutil import utcnow


class FormImport(Model):
    """One upload (or command-line import) of an agency's form, and its report."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partnership_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partnership.id"), index=True)
    agency_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("agency.id"))
    # None when imported on the command line with no --user.
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    filename: so.Mapped[str] = so.mapped_column(sa.String(200))
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # {"rows": [...], "notes": [...], "warnings": [...]}; see importing.py.
    report: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)

    agency: so.Mapped[Agency] = so.relationship()
    user: so.Mapped[User | None] = so.relationship()

    @property
    def rows(self) -> list[dict]:
        return list((self.report or {}).get("rows", []))
