"""Times and days as every page shows them: one format, in the partnership's time zone.

A moment is "17:00, 20 December 2026" and a day "20 December 2026", with the month in
the page's language. Times are stored in UTC (SQLite hands them back without their
zone) and shown in the configured zone, so British Summer Time is handled. Data files
and the API keep UTC in ISO 8601. No Flask in here.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

MOMENT = "HH:mm, d MMMM y"
DAY = "d MMMM y"


def in_zone(moment: datetime, zone: ZoneInfo) -> datetime:
    """A stored moment in ``zone`` (a naive one is UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)


def when(moment: datetime, zone: ZoneInfo, locale: str = "en") -> str:
    """ "17:00, 20 December 2026": the moment's time and day in ``zone``."""
    return format_datetime(in_zone(moment, zone), MOMENT, tzinfo=zone, locale=locale)


def day(value: date | datetime, zone: ZoneInfo, locale: str = "en") -> str:
    """ "20 December 2026": a date as it is, or the day a moment falls on in ``zone``."""
    if isinstance(value, datetime):
        value = in_zone(value, zone).date()
    return format_date(value, DAY, locale=locale)
