"""Personal API tokens for agencies' own tools. Only a hash of each token is stored."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.models import User
from engage.extensions import Model
from engage.timeutil import utcnow


class ApiToken(Model):
    """A bearer token that acts as its user; shown once, stored as a SHA-256 hash."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100))
    # The first characters, so a person can tell their tokens apart.
    prefix: so.Mapped[str] = so.mapped_column(sa.String(12))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    # The user's session generation when the token was made: once the password, role or
    # active flag changes, the generation moves on and the token stops working for good.
    user_generation: so.Mapped[int] = so.mapped_column(default=1, server_default="1")

    user: so.Mapped[User] = so.relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None
