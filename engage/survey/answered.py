"""When a response was answered: the tablet's own time, if it is believable.

A tablet that was offline sends, with each response, the time the resident finished
(``answered_at``; queue files written before it existed carry ``queued_at``, the same
moment). That time dates the response, so answers uploaded or imported days later land
on the day they were given. A tablet's clock can be wrong, so the time is kept only
when it is plausible:

- not more than ``FUTURE_LEEWAY`` ahead of the server's clock, and
- not before the kiosk link it was answered through was issued.

Anything else (a time in the future, before the link, without a zone, or not a time at
all) is not believed: the server's time of receiving is kept and the response is
flagged, so imports can report how many were.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

FUTURE_LEEWAY = timedelta(minutes=5)
FIELDS = ("answered_at", "queued_at")  # the first present is used


@dataclass(frozen=True)
class AnsweredTime:
    at: datetime  # the time the response is dated with
    flagged: bool  # the tablet's time was given but not believed


def reported(payload: Any) -> Any:
    """The tablet's time of answering as sent (any JSON value), or None if none was."""
    for name in FIELDS:
        value = payload.get(name)
        if value is not None:
            return value
    return None


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    # A time without its zone could be any of 24 hours: not evidence of when.
    return moment if moment.tzinfo is not None else None


def answered_time(value: Any, issued_at: datetime | None, now: datetime) -> AnsweredTime:
    """The time to date a response with, given the tablet's reported ``value``.

    ``issued_at``: when the kiosk link it came through was issued (None: no link, so
    no reported time is believed). ``now``: the server's time of receiving it.
    """
    if value is None:
        return AnsweredTime(now, False)
    moment = _parse(value)
    if moment is None or issued_at is None or not issued_at <= moment <= now + FUTURE_LEEWAY:
        return AnsweredTime(now, True)
    # A few minutes ahead is a tablet's clock running fast, not a time yet to come.
    return AnsweredTime(min(moment, now), False)
