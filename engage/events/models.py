"""Community events where residents answer on shared tablets (kiosks)."""

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import Model
from engage.partnership.models import Area
from engage.timeutil import utcnow

DEFAULT_IDLE_SECONDS = 120
MIN_IDLE_SECONDS, MAX_IDLE_SECONDS = 30, 600


class Event(Model):
    """An event with a kiosk link; responses taken there carry the event."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partnership_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partnership.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    starts_on: so.Mapped[date] = so.mapped_column(sa.Date)
    place: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    default_area_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("area.id"))
    idle_seconds: so.Mapped[int] = so.mapped_column(
        default=DEFAULT_IDLE_SECONDS, server_default=str(DEFAULT_IDLE_SECONDS)
    )
    # The kiosk credential: it only lets a tablet submit responses to this event.
    kiosk_token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    kiosk_valid_until: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True))
    # When this token was issued: a tablet's time of answering before it is not believed.
    kiosk_issued_at: so.Mapped[datetime] = so.mapped_column(
        sa.DateTime(timezone=True), default=utcnow
    )
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    default_area: so.Mapped[Area | None] = so.relationship()


class RetiredKioskToken(Model):
    """A kiosk token replaced by a new link: tablets can no longer submit with it, but
    an admin can still import a queue file saved under it, so nothing queued is lost."""

    token: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id"), index=True)
    issued_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True))
    retired_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    event: so.Mapped[Event] = so.relationship()
