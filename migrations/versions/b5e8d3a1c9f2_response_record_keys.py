"""Responses get record keys for cell key perturbation

Each response gets a random record key from 0 to 255, drawn by the database: existing
responses in this migration, new ones by the column's default whichever way they are
stored. Results perturb every count by the sum of its respondents' keys.

Revision ID: b5e8d3a1c9f2
Revises: a4f2d9c1e7b3
Create Date: 2026-12-04 17:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "b5e8d3a1c9f2"
down_revision = "a4f2d9c1e7b3"
branch_labels = None
depends_on = None

DEFAULTS = {
    "sqlite": "(abs(random()) % 256)",
    "postgresql": "(floor(random() * 256)::smallint)",
}


def upgrade():
    dialect = op.get_bind().dialect.name
    default = sa.text(DEFAULTS[dialect])
    column = sa.Column("record_key", sa.SmallInteger(), server_default=default, nullable=False)
    if dialect == "postgresql":
        # A volatile default is drawn afresh for every existing row.
        op.add_column("response", column)
    else:
        # SQLite cannot add a column whose default is not a constant: the table is
        # copied, and each copied row draws its key from the new column's default.
        with op.batch_alter_table("response", recreate="always") as batch_op:
            batch_op.add_column(column)


def downgrade():
    with op.batch_alter_table("response") as batch_op:
        batch_op.drop_column("record_key")
