"""The codebook: every variable as each version asked it, in every language.

As CSV (the download, the XLSX sheet and the data package's codebook.csv), one row
per question code, version and language: the wording and the options offered with
their numeric values, the missing codes, the show-if condition in words and in code,
the range, and the series (a change marked not comparable starts a new one). As JSON,
the same nested by variable and version.
"""

import csv
import json
from collections.abc import Iterator
from typing import Any, TextIO

from engage.exports.cells import neutralise
from engage.exports.history import range_text
from engage.exports.layout import Layout, QuestionInfo, VersionQuestion

HEADER = (
    "code",
    "version",
    "language",
    "question",
    "type",
    "options",
    "missing_values",
    "show_if",
    "show_if_code",
    "range",
    "required",
    "series",
    "agencies",
    "columns",
)


def _series(question: QuestionInfo, number: int) -> str:
    """The series a version's answers belong to: "1", or "2 (new: not comparable ...)"."""
    which = 1 + sum(1 for b in question.breaks if b <= number)
    if number in question.breaks:
        return f"{which} (starts here: not comparable with earlier versions)"
    return str(which)


def _condition_code(version: VersionQuestion) -> str:
    if not version.condition_code:
        return ""
    return f"{version.condition_code} in ({', '.join(version.condition_options)})"


def codebook_rows(layout: Layout) -> Iterator[list[str]]:
    """Options read "1 = Very safe (very)": the numeric code, the label, the option code."""
    for q in layout.questions:
        for version in q.history:
            for lang, text in version.texts.items():
                options = version.options
                yield [
                    q.code,
                    str(version.number),
                    lang,
                    text,
                    q.type,
                    "; ".join(f"{o.value} = {o.labels[lang]} ({o.code})" for o in options),
                    "; ".join(f"{o.value} ({o.code})" for o in options if o.missing),
                    version.condition_words,
                    _condition_code(version),
                    range_text(version, q.type),
                    "yes" if version.required else "no",
                    _series(q, version.number),
                    "; ".join(q.agencies),
                    ", ".join(q.columns),
                ]


def write_codebook_csv(layout: Layout, out: TextIO) -> int:
    """Write the codebook as CSV (UTF-8 with BOM is the caller's encoding); return its rows."""
    writer = csv.writer(out)
    writer.writerow(HEADER)
    count = 0
    for row in codebook_rows(layout):
        writer.writerow([neutralise(cell) for cell in row])
        count += 1
    return count


def _variable(q: QuestionInfo) -> dict[str, Any]:
    return {
        "code": q.code,
        "type": q.type,
        "columns": list(q.columns),
        "agencies": list(q.agencies),
        "versions": list(q.versions),
        "series_breaks": list(q.breaks),
        "missing_values": list(q.missing_values),
        "asked": [
            {
                "version": v.number,
                "series": _series(q, v.number),
                "text": dict(v.texts),
                "required": v.required,
                "options": [
                    {
                        "code": o.code,
                        "value": o.value,
                        "labels": dict(o.labels),
                        "missing": o.missing,
                    }
                    for o in v.options
                ],
                "show_if": (
                    {
                        "question": v.condition_code,
                        "options": list(v.condition_options),
                        "words": v.condition_words,
                    }
                    if v.condition_code
                    else None
                ),
                "range": {
                    "min": v.min_value,
                    "max": v.max_value,
                    "max_choices": v.max_choices,
                    "max_length": v.max_length,
                    "words": range_text(v, q.type),
                },
            }
            for v in q.history
        ],
    }


def write_codebook_json(layout: Layout, out: TextIO) -> int:
    """Write the codebook as JSON ({"variables": [...]}); return how many variables."""
    json.dump(
        {"variables": [_variable(q) for q in layout.questions]}, out, ensure_ascii=False, indent=2
    )
    out.write("\n")
    return len(layout.questions)
