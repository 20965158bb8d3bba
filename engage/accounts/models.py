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
    # Changes at sign-out, so every session cookie of the account stops working.
    session_token: so.Mapped[str] = so.mapped_column(sa.String(64))
    # Goes up whenever the password, the role or "active" changes, by any route, even
    # SQL typed at the database (a trigger does it: GENERATION_TRIGGERS). Sessions and
    # API tokens carry the generation they were made in; an older one is refused, so
    # deactivating ends them all and reactivating revives none.
    session_generation: so.Mapped[int] = so.mapped_column(
        default=1, server_default="1", server_onupdate=sa.FetchedValue()
    )
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    agency: so.Mapped[Agency] = so.relationship()

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password, never the password itself."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """Flask-Login identity: id, generation and session token, checked on every request."""
        return f"{self.id}:{self.session_generation}:{self.session_token}"

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


# The generation goes up in the database itself, so an UPDATE typed at a psql or sqlite3
# prompt ends sessions as surely as `flask users deactivate` does. The migration that
# added the column creates the same triggers.
SQLITE_GENERATION_TRIGGER = """
CREATE TRIGGER user_session_generation AFTER UPDATE OF active, role, password_hash ON "user"
FOR EACH ROW WHEN NEW.active IS NOT OLD.active OR NEW.role IS NOT OLD.role
    OR NEW.password_hash IS NOT OLD.password_hash
BEGIN
    UPDATE "user" SET session_generation = OLD.session_generation + 1 WHERE id = NEW.id;
END
"""
POSTGRESQL_GENERATION_FUNCTION = """
CREATE OR REPLACE FUNCTION user_session_generation() RETURNS trigger AS $$
BEGIN
    IF NEW.active IS DISTINCT FROM OLD.active OR NEW.role IS DISTINCT FROM OLD.role
            OR NEW.password_hash IS DISTINCT FROM OLD.password_hash THEN
        NEW.session_generation := OLD.session_generation + 1;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""
POSTGRESQL_GENERATION_TRIGGER = """
CREATE TRIGGER user_session_generation BEFORE UPDATE ON "user"
FOR EACH ROW EXECUTE FUNCTION user_session_generation()
"""
GENERATION_TRIGGERS = {
    "sqlite": (SQLITE_GENERATION_TRIGGER,),
    "postgresql": (POSTGRESQL_GENERATION_FUNCTION, POSTGRESQL_GENERATION_TRIGGER),
}

for _dialect, _statements in GENERATION_TRIGGERS.items():
    for _statement in _statements:
        sa.event.listen(
            User.__table__, "after_create", sa.DDL(_statement).execute_if(dialect=_dialect)
        )
