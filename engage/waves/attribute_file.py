"""Reading area attributes from a CSV file (no Flask, no database).

The header is ``area,attribute,value``, then a line per ward and attribute, for example
``E05012345,deprivation_decile,3``: the ward's code as the partnership knows it, the
attribute's name, and its value for that ward. A file is read whole or not at all, and
every problem is reported with its line number, up to ``MAX_PROBLEMS``.
"""

import csv
import io
import re
from collections.abc import Collection
from dataclasses import dataclass, field

HEADER = ("area", "attribute", "value")
MAX_NAME = 64
MAX_VALUE = 64
MAX_PROBLEMS = 20
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class AttributeFile:
    """Per attribute, in the file's order, each ward's value (by ward code)."""

    values: dict[str, dict[str, str]] = field(default_factory=dict)
    # The line each (attribute, ward code) came from, for messages.
    lines: dict[tuple[str, str], int] = field(default_factory=dict)


class AttributeFileError(ValueError):
    """The file cannot be used; ``problems`` says what to fix, a line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def read(text: str, ward_codes: Collection[str]) -> AttributeFile:
    """The attributes in ``text`` (a CSV file's content) for the wards ``ward_codes``, or
    AttributeFileError saying what to fix."""
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    except csv.Error as error:
        raise AttributeFileError([f"The file cannot be read as CSV: {error}."]) from error
    numbered = [(line, row) for line, row in enumerate(rows, 1) if any(c.strip() for c in row)]
    if not numbered:
        raise AttributeFileError(["The file is empty: it needs the header area,attribute,value."])
    header_line, header = numbered[0]
    if tuple(cell.strip().lower() for cell in header) != HEADER:
        raise AttributeFileError(
            [
                f"Line {header_line}: the header must be ‘area,attribute,value’, not ‘"
                + ",".join(header)[:80]
                + "’."
            ]
        )
    known = set(ward_codes)
    found = AttributeFile()
    problems: list[str] = []
    for line, row in numbered[1:]:
        problem = _problem(line, [cell.strip() for cell in row], known, found)
        if problem:
            problems.append(problem)
            if len(problems) >= MAX_PROBLEMS:
                problems.append(f"Reading stopped at line {line}: fix these first.")
                break
    if not problems and not found.values:
        problems.append("The file has a header but no values.")
    if problems:
        raise AttributeFileError(problems)
    return found


def _problem(line: int, cells: list[str], known: set[str], found: AttributeFile) -> str | None:
    """What is wrong with one line, or None once its value is added to ``found``."""
    if len(cells) != len(HEADER):
        return f"Line {line} has {len(cells)} values: give the area, the attribute and its value."
    area, attribute, value = cells
    if not area or not attribute or not value:
        return f"Line {line}: give all three of the area, the attribute and its value."
    if area not in known:
        shown = ", ".join(sorted(known)[:12]) + (" …" if len(known) > 12 else "")
        return f"Line {line}: ‘{area[:40]}’ is not one of the partnership’s ward codes ({shown})."
    if len(attribute) > MAX_NAME or not _NAME.fullmatch(attribute):
        return (
            f"Line {line}: ‘{attribute[:40]}’ cannot name an attribute: start with a letter, "
            f"then up to {MAX_NAME} letters, digits, _ or - in all (deprivation_decile)."
        )
    if len(value) > MAX_VALUE or _CONTROL.search(value):
        return f"Line {line}: the value must be up to {MAX_VALUE} characters of plain text."
    if (attribute, area) in found.lines:
        first = found.lines[(attribute, area)]
        return f"Line {line} gives {attribute} for {area} again (first on line {first})."
    found.values.setdefault(attribute, {})[area] = value
    found.lines[(attribute, area)] = line
    return None
