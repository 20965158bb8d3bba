"""Replies to panel comments, official answers to members' questions, digests sent

A comment may now answer another (``option_comment.parent_id``, one level deep); a
facilitator's official answer to a member's question is a ``comment_answer`` row (one
per question); and a panel remembers the last day its digest of the discussion was
sent through (``panel.digest_through``), so the next digest starts the day after.

Revision ID: a1c5e9f3d7b2
Revises: b6d1f3a8c2e5
Create Date: 2026-12-05 06:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "a1c5e9f3d7b2"
down_revision = "b6d1f3a8c2e5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("option_comment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_option_comment_parent_id"), ["parent_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_option_comment_parent_id_option_comment"),
            "option_comment",
            ["parent_id"],
            ["id"],
        )
    op.create_table(
        "comment_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["option_comment.id"],
            name=op.f("fk_comment_answer_comment_id_option_comment"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_comment_answer_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_answer")),
        sa.UniqueConstraint("comment_id", name=op.f("uq_comment_answer_comment_id")),
    )
    with op.batch_alter_table("panel", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest_through", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("panel", schema=None) as batch_op:
        batch_op.drop_column("digest_through")
    op.drop_table("comment_answer")
    with op.batch_alter_table("option_comment", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_option_comment_parent_id_option_comment"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_option_comment_parent_id"))
        batch_op.drop_column("parent_id")
