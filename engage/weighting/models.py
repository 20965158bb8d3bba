"""Weighting schemes, their population targets, the weights they give, and waves.

A scheme (``default`` unless named otherwise) belongs to one questionnaire. Each load of
targets is a new ``TargetSet`` dated with the day its figures describe (an ONS mid-year
estimate describes 30 June); the newest set is the one used, and older sets stay as the
record of what earlier weights were raked to. A response's weight is stored per scheme;
no row, or a row whose weight is NULL, means the response is not weighted (an answer the
scheme weights by is blank or has no target, or it arrived after the last computation).
"""

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.models import User
from engage.extensions import BigId, Model
from engage.partnership.models import Area
from engage.timeutil import utcnow

DEFAULT_SCHEME = "default"


class WeightingScheme(Model):
    __table_args__ = (sa.UniqueConstraint("questionnaire_id", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    questionnaire_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(40))
    # Trimming: no weight above cap × the mean weight (None: no cap, the default).
    cap: so.Mapped[float | None] = so.mapped_column(sa.Float)
    # Bumped each time the weights are rewritten (the results columns' cache key).
    generation: so.Mapped[int] = so.mapped_column(default=0)
    computed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    # The target set the stored weights were raked to, and the responses there were.
    computed_set_id: so.Mapped[int | None] = so.mapped_column(sa.Integer)
    computed_responses: so.Mapped[int] = so.mapped_column(default=0)
    # The last computation's convergence report (``raking.RakeReport`` as a dict, and
    # its lines), or why it could not be done.
    report: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)

    target_sets: so.Mapped[list["TargetSet"]] = so.relationship(
        back_populates="scheme", order_by="TargetSet.id", cascade="all, delete-orphan"
    )

    @property
    def current(self) -> "TargetSet | None":
        return self.target_sets[-1] if self.target_sets else None


class TargetSet(Model):
    """One load of a scheme's population targets."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    scheme_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("weighting_scheme.id", ondelete="CASCADE"), index=True
    )
    describes: so.Mapped[date] = so.mapped_column(sa.Date)
    source_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    loaded_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    loaded_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    scheme: so.Mapped[WeightingScheme] = so.relationship(back_populates="target_sets")
    loaded_by: so.Mapped[User | None] = so.relationship()
    targets: so.Mapped[list["PopulationTarget"]] = so.relationship(
        order_by="PopulationTarget.id", cascade="all, delete-orphan"
    )

    @property
    def variables(self) -> list[str]:
        """The weighting variables (question codes), in the file's order."""
        return list(dict.fromkeys(target.variable for target in self.targets))


class PopulationTarget(Model):
    """Residents with one value of one weighting variable (a question's code)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    target_set_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("target_set.id", ondelete="CASCADE"), index=True
    )
    variable: so.Mapped[str] = so.mapped_column(sa.String(64))
    value: so.Mapped[str] = so.mapped_column(sa.String(64))
    population: so.Mapped[float] = so.mapped_column(sa.Float)


class ResponseWeight(Model):
    scheme_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("weighting_scheme.id", ondelete="CASCADE"), primary_key=True
    )
    response_id: so.Mapped[int] = so.mapped_column(
        BigId, sa.ForeignKey("response.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    weight: so.Mapped[float | None] = so.mapped_column(sa.Float)


class Wave(Model):
    """A named round of the survey: the responses of a date range, or of some events."""

    __table_args__ = (sa.UniqueConstraint("questionnaire_id", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    questionnaire_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    since: so.Mapped[date | None] = so.mapped_column(sa.Date)
    until: so.Mapped[date | None] = so.mapped_column(sa.Date)
    # Event ids: a wave of events counts their responses, whatever the dates.
    events: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)


class AreaAttribute(Model):
    """A fact about an area that results can be grouped by (its deprivation decile…)."""

    __table_args__ = (sa.UniqueConstraint("area_id", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    area_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("area.id", ondelete="CASCADE"), index=True
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(64))
    value: so.Mapped[str] = so.mapped_column(sa.String(64))

    area: so.Mapped[Area] = so.relationship()
