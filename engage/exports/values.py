"""How option answers are written: their codes, their numbers or their labels.

One convention for every download and the API, chosen by the analyst; the default,
codes, is the same everywhere. Codes ("very_unsafe") are what ODK and KoboToolbox
exports carry, so Engage's data merges with an agency's own without recoding; numbers
are the values of SPSS and Stata files; labels are what a reader sees. The statistics
files (.sav, .dta) and the data package always hold numbers, with the labels in their
metadata. A multiple-choice option's own column stays 0 or 1 (its code is in the
column's name), or "Chosen" / "Not chosen" as labels. No Flask in here.
"""

from collections.abc import Callable, Mapping
from typing import Any

from engage.exports.layout import Layout

CODES, NUMBERS, LABELS = "codes", "numbers", "labels"
STYLES = (CODES, NUMBERS, LABELS)
DEFAULT = CODES
DESCRIPTIONS = {
    CODES: "Option codes (very_unsafe), as ODK and KoboToolbox export them",
    NUMBERS: "Option numbers (4), as SPSS and Stata files hold them",
    LABELS: "Option labels (Very unsafe), as residents saw them",
}
WRONG = "Choose how option answers are written: codes, numbers or labels"


def parse(args: Any) -> tuple[str, str | None]:
    """The style asked for in query or form arguments (``values``; the older
    ``labels=1`` means labels), and a message when it is not one of them."""
    asked = (args.get("values") or "").strip().lower()
    if not asked and args.get("labels") in ("1", "true", "yes", "on"):
        return LABELS, None
    if not asked:
        return DEFAULT, None
    if asked not in STYLES:
        return DEFAULT, WRONG
    return asked, None


def written(option: Any, style: str) -> Any:
    """What an option (with ``code``, ``value`` and ``label``) is written as in ``style``."""
    if style == CODES:
        return option.code
    if style == LABELS:
        return option.label
    return option.value


def converters(layout: Layout, style: str) -> list[tuple[int, Callable[[Any], Any]]]:
    """(column index, function) for the columns whose stored values the style changes."""
    found: list[tuple[int, Callable[[Any], Any]]] = []
    for index, column in enumerate(layout.columns):
        if style == LABELS and column.value_labels:
            found.append((index, _lookup(column.value_labels)))
        elif style == CODES and column.value_codes:
            found.append((index, _lookup(column.value_codes)))
    return found


def _lookup(table: Mapping[Any, str]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        return table.get(value, value)

    return convert


def apply(row: list[Any], found: list[tuple[int, Callable[[Any], Any]]]) -> list[Any]:
    """The row with its values converted in place (no answer stays None)."""
    for index, convert in found:
        value = row[index]
        if value is not None:
            row[index] = convert(value)
    return row
