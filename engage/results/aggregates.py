"""Aggregate results: totals, breakdowns and per-question results, already suppressed.

The database does the counting (GROUP BY over the narrow answer rows, joined
across versions by question code, filtered with ``response_conditions``).
Counts never leave this module raw: each public function passes them through
``suppression`` before returning, and the raw queries are private.
"""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

from engage.events.models import Event
from engage.extensions import db
from engage.i18n import LANGUAGES
from engage.partnership.models import Area
from engage.questionnaire import types
from engage.questionnaire.models import Option, Question, Questionnaire
from engage.results import suppression
from engage.results.catalogue import CLOSED_TYPES, QuestionInfo, catalogue, period_start
from engage.results.filters import ResultFilter, response_conditions
from engage.survey.models import Answer, Response

CHANNEL_LABELS = {"online": "Online", "kiosk": "Kiosk at an event"}


def configured_k() -> int:
    """The suppression threshold k from ENGAGE_SUPPRESSION_K (default 10)."""
    return int(current_app.config.get("ENGAGE_SUPPRESSION_K", suppression.DEFAULT_K))


# --- Private: raw counts -------------------------------------------------------------


def _answers(questionnaire_id: int, filters: ResultFilter, codes: Iterable[str], *columns):
    """SELECT columns FROM the filtered answers to the questions with these codes."""
    return (
        sa.select(*columns)
        .select_from(Answer)
        .join(Question, Answer.question_id == Question.id)
        .join(Response, Answer.response_id == Response.id)
        .where(Question.code.in_(list(codes)), *response_conditions(filters, questionnaire_id))
    )


def _raw_question_counts(questionnaire_id: int, filters: ResultFilter, infos: list[QuestionInfo]):
    """Respondents per code, and per code the count of each option, area or value."""
    codes = [i.code for i in infos]
    respondents = sa.func.count(sa.distinct(Answer.response_id))
    totals = dict(
        db.session.execute(
            _answers(questionnaire_id, filters, codes, Question.code, respondents).group_by(
                Question.code
            )
        ).all()
    )
    values: dict[str, dict[str, int]] = {code: {} for code in codes}
    option_rows = db.session.execute(
        _answers(questionnaire_id, filters, codes, Question.code, Option.code, respondents)
        .join(Option, Answer.option_id == Option.id)
        .group_by(Question.code, Option.code)
    )
    area_rows = db.session.execute(
        _answers(questionnaire_id, filters, codes, Question.code, Area.code, respondents)
        .join(Area, Answer.area_id == Area.id)
        .group_by(Question.code, Area.code)
    )
    number_rows = db.session.execute(
        _answers(questionnaire_id, filters, codes, Question.code, Answer.number_value, respondents)
        .where(Answer.number_value.is_not(None))
        .group_by(Question.code, Answer.number_value)
    )
    for rows in (option_rows, area_rows, number_rows):
        for code, value, count in rows:
            values[code][str(value)] = count
    return totals, values


MAX_NUMBER_ROWS = 12  # more distinct numbers than this are shown in bands
BAND_WIDTHS = (1, 2, 5, 10, 20, 25, 50, 100, 250, 500, 1000)


def number_bands(counts: dict[str, int]) -> tuple[dict[str, int], dict[str, str]]:
    """Counts of a number question in about ten equal bands ("10-19"), and their labels.

    A bar per distinct value would make a list of a hundred near-empty rows (years
    lived here, say), most of them hidden as small numbers.
    """
    values = [int(key) for key in counts]
    low, high = min(values), max(values)
    width = next((w for w in BAND_WIDTHS if (high - low) // w < 10), BAND_WIDTHS[-1])
    start = low - low % width if width >= 5 else low  # "10 to 19", but "1 to 2"
    bands: dict[str, int] = {}
    labels: dict[str, str] = {}
    for first in range(start, high + 1, width):
        key = f"{first}-{first + width - 1}"
        bands[key] = sum(
            n for v, n in zip(values, counts.values(), strict=True) if first <= v < first + width
        )
        labels[key] = f"{first} to {first + width - 1}"
    return bands, labels


def _value_keys(info: QuestionInfo, observed: dict[str, int], areas: list[Area]) -> list[str]:
    if info.type in types.CHOICE_TYPES:
        return list(info.options) + [c for c in observed if c not in info.options]
    if info.type == types.AREA:
        return [a.code for a in areas]
    low = info.question.min_value if info.question.min_value is not None else types.RATING_MIN
    high = info.question.max_value if info.question.max_value is not None else types.RATING_MAX
    if info.type == types.RATING:
        return [str(v) for v in range(low, high + 1)]
    return sorted(observed, key=int)


# --- Public: suppressed results ------------------------------------------------------


def _suppressed_result(
    info: QuestionInfo, total: int, observed: dict[str, int], k: int, areas, lang: str | None
) -> dict[str, Any]:
    keys = _value_keys(info, observed, areas)
    counts = {key: observed.get(key, 0) for key in keys}
    mean = None
    if info.type in (types.RATING, types.NUMBER) and total:
        mean = round(sum(int(key) * n for key, n in counts.items()) / total, 2)
    labels: dict[str, str] = {}
    if info.type == types.NUMBER and len(keys) > MAX_NUMBER_ROWS:
        counts, labels = number_bands(counts)
        keys = list(counts)
    cells, respondents = suppression.suppress_distribution(counts, total, k, not info.multiple)
    area_names = {a.code: a.name for a in areas}
    options = [
        {
            "code": key,
            "label": labels.get(key)
            or (area_names.get(key, key) if info.type == types.AREA else info.label(key, lang)),
            "count": cells[key],
            "percent": suppression.share(cells[key], respondents),
        }
        for key in keys
    ]
    hidden = isinstance(respondents, str) or any(isinstance(o["count"], str) for o in options)
    if hidden:
        mean = None
    return {
        "code": info.code,
        "text": info.text(lang),
        "type": info.type,
        "versions": sorted(info.versions),
        "respondents": respondents,
        "options": options,
        "mean": mean,
        "suppressed": hidden,
        "k": k,
    }


def results_for(
    questionnaire: Questionnaire,
    infos: list[QuestionInfo],
    filters: ResultFilter,
    k: int,
    lang: str | None = None,
) -> list[dict[str, Any]]:
    """Suppressed results for several questions at once, from four grouped queries."""
    infos = [i for i in infos if i.type in (*CLOSED_TYPES, types.AREA)]
    if not infos:
        return []
    totals, values = _raw_question_counts(questionnaire.id, filters, infos)
    areas = questionnaire.partnership.areas
    return [
        _suppressed_result(info, totals.get(info.code, 0), values[info.code], k, areas, lang)
        for info in infos
    ]


def question_results(
    questionnaire: Questionnaire,
    code: str,
    filters: ResultFilter,
    k: int,
    lang: str | None = None,
) -> dict[str, Any] | None:
    """One question's suppressed results, JSON-serialisable; None for an unknown or free-text code.

    Choice and area questions count respondents per option (a multiple-choice
    respondent counts once per chosen option, so percentages can add up to more
    than 100); rating and number questions give the distribution of values and
    the mean (the mean only when no cell is hidden, as it could reveal them).
    """
    info = next((i for i in catalogue(questionnaire, filters) if i.code == code), None)
    if info is None:
        return None
    return results_for(questionnaire, [info], filters, k, lang)[0]


def dashboard_results(
    questionnaire: Questionnaire, filters: ResultFilter, k: int, agency_id: int | None = None
) -> list[dict[str, Any]]:
    """Every closed question's results in questionnaire order (the area question is a breakdown)."""
    infos = [i for i in catalogue(questionnaire, filters, agency_id) if i.type in CLOSED_TYPES]
    return results_for(questionnaire, infos, filters, k)


def _breakdown(rows: list[tuple[Any, str, int]], total: int, k: int) -> list[dict[str, Any]]:
    counts = {str(key): count for key, _label, count in rows}
    labels = {str(key): label for key, label, _count in rows}
    cells, shown_total = suppression.suppress_distribution(counts, total, k)
    return [
        {
            "key": key,
            "label": labels[key],
            "count": cells[key],
            "percent": suppression.share(cells[key], shown_total),
        }
        for key in counts
    ]


def overview(questionnaire: Questionnaire, filters: ResultFilter, k: int) -> dict[str, Any]:
    """Total responses and responses by ward, event, date, channel and language. Dates
    are grouped by day, week or month, whichever keeps the list readable."""
    conditions = response_conditions(filters, questionnaire.id)
    count = sa.func.count(Response.id)

    def grouped(*columns, joins=()):
        stmt = sa.select(*columns, count).select_from(Response)
        for target, on in joins:
            stmt = stmt.outerjoin(target, on)
        return db.session.execute(stmt.where(*conditions).group_by(*columns)).all()

    total = db.session.scalar(sa.select(count).where(*conditions)) or 0
    by_area = {
        code: n for code, n in grouped(Area.code, joins=[(Area, Response.area_id == Area.id)])
    }
    wards = [(a.code, a.name, by_area.get(a.code, 0)) for a in questionnaire.partnership.areas]
    if by_area.get(None):
        wards.append(("none", "No ward given", by_area[None]))
    events = [
        (event_id or "none", name or "No event (answered online)", n)
        for event_id, name, n in grouped(
            Event.id, Event.name, joins=[(Event, Response.event_id == Event.id)]
        )
    ]
    first, last = db.session.execute(
        sa.select(sa.func.min(Response.submitted_at), sa.func.max(Response.submitted_at)).where(
            *conditions
        )
    ).one()
    period = date_period(first, last)
    dates = [
        (start, period_label(str(start), period), n)
        for start, n in grouped(period_start(Response.submitted_at, period))
    ]
    channels = [(c, CHANNEL_LABELS.get(c, c), n) for c, n in grouped(Response.channel)]
    languages = [
        (code, LANGUAGES[code].english_name if code in LANGUAGES else code, n)
        for code, n in grouped(Response.language)
    ]
    _, shown_total = suppression.suppress_distribution({}, total, k)
    return {
        "total": shown_total,
        "k": k,
        "by_ward": _breakdown(wards, total, k),
        "by_event": _breakdown(sorted(events, key=lambda r: str(r[1])), total, k),
        "by_date": _breakdown(sorted(dates, key=lambda r: str(r[0])), total, k),
        "date_period": period,
        "by_channel": _breakdown(channels, total, k),
        "by_language": _breakdown(languages, total, k),
    }


def date_period(first: datetime | None, last: datetime | None) -> str:
    """Days for up to a month of responses, weeks for up to half a year, then months."""
    if first is None or last is None:
        return "day"
    days = (last - first).days
    return "day" if days <= 31 else "week" if days <= 183 else "month"


def period_label(start: str, period: str) -> str:
    """How a period starting on ``start`` (YYYY-MM-DD) is shown."""
    when = date.fromisoformat(start)
    if period == "month":
        return when.strftime("%B %Y")
    if period == "week":
        return f"Week of {when.day} {when:%B %Y}"
    return f"{when.day} {when:%B %Y}"
