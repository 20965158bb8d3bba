"""Defining waves: each a questionnaire's responses of a date range, or of some events.

The rules live here, so the admin pages and the command line refuse the same things:
a name given and unique (ignoring case), either both dates (the first on or before the
last) or at least one of the partnership's events, never both. Services flush; the
caller commits.
"""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from engage import localtime
from engage.events.models import Event
from engage.extensions import db
from engage.questionnaire.models import Questionnaire
from engage.weighting.models import Wave

MAX_NAME = 80


@dataclass
class WaveFields:
    """A wave as typed: a date range, or events (ids)."""

    name: str
    since: date | None = None
    until: date | None = None
    events: list[int] = field(default_factory=list)


class WaveError(ValueError):
    """The wave cannot be saved; ``problems`` says why, by field name."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def waves(questionnaire: Questionnaire) -> list[Wave]:
    """The questionnaire's waves, oldest first (waves of events after dated ones)."""
    found = db.session.scalars(sa.select(Wave).where(Wave.questionnaire_id == questionnaire.id))
    return sorted(found, key=lambda w: (w.since is None, w.since or date.min, w.name.lower()))


def wave_of(questionnaire: Questionnaire, wave_id: int) -> Wave | None:
    wave = db.session.get(Wave, wave_id)
    return wave if wave is not None and wave.questionnaire_id == questionnaire.id else None


def events_of(questionnaire: Questionnaire) -> list[Event]:
    """The partnership's events, newest first: what a wave of events may choose from."""
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(Event.partnership_id == questionnaire.partnership_id)
            .order_by(Event.starts_on.desc(), Event.name)
        )
    )


def problems(
    questionnaire: Questionnaire, fields: WaveFields, wave: Wave | None = None
) -> dict[str, str]:
    """What stops ``fields`` being saved (as ``wave``, or as a new wave), by field."""
    found: dict[str, str] = {}
    name = fields.name.strip()
    if not name:
        found["name"] = "Enter a name for the wave"
    elif len(name) > MAX_NAME:
        found["name"] = f"The name must be {MAX_NAME} characters or fewer"
    elif any(
        other.name.lower() == name.lower() and other is not wave for other in waves(questionnaire)
    ):
        found["name"] = f"There is already a wave called ‘{name}’: choose another name"
    dated = fields.since is not None or fields.until is not None
    if dated and fields.events:
        found["events"] = "A wave is either a date range or some events, not both"
    elif fields.events:
        known = {event.id for event in events_of(questionnaire)}
        if not set(fields.events) <= known:
            found["events"] = "Choose the events from the list"
    elif fields.since is None and fields.until is None:
        found["since"] = "Enter the first day of the wave, or choose its events"
    elif fields.since is None:
        found["since"] = "Enter the first day of the wave"
    elif fields.until is None:
        found["until"] = "Enter the last day of the wave"
    elif fields.until < fields.since:
        found["until"] = "The last day must be the same as or after the first day"
    return found


def _apply(wave: Wave, fields: WaveFields) -> None:
    wave.name = fields.name.strip()
    wave.events = sorted(set(fields.events))
    wave.since, wave.until = (None, None) if fields.events else (fields.since, fields.until)


def create_wave(questionnaire: Questionnaire, fields: WaveFields) -> Wave:
    """A new wave, or WaveError saying what to fix (flushes)."""
    found = problems(questionnaire, fields)
    if found:
        raise WaveError(found)
    wave = Wave(questionnaire_id=questionnaire.id)
    _apply(wave, fields)
    db.session.add(wave)
    db.session.flush()
    return wave


def update_wave(questionnaire: Questionnaire, wave: Wave, fields: WaveFields) -> Wave:
    """Change a wave, or WaveError saying what to fix (flushes)."""
    found = problems(questionnaire, fields, wave)
    if found:
        raise WaveError(found)
    _apply(wave, fields)
    db.session.flush()
    return wave


def delete_wave(wave: Wave) -> None:
    db.session.delete(wave)
    db.session.flush()


def describe(wave: Wave, events: list[Event] | None = None, short: bool = False) -> str:
    """What the wave covers, in words: "1 March 2026 to 31 May 2026" ("1 Mar 2026 to
    31 May 2026" short), or its events."""
    if wave.events:
        names = {event.id: event.name for event in events or []}
        listed = [names.get(event_id, f"event {event_id} (deleted)") for event_id in wave.events]
        return ("Event: " if len(listed) == 1 else "Events: ") + ", ".join(listed)
    day = _short_day if short else localtime.day
    if wave.since and wave.until:
        return f"{day(wave.since)} to {day(wave.until)}"
    if wave.since:
        return f"From {day(wave.since)}"
    if wave.until:
        return f"Up to {day(wave.until)}"
    return "Every response"


def _short_day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"
