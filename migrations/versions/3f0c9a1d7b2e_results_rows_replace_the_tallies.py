"""Results rows on the responses replace the tallies and cross-tab pairs

Each response gets its compact results row (``response.coded``: who was asked what, and
the closed answers), filled here from the stored answers; on PostgreSQL also the
transaction that stored it (``txid``). The running tallies and the registered cross-tab
pairs go: every process now counts from the rows.

Revision ID: 3f0c9a1d7b2e
Revises: 85e6485da398
Create Date: 2026-12-03 23:50:00.000000

"""

import json
import uuid

import sqlalchemy as sa
from alembic import op

from engage.results import coding

# revision identifiers, used by Alembic.
revision = "3f0c9a1d7b2e"
down_revision = "85e6485da398"
branch_labels = None
depends_on = None

BATCH = 2000
TXID_DEFAULT = "(pg_current_xact_id()::text)::bigint"
CHOICE_TYPES = ("single", "multiple", "agreement", "yes_no")


def upgrade():
    op.create_table(
        "results_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("epoch", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_results_state")),
    )
    op.get_bind().execute(
        sa.text("INSERT INTO results_state (id, epoch) VALUES (1, :epoch)"),
        {"epoch": uuid.uuid4().hex},
    )
    # Plain ALTER TABLE, never a batch copy of the table: on SQLite, with foreign keys on,
    # dropping the old copy of `response` would cascade to every answer (ON DELETE
    # CASCADE). So `coded` stays nullable in the schema; every row gets one here.
    op.add_column("response", sa.Column("coded", sa.LargeBinary(), nullable=True))
    op.add_column("response", sa.Column("txid", sa.BigInteger(), nullable=True))
    op.create_index(op.f("ix_response_txid"), "response", ["txid"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE response ALTER COLUMN txid SET DEFAULT {TXID_DEFAULT}")
        op.execute("UPDATE response SET txid = 0")
    _fill_rows()
    op.drop_table("pair_tally")
    op.drop_table("crosstab_pair")
    op.drop_table("answer_tally")
    op.drop_table("response_tally")


# A frozen copy of survey.coding.coded_row and survey.plans.row_layout as they were when
# this migration was written, over plain rows, so that later changes to the models do
# not change what it does. The row format itself is results.coding's.


def _layout(questions):
    slots = []
    for q in questions:
        kind = (
            coding.MULTIPLE
            if q["type"] == "multiple"
            else coding.CHOICE
            if q["type"] in CHOICE_TYPES
            else coding.AREA
            if q["type"] == "area"
            else coding.VALUE
            if q["type"] in ("rating", "number")
            else None
        )
        if kind is not None:
            options = tuple(code for _id, code in q["options"]) if q["type"] in CHOICE_TYPES else ()
            slots.append(coding.Slot(q["code"], kind, options))
    return coding.RowLayout(tuple(slots))


def _row(questions, layout, answers):
    by_question = {}
    for question_id, option_id, area_id, number in answers:
        by_question.setdefault(question_id, []).append((option_id, area_id, number))
    values, chosen, shown = {}, {}, set()
    for q in questions:
        if q["condition_code"]:
            controller = chosen.get(q["condition_code"])
            if q["condition_code"] not in shown or not controller:
                continue
            if not set(controller) & set(q["condition_options"]):
                continue
        shown.add(q["code"])
        given = by_question.get(q["id"], [])
        if q["type"] in CHOICE_TYPES:
            positions = {option_id: i for i, (option_id, _code) in enumerate(q["options"])}
            codes = dict(q["options"])
            picked = [o for o, _a, _n in given if o in positions]
            if picked:
                values[q["code"]] = [positions[o] for o in picked]
                chosen[q["code"]] = [codes[o] for o in picked]
        elif q["type"] == "area":
            picked = [a for _o, a, _n in given if a is not None]
            if picked:
                values[q["code"]] = picked[:1]
        else:
            picked = [n for _o, _a, n in given if n is not None]
            if picked:
                values[q["code"]] = picked[:1]
    return layout.encode(values, shown)


def _questions(bind, version_id):
    rows = bind.execute(
        sa.text(
            "SELECT q.id, q.code, q.type, q.condition_code, q.condition_options FROM question q "
            "JOIN section s ON s.id = q.section_id WHERE s.version_id = :v "
            "ORDER BY s.position, q.position, q.id"
        ),
        {"v": version_id},
    ).all()
    questions = []
    for qid, code, qtype, condition_code, condition_options in rows:
        if isinstance(condition_options, str):
            condition_options = json.loads(condition_options)
        options = bind.execute(
            sa.text("SELECT id, code FROM option WHERE question_id = :q ORDER BY position, id"),
            {"q": qid},
        ).all()
        questions.append(
            {
                "id": qid,
                "code": code,
                "type": qtype,
                "condition_code": condition_code,
                "condition_options": condition_options or [],
                "options": [tuple(o) for o in options],
            }
        )
    return questions


def _fill_rows():
    bind = op.get_bind()
    versions = bind.execute(sa.text("SELECT DISTINCT version_id FROM response")).scalars().all()
    for version_id in versions:
        questions = _questions(bind, version_id)
        layout = _layout(questions)
        last = 0
        while True:
            ids = (
                bind.execute(
                    sa.text(
                        "SELECT id FROM response WHERE version_id = :v AND id > :last "
                        "ORDER BY id LIMIT :n"
                    ),
                    {"v": version_id, "last": last, "n": BATCH},
                )
                .scalars()
                .all()
            )
            if not ids:
                break
            last = ids[-1]
            answers = {}
            for response_id, *values in bind.execute(
                sa.text(
                    "SELECT response_id, question_id, option_id, area_id, number_value "
                    "FROM answer WHERE response_id BETWEEN :low AND :high "
                    "AND text_value IS NULL"
                ),
                {"low": ids[0], "high": last},
            ):
                answers.setdefault(response_id, []).append(tuple(values))
            bind.execute(
                sa.text("UPDATE response SET coded = :coded WHERE id = :id"),
                [{"id": i, "coded": _row(questions, layout, answers.get(i, []))} for i in ids],
            )


def downgrade():
    # The tallies come back empty: run the earlier release's `flask recount-results`
    # to fill them.
    op.create_table(
        "crosstab_pair",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("row_code", sa.String(length=64), nullable=False),
        sa.Column("column_code", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaire.id"],
            name=op.f("fk_crosstab_pair_questionnaire_id_questionnaire"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crosstab_pair")),
        sa.UniqueConstraint(
            "questionnaire_id",
            "row_code",
            "column_code",
            name=op.f("uq_crosstab_pair_questionnaire_id_row_code_column_code"),
        ),
    )

    def cell():
        return [
            sa.Column("area_id", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("event_id", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("channel", sa.String(length=20), autoincrement=False, nullable=False),
        ]

    def span():
        return [
            sa.Column("span", sa.String(length=5), autoincrement=False, nullable=False),
            sa.Column("start", sa.Date(), autoincrement=False, nullable=False),
        ]

    op.create_table(
        "pair_tally",
        sa.Column("pair_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version_id", sa.Integer(), autoincrement=False, nullable=False),
        *span(),
        *cell(),
        sa.Column("kind", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("row_value", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("column_value", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("respondents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["crosstab_pair.id"],
            name=op.f("fk_pair_tally_pair_id_crosstab_pair"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["questionnaire_version.id"],
            name=op.f("fk_pair_tally_version_id_questionnaire_version"),
        ),
        sa.PrimaryKeyConstraint(
            "pair_id",
            "version_id",
            "span",
            "start",
            "area_id",
            "event_id",
            "channel",
            "kind",
            "row_value",
            "column_value",
            name=op.f("pk_pair_tally"),
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "response_tally",
        sa.Column("version_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), autoincrement=False, nullable=False),
        *cell(),
        sa.Column("language", sa.String(length=10), autoincrement=False, nullable=False),
        sa.Column("responses", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["questionnaire_version.id"],
            name=op.f("fk_response_tally_version_id_questionnaire_version"),
        ),
        sa.PrimaryKeyConstraint(
            "version_id",
            "day",
            "area_id",
            "event_id",
            "channel",
            "language",
            name=op.f("pk_response_tally"),
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "answer_tally",
        sa.Column("question_id", sa.Integer(), autoincrement=False, nullable=False),
        *span(),
        *cell(),
        sa.Column("kind", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("respondents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
            name=op.f("fk_answer_tally_question_id_question"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "question_id",
            "span",
            "start",
            "area_id",
            "event_id",
            "channel",
            "kind",
            "value",
            name=op.f("pk_answer_tally"),
        ),
        sqlite_with_rowid=False,
    )
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later), not a batch copy: see upgrade.
    op.drop_index(op.f("ix_response_txid"), table_name="response")
    op.execute("ALTER TABLE response DROP COLUMN txid")
    op.execute("ALTER TABLE response DROP COLUMN coded")
    op.drop_table("results_state")
