"""Response txid indexed only where it is set

SQLite leaves txid NULL (only PostgreSQL needs it), and every stored response still
added a NULL entry to its index; a partial index holds only the rows that have one.

Revision ID: 8d4b0f2e3c51
Revises: 7c3a9e1d2b40
Create Date: 2026-12-04 09:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8d4b0f2e3c51"
down_revision = "7c3a9e1d2b40"
branch_labels = None
depends_on = None

SET = sa.text("txid IS NOT NULL")


def upgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index("ix_response_txid")
        batch_op.create_index(
            "ix_response_txid", ["txid"], unique=False, sqlite_where=SET, postgresql_where=SET
        )


def downgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index("ix_response_txid", sqlite_where=SET, postgresql_where=SET)
        batch_op.create_index("ix_response_txid", ["txid"], unique=False)
