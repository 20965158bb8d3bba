"""The codebook: one row per question code, in the CSV download and the XLSX sheet."""

import csv
from collections.abc import Iterator
from typing import TextIO

from engage.exports.cells import neutralise
from engage.exports.layout import Layout

HEADER = ("code", "question", "type", "options", "agencies", "versions", "columns")


def codebook_rows(layout: Layout) -> Iterator[list[str]]:
    """Options read "1 = Very safe (very)": the numeric code, the label, the option code."""
    for q in layout.questions:
        yield [
            q.code,
            q.text,
            q.type,
            "; ".join(f"{o.value} = {o.label} ({o.code})" for o in q.options),
            "; ".join(q.agencies),
            ", ".join(str(v) for v in q.versions),
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
