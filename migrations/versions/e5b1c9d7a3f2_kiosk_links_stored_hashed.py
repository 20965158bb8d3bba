"""Kiosk link tokens stored hashed: SHA-256 of the token, and a nonce to make it again

A token is now made from a random nonce and the app's secret key; the database keeps
only the nonce and the token's SHA-256. Links issued before this revision keep working
(their digest is stored) but have no nonce, so staff pages cannot show them again until
someone issues a new link. Downgrading cannot bring back the tokens: it leaves every
event with a new random token, which a tablet does not have.

Revision ID: e5b1c9d7a3f2
Revises: d3a8b6f1c2e4
Create Date: 2026-12-04 23:50:00.000000

"""

import hashlib
import secrets

import sqlalchemy as sa
from alembic import op

revision = "e5b1c9d7a3f2"
down_revision = "d3a8b6f1c2e4"
branch_labels = None
depends_on = None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def upgrade():
    # Each token column is renamed and its values replaced by their digests in place, so
    # the primary key and the unique constraint stay as they are (SQLite's batch mode
    # cannot name a primary key to drop it).
    connection = op.get_bind()
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_constraint("uq_event_kiosk_token", type_="unique")
        batch_op.alter_column(
            "kiosk_token", new_column_name="kiosk_token_hash", existing_type=sa.String(length=64)
        )
        batch_op.add_column(sa.Column("kiosk_nonce", sa.String(length=32), nullable=True))
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_event_kiosk_token_hash", ["kiosk_token_hash"])
    _hash_in_place(connection, "event", "id", "kiosk_token_hash")
    with op.batch_alter_table("retired_kiosk_token", schema=None) as batch_op:
        batch_op.alter_column(
            "token", new_column_name="token_hash", existing_type=sa.String(length=64)
        )
    _hash_in_place(connection, "retired_kiosk_token", "token_hash", "token_hash")


def _hash_in_place(connection, name: str, key: str, column: str) -> None:
    table = sa.table(name, sa.column(key), sa.column(column))
    rows = connection.execute(sa.select(table.c[key], table.c[column])).all()
    for row_key, token in rows:
        connection.execute(
            sa.update(table).where(table.c[key] == row_key).values({column: _digest(token)})
        )


def downgrade():
    # The tokens cannot be made again from their digests: every event gets a new random
    # token (tablets must be given the new links); retired tokens keep their digests.
    connection = op.get_bind()
    with op.batch_alter_table("retired_kiosk_token", schema=None) as batch_op:
        batch_op.alter_column(
            "token_hash", new_column_name="token", existing_type=sa.String(length=64)
        )
    event = sa.table("event", sa.column("id"), sa.column("kiosk_token_hash"))
    for (event_id,) in connection.execute(sa.select(event.c.id)).all():
        connection.execute(
            sa.update(event)
            .where(event.c.id == event_id)
            .values(kiosk_token_hash=secrets.token_urlsafe(24))
        )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_constraint("uq_event_kiosk_token_hash", type_="unique")
        batch_op.drop_column("kiosk_nonce")
        batch_op.alter_column(
            "kiosk_token_hash", new_column_name="kiosk_token", existing_type=sa.String(length=64)
        )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_event_kiosk_token", ["kiosk_token"])
