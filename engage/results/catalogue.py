"""Which questions have results: every published version's questions, joined by code.

The newest copy of a question gives its wording and option order; options that
only older versions had are kept after them, so old answers still count.
Free-text questions are left out: their answers never appear in aggregates.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.i18n import translated
from engage.questionnaire import types
from engage.questionnaire.models import (
    PUBLISHED,
    BankQuestion,
    Option,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Section,
)
from engage.results.filters import ResultFilter

# Questions whose answers can be counted: choices, ratings and numbers.
CLOSED_TYPES = (*types.CHOICE_TYPES, types.RATING, types.NUMBER)
# Questions a cross-tab can break results down by: the area question and "about you" choices.
BREAKDOWN_TYPES = (types.AREA, *types.CHOICE_TYPES)
# Questions with a trend over time: mean rating, or percentage agreeing.
TREND_TYPES = (types.RATING, types.AGREEMENT)
AGREE_CODES = ("strongly_agree", "agree")
PERIODS = ("day", "week", "month")


@dataclass
class QuestionInfo:
    """One question code across the versions that asked it."""

    code: str
    question: Question  # the newest copy
    options: dict[str, Option] = field(default_factory=dict)
    versions: list[int] = field(default_factory=list)
    agency_ids: set[int] = field(default_factory=set)

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def multiple(self) -> bool:
        return self.type == types.MULTIPLE

    def text(self, lang: str | None = None) -> str:
        return translated(self.question, "text", lang)

    def label(self, option_code: str, lang: str | None = None) -> str:
        option = self.options.get(option_code)
        return translated(option, "label", lang) if option else option_code


def catalogue(
    questionnaire: Questionnaire, filters: ResultFilter | None = None, agency_id: int | None = None
) -> list[QuestionInfo]:
    """The countable questions in questionnaire order (newest version first).

    With ``filters.mine`` and an ``agency_id``, only the questions that agency uses.
    """
    filters = filters or ResultFilter()
    stmt = (
        sa.select(Question, QuestionnaireVersion.number)
        .join(Section, Question.section_id == Section.id)
        .join(QuestionnaireVersion, Section.version_id == QuestionnaireVersion.id)
        .where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.status == PUBLISHED,
            Question.type.in_((*CLOSED_TYPES, types.AREA)),
        )
        .options(
            so.selectinload(Question.options),
            so.selectinload(Question.bank_question).selectinload(BankQuestion.agencies),
        )
        .order_by(QuestionnaireVersion.number.desc(), Section.position, Question.position)
    )
    if filters.versions:
        stmt = stmt.where(QuestionnaireVersion.number.in_(filters.versions))
    found: dict[str, QuestionInfo] = {}
    for question, number in db.session.execute(stmt):
        info = found.get(question.code)
        if info is None:
            info = found[question.code] = QuestionInfo(question.code, question)
            info.agency_ids = {a.id for a in question.bank_question.agencies}
        info.versions.append(number)
        for option in question.options:
            info.options.setdefault(option.code, option)
    infos = list(found.values())
    if filters.mine and agency_id is not None:
        infos = [info for info in infos if agency_id in info.agency_ids]
    return infos


def find(questionnaire: Questionnaire, code: str, filters: ResultFilter | None = None):
    """The QuestionInfo for ``code``, or None when no published version asks it."""
    return next((i for i in catalogue(questionnaire, filters) if i.code == code), None)


def period_start(
    column: sa.ColumnElement | so.InstrumentedAttribute, period: str
) -> sa.ColumnElement:
    """The first day ("YYYY-MM-DD") of the day, ISO week or month of a UTC timestamp.

    The constants are written into the SQL, not bound, so that PostgreSQL sees the
    same expression in SELECT and GROUP BY.
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}")
    if db.session.get_bind().dialect.name == "postgresql":
        utc = sa.func.timezone(sa.literal_column("'UTC'"), column)
        start = sa.func.date_trunc(sa.literal_column(f"'{period}'"), utc)
        return sa.func.to_char(start, sa.literal_column("'YYYY-MM-DD'"))
    if period == "week":  # SQLite: on to Sunday (or stay), then back to Monday
        return sa.func.date(
            column, sa.literal_column("'weekday 0'"), sa.literal_column("'-6 days'")
        )
    if period == "month":
        return sa.func.strftime(sa.literal_column("'%Y-%m-01'"), column)
    return sa.func.date(column)
