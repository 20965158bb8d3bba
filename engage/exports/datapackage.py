"""A Frictionless data package: a zip of datapackage.json, responses.csv and codebook.csv.

Coded columns carry an ``enum`` constraint and ``categories`` (value and label),
so `frictionless validate` checks every value and tools can show the labels.
"""

import io
import json
import zipfile
from collections.abc import Iterable
from typing import Any

from engage.exports import values
from engage.exports.cells import neutralise
from engage.exports.codebook import HEADER as CODEBOOK_HEADER
from engage.exports.codebook import write_codebook_csv
from engage.exports.csv_writer import csv_chunks
from engage.exports.layout import DATETIME, INTEGER, NUMBER, Column, Layout

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"


def _field(column: Column) -> dict[str, Any]:
    kind = {INTEGER: "integer", NUMBER: "number", DATETIME: "datetime"}.get(column.kind, "string")
    field: dict[str, Any] = {"name": column.name, "title": column.label, "type": kind}
    if column.value_labels:
        keys = sorted(column.value_labels)
        if kind == "string":
            keys = [neutralise(k) for k in keys]
        field["constraints"] = {"enum": keys}
        field["categories"] = [
            {"value": key, "label": column.value_labels[key]} for key in sorted(column.value_labels)
        ]
    return field


def descriptor(layout: Layout, title: str) -> dict[str, Any]:
    """The datapackage.json contents."""
    fields = [_field(c) for c in layout.columns]
    return {
        "$schema": PROFILE,
        "name": "responses",
        "title": title,
        "resources": [
            {
                "name": "responses",
                "path": "responses.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": ["response_id"]},
            },
            {
                "name": "codebook",
                "path": "codebook.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": [{"name": n, "type": "string"} for n in CODEBOOK_HEADER]},
            },
        ],
    }


def write_datapackage(path: str, layout: Layout, rows: Iterable[list[Any]], title: str) -> None:
    """Write the zip; the CSV is streamed into it, so memory stays flat."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor(layout, title), indent=2))
        with archive.open("responses.csv", "w", force_zip64=True) as member:
            # Numbers, as its schema declares, with the labels as the schema's categories.
            for chunk in csv_chunks(layout, rows, values.NUMBERS, bom=False):
                member.write(chunk.encode("utf-8"))
        text = io.StringIO()
        write_codebook_csv(layout, text)
        archive.writestr("codebook.csv", text.getvalue())
