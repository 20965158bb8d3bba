"""The R download: the responses as CSV, and a script that reads them into R labelled.

``read_responses.R`` needs base R only (no packages). It reads ``responses.csv``
(option answers as numbers) and gives a data frame ``responses`` where each choice
question is a factor with the option labels as levels, in the options' order and
ordered for scales; missing codes ("Don't know", "Prefer not to say") are NA, or kept
as levels with ``read_responses(keep_missing = TRUE)``; each column has its question
as its "label" attribute (which RStudio's viewer and haven show); the submission time
is a UTC date-time. When the responses are weighted, its opening comment shows how
to use the weight column with the survey package. No Flask in here.
"""

import io
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any

from engage.exports import values
from engage.exports.codebook import write_codebook_csv
from engage.exports.csv_writer import csv_chunks
from engage.exports.layout import CHOSEN_LABELS, DATETIME, ORDINAL, Column, Layout

SCRIPT = "read_responses.R"
DATA = "responses.csv"


def r_string(text: str) -> str:
    """``text`` as an R string literal, ASCII only (R reads any escape in any locale)."""
    out = []
    for char in str(text):
        point = ord(char)
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif point < 32 or point == 127:
            out.append(f"\\x{point:02x}")
        elif point < 128:
            out.append(char)
        elif point <= 0xFFFF:
            out.append(f"\\u{point:04x}")
        else:
            out.append(f"\\U{{{point:08x}}}")
    return '"' + "".join(out) + '"'


def _vector(items: Iterable[Any]) -> str:
    return "c(" + ", ".join(r_string(i) if isinstance(i, str) else str(i) for i in items) + ")"


def _factor(name: str, labels: Mapping[Any, str], ordered: bool, missing: list[int]) -> list[str]:
    """Lines that make column ``name`` a factor with these labels."""
    column = f"d[[{r_string(name)}]]"
    kept = [(value, label) for value, label in labels.items() if value not in missing]
    lines = []
    if missing:
        lines += [
            f"  if (!keep_missing) {column}[{column} %in% {_vector(missing)}] <- NA",
            "  levels_of <- if (keep_missing) "
            f"{_vector(labels)} else {_vector(v for v, _ in kept)}",
            "  labels_of <- if (keep_missing) "
            f"{_vector(labels.values())} else {_vector(label for _, label in kept)}",
            f"  {column} <- factor({column}, levels = levels_of, labels = labels_of, "
            f"ordered = {'TRUE' if ordered else 'FALSE'})",
        ]
    else:
        lines.append(
            f"  {column} <- factor({column}, levels = {_vector(labels)}, "
            f"labels = {_vector(labels.values())}, ordered = {'TRUE' if ordered else 'FALSE'})"
        )
    return lines


def script(layout: Layout) -> str:
    """The R script for this download's columns."""
    missing = {
        q.columns[0]: list(q.missing_values)
        for q in layout.questions
        if q.missing_values and len(q.columns) == 1
    }
    lines = [
        "# Engage responses, read into R with labels, factor levels and missing values.",
        f"# source({r_string(SCRIPT)}) in the folder holding {DATA}; then use `responses`.",
        '# Base R only. keep_missing = TRUE keeps "Don\'t know" and the like as levels.',
        *_weight_comment(layout),
        "read_responses <- function(file = " + r_string(DATA) + ", keep_missing = FALSE) {",
        '  d <- utils::read.csv(file, encoding = "UTF-8", na.strings = "",',
        "                       stringsAsFactors = FALSE, check.names = FALSE)",
    ]
    for column in layout.columns:
        lines += _column_lines(column, missing.get(column.name, []))
    lines += ["  d", "}", "", "responses <- read_responses()", ""]
    return "\n".join(lines)


def _weight_comment(layout: Layout) -> list[str]:
    """How to make weighted estimates, when the weight column holds a scheme's weights."""
    if layout.weight is None:
        return []
    name = layout.weight
    return [
        f"# `{name}` weights each response to the population (NA: not weighted). Weighted",
        "# estimates with the survey package, leaving out the responses with no weight:",
        f"#   weighted <- responses[!is.na(responses[[{r_string(name)}]]), ]",
        f"#   design <- survey::svydesign(ids = ~1, weights = ~{name}, data = weighted)",
    ]


def _column_lines(column: Column, missing: list[int]) -> list[str]:
    name = r_string(column.name)
    found = []
    if column.kind == DATETIME:
        found.append(
            f'  d[[{name}]] <- as.POSIXct(d[[{name}]], tz = "UTC", format = "%Y-%m-%dT%H:%M:%SZ")'
        )
    elif column.value_labels and dict(column.value_labels) != CHOSEN_LABELS:
        found += _factor(column.name, column.value_labels, column.measure == ORDINAL, missing)
    found.append(f'  attr(d[[{name}]], "label") <- {r_string(column.label)}')
    return found


def write_r_bundle(path: str, layout: Layout, rows: Iterable[list[Any]]) -> None:
    """Write the zip: the CSV (streamed, so memory stays flat), the script, the codebook."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(DATA, "w", force_zip64=True) as member:
            for chunk in csv_chunks(layout, rows, values.NUMBERS, bom=False):
                member.write(chunk.encode("utf-8"))
        archive.writestr(SCRIPT, script(layout))
        text = io.StringIO()
        write_codebook_csv(layout, text)
        archive.writestr("codebook.csv", text.getvalue())
