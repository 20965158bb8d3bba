"""How pages show times, days and percentages: the partnership's time zone
(ENGAGE_TIME_ZONE, Europe/London by default), and the ``when``, ``day`` and ``percent``
template filters every page uses."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_request_context
from flask_babel import get_locale

from engage import timeformat
from engage.i18n import DEFAULT_LANGUAGE
from engage.percent import percent_text

DEFAULT_ZONE = "Europe/London"


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("ENGAGE_TIME_ZONE") or DEFAULT_ZONE)


def _locale() -> str:
    """The page's language; English on the command line and in jobs."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    return str(get_locale() or DEFAULT_LANGUAGE)


def when(moment: datetime | None, missing: str = "Not set") -> str:
    """A stored moment as every page shows it: "17:00, 20 December 2026"."""
    if moment is None:
        return missing
    return timeformat.when(moment, zone(), _locale())


def day(value: date | datetime | None, missing: str = "") -> str:
    """A day as every page shows it: "20 December 2026"."""
    if value is None:
        return missing
    return timeformat.day(value, zone(), _locale())


def to_utc(on: date, clock: time) -> datetime:
    """A wall-clock time typed in the partnership's zone, as aware UTC."""
    return datetime.combine(on, clock, tzinfo=zone()).astimezone(UTC)


def local(moment: datetime) -> datetime:
    """A stored moment in the partnership's zone (for filling in forms)."""
    return timeformat.in_zone(moment, zone())


def percent(value: float | None, missing: str = "–") -> str:
    """A percentage as every page shows one: "29.1%", in the page's language."""
    return percent_text(value, _locale(), missing)


def register(app: Flask) -> None:
    app.add_template_filter(when, "when")
    app.add_template_filter(day, "day")
    app.add_template_filter(percent, "percent")

    @app.context_processor
    def time_zone() -> dict:
        return {"time_zone": current_app.config.get("ENGAGE_TIME_ZONE") or DEFAULT_ZONE}
