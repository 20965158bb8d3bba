"""Stored responses. One narrow row per answer keeps per-question counts in SQL.

A multiple-choice answer is one row per chosen option. No IP address or user
agent is ever stored.
"""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from engage.events.models import Event
from engage.extensions import BigId, Model
from engage.partnership.models import Area
from engage.questionnaire.models import Option, Question, QuestionnaireVersion
from engage.timeutil import utcnow

ONLINE = "online"
KIOSK = "kiosk"
CHANNELS = (ONLINE, KIOSK)


class random_record_key(FunctionElement):  # noqa: N801  # a SQL function's name
    """A random whole number from 0 to 255, drawn by the database for each new row."""

    type = sa.SmallInteger()
    inherit_cache = True


@compiles(random_record_key, "sqlite")
def _random_key_sqlite(element, compiler, **kw) -> str:
    return "(abs(random()) % 256)"


@compiles(random_record_key, "postgresql")
def _random_key_postgresql(element, compiler, **kw) -> str:
    return "(floor(random() * 256)::smallint)"


class Response(Model):
    """One resident's completed questionnaire, pinned to the version it answered."""

    __table_args__ = (
        sa.Index(
            "ix_response_txid",
            "txid",
            sqlite_where=sa.text("txid IS NOT NULL"),
            postgresql_where=sa.text("txid IS NOT NULL"),
        ),
    )

    id: so.Mapped[int] = so.mapped_column(BigId, primary_key=True)
    version_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questionnaire_version.id"), index=True
    )
    area_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("area.id"), index=True)
    channel: so.Mapped[str] = so.mapped_column(sa.String(20), default=ONLINE)
    event_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("event.id"), index=True)
    language: so.Mapped[str] = so.mapped_column(sa.String(10), default="en", server_default="en")
    submitted_at: so.Mapped[datetime] = so.mapped_column(
        sa.DateTime(timezone=True), default=utcnow, index=True
    )
    # The tablet's time of answering was not plausible (in the future, or before its
    # kiosk link was issued): submitted_at is when the server received the response.
    # The record key of cell key perturbation (``results.perturbation``), 0 to 255, drawn
    # by the database when the row is stored, whichever way it is stored. It never
    # leaves the server: no download, API or page shows it.
    record_key: so.Mapped[int] = so.mapped_column(
        sa.SmallInteger, server_default=random_record_key()
    )
    time_flagged: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # One per rendered form: a repeated post of the same form stores nothing new.
    idempotency_key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    # Its results row: who was asked what, and the closed answers (``results.coding``).
    # Nullable only in the schema (see the migration that added it); always written.
    coded: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary)
    # PostgreSQL: the transaction that stored it, so results read new rows in commit
    # order (``results.engine``); set by the column's default. Unused on SQLite, where
    # it stays NULL, so its index holds only the rows that have one.
    txid: so.Mapped[int | None] = so.mapped_column(sa.BigInteger, server_default=sa.FetchedValue())

    version: so.Mapped[QuestionnaireVersion] = so.relationship()
    area: so.Mapped[Area | None] = so.relationship()
    event: so.Mapped[Event | None] = so.relationship()
    answers: so.Mapped[list["Answer"]] = so.relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


# Only PostgreSQL has a default for txid, which SQLAlchemy cannot say per dialect.
TXID_DEFAULT = "(pg_current_xact_id()::text)::bigint"
sa.event.listen(
    Response.__table__,
    "after_create",
    sa.DDL(f"ALTER TABLE response ALTER COLUMN txid SET DEFAULT {TXID_DEFAULT}").execute_if(
        dialect="postgresql"
    ),
)


class Answer(Model):
    """One answer value; which column holds it depends on the question type."""

    # Storing a response adds tens of answer rows, and every index on this table gets an
    # entry for each: an index led by the question puts them on as many different pages,
    # each written again at every commit. So answers are indexed by response only (the
    # results read ``response.coded``, not this table), plus the few free-text answers
    # by question, for the width of each text column a .sav download declares first.
    __table_args__ = (
        sa.Index(
            "ix_answer_text_question",
            "question_id",
            sqlite_where=sa.text("text_value IS NOT NULL"),
            postgresql_where=sa.text("text_value IS NOT NULL"),
        ),
    )

    id: so.Mapped[int] = so.mapped_column(BigId, primary_key=True)
    response_id: so.Mapped[int] = so.mapped_column(
        BigId, sa.ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    question_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("question.id"))
    option_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("option.id"))
    area_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("area.id"))
    number_value: so.Mapped[int | None]
    text_value: so.Mapped[str | None] = so.mapped_column(sa.Text)

    response: so.Mapped[Response] = so.relationship(back_populates="answers")
    question: so.Mapped[Question] = so.relationship()
    option: so.Mapped[Option | None] = so.relationship()
    area: so.Mapped[Area | None] = so.relationship()
