"""SPSS .sav with variable labels and value labels, streamed through ReadStat.

readstat-arrow's SavWriter appends Arrow record batches to the file as they come
(pyreadstat, which wraps the same C library, only writes a whole data frame at
once), so memory stays flat however many rows there are. It needs the row count and
each text column's width before the first row: the caller measures both in the
database. When the weight column holds any weight, the file is weighted by it (SPSS's
WEIGHT BY, stored in the file's header), so SPSS and PSPP weight every analysis; a
response with no weight is then left out of weighted analyses.
"""

from collections.abc import Iterable
from typing import Any

import pyarrow as pa
from readstat_arrow import Metadata, SavWriter
from readstat_arrow.metadata import Measure, MissingValues

from engage.exports import sav_dictionary, sav_mrsets
from engage.exports.cells import utc
from engage.exports.layout import (
    DATETIME,
    INTEGER,
    NOMINAL,
    NUMBER,
    ORDINAL,
    SCALE,
    Column,
    Layout,
)
from engage.questionnaire import types

BATCH = 5_000  # rows per record batch
# Words SPSS keeps for itself, which cannot name a variable.
RESERVED = {"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"}
MAX_NAME_BYTES = 64
MAX_LABEL_BYTES = 120  # SPSS cuts value labels at 120 bytes
MAX_VARIABLE_LABEL_BYTES = 256
DECIMAL_FORMAT = "F12.4"  # shown with four decimals (ReadStat's default shows two)


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


def _arrow_type(column: Column) -> pa.DataType:
    if column.kind == DATETIME:
        return pa.timestamp("us")
    if column.kind == NUMBER:
        return pa.float64()
    return pa.int64() if column.kind == INTEGER else pa.string()


def _missing(names: list[str], layout: Layout) -> dict[str, MissingValues]:
    """User-missing values ("don't know", "prefer not to say") of single-value coded
    columns: SPSS leaves them out of statistics, and they stay in the data. SPSS takes
    at most three discrete values per variable."""
    spss = dict(zip(layout.names, names, strict=True))
    return {
        spss[q.columns[0]]: {"values": list(q.missing_values[:3])}
        for q in layout.questions
        if q.missing_values and len(q.columns) == 1
    }


def _measure(column: Column) -> Measure:
    """The column's own measure, else nominal for labelled values and scale for numbers."""
    if column.measure == ORDINAL:
        return "ordinal"
    if column.measure == SCALE:
        return "scale"
    if column.measure == NOMINAL or column.value_labels:
        return "nominal"
    return "scale"


def _metadata(names: list[str], layout: Layout, widths: dict[int, int]) -> Metadata:
    columns = list(zip(names, layout.columns, strict=True))
    return Metadata(
        missing_values=_missing(names, layout),
        variable_labels={n: _cut(c.label, MAX_VARIABLE_LABEL_BYTES) for n, c in columns},
        value_labels={
            n: [{"value": k, "label": _cut(v, MAX_LABEL_BYTES)} for k, v in c.value_labels.items()]
            for n, c in columns
            if c.value_labels
        },
        measures={n: _measure(c) for n, c in columns if c.kind in (INTEGER, NUMBER)},
        formats={n: DECIMAL_FORMAT for n, c in columns if c.kind == NUMBER},
        storage_widths={
            n: max(1, widths.get(i, 0), *(len(str(k).encode()) for k in c.value_labels))
            for i, (n, c) in enumerate(columns)
            if c.kind not in (INTEGER, NUMBER, DATETIME)
        },
    )


def write_sav(
    path: str, layout: Layout, rows: Iterable[list[Any]], count: int, widths: dict[int, int]
) -> int:
    """Write the .sav file of ``count`` rows; ``widths`` gives the longest value, in
    bytes, of each text column by index. Return how many rows it holds."""
    names = spss_names(layout.names)
    schema = pa.schema(
        [pa.field(n, _arrow_type(c)) for n, c in zip(names, layout.columns, strict=True)]
    )
    times = [i for i, c in enumerate(layout.columns) if c.kind == DATETIME]
    weight = layout.names.index(layout.weight) if layout.weight else None
    weighted = False  # whether any row has a weight
    with SavWriter(
        path, schema, count, _metadata(names, layout, widths), compression="rows"
    ) as writer:
        batch: list[list[Any]] = []
        for row in rows:
            for index in times:
                if row[index] is not None:
                    row[index] = utc(row[index])
            if weight is not None and not weighted:
                weighted = row[weight] is not None
            batch.append(row)
            if len(batch) == BATCH:
                writer.write_batch(record_batch(batch, schema))
                batch = []
        if batch:
            writer.write_batch(record_batch(batch, schema))
        written = writer.rows_written
    sav_mrsets.add_sets(path, _dichotomy_sets(names, layout))
    # Only with some weight: weighting by an empty column would leave every response out.
    if weighted and weight is not None:
        sav_dictionary.set_weight(path, names[weight])
    return written


def _dichotomy_sets(names: list[str], layout: Layout) -> list[sav_mrsets.DichotomySet]:
    """A multiple dichotomy set per multiple-choice question, counting 1 ("Chosen")."""
    spss = dict(zip(layout.names, names, strict=True))
    set_names = spss_names([q.code for q in layout.questions])
    return [
        sav_mrsets.DichotomySet(
            name=set_name[:60],
            label=_cut(question.text, MAX_VARIABLE_LABEL_BYTES),
            variables=[spss[column] for column in question.columns],
        )
        for question, set_name in zip(layout.questions, set_names, strict=True)
        if question.type == types.MULTIPLE and len(question.columns) >= 2
    ]


def record_batch(rows: list[list[Any]], schema: pa.Schema) -> pa.RecordBatch:
    """Rows as one Arrow record batch of ``schema`` (the .sav and .dta writers')."""
    columns = [
        pa.array([row[i] for row in rows], type=field.type) for i, field in enumerate(schema)
    ]
    return pa.RecordBatch.from_arrays(columns, schema=schema)
