"""The filters every view of the shared results honours: dashboard, downloads, API.

Filters arrive as query-string arguments:

    since=YYYY-MM-DD  until=YYYY-MM-DD  (or the form's boxes since-day, since-month,
    since-year and until-day ...)  ward=<area code> (repeatable)
    event=<event id> (repeatable)  channel=online|kiosk (repeatable)
    version=<version number> (repeatable)  mine=1 (only my agency's questions)
    answer=<question code>:<option code> (repeatable: respondents who gave that answer
    to a single-choice question; several options of one question are any of them,
    answers to different questions all of them, e.g. answer=age:18_24&answer=age:25_34)

``parse_filters`` turns them into a ResultFilter plus a message per bad argument;
``response_conditions`` turns a ResultFilter into SQL conditions on Response.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from engage import localtime
from engage.database import MAX_ID
from engage.dateinput import read_date
from engage.forms import strip
from engage.partnership.models import Area
from engage.questionnaire.models import Option, Question, QuestionnaireVersion
from engage.survey.models import CHANNELS, Answer, Response


@dataclass(frozen=True)
class ResultFilter:
    since: date | None = None
    until: date | None = None
    wards: tuple[str, ...] = ()
    events: tuple[int, ...] = ()
    channels: tuple[str, ...] = ()
    versions: tuple[int, ...] = ()
    mine: bool = False
    # (question code, option codes): respondents who gave one of these answers to it.
    answers: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The filters that are set, for links, the audit trail and API echoes."""
        values: dict[str, Any] = {}
        if self.since:
            values["since"] = self.since.isoformat()
        if self.until:
            values["until"] = self.until.isoformat()
        for name in ("wards", "events", "channels", "versions"):
            if getattr(self, name):
                values[name] = list(getattr(self, name))
        if self.mine:
            values["mine"] = True
        if self.answers:
            values["answers"] = {code: list(options) for code, options in self.answers}
        return values

    def query_args(self) -> dict[str, Any]:
        """The same filters as query-string arguments (for links and downloads)."""
        args: dict[str, Any] = {}
        if self.since:
            args["since"] = self.since.isoformat()
        if self.until:
            args["until"] = self.until.isoformat()
        args.update(
            {"ward": list(self.wards), "event": list(self.events), "channel": list(self.channels)}
        )
        args["version"] = list(self.versions)
        if self.mine:
            args["mine"] = "1"
        args["answer"] = [f"{code}:{o}" for code, options in self.answers for o in options]
        return {k: v for k, v in args.items() if v}


# The dates' day, month and year boxes on the results and downloads pages.
DATE_LABELS = {"since": "Answered on or after", "until": "Answered on or before"}


def _getlist(args: Mapping[str, Any], name: str) -> list[str]:
    if hasattr(args, "getlist"):
        values = args.getlist(name)
    else:
        value = args.get(name)
        values = value if isinstance(value, list) else ([value] if value is not None else [])
    # Typed text: trimmed, without control characters (PostgreSQL refuses NUL in a query).
    cleaned = [str(strip(str(v))) for v in values]
    return [v for v in cleaned if v]


def _numbers(values: list[str]) -> tuple[int, ...] | None:
    # ASCII digits ("²" is a digit to isdigit(), not to int()), and no more than an id holds.
    if not all(v.isascii() and v.isdigit() and len(v) <= 10 for v in values):
        return None
    numbers = tuple(int(v) for v in values)
    return numbers if all(n <= MAX_ID for n in numbers) else None


def parse_filters(args: Mapping[str, Any]) -> tuple[ResultFilter, dict[str, str]]:
    """Read the filters; bad ones are left out and explained in the returned messages."""
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    typed = False
    for name in ("since", "until"):
        parsed, error, by_hand = read_date(args, name, DATE_LABELS[name])
        typed = typed or by_hand
        if error:
            errors[name] = error
        elif parsed:
            fields[name] = parsed
    if fields.get("since") and fields.get("until") and fields["since"] > fields["until"]:
        errors["until"] = (
            f"{DATE_LABELS['until']} must be the same as or after {DATE_LABELS['since'].lower()}"
            if typed
            else "The ‘until’ date must be the same as or after the ‘since’ date"
        )
        fields.pop("until")
    fields["wards"] = tuple(_getlist(args, "ward"))
    channels = _getlist(args, "channel")
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        errors["channel"] = f"Channel must be one of: {', '.join(CHANNELS)}"
    fields["channels"] = tuple(c for c in channels if c in CHANNELS)
    for name, key in (("events", "event"), ("versions", "version")):
        numbers = _numbers(_getlist(args, key))
        if numbers is None:
            errors[key] = f"‘{key}’ must be a whole number"
        else:
            fields[name] = numbers
    fields["mine"] = (_getlist(args, "mine") or [""])[0] in ("1", "true", "yes", "on")
    fields["answers"] = _answers(_getlist(args, "answer"), errors)
    return ResultFilter(**fields), errors


def _answers(values: list[str], errors: dict[str, str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    chosen: dict[str, set[str]] = {}
    for text in values:
        code, colon, option = text.partition(":")
        if not colon or not code.strip() or not option.strip():
            errors["answer"] = (
                "Give each ‘answer’ as a question code and an option code, for example age:18_24"
            )
            continue
        chosen.setdefault(code.strip(), set()).add(option.strip())
    return tuple((code, tuple(sorted(options))) for code, options in sorted(chosen.items()))


def _start_of(day: date) -> datetime:
    """The first moment of ``day`` in the partnership's time zone, as the results count days."""
    return localtime.to_utc(day, time.min)


def response_conditions(filters: ResultFilter, questionnaire_id: int) -> list[sa.ColumnElement]:
    """SQL conditions on Response for the filters (and for this questionnaire)."""
    # "+ 0" keeps the version index out of these queries: with it, SQLite reads (and
    # sorts) every response of the version to page through them by id, instead of
    # walking the primary key; a questionnaire has few versions, so the index rarely
    # narrows anything down.
    conditions: list[sa.ColumnElement] = [
        (Response.version_id + 0).in_(
            sa.select(QuestionnaireVersion.id).where(
                QuestionnaireVersion.questionnaire_id == questionnaire_id,
                *([QuestionnaireVersion.number.in_(filters.versions)] if filters.versions else []),
            )
        )
    ]
    if filters.since:
        conditions.append(Response.submitted_at >= _start_of(filters.since))
    if filters.until and filters.until < date.max:  # until 9999-12-31 is no limit at all
        conditions.append(Response.submitted_at < _start_of(filters.until + timedelta(days=1)))
    if filters.wards:
        conditions.append(
            Response.area_id.in_(sa.select(Area.id).where(Area.code.in_(filters.wards)))
        )
    if filters.events:
        conditions.append(Response.event_id.in_(filters.events))
    if filters.channels:
        conditions.append(Response.channel.in_(filters.channels))
    for code, options in filters.answers:
        # Each response's own answers, found by the response index: the rows come in id
        # order, so a page or a download starts at once, however few respondents match.
        chosen = (
            sa.select(Option.id)
            .join(Question, Option.question_id == Question.id)
            .where(Question.code == code, Option.code.in_(options))
        )
        conditions.append(
            sa.exists().where(Answer.response_id == Response.id, Answer.option_id.in_(chosen))
        )
    return conditions


def filtered_response_ids(filters: ResultFilter, questionnaire_id: int) -> sa.Select:
    """A sub-select of the ids of the responses that pass the filters."""
    return sa.select(Response.id).where(*response_conditions(filters, questionnaire_id))
