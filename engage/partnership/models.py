"""The partnership: its member agencies and the areas (wards) it covers."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import Model
from engage.timeutil import utcnow


class Partnership(Model):
    """A local partnership that runs one joint questionnaire."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    agencies: so.Mapped[list["Agency"]] = so.relationship(
        back_populates="partnership", order_by="Agency.name"
    )
    areas: so.Mapped[list["Area"]] = so.relationship(
        back_populates="partnership", order_by="Area.name"
    )


class Agency(Model):
    """A member organisation such as the city council or the police."""

    __table_args__ = (sa.UniqueConstraint("partnership_id", "slug"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partnership_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partnership.id"), index=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(64))
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    short_name: so.Mapped[str] = so.mapped_column(sa.String(40))

    partnership: so.Mapped[Partnership] = so.relationship(back_populates="agencies")

    def __repr__(self) -> str:
        return f"<Agency {self.slug}>"


class Area(Model):
    """A ward (or other area) that residents pick and results are broken down by."""

    __table_args__ = (sa.UniqueConstraint("partnership_id", "code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partnership_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partnership.id"), index=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40))
    name: so.Mapped[str] = so.mapped_column(sa.String(200))

    partnership: so.Mapped[Partnership] = so.relationship(back_populates="areas")
