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
)
BREAKDOWNS = (
    ("by_ward", "Responses by ward"),
    ("by_event", "Responses by event"),
    ("by_date", "Responses by date"),
    ("by_channel", "Responses by channel"),
    ("by_language", "Responses by language"),
)


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
            ]
    for result in results:
        versions = " ".join(str(v) for v in result["versions"])
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
