"""Cell values as text, made safe to open in a spreadsheet."""

from datetime import UTC, datetime
from typing import Any

from engage.spreadsheet import neutralise

__all__ = ["as_text", "neutralise", "timestamp", "utc"]


def utc(value: datetime) -> datetime:
    """A naive UTC datetime (SQLite hands back naive ones, PostgreSQL aware ones)."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def timestamp(value: datetime) -> str:
    """ISO 8601 in UTC, to the second, as every text format writes it."""
    return utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_text(value: Any) -> str:
    """A value for a CSV cell: blank for missing, ISO for times, neutralised text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, str):
        return neutralise(value)
    return str(value)
