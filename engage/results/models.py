"""Running counts of the responses, kept up to date as each response is stored.

Counting a million responses' answers afresh for every page costs seconds; these
tallies hold the same counts already grouped by everything the results filters can
ask for (the UTC day, the response's ward, event and channel), so a page sums a few
thousand rows instead. A response adds to them in the transaction that stores it,
so they are never behind what has been acknowledged.

Each count is kept per day and again per calendar month: a filter's whole months are
read from the month rows and only the days at its edges from the day rows. Absent
ids are stored as 0 so that every column can be part of the primary key that the
increments ("upserts") find their row by.
"""

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import Model
from engage.timeutil import utcnow

DAY = "day"
MONTH = "month"
SPANS = (DAY, MONTH)
# answer_tally.kind: respondents to the question, or answers with one value.
RESPONDENTS = 0
VALUE = 1
# pair_tally.kind: respondents to both questions, by the row's value, by the
# column's value, and by both.
BOTH, ROW_MARGIN, COLUMN_MARGIN, CELL = range(4)
NONE = 0  # no ward, no event


def _key(*args, **kwargs):
    return so.mapped_column(*args, primary_key=True, autoincrement=False, **kwargs)


# On SQLite, a tally is one B-tree ordered by its key: an increment updates one tree
# instead of a table and its primary key index.
WITHOUT_ROWID = {"sqlite_with_rowid": False}


class ResponseTally(Model):
    """Responses per version, UTC day, ward, event, channel and language."""

    __table_args__ = WITHOUT_ROWID

    version_id: so.Mapped[int] = _key(sa.ForeignKey("questionnaire_version.id"))
    day: so.Mapped[date] = _key()
    area_id: so.Mapped[int] = _key()
    event_id: so.Mapped[int] = _key()
    channel: so.Mapped[str] = _key(sa.String(20))
    language: so.Mapped[str] = _key(sa.String(10))
    responses: so.Mapped[int] = so.mapped_column(sa.BigInteger)


class AnswerTally(Model):
    """Per question (one version's copy) and cell: its respondents, and its answers by value.

    The value is the option id of a choice, the area id of an area question, or the
    number given for a rating or number question.
    """

    __table_args__ = WITHOUT_ROWID

    question_id: so.Mapped[int] = _key(sa.ForeignKey("question.id", ondelete="CASCADE"))
    span: so.Mapped[str] = _key(sa.String(5))
    start: so.Mapped[date] = _key()
    area_id: so.Mapped[int] = _key()
    event_id: so.Mapped[int] = _key()
    channel: so.Mapped[str] = _key(sa.String(20))
    kind: so.Mapped[int] = _key(sa.SmallInteger)
    value: so.Mapped[int] = _key(sa.BigInteger)
    respondents: so.Mapped[int] = so.mapped_column(sa.BigInteger)


class CrosstabPair(Model):
    """Two question codes an analyst has cross-tabulated: from then on their joint
    counts are kept in pair_tally as responses arrive."""

    __table_args__ = (sa.UniqueConstraint("questionnaire_id", "row_code", "column_code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    questionnaire_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questionnaire.id", ondelete="CASCADE")
    )
    row_code: so.Mapped[str] = so.mapped_column(sa.String(64))
    column_code: so.Mapped[str] = so.mapped_column(sa.String(64))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)


class PairTally(Model):
    """Respondents to both questions of a pair, per version and cell, by their values."""

    __table_args__ = WITHOUT_ROWID

    pair_id: so.Mapped[int] = _key(sa.ForeignKey("crosstab_pair.id", ondelete="CASCADE"))
    version_id: so.Mapped[int] = _key(sa.ForeignKey("questionnaire_version.id"))
    span: so.Mapped[str] = _key(sa.String(5))
    start: so.Mapped[date] = _key()
    area_id: so.Mapped[int] = _key()
    event_id: so.Mapped[int] = _key()
    channel: so.Mapped[str] = _key(sa.String(20))
    kind: so.Mapped[int] = _key(sa.SmallInteger)
    row_value: so.Mapped[int] = _key(sa.BigInteger)
    column_value: so.Mapped[int] = _key(sa.BigInteger)
    respondents: so.Mapped[int] = so.mapped_column(sa.BigInteger)
