"""The dashboard's figures as a CSV file: the aggregate download. No Flask in here.

It holds exactly what the dashboard shows for the same filters (perturbed counts, "<k"
for hidden ones, percentages of the shown bases), one row per figure, so a figure
quoted from the file is the figure on the page and in the API.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from engage.spreadsheet import neutralise

HEADER = (
    "table",
    "question_code",
    "question",
    "versions",
    "key",
    "label",
    "count",
    "base",
    "percent",
    # A question's estimate (the percentage) with its 95 % interval and effective base,
    # and the weighting scheme when weighted (blank: unweighted).
    "ci_low_percent",
    "ci_high_percent",
    "effective_base",
    "weighted_by",
)
BREAKDOWNS = (
    ("by_ward", "Responses by ward"),
    ("by_event", "Responses by event"),
    ("by_date", "Responses by date"),
    ("by_channel", "Responses by channel"),
    ("by_language", "Responses by language"),
)


EMPTY = ("", "", "", "")


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def _rows(overview: Mapping[str, Any], results: Iterable[Mapping[str, Any]]) -> Iterator[list]:
    yield [
        "responses",
        "",
        "Responses that match the filters",
        "",
        "",
        "",
        overview["total"],
        "",
        "",
        *EMPTY,
    ]
    for key, title in BREAKDOWNS:
        for row in overview[key]:
            yield [
                key,
                "",
                title,
                "",
                row["key"],
                row["label"],
                row["count"],
                overview["total"],
                row["percent"],
                *EMPTY,
            ]
    for result in results:
        versions = " ".join(str(v) for v in result["versions"])
        scheme = (result.get("weighting") or {}).get("scheme") or ""
        for option in result["options"]:
            yield [
                "question",
                result["code"],
                result["text"],
                versions,
                option["code"],
                option["label"],
                option["count"],
                option["base"],
                option["percent"],
                _percent(option.get("ci_low")),
                _percent(option.get("ci_high")),
                option.get("effective_base"),
                scheme,
            ]
        if result.get("mean") is not None:
            yield [
                "mean",
                result["code"],
                result["text"],
                versions,
                "",
                "Average",
                result["mean"],
                result["respondents"],
                "",
                *EMPTY[:-1],
                scheme,
            ]


def figures_csv(overview: Mapping[str, Any], results: Iterable[Mapping[str, Any]]) -> str:
    """The CSV text (with a byte-order mark, so spreadsheet programs read it as UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in _rows(overview, results):
        writer.writerow(
            [
                "" if value is None else neutralise(value) if isinstance(value, str) else value
                for value in row
            ]
        )
    return "\ufeff" + out.getvalue()
