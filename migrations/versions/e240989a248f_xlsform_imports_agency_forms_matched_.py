"""XLSForm imports: agencies' forms matched against the question bank

Revision ID: e240989a248f
Revises: c1a0f649dac6
Create Date: 2026-11-22 04:45:05.010149

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e240989a248f"
down_revision = "c1a0f649dac6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_form_import_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_form_import_partnership_id_partnership"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_form_import_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_import")),
    )
    with op.batch_alter_table("form_import", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_form_import_partnership_id"), ["partnership_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("form_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_import_partnership_id"))

    op.drop_table("form_import")
