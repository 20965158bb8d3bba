"""Proposals for new questions, made by analysts and decided by admins."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.models import User
from engage.extensions import Model
from engage.partnership.models import Agency
from engage.questionnaire.models import BankQuestion
from engage.timeutil import utcnow

PENDING = "pending"
ACCEPTED = "accepted"
REJECTED = "rejected"
# The proposer chose an existing question instead; their agency was tagged onto it.
JOINED = "joined"
STATUS_LABELS = {
    PENDING: "Waiting for a decision",
    ACCEPTED: "Accepted into the draft",
    REJECTED: "Rejected",
    JOINED: "Uses an existing question",
}


class Proposal(Model):
    """An agency's request to add a question to the next questionnaire version."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partnership_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partnership.id"), index=True)
    agency_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("agency.id"), index=True)
    proposed_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"))
    text: so.Mapped[str] = so.mapped_column(sa.String(500))
    hint: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    type: so.Mapped[str] = so.mapped_column(sa.String(20))
    option_labels: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=PENDING, index=True)
    bank_question_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("bank_question.id"))
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    decided_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    decision_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    agency: so.Mapped[Agency] = so.relationship()
    proposed_by: so.Mapped[User] = so.relationship(foreign_keys=[proposed_by_id])
    decided_by: so.Mapped[User | None] = so.relationship(foreign_keys=[decided_by_id])
    bank_question: so.Mapped[BankQuestion | None] = so.relationship()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)
