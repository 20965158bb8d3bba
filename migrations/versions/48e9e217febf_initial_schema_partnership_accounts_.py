"""Initial schema: partnership, accounts, questionnaire versions, question bank, responses

Revision ID: 48e9e217febf
Revises:
Create Date: 2026-11-22 01:12:07.225888

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "48e9e217febf"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "partnership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership")),
        sa.UniqueConstraint("slug", name=op.f("uq_partnership_slug")),
    )
    op.create_table(
        "agency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_agency_partnership_id_partnership"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency")),
        sa.UniqueConstraint("partnership_id", "slug", name=op.f("uq_agency_partnership_id_slug")),
    )
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agency_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"], ["partnership.id"], name=op.f("fk_area_partnership_id_partnership")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area")),
        sa.UniqueConstraint("partnership_id", "code", name=op.f("uq_area_partnership_id_code")),
    )
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_area_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "bank_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_bank_question_partnership_id_partnership"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_question")),
        sa.UniqueConstraint(
            "partnership_id", "code", name=op.f("uq_bank_question_partnership_id_code")
        ),
    )
    with op.batch_alter_table("bank_question", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bank_question_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "questionnaire",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_questionnaire_partnership_id_partnership"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire")),
        sa.UniqueConstraint("partnership_id", name=op.f("uq_questionnaire_partnership_id")),
    )
    op.create_table(
        "bank_question_agency",
        sa.Column("bank_question_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_bank_question_agency_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["bank_question_id"],
            ["bank_question.id"],
            name=op.f("fk_bank_question_agency_bank_question_id_bank_question"),
        ),
        sa.PrimaryKeyConstraint(
            "bank_question_id", "agency_id", name=op.f("pk_bank_question_agency")
        ),
    )
    op.create_table(
        "questionnaire_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaire.id"],
            name=op.f("fk_questionnaire_version_questionnaire_id_questionnaire"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_version")),
        sa.UniqueConstraint(
            "questionnaire_id",
            "number",
            name=op.f("uq_questionnaire_version_questionnaire_id_number"),
        ),
    )
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("session_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_user_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
        sa.UniqueConstraint("email", name=op.f("uq_user_email")),
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_agency_id"), ["agency_id"], unique=False)

    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("hint", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("option_labels", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("bank_question_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_proposal_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["bank_question_id"],
            ["bank_question.id"],
            name=op.f("fk_proposal_bank_question_id_bank_question"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_proposal_decided_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_proposal_partnership_id_partnership"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["user.id"], name=op.f("fk_proposal_proposed_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal")),
    )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_proposal_partnership_id"), ["partnership_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_proposal_status"), ["status"], unique=False)

    op.create_table(
        "response",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_response_area_id_area")),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["questionnaire_version.id"],
            name=op.f("fk_response_version_id_questionnaire_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_response_idempotency_key")),
    )
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_response_area_id"), ["area_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_response_submitted_at"), ["submitted_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_response_version_id"), ["version_id"], unique=False)

    op.create_table(
        "section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["questionnaire_version.id"],
            name=op.f("fk_section_version_id_questionnaire_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_section")),
    )
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_section_version_id"), ["version_id"], unique=False)

    op.create_table(
        "question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("bank_question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("hint", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("min_value", sa.Integer(), nullable=True),
        sa.Column("max_value", sa.Integer(), nullable=True),
        sa.Column("max_choices", sa.Integer(), nullable=True),
        sa.Column("max_length", sa.Integer(), nullable=True),
        sa.Column("condition_code", sa.String(length=64), nullable=True),
        sa.Column("condition_options", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_question_id"],
            ["bank_question.id"],
            name=op.f("fk_question_bank_question_id_bank_question"),
        ),
        sa.ForeignKeyConstraint(
            ["section_id"], ["section.id"], name=op.f("fk_question_section_id_section")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question")),
    )
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_question_bank_question_id"), ["bank_question_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_question_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_question_section_id"), ["section_id"], unique=False)

    op.create_table(
        "option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("exclusive", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_option_question_id_question")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_option")),
    )
    with op.batch_alter_table("option", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_option_question_id"), ["question_id"], unique=False)

    op.create_table(
        "answer",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "response_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("number_value", sa.Integer(), nullable=True),
        sa.Column("text_value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_answer_area_id_area")),
        sa.ForeignKeyConstraint(
            ["option_id"], ["option.id"], name=op.f("fk_answer_option_id_option")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_answer_question_id_question")
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["response.id"],
            name=op.f("fk_answer_response_id_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer")),
    )
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_answer_question_option", ["question_id", "option_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_answer_response_id"), ["response_id"], unique=False)


def downgrade():
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answer_response_id"))
        batch_op.drop_index("ix_answer_question_option")

    op.drop_table("answer")
    with op.batch_alter_table("option", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_option_question_id"))

    op.drop_table("option")
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_section_id"))
        batch_op.drop_index(batch_op.f("ix_question_code"))
        batch_op.drop_index(batch_op.f("ix_question_bank_question_id"))

    op.drop_table("question")
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_section_version_id"))

    op.drop_table("section")
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_response_version_id"))
        batch_op.drop_index(batch_op.f("ix_response_submitted_at"))
        batch_op.drop_index(batch_op.f("ix_response_area_id"))

    op.drop_table("response")
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_status"))
        batch_op.drop_index(batch_op.f("ix_proposal_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_agency_id"))

    op.drop_table("proposal")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_agency_id"))

    op.drop_table("user")
    op.drop_table("questionnaire_version")
    op.drop_table("bank_question_agency")
    op.drop_table("questionnaire")
    with op.batch_alter_table("bank_question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_question_partnership_id"))

    op.drop_table("bank_question")
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_partnership_id"))

    op.drop_table("area")
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_partnership_id"))

    op.drop_table("agency")
    op.drop_table("partnership")
