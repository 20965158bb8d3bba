"""The streaming row source: one row per response, with question codes as columns.

Copies of a question in different versions share its code, so they share columns.
Responses are read in keyset-paginated batches (``id > last ORDER BY id LIMIT n``),
each with its weight in the default weighting scheme joined in, and each batch's
answers in one more query, so memory stays flat however many rows there are. Rows
hold codes; writers turn them into labels where they want.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.events.models import Event
from engage.exports import history, values, weight_column
from engage.exports.cells import utc
from engage.exports.layout import (
    CHOSEN_LABELS,
    DATETIME,
    INTEGER,
    NOMINAL,
    ORDINAL,
    SCALE,
    SEPARATOR,
    STRING,
    Column,
    Layout,
    OptionInfo,
    QuestionInfo,
)
from engage.extensions import db
from engage.i18n import DEFAULT_LANGUAGE, LANGUAGES, translated
from engage.partnership.models import Area
from engage.questionnaire import types
from engage.questionnaire.joining import joined
from engage.questionnaire.models import (
    BankQuestion,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Section,
)
from engage.questionnaire.published import published_copies
from engage.results import engine
from engage.results.filters import ResultFilter, response_conditions
from engage.survey.models import Answer, Response
from engage.weighting.models import ResponseWeight

BATCH = 2000
# No newest response fixed: a page reads whatever is stored when it is asked for.
MAX_RESPONSE_ID = 2**62
FIXED = 8  # response_id, submitted_at, version, channel, event, ward, language, weight
WEIGHT = 7  # the weight's column
CHANNEL_LABELS = {"online": "Online", "kiosk": "Kiosk at an event"}


@dataclass
class RowPlan:
    """The layout plus where each stored answer lands in a row."""

    layout: Layout
    conditions: list[sa.ColumnElement]
    question_ids: list[int] | None  # None: every question is included
    choice: dict[int, tuple[int, int]] = field(default_factory=dict)  # option -> (col, value)
    multiple: dict[int, tuple[int, str]] = field(default_factory=dict)  # option -> (col, code)
    # (version number, code) -> the columns of the options that version offered, read
    # from the results schema (who was asked what): an option the respondent's version
    # did not offer stays blank, not 0 ("not chosen"), exactly as the results count it.
    offered: dict[tuple[int, str], tuple[int, ...]] = field(default_factory=dict)
    option_columns: dict[str, dict[str, int]] = field(default_factory=dict)  # code -> option -> col
    numbers: dict[int, int] = field(default_factory=dict)  # question -> col
    texts: dict[int, int] = field(default_factory=dict)
    areas: dict[int, int] = field(default_factory=dict)
    area_codes: dict[int, str] = field(default_factory=dict)
    weight_scheme_id: int | None = None  # the scheme whose weights fill the weight column
    max_id: int = 0  # rows added after the plan was made are left out, so counts agree


def _questions(questionnaire: Questionnaire, filters: ResultFilter) -> list[Question]:
    """Every published copy of every question, newest version first, in questionnaire order."""
    query = (
        published_copies(questionnaire.id)
        .order_by(QuestionnaireVersion.number.desc(), Section.position, Question.position)
        .options(
            so.selectinload(Question.options),
            so.selectinload(Question.bank_question).selectinload(BankQuestion.agencies),
            so.joinedload(Question.section).joinedload(Section.version),
        )
    )
    if filters.versions:
        query = query.where(QuestionnaireVersion.number.in_(filters.versions))
    return list(db.session.scalars(query))


def _fixed_columns(questionnaire: Questionnaire) -> list[Column]:
    areas = _area_labels(questionnaire)
    events = {
        event_id: name
        for event_id, name in db.session.execute(
            sa.select(Event.id, Event.name).where(
                Event.partnership_id == questionnaire.partnership_id
            )
        )
    }
    return [
        Column("response_id", "Response id"),
        Column("submitted_at", "Submitted at (UTC)", DATETIME),
        Column("version", "Questionnaire version"),
        Column("channel", "Channel", STRING, CHANNEL_LABELS),
        Column("event", "Event", INTEGER, events),
        Column("ward", "Ward", STRING, areas),
        Column("language", "Language", STRING, {c: x.english_name for c, x in LANGUAGES.items()}),
    ]


def _area_labels(questionnaire: Questionnaire) -> dict[str, str]:
    rows = db.session.execute(
        sa.select(Area.code, Area.name)
        .where(Area.partnership_id == questionnaire.partnership_id)
        .order_by(Area.name)
    )
    return {code: name for code, name in rows}


def _wanted(question: Question, include_text: bool, agency_id: int | None) -> bool:
    if question.type in types.TEXT_TYPES and not include_text:
        return False
    return agency_id is None or question.used_by(agency_id)


def build_plan(
    questionnaire: Questionnaire,
    filters: ResultFilter,
    include_text: bool,
    agency_id: int | None = None,
    style: str = values.NUMBERS,
    lang: str = DEFAULT_LANGUAGE,
) -> RowPlan:
    """Columns for every question code (newest wording first) and the answer mapping.

    ``agency_id`` keeps only that agency's questions (the "mine" filter). ``style``
    says what a choice answer is written as in the rows: its number, code or label,
    put in as the row is filled, so no writer converts it cell by cell. ``lang`` is the
    language of the question and option labels (English where a text is not translated);
    codes and numbers are the same in every language.
    """
    every = _questions(questionnaire, filters)
    copies: dict[str, list[Question]] = {}
    for question in every:
        if _wanted(question, include_text, agency_id if filters.mine else None):
            copies.setdefault(question.code, []).append(question)
    weights = weight_column.weight_source(questionnaire)
    columns = [*_fixed_columns(questionnaire), weights.column]
    area_labels = dict(columns[5].value_labels)
    plan = RowPlan(Layout((), ()), response_conditions(filters, questionnaire.id), None)
    plan.weight_scheme_id = weights.scheme_id
    questions = []
    for code, group in copies.items():
        start = len(columns)
        fixed = {c.name for c in columns[:FIXED]}
        name = f"q_{code}" if code in fixed else code
        columns.extend(_question_columns(plan, group, name, start, area_labels, style, lang))
        latest = group[0]
        asked, breaks = history.history(group)
        questions.append(
            QuestionInfo(
                code=code,
                text=translated(latest, "text", lang),
                type=latest.type,
                options=tuple(_options(group, lang)),
                agencies=tuple(a.name for a in latest.agencies),
                versions=tuple(sorted(q.version.number for q in group)),
                columns=tuple(c.name for c in columns[start:]),
                history=asked,
                breaks=breaks,
                missing_values=history.missing_values(asked),
            )
        )
    weighted_by = weights.column.name if weights.scheme_id is not None else None
    plan.layout = Layout(tuple(columns), tuple(questions), weighted_by)
    _offered_columns(plan, questionnaire)
    included = [q.id for group in copies.values() for q in group]
    plan.question_ids = None if len(included) == len(every) else included
    plan.area_codes = {
        area_id: code
        for area_id, code in db.session.execute(
            sa.select(Area.id, Area.code).where(Area.partnership_id == questionnaire.partnership_id)
        )
    }
    return plan


def _offered_columns(plan: RowPlan, questionnaire: Questionnaire) -> None:
    """Per version and multiple-choice code, the columns of the options it offered."""
    wanted = {code for _, code in plan.multiple.values()}
    if not wanted:
        return
    schema = engine.schema(questionnaire.id)
    for code in wanted:
        info = schema.codes[code]
        position = plan.option_columns[code]
        for version in schema.versions.values():
            if version.id in info.asked_by:
                plan.offered[(version.number, code)] = tuple(
                    position[option]
                    for option, by in zip(info.options, info.offered_by, strict=True)
                    if version.id in by
                )


def _options(group: list[Question], lang: str = DEFAULT_LANGUAGE) -> list[OptionInfo]:
    """Options by code across versions: the newest label (in ``lang``) and value, then
    older-only ones."""
    options = joined((question.options for question in group), lambda option: option.code)
    return [
        OptionInfo(option.code, translated(option, "label", lang), option.value)
        for option in options
    ]


def _question_columns(
    plan: RowPlan,
    group: list[Question],
    name: str,
    start: int,
    area_labels: dict[str, str],
    style: str = values.NUMBERS,
    lang: str = DEFAULT_LANGUAGE,
) -> list[Column]:
    """The columns of one question code, recording where each copy's answers go.

    ``name`` is the code, or q_<code> for a code such as "ward" that a fixed column has.
    """
    latest = group[0]
    options = _options(group, lang)
    text = translated(latest, "text", lang)
    if latest.type == types.MULTIPLE:
        position = plan.option_columns[latest.code] = {
            o.code: start + i for i, o in enumerate(options)
        }
        for question in group:
            for option in question.options:
                plan.multiple[option.id] = (position[option.code], question.code)
        return [
            Column(
                f"{name}{SEPARATOR}{o.code}",
                f"{text}: {o.label}",
                INTEGER,
                CHOSEN_LABELS,
            )
            for o in options
        ]
    if latest.type in types.CHOICE_TYPES:
        written = {o.code: values.written(o, style) for o in options}
        for question in group:
            for option in question.options:
                plan.choice[option.id] = (start, written[option.code])
        scale = latest.type == types.AGREEMENT or latest.ordered
        measure = ORDINAL if scale else NOMINAL
        if style == values.NUMBERS:
            labels = {o.value: o.label for o in options}
            codes = {o.value: o.code for o in options}
            return [Column(name, text, INTEGER, labels, codes, measure=measure)]
        if style == values.CODES:  # codes in the rows; their labels for whoever asks
            by_code = {o.code: o.label for o in options}
            return [Column(name, text, STRING, by_code, safe=True, measure=measure)]
        return [Column(name, text, STRING, measure=measure)]  # labels in the rows
    target = {types.AREA: plan.areas}.get(latest.type)
    if target is None:
        target = plan.texts if latest.type in types.TEXT_TYPES else plan.numbers
    for question in group:
        target[question.id] = start
    if latest.type == types.AREA:
        return [Column(name, text, STRING, area_labels)]
    if latest.type in types.TEXT_TYPES:
        return [Column(name, text, STRING, free_text=True)]
    measure = ORDINAL if latest.type == types.RATING else SCALE
    return [Column(name, text, INTEGER, measure=measure)]


def _heads(plan: RowPlan, after: int, size: int) -> list[Any]:
    """The fixed columns of the next ``size`` responses, their weights joined in."""
    scheme_id = plan.weight_scheme_id
    query = (
        sa.select(
            Response.id,
            Response.submitted_at,
            QuestionnaireVersion.number,
            Response.channel,
            Response.event_id,
            Area.code,
            Response.language,
            ResponseWeight.weight if scheme_id is not None else sa.null(),
        )
        .join(QuestionnaireVersion, Response.version_id == QuestionnaireVersion.id)
        .outerjoin(Area, Response.area_id == Area.id)
        .where(*plan.conditions, Response.id > after, Response.id <= plan.max_id)
        .order_by(Response.id)
        .limit(size)
    )
    if scheme_id is not None:
        query = query.outerjoin(
            ResponseWeight,
            sa.and_(
                ResponseWeight.scheme_id == scheme_id, ResponseWeight.response_id == Response.id
            ),
        )
    return list(db.session.connection().execute(query))


def _answers(plan: RowPlan, ids: list[int]) -> Any:
    if ids[-1] - ids[0] + 1 == len(ids):
        which = Answer.response_id.between(ids[0], ids[-1])  # a dense run of ids
    else:
        which = Answer.response_id.in_(ids)
    texts = list(plan.texts)
    # Every value but free text, as one column (option, area or number: the question
    # says which); then the free text of the text questions, if the download has any.
    # Three columns, not six: reading rows into Python costs by the object.
    value = sa.func.coalesce(Answer.option_id, Answer.area_id, Answer.number_value)
    values = sa.select(Answer.response_id, Answer.question_id, value).where(
        which, Answer.question_id.not_in(texts)
    )
    if plan.question_ids is not None:
        values = values.where(Answer.question_id.in_(plan.question_ids))
    queries: list[sa.Select] = [values]
    if texts:
        queries.append(
            sa.select(Answer.response_id, Answer.question_id, Answer.text_value).where(
                which, Answer.question_id.in_(texts)
            )
        )
    found: list[Any] = []
    for query in queries:
        # Tens of answers per response: read them as the driver's plain tuples, skipping
        # SQLAlchemy's per-row work (these integer and text columns need no conversion).
        result = db.session.connection().execute(query)
        try:
            found += result.cursor.fetchall()
        finally:
            result.close()
    return found


def prepare_count(plan: RowPlan) -> int:
    """Fix the newest response the download includes, and count the rows it will have."""
    plan.max_id = db.session.scalar(sa.select(sa.func.max(Response.id))) or 0
    return (
        db.session.scalar(
            sa.select(sa.func.count()).where(*plan.conditions, Response.id <= plan.max_id)
        )
        or 0
    )


def _filled(plan: RowPlan, heads: list[Any]) -> list[list[Any]]:
    """The rows of these responses (their heads as ``_heads`` reads them), answers in."""
    if not heads:
        return []
    width = len(plan.layout.columns)
    choice, multiple, numbers = plan.choice, plan.multiple, plan.numbers
    texts, areas, area_codes = plan.texts, plan.areas, plan.area_codes
    offered = plan.offered
    rows: dict[int, list[Any]] = {}
    for head in heads:
        row = [*head, *([None] * (width - len(head)))]
        row[1] = utc(row[1])
        rows[head[0]] = row
    for response_id, question_id, found in _answers(plan, list(rows)):
        row = rows[response_id]
        if question_id in numbers:
            row[numbers[question_id]] = found
        elif question_id in texts:
            row[texts[question_id]] = found
        elif question_id in areas:
            row[areas[question_id]] = area_codes.get(found)
        elif found in choice:
            col, value = choice[found]
            row[col] = value
        elif found in multiple:
            col, code = multiple[found]
            if row[col] is None:  # the question's first chosen option in this row
                for other in offered[(row[2], code)]:
                    row[other] = 0
            row[col] = 1
    return list(rows.values())


def iter_rows(plan: RowPlan, batch: int = BATCH) -> Iterator[list[Any]]:
    """Each response as a list of values in column order, oldest id first."""
    after = 0
    while heads := _heads(plan, after, batch):
        after = heads[-1][0]
        yield from _filled(plan, heads)


def page_after(plan: RowPlan, after: int, limit: int) -> tuple[list[list[Any]], bool]:
    """Up to ``limit`` rows of responses with ids above ``after``, oldest first, and
    whether more follow: keyset pages, so a client walking them sees each response once
    even while new ones arrive (the API and the OData feed page this way)."""
    if not plan.max_id:
        plan.max_id = MAX_RESPONSE_ID
    heads = _heads(plan, after, limit + 1)
    more = len(heads) > limit
    return _filled(plan, heads[:limit]), more


def text_widths(plan: RowPlan) -> dict[int, int]:
    """The longest answer, in UTF-8 bytes, in each free-text column by index (the
    .sav header declares every text column's width before the first row)."""
    if not plan.texts:
        return {}
    dialect = db.session.get_bind().dialect.name
    text = Answer.text_value
    size = (
        sa.func.octet_length(text)
        if dialect == "postgresql"
        else sa.func.length(sa.cast(text, sa.LargeBinary))
    )
    widths: dict[int, int] = {}
    found = db.session.execute(
        sa.select(Answer.question_id, sa.func.max(size))
        # Both conditions, so the partial index of free-text answers serves it.
        .where(Answer.question_id.in_(list(plan.texts)), Answer.text_value.is_not(None))
        .group_by(Answer.question_id)
    )
    for question_id, width in found:
        column = plan.texts[question_id]
        widths[column] = max(widths.get(column, 0), width or 0)
    return widths
