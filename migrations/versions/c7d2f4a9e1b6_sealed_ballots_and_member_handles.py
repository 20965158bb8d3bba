"""Sealed ballots: a key pair per vote, ballots sealed until counting, member handles

Votes whose voting started before this revision keep storing ballots as they did; their
ballots are rewritten in a random order when they are counted, like opened ones.

Revision ID: c7d2f4a9e1b6
Revises: b5e8d3a1c9f2
Create Date: 2026-12-04 20:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "c7d2f4a9e1b6"
down_revision = "b5e8d3a1c9f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ballot_seal",
        sa.Column("vote_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("locked_key", sa.LargeBinary(length=128), nullable=False),
        sa.Column("salt", sa.LargeBinary(length=16), nullable=False),
        sa.Column("opslimit", sa.BigInteger(), nullable=False),
        sa.Column("memlimit", sa.BigInteger(), nullable=False),
        sa.Column("plaintext_size", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scrubbed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["priority_vote.id"], name=op.f("fk_ballot_seal_vote_id_priority_vote")
        ),
        sa.PrimaryKeyConstraint("vote_id", name=op.f("pk_ballot_seal")),
    )
    op.create_table(
        "sealed_ballot",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("box", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["priority_vote.id"], name=op.f("fk_sealed_ballot_vote_id_priority_vote")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sealed_ballot")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("sealed_ballot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sealed_ballot_vote_id"), ["vote_id"], unique=False)
    op.create_table(
        "member_handle",
        sa.Column("handle_hash", sa.String(length=64), nullable=False),
        sa.Column("voter_code_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["voter_code_id"],
            ["voter_code.id"],
            name=op.f("fk_member_handle_voter_code_id_voter_code"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("handle_hash", name=op.f("pk_member_handle")),
    )
    with op.batch_alter_table("member_handle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_handle_voter_code_id"), ["voter_code_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("member_handle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_handle_voter_code_id"))
    op.drop_table("member_handle")
    with op.batch_alter_table("sealed_ballot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sealed_ballot_vote_id"))
    op.drop_table("sealed_ballot")
    op.drop_table("ballot_seal")
