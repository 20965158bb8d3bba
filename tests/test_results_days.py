"""Each response's day in the partnership's time zone (engage.results.days)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from engage.results.days import local_days
from engage.results.engine import from_day_number

LONDON = ZoneInfo("Europe/London")


def day_of(moment: datetime, zone=LONDON) -> date:
    return from_day_number(int(local_days([int(moment.timestamp())], zone)[0]))


def test_summer_time_moves_the_last_hour_of_a_utc_day_to_the_next_day():
    assert day_of(datetime(2026, 6, 30, 22, 59, 59, tzinfo=UTC)) == date(2026, 6, 30)
    assert day_of(datetime(2026, 6, 30, 23, 0, tzinfo=UTC)) == date(2026, 7, 1)
    # In winter London is on UTC.
    assert day_of(datetime(2026, 12, 31, 23, 59, tzinfo=UTC)) == date(2026, 12, 31)


def test_the_days_the_clocks_change_and_other_zones():
    # The clocks go forward at 01:00 UTC on 29 March 2026 and back at 01:00 UTC on 25 October.
    assert day_of(datetime(2026, 3, 29, 0, 59, tzinfo=UTC)) == date(2026, 3, 29)
    assert day_of(datetime(2026, 3, 29, 23, 30, tzinfo=UTC)) == date(2026, 3, 30)
    assert day_of(datetime(2026, 10, 24, 23, 30, tzinfo=UTC)) == date(2026, 10, 25)
    assert day_of(datetime(2026, 10, 25, 23, 30, tzinfo=UTC)) == date(2026, 10, 25)
    new_york = ZoneInfo("America/New_York")
    assert day_of(datetime(2026, 7, 1, 3, 59, tzinfo=UTC), new_york) == date(2026, 6, 30)
    assert local_days([], LONDON).tolist() == []
