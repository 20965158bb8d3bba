"""Session generation: a password, role or active change ends sessions and API tokens

A trigger moves ``user.session_generation`` on whenever the password hash, the role or
the active flag changes, by any route; sessions and API tokens made in an earlier
generation are refused. Existing sessions (which carry no generation) end once: every
user signs in again after the upgrade.

Revision ID: d3a8b6f1c2e4
Revises: c7d2f4a9e1b6
Create Date: 2026-12-04 23:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "d3a8b6f1c2e4"
down_revision = "c7d2f4a9e1b6"
branch_labels = None
depends_on = None

# The statements as the model creates them (engage/accounts/models.py), copied so that
# this revision stays as it is when the model changes later.
SQLITE = (
    """
CREATE TRIGGER user_session_generation AFTER UPDATE OF active, role, password_hash ON "user"
FOR EACH ROW WHEN NEW.active IS NOT OLD.active OR NEW.role IS NOT OLD.role
    OR NEW.password_hash IS NOT OLD.password_hash
BEGIN
    UPDATE "user" SET session_generation = OLD.session_generation + 1 WHERE id = NEW.id;
END
""",
)
POSTGRESQL = (
    """
CREATE OR REPLACE FUNCTION user_session_generation() RETURNS trigger AS $$
BEGIN
    IF NEW.active IS DISTINCT FROM OLD.active OR NEW.role IS DISTINCT FROM OLD.role
            OR NEW.password_hash IS DISTINCT FROM OLD.password_hash THEN
        NEW.session_generation := OLD.session_generation + 1;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER user_session_generation BEFORE UPDATE ON "user"
FOR EACH ROW EXECUTE FUNCTION user_session_generation()
""",
)


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="1", nullable=False)
        )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("user_generation", sa.Integer(), server_default="1", nullable=False)
        )
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(dialect, ()):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    op.execute(
        'DROP TRIGGER IF EXISTS user_session_generation ON "user"'
        if dialect == "postgresql"
        else "DROP TRIGGER IF EXISTS user_session_generation"
    )
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS user_session_generation()")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("user_generation")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
