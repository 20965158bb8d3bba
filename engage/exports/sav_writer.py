"""SPSS .sav with variable labels and value labels, written by pyreadstat.

pyreadstat cannot append: it writes one whole data frame. To keep that frame
small, rows are gathered into typed polars columns in batches (0/1 columns as
Int8, other numbers as Int32, text as Arrow strings), so memory grows by a few
dozen bytes per response rather than by Python objects per cell.
"""

from collections.abc import Iterable
from typing import Any

import polars as pl
import pyreadstat

from engage.exports.cells import utc
from engage.exports.layout import CHOSEN_LABELS, DATETIME, INTEGER, Column, Layout

BATCH = 20_000
# Words SPSS keeps for itself, which cannot name a variable.
RESERVED = {"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"}
MAX_NAME_BYTES = 64
MAX_LABEL_BYTES = 120  # SPSS cuts value labels at 120 bytes


def spss_names(names: list[str]) -> list[str]:
    """Valid, unique SPSS variable names: a letter first, at most 64 bytes."""
    result: list[str] = []
    taken: set[str] = set()
    for name in names:
        clean = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
        if not clean[:1].isalpha():
            clean = "v_" + clean
        if clean.lower() in RESERVED:
            clean += "_"
        clean = _cut(clean, MAX_NAME_BYTES)
        candidate, suffix = clean, 1
        while candidate.lower() in taken:
            suffix += 1
            candidate = _cut(clean, MAX_NAME_BYTES - len(str(suffix)) - 1) + f"_{suffix}"
        taken.add(candidate.lower())
        result.append(candidate)
    return result


def _cut(text: str, limit: int) -> str:
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _dtype(column: Column, index: int) -> Any:
    if column.kind == DATETIME:
        return pl.Datetime("us")
    if column.kind != INTEGER:
        return pl.String
    if index == 0:
        return pl.Int64  # response ids
    return pl.Int8 if column.value_labels == CHOSEN_LABELS else pl.Int32


def _frame(batch: list[list[Any]], names: list[str], schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(batch, schema=schema, orient="row")


def write_sav(path: str, layout: Layout, rows: Iterable[list[Any]]) -> int:
    """Write the .sav file; return how many rows it holds."""
    names = spss_names(layout.names)
    schema = {n: _dtype(c, i) for i, (n, c) in enumerate(zip(names, layout.columns, strict=True))}
    times = [i for i, c in enumerate(layout.columns) if c.kind == DATETIME]
    frames: list[pl.DataFrame] = []
    batch: list[list[Any]] = []
    for row in rows:
        for index in times:
            if row[index] is not None:
                row[index] = utc(row[index])
        batch.append(row)
        if len(batch) == BATCH:
            frames.append(_frame(batch, names, schema))
            batch = []
    frames.append(_frame(batch, names, schema))
    frame = pl.concat(frames, rechunk=False)
    del frames
    value_labels = {
        name: {key: _cut(label, MAX_LABEL_BYTES) for key, label in column.value_labels.items()}
        for name, column in zip(names, layout.columns, strict=True)
        if column.value_labels
    }
    pyreadstat.write_sav(
        frame,
        path,
        column_labels=[c.label for c in layout.columns],
        variable_value_labels=value_labels,
        variable_measure={
            n: "nominal" if c.value_labels else "scale"
            for n, c in zip(names, layout.columns, strict=True)
            if c.kind == INTEGER
        },
    )
    return frame.height
