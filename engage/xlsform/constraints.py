"""XLSForm ``constraint`` expressions for the limits Engage keeps on a question.

A constraint is read as parts joined by ``and``; each part Engage knows becomes
a limit, and every other part is returned so the report can say it is not kept:

    . >= 0, . <= 100 (also > and <)                smallest and largest number
    string-length(.) <= 150 (or <)                 longest text
    count-selected(.) <= 3 (or <)                  most options a resident may pick
    not(selected(., 'x') and count-selected(.) > 1)    option x cannot be combined

The export writes the same forms. No Flask or database in here.
"""

import re
from dataclasses import dataclass, field

_NUMBER = r"(?P<n>-?\d+)"
_PATTERNS = {
    "min": re.compile(rf"^\.\s*(?P<op>>=|>)\s*{_NUMBER}$"),
    "max": re.compile(rf"^\.\s*(?P<op><=|<)\s*{_NUMBER}$"),
    "length": re.compile(rf"^string-length\(\s*\.\s*\)\s*(?P<op><=|<)\s*{_NUMBER}$"),
    "picks": re.compile(rf"^count-selected\(\s*\.\s*\)\s*(?P<op><=|<)\s*{_NUMBER}$"),
    "exclusive": re.compile(
        r"^not\(\s*selected\(\s*\.\s*,\s*'(?P<option>[^']+)'\s*\)\s*and\s*"
        r"count-selected\(\s*\.\s*\)\s*>\s*1\s*\)$"
    ),
}


@dataclass
class Limits:
    """What a constraint says, and the parts of it Engage cannot keep."""

    min_value: int | None = None
    max_value: int | None = None
    max_length: int | None = None
    max_choices: int | None = None
    exclusive: list[str] = field(default_factory=list)
    not_kept: list[str] = field(default_factory=list)


def split_and(expression: str) -> list[str]:
    """The parts of ``expression`` joined by a top-level ``and`` (not inside brackets)."""
    parts, depth, start, quote = [], 0, 0, ""
    index = 0
    while index < len(expression):
        char = expression[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and re.match(r"\sand\s", expression[index : index + 5]):
            parts.append(expression[start:index])
            start = index + 5
            index += 4
        index += 1
    parts.append(expression[start:])
    return [part.strip() for part in parts if part.strip()]


def _bound(match: re.Match, strict: str) -> int:
    """A limit as an inclusive bound: ``. < 10`` allows at most 9."""
    number = int(match.group("n"))
    if match.group("op") == strict:
        return number + 1 if strict == ">" else number - 1
    return number


def read(expression: str) -> Limits:
    """The limits in a constraint expression."""
    limits = Limits()
    for part in split_and(expression or ""):
        matched = {kind: p.match(part) for kind, p in _PATTERNS.items()}
        if matched["min"]:
            limits.min_value = _bound(matched["min"], ">")
        elif matched["max"]:
            limits.max_value = _bound(matched["max"], "<")
        elif matched["length"]:
            limits.max_length = _bound(matched["length"], "<")
        elif matched["picks"]:
            limits.max_choices = _bound(matched["picks"], "<")
        elif matched["exclusive"]:
            limits.exclusive.append(matched["exclusive"].group("option"))
        else:
            limits.not_kept.append(part)
    return limits


def write(
    min_value: int | None = None,
    max_value: int | None = None,
    max_length: int | None = None,
    max_choices: int | None = None,
    exclusive: list[str] | None = None,
) -> str:
    """The constraint expression for a question's limits; empty when it has none."""
    parts = []
    if min_value is not None:
        parts.append(f". >= {min_value}")
    if max_value is not None:
        parts.append(f". <= {max_value}")
    if max_length is not None:
        parts.append(f"string-length(.) <= {max_length}")
    if max_choices is not None:
        parts.append(f"count-selected(.) <= {max_choices}")
    for option in exclusive or []:
        parts.append(f"not(selected(., '{option}') and count-selected(.) > 1)")
    return " and ".join(parts)
