"""Community events where residents answer on shared tablets (kiosks)."""

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from engage.events import links
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
    # The kiosk credential: it only lets a tablet submit responses to this event. Stored
    # as its SHA-256; the token itself is made again from the nonce and the app's secret
    # key (engage.events.links), so the database alone cannot open a kiosk link.
    kiosk_token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    # None for a link issued before links were stored hashed: it cannot be shown again.
    kiosk_nonce: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    kiosk_valid_until: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True))
    # When this token was issued: a tablet's time of answering before it is not believed.
    kiosk_issued_at: so.Mapped[datetime] = so.mapped_column(
        sa.DateTime(timezone=True), default=utcnow
    )
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    default_area: so.Mapped[Area | None] = so.relationship()

    @property
    def kiosk_token(self) -> str | None:
        """The link's token, made again under the running app's secret key; None when it
        cannot be (issued before links were stored hashed, or the secret key has changed
        since): tablets that have the link can still use it, but staff pages cannot
        show it, and "Issue a new link" makes one they can."""
        return links.token_if_current(
            current_app.config["SECRET_KEY"], self.kiosk_nonce, self.kiosk_token_hash
        )


class RetiredKioskToken(Model):
    """A kiosk token replaced by a new link: tablets can no longer submit with it, but
    an admin can still import a queue file saved under it, so nothing queued is lost."""

    # The retired token's SHA-256 (engage.events.links.digest), never the token.
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id"), index=True)
    issued_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True))
    retired_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    event: so.Mapped[Event] = so.relationship()
