"""Reading the API's query parameters; every bad one gets its own message in a 400."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app
from werkzeug.datastructures import MultiDict

from engage.api.errors import ApiError
from engage.api.rows import decode_cursor
from engage.exports import services, values
from engage.i18n import DEFAULT_LANGUAGE, LANGUAGES
from engage.questionnaire.models import Questionnaire
from engage.results.filters import ResultFilter
from engage.results.reading import checked_filters

DEFAULT_LIMIT = 500
MAX_LIMIT = 5000


@dataclass(frozen=True)
class PageArgs:
    filters: ResultFilter
    since_at: datetime | None
    after: int
    limit: int
    style: str = values.DEFAULT  # option answers as codes, numbers or labels
    lang: str = DEFAULT_LANGUAGE  # the language of labels

    def audit(self) -> dict[str, Any]:
        """The filters as the audit trail keeps them."""
        found = self.filters.as_dict()
        if self.since_at is not None:
            found["since"] = self.since_at.isoformat()
        found["limit"] = self.limit
        if self.after:
            found["after_id"] = self.after
        if self.style != values.DEFAULT:
            found["values"] = self.style
        if self.lang != DEFAULT_LANGUAGE:
            found["lang"] = self.lang
        return found


def _since(text: str) -> date | datetime | None:
    """A date, or a date and time (UTC when no zone is given); None if it is neither."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: 0001-01-01T00:00+01:00 is before year 1
        return None


def filters(
    args: MultiDict, questionnaire: Questionnaire
) -> tuple[ResultFilter, datetime | None, dict[str, str]]:
    """The dashboard filters, except that ``since`` may also be a date and time."""
    args = MultiDict(args)
    since_at = None
    errors: dict[str, str] = {}
    since_text = args.get("since", "").strip()
    if since_text:
        since = _since(since_text)
        if since is None:
            args.pop("since")
            errors["since"] = (
                "Enter ‘since’ as a date (2026-06-27) or a date and time (2026-06-27T14:30:00Z)"
            )
        elif isinstance(since, datetime):
            args.pop("since")
            since_at = since
    parsed, filter_errors = checked_filters(
        questionnaire, args, page=("cursor", "limit", "lang", "values")
    )
    errors.update(filter_errors)
    return parsed, since_at, errors


def result_filters(args: MultiDict, questionnaire: Questionnaire) -> ResultFilter:
    """Filters for an aggregate: exactly the dashboard's; raises a 400 for bad ones."""
    parsed, errors = checked_filters(
        questionnaire,
        args,
        page=("lang", "weights"),
        min_base=current_app.config["ENGAGE_MIN_FILTERED_BASE"],
    )
    if errors:
        raise ApiError(400, "Some query parameters are not valid.", errors)
    return parsed


def page_args(args: MultiDict, questionnaire: Questionnaire) -> PageArgs:
    """Filters, ``since``, ``cursor`` and ``limit``; raises a 400 listing every bad one."""
    parsed, since_at, errors = filters(args, questionnaire)
    limit = DEFAULT_LIMIT
    limit_text = args.get("limit", "").strip()
    if limit_text:
        # A few ASCII digits: "²" is a digit to isdigit(), not to int(), nor are 5,000 nines.
        digits = limit_text.isascii() and limit_text.isdigit() and len(limit_text) <= 6
        if digits and 1 <= int(limit_text) <= MAX_LIMIT:
            limit = int(limit_text)
        else:
            errors["limit"] = f"‘limit’ must be a whole number from 1 to {MAX_LIMIT}"
    after = 0
    cursor = args.get("cursor", "").strip()
    if cursor:
        decoded = decode_cursor(cursor)
        if decoded is None:
            errors["cursor"] = "‘cursor’ is not valid: use the ‘next_cursor’ of the previous page"
        else:
            after = decoded
    style, wrong = values.parse(args)
    if wrong or args.get("labels"):
        errors["values"] = "‘values’ must be codes, numbers or labels"
    lang, wrong_language = services.language(args)
    if wrong_language:
        errors["lang"] = wrong_language
    if errors:
        raise ApiError(400, "Some query parameters are not valid.", errors)
    return PageArgs(
        filters=parsed, since_at=since_at, after=after, limit=limit, style=style, lang=lang
    )


def language(args: MultiDict) -> str:
    lang = args.get("lang", "en").strip() or "en"
    if lang not in LANGUAGES:
        raise ApiError(
            400,
            "Some query parameters are not valid.",
            {"lang": f"‘lang’ must be one of: {', '.join(LANGUAGES)}"},
        )
    return lang
