"""Reading population targets from a CSV file (no Flask, no database).

Two layouts are read, told apart by the header:

- **Margins**, ``variable,value,population``: one row per value of each weighting
  variable, for example ``ward,E05012345,8410`` or ``age_band,age_16_24,11200``. Each
  variable is a margin of its own; a further margin (tenure, ethnic group) is more rows.
- **Cells**, one column per variable and ``population`` last, for example
  ``ward,age_band,gender,population``: the population of each combination, the shape
  of ONS's mid-year estimates by ward, age and sex once written in the questionnaire's
  codes (a single year of age may keep its own row, coded as its band). Each column's
  totals become a margin (rows for the same value are added up).

``variable`` is a question's code (a single-choice question, or the ward question);
``value`` one of its option codes, or a ward's code. Numbers may have thousands
separators. Which variables and values exist is checked against the questionnaire by
``services``; here only the file's own shape is.
"""

import csv
import io
import math
from dataclasses import dataclass, field

MARGIN_HEADER = ("variable", "value", "population")
MAX_PROBLEMS = 20


@dataclass
class Targets:
    """Per variable, in the file's order, the population of each value."""

    margins: dict[str, dict[str, float]] = field(default_factory=dict)
    # The line each (variable, value) first came from, for messages.
    lines: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, variable: str, value: str, population: float, line: int) -> None:
        margin = self.margins.setdefault(variable, {})
        margin[value] = margin.get(value, 0.0) + population
        self.lines.setdefault((variable, value), line)

    def totals(self) -> dict[str, float]:
        return {variable: sum(values.values()) for variable, values in self.margins.items()}


class TargetsError(ValueError):
    """The file cannot be used; ``problems`` says what to fix, a line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _number(text: str) -> float | None:
    cleaned = text.strip().replace(",", "").replace("_", "")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def read(text: str) -> Targets:
    """The targets in ``text`` (a CSV file's content), or TargetsError saying what to fix."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise TargetsError(["The file is empty: it needs a header and a row per population."])
    header = [cell.strip().lower() for cell in rows[0]]
    if tuple(header) == MARGIN_HEADER:
        variables = None
    elif len(header) >= 2 and header[-1] == "population" and all(header[:-1]):
        variables = header[:-1]
        if len(set(variables)) != len(variables):
            raise TargetsError(["The header names a column twice: name each variable once."])
    else:
        raise TargetsError(
            [
                "The header must be ‘variable,value,population’ (a row per value of each "
                "margin), or the codes of the weighting questions followed by ‘population’ "
                "(‘ward,age_band,gender,population’, a row per combination); it is ‘"
                + ",".join(rows[0])
                + "’."
            ]
        )
    found = Targets()
    problems: list[str] = []
    width = len(header)
    for line, row in enumerate(rows[1:], start=2):
        cells = [cell.strip() for cell in row]
        if len(cells) != width:
            problems.append(f"Line {line} has {len(cells)} values where the header has {width}.")
            continue
        population = _number(cells[-1])
        if population is None:
            problems.append(
                f"Line {line}: ‘{cells[-1]}’ is not a population: write a whole number "
                "of residents, 0 or more (8410 or 8,410)."
            )
            continue
        if variables is None:
            variable, value = cells[0], cells[1]
            if not variable or not value:
                problems.append(f"Line {line}: give both the variable and its value.")
                continue
            if (variable, value) in found.lines:
                first = found.lines[(variable, value)]
                problems.append(
                    f"Line {line} repeats {variable} = {value} from line {first}: "
                    "give each value once."
                )
                continue
            found.add(variable, value, population, line)
        else:
            if not all(cells[:-1]):
                problems.append(f"Line {line}: every column needs a value.")
                continue
            for variable, value in zip(variables, cells[:-1], strict=True):
                found.add(variable, value, population, line)
        if len(problems) >= MAX_PROBLEMS:
            break
    if not problems and not found.margins:
        problems.append("The file has a header but no populations.")
    if not problems:
        problems = _unequal_totals(found)
    if problems:
        raise TargetsError(problems)
    return found


def _unequal_totals(found: Targets) -> list[str]:
    totals = found.totals()
    largest = max(totals.values())
    if largest <= 0:
        return ["Every population is 0: the targets must describe some residents."]
    if all(abs(total - largest) <= largest * 1e-6 for total in totals.values()):
        return []
    listed = ", ".join(f"{variable} {total:,.0f}" for variable, total in totals.items())
    return [
        f"The margins add up to different totals ({listed}): every margin must describe "
        "the same residents. Add the missing groups (or a row for those not stated) so "
        "each adds up to the same population."
    ]
