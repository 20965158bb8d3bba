"""The dashboard's contents: its questions grouped by questionnaire section, the
analyst's choice of questions, and which bases are too small to lean on. No Flask."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from engage.results.catalogue import QuestionInfo

SMALL_BASE = 100  # default ENGAGE_SMALL_BASE: fewer respondents than this get a warning


@dataclass
class Section:
    title: str
    items: list[Any] = field(default_factory=list)


def section_of(info: QuestionInfo) -> str:
    """The section that asks the question in its newest version."""
    return info.question.section.title


def anchor(result: dict[str, Any]) -> str:
    """The id of a result on the page: a question split at a break in series has one per run."""
    series = result.get("series")
    return f"q-{result['code']}" + (f"-v{'-'.join(map(str, result['versions']))}" if series else "")


def grouped(items: Iterable[Any], section: dict[str, str]) -> list[Section]:
    """``items`` (results or question infos, each with a ``code``) under their section
    titles, sections in the order their first item comes."""
    sections: dict[str, Section] = {}
    for item in items:
        code = item["code"] if isinstance(item, dict) else item.code
        title = section.get(code, "Other questions")
        sections.setdefault(title, Section(title)).items.append(item)
    return list(sections.values())


def unknown_codes(chosen: Iterable[str], infos: Iterable[QuestionInfo]) -> str | None:
    """A message naming a chosen code no question has, or None."""
    known = {info.code for info in infos}
    missing = [code for code in chosen if code not in known]
    if not missing:
        return None
    return f"No question has the code ‘{missing[0]}’: choose the questions from the list"


def small_base(respondents: Any, threshold: int) -> bool:
    """True when a result rests on fewer than ``threshold`` respondents (a hidden base is
    below k, so small too); no warning for a question nobody answered."""
    if isinstance(respondents, str):
        return True
    return 0 < respondents < threshold
