"""Ward boundaries as the map draws them: one row per ward, replaced whole on each upload."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import Model
from engage.partnership.models import Area
from engage.timeutil import utcnow


class WardBoundary(Model):
    """A ward's simplified outline (GeoJSON in whole metres east and north), and the
    file it came from: its name, its coordinate system, who loaded it and when."""

    area_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    geometry: so.Mapped[str] = so.mapped_column(sa.Text)
    source_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    source_system: so.Mapped[str] = so.mapped_column(sa.String(60))
    loaded_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    loaded_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    area: so.Mapped[Area] = so.relationship()
