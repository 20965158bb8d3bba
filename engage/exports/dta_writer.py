"""Stata .dta (format 118, Stata 14 and later) with variable and value labels,
streamed through ReadStat like the .sav.

"Don't know" and "prefer not to say" become Stata's extended missing values (.a,
.b, ...) with their labels, so they stay in the data, are told apart, and are left
out of every statistic, as in the .sav. Stata cannot label text variables, so the
ward codes keep their names as they are (the codebook lists them), and a text value
holds at most 2,045 bytes: longer free text is cut there, with the cut counted.
Stata keeps no weight in a file: the weight column is a double, and a note says how
to use it (``[pweight=weight]``).
"""

from collections.abc import Iterable
from typing import Any

import pyarrow as pa
from readstat_arrow import DtaWriter, Metadata

from engage.exports.cells import utc
from engage.exports.layout import DATETIME, INTEGER, NUMBER, Column, Layout
from engage.exports.sav_writer import record_batch

BATCH = 5_000
RESERVED = {
    "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long",
    "_n", "_N", "_pi", "_pred", "_rc", "_skip", "str", "strL", "using", "with",
}  # fmt: skip
MAX_NAME = 32
MAX_LABEL_CHARS = 80  # Stata shows 80 characters of a variable label
MAX_TEXT_BYTES = 2045  # the longest str# variable
TAGS = "abcdefghijklmnopqrstuvwxyz"
TAGGED = pa.struct([("value", pa.int32()), ("tag", pa.string())])


def stata_names(names: list[str]) -> list[str]:
    """Valid, unique Stata variable names: letters, digits and _, 32 at most."""
    result: list[str] = []
    taken: set[str] = set()
    for name in names:
        clean = "".join(c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in name)
        if not (clean[:1].isalpha() or clean[:1] == "_"):
            clean = "v_" + clean
        if clean in RESERVED:
            clean += "_"
        clean = clean[:MAX_NAME]
        candidate, suffix = clean, 1
        while candidate in taken:
            suffix += 1
            candidate = clean[: MAX_NAME - len(str(suffix)) - 1] + f"_{suffix}"
        taken.add(candidate)
        result.append(candidate)
    return result


def _missing_tags(layout: Layout) -> dict[str, dict[int, str]]:
    """Per single-value coded column, each missing code's tag letter: .a, .b, ..."""
    return {
        q.columns[0]: {value: TAGS[i] for i, value in enumerate(q.missing_values[:26])}
        for q in layout.questions
        if q.missing_values and len(q.columns) == 1
    }


def _arrow_type(column: Column, tagged: bool) -> pa.DataType:
    if column.kind == DATETIME:
        return pa.timestamp("us")
    if column.kind == INTEGER:
        return TAGGED if tagged else pa.int32()
    if column.kind == NUMBER:
        return pa.float64()
    return pa.string()


def _metadata(names: list[str], layout: Layout, tags: dict[str, dict[int, str]]) -> Metadata:
    labels: dict[str, Any] = {}
    for stata, column in zip(names, layout.columns, strict=True):
        if column.kind != INTEGER or not column.value_labels:
            continue
        missing = tags.get(column.name, {})
        labels[stata] = [
            {"value": missing.get(value, value), "label": label}
            for value, label in column.value_labels.items()
        ]
    return Metadata(
        variable_labels={
            n: c.label[:MAX_LABEL_CHARS] for n, c in zip(names, layout.columns, strict=True)
        },
        value_labels=labels,
        storage_widths={
            n: MAX_TEXT_BYTES
            for n, c in zip(names, layout.columns, strict=True)
            if c.kind not in (INTEGER, NUMBER, DATETIME)
        },
        notes=_weight_notes(names, layout),
    )


def _weight_notes(names: list[str], layout: Layout) -> list[str]:
    """How to weight by the weight column, when it holds a scheme's weights."""
    if layout.weight is None:
        return []
    name = names[layout.names.index(layout.weight)]
    label = next(c.label for c in layout.columns if c.name == layout.weight)
    return [
        f"{name}: {label}. Weighted estimates: svyset _n [pweight={name}], or "
        f"[pweight={name}] on each command; responses with no weight are left out."
    ]


def write_dta(path: str, layout: Layout, rows: Iterable[list[Any]], count: int) -> int:
    """Write the .dta file of ``count`` rows; return how many rows it holds."""
    names = stata_names(layout.names)
    tags = _missing_tags(layout)
    tagged_at = {i: tags[c.name] for i, c in enumerate(layout.columns) if c.name in tags}
    schema = pa.schema(
        [
            pa.field(n, _arrow_type(c, i in tagged_at))
            for i, (n, c) in enumerate(zip(names, layout.columns, strict=True))
        ]
    )
    times = [i for i, c in enumerate(layout.columns) if c.kind == DATETIME]
    texts = [i for i, c in enumerate(layout.columns) if c.kind not in (INTEGER, NUMBER, DATETIME)]
    written = 0
    with DtaWriter(
        path, schema, count, _metadata(names, layout, tags), on_text_limits_exceeded="truncate"
    ) as writer:
        batch: list[list[Any]] = []
        for row in rows:
            for index in times:
                if row[index] is not None:
                    row[index] = utc(row[index])
            for index, missing in tagged_at.items():
                value = row[index]
                tag = missing.get(value) if value is not None else None
                row[index] = {"value": None if tag else value, "tag": tag}
            for index in texts:
                if row[index] is not None and not isinstance(row[index], str):
                    row[index] = str(row[index])
            batch.append(row)
            if len(batch) == BATCH:
                writer.write_batch(record_batch(batch, schema))
                batch = []
        if batch:
            writer.write_batch(record_batch(batch, schema))
        written = writer.rows_written
    return written
