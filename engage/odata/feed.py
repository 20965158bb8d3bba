"""What the OData feed serves: the responses as flat rows and the aggregate results.

The responses come from the downloads' row source (``engage.exports.rows``), so a
feed row has the same columns and values as a CSV row: one column per question code,
and one 0/1 column per option of a multiple-choice question, with option answers as
codes, numbers or labels. The fixed columns (ward, channel, language, event) stay
codes in every convention, so a ``$filter`` on them means the same whatever the rows
show. The results are the dashboard's, suppressed and perturbed exactly as there, one
row per question and option.
"""

from dataclasses import dataclass, replace
from datetime import UTC
from typing import Any

import sqlalchemy as sa

from engage import localtime
from engage.accounts.models import User
from engage.api import cells
from engage.exports import rows as row_source
from engage.exports import values
from engage.exports.layout import DATETIME, NUMBER, STRING, Column, Layout
from engage.extensions import db
from engage.i18n import DEFAULT_LANGUAGE
from engage.odata import metadata
from engage.odata.metadata import Property
from engage.odata.options import Query
from engage.questionnaire.models import Questionnaire
from engage.results.aggregates import results_for
from engage.results.catalogue import CLOSED_TYPES, catalogue
from engage.results.estimated import FIELDS as ESTIMATE_FIELDS
from engage.results.estimated import Weighting
from engage.results.filters import ResultFilter
from engage.survey.models import Response

RESPONSES, RESULTS = "Responses", "Results"
KEY = "response_id"
FIXED_PROPERTIES = (
    Property("response_id", metadata.INT64, False, "Response id"),
    Property("submitted_at", metadata.DATETIME, False, "Submitted at (UTC)"),
    Property("submitted_on", metadata.DATE, False, "Day submitted (the partnership's)"),
    Property("version", metadata.INT32, False, "Questionnaire version"),
    Property("channel", metadata.STRING, False, "Channel: online or kiosk"),
    Property("event", metadata.INT64, True, "Event id (kiosk responses)"),
    Property("ward", metadata.STRING, True, "Ward code"),
    Property("language", metadata.STRING, False, "Language the survey was answered in"),
    # Described by the download's own column: the scheme and the date of its targets.
    Property("weight", metadata.DOUBLE, True, "Weight of the default weighting scheme"),
)
RESULT_PROPERTIES = (
    Property("id", metadata.STRING, False, "Question, versions and option"),
    Property("question", metadata.STRING, False, "Question code"),
    Property("question_text", metadata.STRING, False, "Question wording"),
    Property("question_type", metadata.STRING, False, "Question type"),
    Property("versions", metadata.STRING, False, "Versions counted together"),
    Property("option", metadata.STRING, False, "Option code, value or ward code"),
    Property("option_label", metadata.STRING, True, "Option label"),
    Property("count", metadata.INT64, True, "Respondents (null when hidden)"),
    Property("count_display", metadata.STRING, False, "Respondents as shown, such as <10"),
    Property("base", metadata.INT64, True, "Respondents asked (null when hidden)"),
    Property("base_display", metadata.STRING, False, "Base as shown"),
    Property("percent", metadata.DOUBLE, True, "Percentage of the base"),
    Property("suppressed", metadata.BOOLEAN, False, "Hidden to protect respondents"),
    Property("respondents", metadata.INT64, True, "Respondents who answered the question"),
    Property("respondents_display", metadata.STRING, False, "Respondents as shown"),
    Property("mean", metadata.DOUBLE, True, "Mean (rating and number questions)"),
    Property("estimate", metadata.DOUBLE, True, "Share of the base, 0 to 1 (weighted if so)"),
    Property("se", metadata.DOUBLE, True, "Standard error of the estimate"),
    Property("ci_low", metadata.DOUBLE, True, "95 % interval: lower end"),
    Property("ci_high", metadata.DOUBLE, True, "95 % interval: upper end"),
    Property("effective_base", metadata.DOUBLE, True, "Effective base (Kish)"),
    Property("weighted", metadata.BOOLEAN, False, "Weighted to the population"),
    Property("weighting_scheme", metadata.STRING, True, "The weighting scheme, if weighted"),
    Property("low_base", metadata.BOOLEAN, False, "Effective base under the minimum"),
)


@dataclass
class ResponseFeed:
    """The responses' columns for one user and convention, and how to write their rows."""

    plan: row_source.RowPlan
    properties: tuple[Property, ...]
    converters: list[Any]

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.properties]


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    last_id: int  # the last response on the page (the next page's $skiptoken)
    more: bool
    count: int | None  # all rows that pass $filter, when $count=true asked for it


def _edm_type(column: Column, style: str) -> str:
    if column.kind == DATETIME:
        return metadata.DATETIME
    if column.kind == NUMBER:
        return metadata.DOUBLE
    if column.kind == STRING or (style == values.LABELS and column.value_labels):
        return metadata.STRING
    return metadata.INT64


def response_feed(
    questionnaire: Questionnaire, user: User, style: str, lang: str = DEFAULT_LANGUAGE
) -> ResponseFeed:
    """Every question the user may read (free text only with free-text access), with
    labels in ``lang``."""
    plan = row_source.build_plan(
        questionnaire, ResultFilter(), user.free_text_access, user.agency_id, style, lang
    )
    layout: Layout = plan.layout
    asked = [
        Property(c.name, _edm_type(c, style), True, c.label)
        for c in layout.columns[row_source.FIXED :]
    ]
    converters = [(i, f) for i, f in values.converters(layout, style) if i >= row_source.FIXED]
    weight = layout.columns[row_source.WEIGHT].label
    fixed = tuple(
        replace(p, description=weight) if p.name == "weight" else p for p in FIXED_PROPERTIES
    )
    return ResponseFeed(plan, fixed + tuple(asked), converters)


def entity_sets(feed: ResponseFeed) -> list[metadata.EntitySet]:
    return [
        metadata.EntitySet(RESPONSES, "Response", (KEY,), feed.properties, "One row per response"),
        metadata.EntitySet(
            RESULTS,
            "Result",
            ("id",),
            RESULT_PROPERTIES,
            "Counts per question and option, small numbers hidden",
        ),
    ]


def _object(row: list[Any], feed: ResponseFeed, chosen: list[str] | None) -> dict[str, Any]:
    values.apply(row, feed.converters)
    submitted = row[1] if row[1].tzinfo else row[1].replace(tzinfo=UTC)
    day = localtime.local(submitted).date()
    whole = [row[0], submitted.isoformat().replace("+00:00", "Z"), day.isoformat()]
    whole += row[2:]
    found = dict(zip(feed.names, whole, strict=True))
    return found if chosen is None else {name: found[name] for name in chosen}


def _start_after(feed: ResponseFeed, skip: int) -> int | None:
    """The id after which a page that skips ``skip`` rows starts; None if none are left."""
    if skip == 0:
        return 0
    return db.session.scalar(
        sa.select(Response.id)
        .where(*feed.plan.conditions)
        .order_by(Response.id)
        .offset(skip - 1)
        .limit(1)
    )


def count(feed: ResponseFeed) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(*feed.plan.conditions)) or 0


def responses_page(feed: ResponseFeed, query: Query) -> Page:
    """One page of rows that pass the filter, oldest first.

    A first page starts after ``$skip`` rows; later pages start after the last id sent
    (``$skiptoken``), so a client following nextLink gets each response exactly once
    even while new ones arrive. ``$top`` is what is left to send, over all pages.
    """
    total = count(feed) if query.count else None
    after = query.skiptoken or _start_after(feed, query.skip)
    limit = query.page_size if query.top is None else min(query.page_size, query.top)
    if after is None or limit == 0:
        return Page([], 0, False, total)
    rows, more = row_source.page_after(feed.plan, after, limit)
    if query.top is not None and len(rows) >= query.top:
        more = False
    chosen = list(query.select) if query.select else None
    objects = [_object(row, feed, chosen) for row in rows]
    return Page(objects, rows[-1][0] if rows else after, more, total)


def _versions(result: dict[str, Any]) -> str:
    numbers = result.get("series", {}).get("versions") or result.get("versions") or []
    return ", ".join(str(n) for n in numbers)


def result_rows(
    questionnaire: Questionnaire,
    filters: ResultFilter,
    k: int,
    lang: str,
    weighting: Weighting | None = None,
) -> list[dict[str, Any]]:
    """Each question's counts, one row per option (and per series across a break)."""
    infos = [i for i in catalogue(questionnaire, filters) if i.type in CLOSED_TYPES]
    found = []
    for result in results_for(questionnaire, infos, filters, k, lang, weighting):
        result = cells.typed(result)
        versions = _versions(result)
        for option in result["options"]:
            found.append(
                {
                    "id": f"{result['code']}:{versions}:{option['code']}",
                    "question": result["code"],
                    "question_text": result["text"],
                    "question_type": result["type"],
                    "versions": versions,
                    "option": str(option["code"]),
                    "option_label": option["label"],
                    "count": option["count"],
                    "count_display": option["count_display"],
                    "base": option["base"],
                    "base_display": option["base_display"],
                    "percent": option["percent"],
                    "suppressed": option["suppressed"],
                    "respondents": result["respondents"],
                    "respondents_display": result["respondents_display"],
                    "mean": result["mean"],
                    **{name: option[name] for name in ESTIMATE_FIELDS},
                    "weighted": result["weighting"]["weighted"],
                    "weighting_scheme": result["weighting"]["scheme"],
                    "low_base": result["weighting"]["low_base"],
                }
            )
    return found
