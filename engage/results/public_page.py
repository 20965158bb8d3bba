"""What the public "you said" page shows for each question an admin put on it: a plain
sentence, a chart, the base and the days the answers span, and the figures by ward.

Every figure is a published one (``aggregates.question_results`` for everyone who
answered, ``crosstabs.ward_results`` by ward): perturbed, with counts under k hidden.
Once a weighting scheme has weights, the percentages and averages are weighted by the
default one (``public_weighting``); residents get no choice, and the page says so.
The days are those of the first and last answer counted, at day resolution as the
staff overview groups them; they are left out when the base itself is hidden.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext, ngettext
from markupsafe import Markup

from engage import localtime
from engage.questionnaire.models import Questionnaire
from engage.results import (
    aggregates,
    answer_chart,
    crosstabs,
    engine,
    plain_words,
    reading,
    services,
    weights,
)
from engage.results.catalogue import QuestionInfo
from engage.results.estimated import Weighting
from engage.results.filters import ResultFilter


@dataclass
class Said:
    """One question on the page."""

    code: str
    text: str
    type: str
    summary: str
    respondents: int | str  # the base, or the hidden marker
    first_day: date | None
    last_day: date | None
    chart: Markup
    everyone: list[dict[str, Any]]  # each answer's count and percentage: the chart's figures
    wards: dict[str, Any]  # crosstabs.ward_results


def answer_days(
    questionnaire: Questionnaire, code: str, versions: list[int]
) -> tuple[date, date] | None:
    """The first and last day an answer to ``code`` counted in ``versions`` was given."""
    view, selection = reading.selected(questionnaire, ResultFilter(versions=tuple(versions)))
    if code not in view.schema.codes:
        return None
    days = view.column("day", selection)[view.answered(code, selection)]
    if not len(days):
        return None
    return engine.from_day_number(int(days.min())), engine.from_day_number(int(days.max()))


def _chart(result: dict[str, Any], chart_id: str, rtl: bool) -> Markup:
    bars = [
        answer_chart.Bar(
            option["label"],
            localtime.percent(option["percent"])
            if option["percent"] is not None
            else str(option["count"]),
            option["percent"],
        )
        for option in result["options"]
    ]
    title = gettext(
        "Bar chart of the answers to “%(question)s”, as percentages of the people who "
        "answered. The same figures are in the table “Everyone who answered”.",
        question=result["text"],
    )
    return answer_chart.draw(bars, chart_id, title, rtl)


def public_weighting(questionnaire: Questionnaire) -> Weighting | None:
    """The public pages' weighting: the default scheme's, once one has weights."""
    return weights.choice(questionnaire, None)[0].weighting


def said(
    questionnaire: Questionnaire,
    info: QuestionInfo,
    k: int,
    lang: str,
    rtl: bool,
    number: int,
    weighting: Weighting | None = None,
) -> Said | None:
    """One question's part of the page; None if it has no results at all."""
    result = aggregates.question_results(
        questionnaire, info.code, ResultFilter(), k, lang, weighting
    )
    if result is None:
        return None
    hidden_base = isinstance(result["respondents"], str)
    days = None if hidden_base else answer_days(questionnaire, info.code, result["versions"])
    sentence = plain_words.summary(
        result, info.question.ordered, gettext, ngettext, localtime.percent, lang
    )
    return Said(
        code=info.code,
        text=result["text"],
        type=result["type"],
        summary=sentence,
        respondents=result["respondents"],
        first_day=days[0] if days else None,
        last_day=days[1] if days else None,
        chart=_chart(result, f"said-chart-{number}", rtl),
        everyone=result["options"],
        wards=crosstabs.ward_results(questionnaire, info, k, lang, weighting=weighting),
    )


def questions(
    questionnaire: Questionnaire,
    k: int,
    lang: str,
    direction: str,
    weighting: Weighting | None = None,
) -> list[Said]:
    """Every question an admin put on the page, in questionnaire order."""
    found = (
        said(questionnaire, info, k, lang, direction == "rtl", number, weighting)
        for number, info in enumerate(services.public_questions(questionnaire), start=1)
    )
    return [part for part in found if part is not None]
