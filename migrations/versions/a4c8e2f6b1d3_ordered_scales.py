"""Ordered scales: a single-choice question may say its options are a scale, in order

Statistics downloads then measure it as ordinal (agreement and rating questions always
are). Existing questions are not ordered until an admin says so in the editor.

Revision ID: a4c8e2f6b1d3
Revises: f7c3a2e9b8d1
Create Date: 2026-12-05 00:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "a4c8e2f6b1d3"
down_revision = "f7c3a2e9b8d1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ordered", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("ordered")
