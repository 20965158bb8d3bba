"""Ward boundaries for the results map: one simplified outline per ward

Revision ID: e3b7d1a9c5f4
Revises: a1c5e9f3d7b2
Create Date: 2026-12-05 06:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "e3b7d1a9c5f4"
down_revision = "a1c5e9f3d7b2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ward_boundary",
        sa.Column("area_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("geometry", sa.Text(), nullable=False),
        sa.Column("source_name", sa.String(length=200), nullable=False),
        sa.Column("source_system", sa.String(length=60), nullable=False),
        sa.Column("loaded_by_id", sa.Integer(), nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
            name=op.f("fk_ward_boundary_area_id_area"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["loaded_by_id"],
            ["user.id"],
            name=op.f("fk_ward_boundary_loaded_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("area_id", name=op.f("pk_ward_boundary")),
    )


def downgrade():
    op.drop_table("ward_boundary")
