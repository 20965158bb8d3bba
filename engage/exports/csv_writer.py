"""CSV: UTF-8 with a byte-order mark (so Excel reads it as UTF-8), codes or labels.

Text is neutralised so a spreadsheet never runs a cell as a formula.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from engage.exports.cells import neutralise, timestamp
from engage.exports.layout import DATETIME, STRING, Layout

BOM = "\ufeff"
FLUSH_EVERY = 500  # rows per chunk handed to the response


def _formatters(layout: Layout, labelled: bool) -> list[tuple[int, Callable[[Any], Any]]]:
    """(column index, function) for the columns whose values need changing."""
    formatters: list[tuple[int, Callable[[Any], Any]]] = []
    for index, column in enumerate(layout.columns):
        if labelled and column.value_labels:
            labels = column.value_labels

            def label(value: Any, labels=labels) -> str:
                return neutralise(str(labels.get(value, value)))

            formatters.append((index, label))
        elif column.kind == DATETIME:
            formatters.append((index, timestamp))
        elif column.kind == STRING:
            formatters.append((index, neutralise))
    return formatters


def csv_chunks(
    layout: Layout, rows: Iterable[list[Any]], labelled: bool = False, bom: bool = True
) -> Iterator[str]:
    """The CSV text in chunks of a few hundred rows, header first; blank means no answer."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in layout.names])
    formatters = _formatters(layout, labelled)
    yield (BOM if bom else "") + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, 1):
        for index, formatter in formatters:
            value = row[index]
            if value is not None:
                row[index] = formatter(value)
        writer.writerow(row)
        if count % FLUSH_EVERY == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
