"""Time helpers: every stored timestamp is timezone-aware UTC."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC; used as a column default so it is evaluated per row."""
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """A stored timestamp with its zone: SQLite hands them back without it (they are UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
