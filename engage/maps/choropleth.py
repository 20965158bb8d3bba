"""What a map page shows: one question, one of its answers, each ward's share choosing it
(from the same suppressed tables as the cross-tab and "you said" pages), and the picture.

Only choice questions are mapped, one answer at a time: a share of respondents per
ward, which a colour scale can show. Ratings and numbers stay in their tables.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from engage.maps import figures as ward_figures
from engage.maps.drawing import MapWords, draw_map
from engage.maps.figures import WardFigure
from engage.maps.services import Boundaries
from engage.questionnaire import types
from engage.questionnaire.models import Questionnaire
from engage.results import crosstabs
from engage.results.catalogue import QuestionInfo, find
from engage.results.estimated import Weighting
from engage.results.filters import ResultFilter


@dataclass
class MapPage:
    code: str
    text: str
    options: list[tuple[str, str]]  # (code, label) of the question's answers
    option: str
    option_label: str
    figures: list[WardFigure] = field(default_factory=list)
    picture: Markup | None = None
    series_note: str | None = None
    small_base: int = 0  # fewer answers than this in a ward: hatched as a small base
    weighted: bool = False  # the shares are weighted (each figure carries its interval)


def mappable(infos: list[QuestionInfo]) -> list[QuestionInfo]:
    """The questions a map can show: single and multiple choice, agreement, yes or no."""
    return [info for info in infos if info.type in types.CHOICE_TYPES]


def staff_table(
    questionnaire: Questionnaire,
    code: str,
    filters: ResultFilter,
    k: int,
    weighting: Weighting | None = None,
) -> dict[str, Any] | None:
    """``code`` by ward under the dashboard's filters: the wards the public map and the
    dashboard's ward filter use (the response's ward); weighted when ``weighting``."""
    info = find(questionnaire, code, filters)
    if info is None:
        return None
    return crosstabs.ward_results(questionnaire, info, k, None, filters, weighting)


def public_table(
    questionnaire: Questionnaire,
    info: QuestionInfo,
    k: int,
    lang: str | None,
    weighting: Weighting | None = None,
) -> dict[str, Any]:
    """The same table the public "you said" page shows for ``info``."""
    return crosstabs.ward_results(questionnaire, info, k, lang, weighting=weighting)


def page(
    table: dict[str, Any],
    option: str,
    boundaries: Boundaries,
    words: Callable[[str, str], MapWords],
    small_base: int,
    text: str | None = None,
) -> MapPage:
    """The map page for ``option`` of the question in ``table`` (its first answer when
    ``option`` is not one); ``words(question, answer)`` gives the picture's words."""
    options = [(row["key"], row["label"]) for row in table["rows"]]
    labels = dict(options)
    option = option if option in labels else options[0][0] if options else ""
    found = MapPage(
        code=table.get("code") or table.get("row", {}).get("code", ""),
        text=text or table.get("text") or table.get("row", {}).get("text", ""),
        options=options,
        option=option,
        option_label=labels.get(option, ""),
        series_note=table.get("series_note"),
        small_base=small_base,
        weighted=bool(table.get("weighting")),
    )
    found.figures = ward_figures.option_by_ward(table, option, small_base)
    if boundaries.wards and found.figures:
        by_code = {figure.code: figure for figure in found.figures}
        found.picture = draw_map(boundaries.wards, by_code, words(found.text, found.option_label))
    return found
