"""Missing codes marked per option; a prepared download's label language

An option may be a missing code ("Don't know", "Prefer not to say"): statistics files
declare its value missing and the codebook lists it. The editor marks them; existing
options with the usual codes are marked, as they were treated before. A prepared
download records the language of its labels (English for those asked for before).

Revision ID: b6d1f3a8c2e5
Revises: a4c8e2f6b1d3
Create Date: 2026-12-05 02:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "b6d1f3a8c2e5"
down_revision = "a4c8e2f6b1d3"
branch_labels = None
depends_on = None

USUAL = ("dont_know", "prefer_not_to_say")


def upgrade():
    with op.batch_alter_table("option", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("missing", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    option = sa.table("option", sa.column("code"), sa.column("missing"))
    op.execute(sa.update(option).where(option.c.code.in_(USUAL)).values(missing=True))
    with op.batch_alter_table("export_job", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=10), server_default="en", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("export_job", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("option", schema=None) as batch_op:
        batch_op.drop_column("missing")
