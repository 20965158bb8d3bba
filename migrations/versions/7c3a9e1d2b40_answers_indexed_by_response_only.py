"""Answers indexed by response only, and free-text answers by question

Storing a response writes tens of answer rows; the index led by question_id gave each of
them an entry on a different page. The results read response.coded, the downloads read
answers by response, so that index goes; a partial index keeps the free-text answers
findable by question.

Revision ID: 7c3a9e1d2b40
Revises: 5d2e8f0a4c61
Create Date: 2026-12-04 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c3a9e1d2b40"
down_revision = "5d2e8f0a4c61"
branch_labels = None
depends_on = None

TEXT_ANSWERS = sa.text("text_value IS NOT NULL")


def upgrade():
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_index("ix_answer_question_response")
        batch_op.create_index(
            "ix_answer_text_question",
            ["question_id"],
            unique=False,
            sqlite_where=TEXT_ANSWERS,
            postgresql_where=TEXT_ANSWERS,
        )


def downgrade():
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_answer_text_question",
            sqlite_where=TEXT_ANSWERS,
            postgresql_where=TEXT_ANSWERS,
        )
        batch_op.create_index(
            "ix_answer_question_response",
            ["question_id", "response_id", "option_id", "area_id", "number_value"],
            unique=False,
        )
