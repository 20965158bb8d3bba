"""Days, ISO weeks and months: grouping dates for the overview and trends. No Flask here."""

from datetime import date, timedelta

import numpy as np
from babel.dates import format_date


def period_of(day: date, period: str) -> date:
    """The first day of the day, ISO week (Monday) or month that ``day`` is in."""
    if period == "month":
        return day.replace(day=1)
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day


def period_starts(days: np.ndarray, period: str) -> np.ndarray:
    """``period_of`` for many days at once, as days since 1970-01-01."""
    if period == "month":
        months = days.astype("datetime64[D]").astype("datetime64[M]")
        return months.astype("datetime64[D]").astype(np.int64)
    if period == "week":
        return days - (days + 3) % 7  # 1970-01-01 was a Thursday
    return days.astype(np.int64)


def date_period(first: date | None, last: date | None) -> str:
    """Days for up to a month of responses, weeks for up to half a year, then months."""
    if first is None or last is None:
        return "day"
    days = (last - first).days
    return "day" if days <= 31 else "week" if days <= 183 else "month"


def period_label(start: str, period: str) -> str:
    """How a period starting on ``start`` (YYYY-MM-DD) is shown."""
    when = date.fromisoformat(start)
    if period == "month":
        return when.strftime("%B %Y")
    if period == "week":
        return f"Week of {when.day} {when:%B %Y}"
    return f"{when.day} {when:%B %Y}"


def period_end(start: date, period: str) -> date:
    """The day after the last day of the day, week or month starting on ``start``."""
    if period == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=7 if period == "week" else 1)


def short_label(start: date, period: str) -> str:
    """An axis label: "Dec 2025", "w/c 1 Dec 2025" or "1 Dec 2025"."""
    if period == "month":
        return format_date(start, "MMM y", locale="en")
    text = format_date(start, "d MMM y", locale="en")
    return f"w/c {text}" if period == "week" else text


def long_label(start: date, period: str) -> str:
    """A period in words: "December 2026", "the week commencing 30 November 2026"."""
    if period == "month":
        return format_date(start, "MMMM y", locale="en")
    text = format_date(start, "d MMMM y", locale="en")
    return f"the week commencing {text}" if period == "week" else text
