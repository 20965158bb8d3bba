"""Which questions have results: every published version's questions, joined by code.

The newest copy of a question gives its wording and option order; options that
only older versions had are kept after them, so old answers still count. Each
question also keeps every version's copy, so results can show the wording each
group of respondents saw, and split at a break in series (``comparability``).
Free-text questions are left out: their answers never appear in aggregates.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.i18n import translated
from engage.questionnaire import comparability, types
from engage.questionnaire.joining import joined
from engage.questionnaire.models import (
    BankQuestion,
    Option,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Section,
)
from engage.questionnaire.published import published_copies
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
    """One question code across the versions that asked it (``versions``, newest first,
    within the filter), with every published version's copy (``copies``, by number)."""

    code: str
    question: Question  # the newest copy
    options: dict[str, Option] = field(default_factory=dict)
    versions: list[int] = field(default_factory=list)
    copies: dict[int, Question] = field(default_factory=dict)

    def series(self) -> list[list[int]]:
        """The versions asked, split where a change was marked not comparable (newest
        series first); one series when results may be pooled."""
        breaks = comparability.series_breaks(self.copies)
        return comparability.series(self.versions, breaks)[::-1]

    def for_versions(self, numbers: list[int]) -> "QuestionInfo":
        """The question as only ``numbers`` asked it: their newest wording and options."""
        ordered = sorted(numbers, reverse=True)
        info = QuestionInfo(
            self.code,
            self.copies[ordered[0]],
            versions=ordered,
            copies=self.copies,
        )
        copies = (self.copies[number].options for number in ordered)
        info.options = {o.code: o for o in joined(copies, lambda option: option.code)}
        return info

    def wordings(self, lang: str | None = None) -> list[dict[str, Any]]:
        """Each distinct wording and the versions that asked it, oldest first."""
        return _grouped(
            (number, translated(self.copies[number], "text", lang))
            for number in sorted(self.versions)
        )

    def labels(self, option_code: str, lang: str | None = None) -> list[dict[str, Any]]:
        """Each distinct label of an option and the versions that offered it, oldest first."""
        return _grouped(
            (number, translated(option, "label", lang))
            for number in sorted(self.versions)
            if (option := self.copies[number].option_by_code(option_code)) is not None
        )

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
    # Every published copy, whatever the version filter: a break in series is where
    # it is, even in a version left out.
    stmt = (
        published_copies(questionnaire.id, Question, QuestionnaireVersion.number)
        .where(Question.type.in_((*CLOSED_TYPES, types.AREA)))
        .options(
            so.selectinload(Question.options),
            so.selectinload(Question.bank_question).selectinload(BankQuestion.agencies),
        )
        .order_by(QuestionnaireVersion.number.desc(), Section.position, Question.position)
    )
    copies: dict[str, dict[int, Question]] = {}
    for question, number in db.session.execute(stmt):
        copies.setdefault(question.code, {})[number] = question
    infos = []
    for code, by_number in copies.items():
        asked = [n for n in by_number if not filters.versions or n in filters.versions]
        if not asked:
            continue
        info = QuestionInfo(code, by_number[max(by_number)], copies=by_number)
        info = info.for_versions(asked)
        infos.append(info)
    if filters.mine and agency_id is not None:
        infos = [info for info in infos if info.question.used_by(agency_id)]
    return infos


def _grouped(pairs: Iterable[tuple[int, str]]) -> list[dict[str, Any]]:
    """(version number, text) pairs as each distinct text with its versions."""
    groups: dict[str, list[int]] = {}
    for number, text in pairs:
        groups.setdefault(text, []).append(number)
    return [{"versions": numbers, "text": text} for text, numbers in groups.items()]


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
