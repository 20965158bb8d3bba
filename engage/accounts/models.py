"""Staff accounts: every user belongs to an agency and has one role."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from engage.extensions import Model
from engage.partnership.models import Agency
from engage.timeutil import utcnow

ADMIN = "admin"
ANALYST = "analyst"
FACILITATOR = "facilitator"
ROLES = (ADMIN, ANALYST, FACILITATOR)
ROLE_LABELS = {
    ADMIN: "Administrator",
    ANALYST: "Analyst",
    FACILITATOR: "Facilitator",
}


class User(UserMixin, Model):
    """A member of staff at one of the partner agencies."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    role: so.Mapped[str] = so.mapped_column(sa.String(20))
    agency_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("agency.id"), index=True)
    active: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    # Free-text answers can identify people; only users an admin has trusted see them.
    free_text_access: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # Changes whenever the password changes, so old sessions stop working.
    session_token: so.Mapped[str] = so.mapped_column(sa.String(64))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    agency: so.Mapped[Agency] = so.relationship()

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password, never the password itself."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """Flask-Login identity: the id plus the session token, so a reset logs others out."""
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
