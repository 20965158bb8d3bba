"""Events with kiosk links, response event and language, questionnaire translations

Revision ID: b74cf0c80763
Revises: 48e9e217febf
Create Date: 2026-11-22 01:50:30.597940

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b74cf0c80763"
down_revision = "48e9e217febf"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("default_area_id", sa.Integer(), nullable=True),
        sa.Column("idle_seconds", sa.Integer(), server_default="120", nullable=False),
        sa.Column("kiosk_token", sa.String(length=64), nullable=False),
        sa.Column("kiosk_valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_event_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["default_area_id"], ["area.id"], name=op.f("fk_event_default_area_id_area")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"], ["partnership.id"], name=op.f("fk_event_partnership_id_partnership")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
        sa.UniqueConstraint("kiosk_token", name=op.f("uq_event_kiosk_token")),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "retired_kiosk_token",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_retired_kiosk_token_event_id_event")
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_retired_kiosk_token")),
    )
    with op.batch_alter_table("retired_kiosk_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retired_kiosk_token_event_id"), ["event_id"], unique=False
        )

    with op.batch_alter_table("option", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("translations", sa.JSON(), server_default=sa.text("'{}'"), nullable=False)
        )

    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("translations", sa.JSON(), server_default=sa.text("'{}'"), nullable=False)
        )

    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("translations", sa.JSON(), server_default=sa.text("'{}'"), nullable=False)
        )

    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("language", sa.String(length=10), server_default="en", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_response_event_id"), ["event_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_response_event_id_event"), "event", ["event_id"], ["id"]
        )

    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("translations", sa.JSON(), server_default=sa.text("'{}'"), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.drop_column("translations")

    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_response_event_id_event"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_response_event_id"))
        batch_op.drop_column("language")
        batch_op.drop_column("event_id")

    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.drop_column("translations")

    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("translations")

    with op.batch_alter_table("option", schema=None) as batch_op:
        batch_op.drop_column("translations")

    with op.batch_alter_table("retired_kiosk_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retired_kiosk_token_event_id"))

    op.drop_table("retired_kiosk_token")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_partnership_id"))

    op.drop_table("event")
