"""Typed cells for the API: a hidden count is null, never a string in a number's place.

The results engine marks a suppressed count as the text "<k" (what the pages show). A
column that is sometimes 42 and sometimes "<10" breaks every typed tool (Power BI,
pandas, R), so the API gives each count cell as a number or null, says per cell
whether it is suppressed, and carries what to show in a separate ``*_display`` field.
No Flask in here.
"""

from typing import Any

# The count fields of a result and of each of its options.
RESULT_COUNTS = ("respondents",)
OPTION_COUNTS = ("count", "base")


def _cell(container: dict[str, Any], field: str) -> bool:
    """Make ``container[field]`` typed, add its display text; True if it was hidden."""
    value = container.get(field)
    hidden = isinstance(value, str)
    container[f"{field}_display"] = value if hidden else ("" if value is None else str(value))
    if hidden:
        container[field] = None
    return hidden


def typed(result: dict[str, Any]) -> dict[str, Any]:
    """The result (and any earlier series) with every count a number or null."""
    for field in RESULT_COUNTS:
        _cell(result, field)
    for option in result.get("options", []):
        hidden = [_cell(option, field) for field in OPTION_COUNTS]
        option["suppressed"] = any(hidden)
    for earlier in result.get("earlier_series", []):
        typed(earlier)
    return result
