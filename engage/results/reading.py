"""From the results filters and question codes to the columns' terms, and back.

``selected`` turns a ResultFilter into the rows of the questionnaire's results columns
that pass it; ``Keys`` turns the columns' keys (option indexes, area ids, numbers)
into the codes that results show.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from engage.partnership.models import Area
from engage.questionnaire.models import Questionnaire
from engage.results import engine
from engage.results.coding import AREA, CHOICE, MULTIPLE
from engage.results.columns import Selection, View, Where
from engage.results.filters import ResultFilter, parse_filters


def where(view: View, filters: ResultFilter, areas: list[Area]) -> Where:
    """The filter in the columns' terms (an unknown ward or version matches nothing)."""
    until = filters.until if filters.until and filters.until < date.max else None
    return Where(
        first_day=engine.day_number(filters.since) if filters.since else None,
        last_day=engine.day_number(until) if until else None,
        areas=tuple(a.id for a in areas if a.code in filters.wards) if filters.wards else None,
        events=tuple(filters.events) or None,
        channels=tuple(filters.channels) or None,
        versions=tuple(view.schema.version_ids(filters.versions)) if filters.versions else None,
        answers=tuple(
            (code, _option_indexes(view, code, options))
            for code, options in filters.answers
            if _single_choice(view, code)
        ),
        # An answer no question has matches nobody (answer_problems says why).
        nothing=not all(_single_choice(view, code) for code, _ in filters.answers),
    )


def _single_choice(view: View, code: str) -> bool:
    column = view.schema.codes.get(code)
    return column is not None and column.kind == CHOICE


def _option_indexes(view: View, code: str, options: tuple[str, ...]) -> tuple[int, ...]:
    column = view.schema.codes[code]
    return tuple(i for i, option in enumerate(column.options) if option in options)


def answer_problems(view: View, filters: ResultFilter) -> dict[str, str]:
    """A message if an ``answer`` filter names no single-choice question or no option of it."""
    for code, options in filters.answers:
        if not _single_choice(view, code):
            return {
                "answer": f"No single-choice question has the code ‘{code}’: "
                "choose the answers from the list"
            }
        unknown = [o for o in options if o not in view.schema.codes[code].options]
        if unknown:
            return {
                "answer": f"‘{code}’ has no option ‘{unknown[0]}’: choose the answers from the list"
            }
    return {}


def checked_filters(
    questionnaire: Questionnaire, args: Mapping[str, Any]
) -> tuple[ResultFilter, dict[str, str]]:
    """``parse_filters``, with each ``answer`` checked against the questionnaire's
    single-choice questions: the one way in for filters from a page, a download or the API,
    so an answer that does not exist is refused alike everywhere. Only a request with an
    answer filter reads the results columns for it."""
    filters, errors = parse_filters(args)
    if filters.answers:
        errors |= answer_problems(engine.view(questionnaire), filters)
    return filters, errors


def selected(questionnaire: Questionnaire, filters: ResultFilter) -> tuple[View, Selection]:
    """The questionnaire's results columns and the rows that pass ``filters``."""
    view = engine.view(questionnaire)
    return view, view.select(where(view, filters, questionnaire.partnership.areas))


class Keys:
    """Turns a code's keys in the columns into the keys results use: the option code, the
    area code, or the number as text."""

    def __init__(self, view: View, areas: list[Area]) -> None:
        self.view = view
        self.area_codes = {a.id: a.code for a in areas}

    def __call__(self, code: str, key: int) -> str | None:
        if code == "area":
            return self.area_codes.get(key)
        column = self.view.schema.codes[code]
        if column.kind in (CHOICE, MULTIPLE):
            return column.options[key]
        if column.kind == AREA:
            return self.area_codes.get(key)
        return str(key)
