"""Comparability of reworded questions and relabelled options

Each version's copy of a question (and of an option) says whether a change of wording
since the version before keeps results comparable: NULL until an admin says, false to
start a new series. Existing copies are left NULL: versions published before this
migration are taken as comparable (results were pooled), as they always were.

Revision ID: a4f2d9c1e7b3
Revises: 9e1c2a7b4d60
Create Date: 2026-12-04 14:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a4f2d9c1e7b3"
down_revision = "9e1c2a7b4d60"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("comparable", sa.Boolean(), nullable=True))
    with op.batch_alter_table("option", schema=None) as batch_op:
        batch_op.add_column(sa.Column("comparable", sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table("option", schema=None) as batch_op:
        batch_op.drop_column("comparable")
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("comparable")
