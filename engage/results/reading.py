"""From the results filters and question codes to the columns' terms, and back.

``selected`` turns a ResultFilter into the rows of the questionnaire's results columns
that pass it; ``Keys`` turns the columns' keys (option indexes, area ids, numbers)
into the codes that results show.
"""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from engage.dateinput import date_parts
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


FILTER_NAMES = ("since", "until", "ward", "event", "channel", "version", "mine", "answer")
# The day, month and year boxes the forms send for the dates (read like since= and until=).
DATE_BOXES = (*date_parts("since"), *date_parts("until"))
# Not filters, but sent by every form or page: the CSRF token, and ?lang= for residents.
ALWAYS_ALLOWED = ("csrf_token",)


def checked_filters(
    questionnaire: Questionnaire,
    args: Mapping[str, Any],
    page: Iterable[str] = (),
    min_base: int | None = None,
) -> tuple[ResultFilter, dict[str, str]]:
    """The filters of a page, a download or an API call, checked: the one way in, so a
    filter is read and refused alike everywhere. Nothing is ignored:

    - ``page`` names the other arguments the page itself reads; any other name that is
      not a filter is refused, unless it is the code of a single-choice question, which
      filters by its answers (``age_band=18_24`` is ``answer=age_band:18_24``);
    - an answer no single-choice question has is refused;
    - with ``min_base``, a view filtered by answers needs that many respondents before
      perturbation, or it is refused, saying why.

    Only a request with answer filters (or unknown names) reads the results columns."""
    names = list(dict.fromkeys(args.keys()))
    unknown = [n for n in names if n not in (*FILTER_NAMES, *DATE_BOXES, *ALWAYS_ALLOWED, *page)]
    view = engine.view(questionnaire) if unknown else None
    errors: dict[str, str] = {}
    answers: list[str] = []
    for name in unknown:
        if view is not None and _single_choice(view, name):
            answers += [f"{name}:{value}" for value in _values(args, name)]
        else:
            errors[name] = _unknown_message(name, page)
    if answers:
        args = _with_answers(args, answers)
    filters, parse_errors = parse_filters(args)
    errors |= parse_errors
    if filters.answers:
        view = view or engine.view(questionnaire)
        problems = answer_problems(view, filters)
        errors |= problems
        if not problems and min_base:
            selection = view.select(where(view, filters, questionnaire.partnership.areas))
            if (len(selection) if selection is not None else view.n) < min_base:
                errors["answer"] = (
                    f"Fewer than {min_base} respondents match these filters. A view filtered "
                    "by respondents’ answers needs at least that many, so that figures about "
                    "a small group cannot identify anyone: choose more answers, or remove a filter."
                )
    return filters, errors


def _values(args: Mapping[str, Any], name: str) -> list[str]:
    if hasattr(args, "getlist"):
        return [str(v) for v in args.getlist(name)]
    value = args.get(name)
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _with_answers(args: Mapping[str, Any], answers: list[str]) -> MultiDict:
    merged: MultiDict[str, str] = MultiDict()
    for name in (*FILTER_NAMES, *DATE_BOXES):
        for value in _values(args, name) if name in args else ():
            merged.add(name, value)
    for answer in answers:
        merged.add("answer", answer)
    return merged


def _unknown_message(name: str, page: Iterable[str]) -> str:
    shown = name if len(name) <= 40 else name[:40] + "…"
    allowed = ", ".join((*FILTER_NAMES, *page))
    return (
        f"‘{shown}’ is not something these results can be filtered by. Use {allowed}, "
        "or the code of a single-choice question with one of its answers (age_band=18_24)."
    )


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
