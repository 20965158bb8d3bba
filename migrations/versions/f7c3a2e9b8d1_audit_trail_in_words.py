"""Audit trail in words: the actor's agency, the object acted on, the request id, kinds

Entries recorded before keep their action codes; their kind is set from the action
(a panel action was recorded as "admin", say, even when a facilitator did it), and
their role and agency from the user's as they are now (the best that can be known).

Revision ID: f7c3a2e9b8d1
Revises: e5b1c9d7a3f2
Create Date: 2026-12-05 00:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "f7c3a2e9b8d1"
down_revision = "e5b1c9d7a3f2"
branch_labels = None
depends_on = None

# action prefix -> kind, as engage/audit/wording.py names them
KINDS = (
    ("panels.", "panel"),
    ("users.", "account"),
    ("tokens.", "account"),
    ("questionnaire.", "questionnaire"),
    ("bank.", "bank"),
    ("xlsform.", "bank"),
    ("events.", "event"),
    ("results.", "results"),
    ("public_results", "results"),
)


def upgrade():
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("target", sa.String(length=300), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("request_id", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_entry_agency_id"), ["agency_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_entry_agency_id_agency"), "agency", ["agency_id"], ["id"]
        )
    entry = sa.table(
        "audit_entry",
        sa.column("kind"),
        sa.column("action"),
        sa.column("user_id"),
        sa.column("role"),
        sa.column("agency_id"),
    )
    user = sa.table("user", sa.column("id"), sa.column("role"), sa.column("agency_id"))
    for prefix, kind in KINDS:
        op.execute(
            sa.update(entry)
            .where(entry.c.kind == "admin", entry.c.action.startswith(prefix))
            .values(kind=kind)
        )
    op.execute(
        sa.update(entry)
        .where(entry.c.user_id.is_not(None))
        .values(
            agency_id=sa.select(user.c.agency_id)
            .where(user.c.id == entry.c.user_id)
            .scalar_subquery(),
            role=sa.select(user.c.role).where(user.c.id == entry.c.user_id).scalar_subquery(),
        )
    )


def downgrade():
    entry = sa.table("audit_entry", sa.column("kind"))
    op.execute(
        sa.update(entry).where(entry.c.kind.not_in(("download", "api"))).values(kind="admin")
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_audit_entry_agency_id_agency"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_audit_entry_agency_id"))
        batch_op.drop_column("request_id")
        batch_op.drop_column("target")
        batch_op.drop_column("agency_id")
        batch_op.drop_column("role")
