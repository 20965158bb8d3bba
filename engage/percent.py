"""Percentages with one rule everywhere they are shown: to one decimal place, as the
results engine rounds them ("28.0%", "29.1%"), written in the page's language (a
decimal comma in Polish). No Flask in here."""

from babel.numbers import format_decimal

PATTERN = "0.0"


def percent_text(value: float | None, locale: str = "en", missing: str = "–") -> str:
    """ "29.1%"; ``missing`` when there is no percentage (a hidden count, or no base)."""
    if value is None:
        return missing
    return format_decimal(round(float(value), 1), PATTERN, locale=locale) + "%"
