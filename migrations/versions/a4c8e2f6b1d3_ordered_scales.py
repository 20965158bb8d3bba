"""Ordered scales, and how a prepared download writes option answers

A single-choice question may say its options are a scale, in order

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
    # A prepared download says how its option answers are written: codes, numbers or
    # labels; a job asked for before wrote numbers, or labels when it said so.
    with op.batch_alter_table("export_job", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("option_values", sa.String(length=10), server_default="codes", nullable=False)
        )
    job = sa.table("export_job", sa.column("labelled"), sa.column("option_values"))
    op.execute(
        sa.update(job).values(
            option_values=sa.case((job.c.labelled == sa.true(), "labels"), else_="numbers")
        )
    )
    with op.batch_alter_table("export_job", schema=None) as batch_op:
        batch_op.drop_column("labelled")


def downgrade():
    with op.batch_alter_table("export_job", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("labelled", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    job = sa.table("export_job", sa.column("labelled"), sa.column("option_values"))
    op.execute(sa.update(job).values(labelled=job.c.option_values == "labels"))
    with op.batch_alter_table("export_job", schema=None) as batch_op:
        batch_op.drop_column("option_values")
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("ordered")
