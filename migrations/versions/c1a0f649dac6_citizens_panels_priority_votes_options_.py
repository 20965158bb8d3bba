"""Citizens' panels: priority votes, options, comments, voter codes, secret ballots

Revision ID: c1a0f649dac6
Revises: 25a7530c342d
Create Date: 2026-11-22 03:53:27.957245

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c1a0f649dac6"
down_revision = "25a7530c342d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "panel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_panel_area_id_area")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_panel_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"], ["partnership.id"], name=op.f("fk_panel_partnership_id_partnership")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel")),
    )
    with op.batch_alter_table("panel", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_panel_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "priority_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("count_seed", sa.Integer(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("public_token", sa.String(length=64), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_priority_vote_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panel.id"], name=op.f("fk_priority_vote_panel_id_panel")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_vote")),
        sa.UniqueConstraint("public_token", name=op.f("uq_priority_vote_public_token")),
    )
    with op.batch_alter_table("priority_vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_priority_vote_panel_id"), ["panel_id"], unique=False)

    op.create_table(
        "voter_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("pseudonym", sa.String(length=80), nullable=False),
        sa.Column("used", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("voided", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["priority_vote.id"], name=op.f("fk_voter_code_vote_id_priority_vote")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voter_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_voter_code_code_hash")),
        sa.UniqueConstraint("vote_id", "pseudonym", name=op.f("uq_voter_code_vote_id_pseudonym")),
        sa.UniqueConstraint("vote_id", "serial", name=op.f("uq_voter_code_vote_id_serial")),
    )
    with op.batch_alter_table("voter_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voter_code_vote_id"), ["vote_id"], unique=False)

    op.create_table(
        "vote_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("evidence_question", sa.String(length=64), nullable=True),
        sa.Column("evidence_count", sa.Integer(), nullable=True),
        sa.Column("evidence_suppressed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("evidence_percent", sa.Double(), nullable=True),
        sa.Column("evidence_k", sa.Integer(), nullable=True),
        sa.Column("evidence_filter", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["vote_option.id"],
            name=op.f("fk_vote_option_merged_into_id_vote_option"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["voter_code.id"],
            name=op.f("fk_vote_option_proposed_by_id_voter_code"),
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["priority_vote.id"], name=op.f("fk_vote_option_vote_id_priority_vote")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_option")),
    )
    with op.batch_alter_table("vote_option", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vote_option_vote_id"), ["vote_id"], unique=False)

    op.create_table(
        "option_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("voter_code_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("stance", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["hidden_by_id"], ["user.id"], name=op.f("fk_option_comment_hidden_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["option_id"], ["vote_option.id"], name=op.f("fk_option_comment_option_id_vote_option")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_option_comment_user_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["voter_code_id"],
            ["voter_code.id"],
            name=op.f("fk_option_comment_voter_code_id_voter_code"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_option_comment")),
    )
    with op.batch_alter_table("option_comment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_option_comment_option_id"), ["option_id"], unique=False
        )

    op.create_table(
        "option_supporter",
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("voter_code_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["vote_option.id"],
            name=op.f("fk_option_supporter_option_id_vote_option"),
        ),
        sa.ForeignKeyConstraint(
            ["voter_code_id"],
            ["voter_code.id"],
            name=op.f("fk_option_supporter_voter_code_id_voter_code"),
        ),
        sa.PrimaryKeyConstraint("option_id", "voter_code_id", name=op.f("pk_option_supporter")),
    )

    # The ballot tables: random keys, no times, no reference to voter_code, and on
    # SQLite no rowid, so nothing records who cast a ballot or in what order.
    op.create_table(
        "ballot",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("receipt", sa.String(length=20), nullable=False),
        sa.Column("paper", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["priority_vote.id"], name=op.f("fk_ballot_vote_id_priority_vote")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot")),
        sa.UniqueConstraint("vote_id", "receipt", name=op.f("uq_ballot_vote_id_receipt")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballot_vote_id"), ["vote_id"], unique=False)

    op.create_table(
        "ballot_ranking",
        sa.Column("ballot_id", sa.String(length=32), nullable=False),
        sa.Column("rank", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ballot_id"],
            ["ballot.id"],
            name=op.f("fk_ballot_ranking_ballot_id_ballot"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["option_id"], ["vote_option.id"], name=op.f("fk_ballot_ranking_option_id_vote_option")
        ),
        sa.PrimaryKeyConstraint("ballot_id", "rank", name=op.f("pk_ballot_ranking")),
        sa.UniqueConstraint(
            "ballot_id", "option_id", name=op.f("uq_ballot_ranking_ballot_id_option_id")
        ),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("ballot_ranking", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ballot_ranking_option_id"), ["option_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("ballot_ranking", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_ranking_option_id"))
    op.drop_table("ballot_ranking")

    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_vote_id"))
    op.drop_table("ballot")

    op.drop_table("option_supporter")

    with op.batch_alter_table("option_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_option_comment_option_id"))
    op.drop_table("option_comment")

    with op.batch_alter_table("vote_option", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vote_option_vote_id"))
    op.drop_table("vote_option")

    with op.batch_alter_table("voter_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voter_code_vote_id"))
    op.drop_table("voter_code")

    with op.batch_alter_table("priority_vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_priority_vote_panel_id"))
    op.drop_table("priority_vote")

    with op.batch_alter_table("panel", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_partnership_id"))
    op.drop_table("panel")
