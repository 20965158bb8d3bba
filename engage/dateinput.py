"""Dates typed in GOV.UK's three boxes (day, month, year), read one way everywhere.

No Flask in here. A form names the boxes ``<name>-day``, ``<name>-month`` and
``<name>-year``; a link may give the date as ``<name>=YYYY-MM-DD`` instead (links
the pages make, the API). Each message names the field and says what to fix.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

PARTS = ("day", "month", "year")


def date_parts(name: str) -> tuple[str, str, str]:
    """The names of a date's boxes: since-day, since-month, since-year."""
    return (f"{name}-day", f"{name}-month", f"{name}-year")


def typed_date(label: str, day: str, month: str, year: str) -> tuple[date | None, str | None]:
    """The date in three boxes, or what is wrong with it ("Date of the event must
    include a month"); (None, None) when all three are empty."""
    parts = [str(v).strip() for v in (day, month, year)]
    if not any(parts):
        return None, None
    missing = [n for n, v in zip(PARTS, parts, strict=True) if not v]
    if missing:
        return None, f"{label} must include a {' and '.join(missing)}"
    real = f"{label} must be a real date, for example 27 6 2026"
    if not all(v.isascii() and v.isdigit() for v in parts) or len(parts[2]) != 4:
        return None, real
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0])), None
    except ValueError:
        return None, real


def _first(args: Mapping[str, Any], name: str) -> str:
    if hasattr(args, "getlist"):
        values = args.getlist(name)
        return str(values[0]) if values else ""
    value = args.get(name)
    return str(value) if value is not None else ""


def read_date(
    args: Mapping[str, Any], name: str, label: str
) -> tuple[date | None, str | None, bool]:
    """The ``name`` date from its boxes, or else from ``name=YYYY-MM-DD``: the date, a
    message saying what is wrong, and whether it was typed in the boxes."""
    boxes = [_first(args, part) for part in date_parts(name)]
    if any(v.strip() for v in boxes):
        return (*typed_date(label, *boxes), True)
    text = _first(args, name).strip()
    if not text:
        return None, None, False
    try:
        return date.fromisoformat(text), None, False
    except ValueError:
        return None, f"Enter the ‘{name}’ date as YYYY-MM-DD, for example 2026-06-27", False
