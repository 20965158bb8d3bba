"""Questions marked as describing the respondent (age, gender, ethnicity, disability...)

A panel never draws priorities from such a question. Existing questions are marked by
the rule a new question starts with (its code, its wording and its section's title),
and an admin can change the mark in the editor.

Revision ID: f4c2a8e6b9d1
Revises: e3b7d1a9c5f4
Create Date: 2026-12-05 07:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "f4c2a8e6b9d1"
down_revision = "e3b7d1a9c5f4"
branch_labels = None
depends_on = None


def upgrade():
    from engage.questionnaire.demographics import is_demographic

    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("about_respondent", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    question = sa.table(
        "question",
        sa.column("id"),
        sa.column("code"),
        sa.column("text"),
        sa.column("section_id"),
        sa.column("about_respondent"),
    )
    section = sa.table("section", sa.column("id"), sa.column("title"))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(question.c.id, question.c.code, question.c.text, section.c.title).join(
            section, section.c.id == question.c.section_id
        )
    )
    marked = [row.id for row in rows if is_demographic(row.code, row.text, row.title or "")]
    if marked:
        connection.execute(
            sa.update(question).where(question.c.id.in_(marked)).values(about_respondent=True)
        )


def downgrade():
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("about_respondent")
