"""CSV: UTF-8 with a byte-order mark (so Excel reads it as UTF-8); option answers as
codes, numbers or labels (``engage.exports.values``).

Text is neutralised so a spreadsheet never runs a cell as a formula.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from engage.exports import values
from engage.exports.cells import neutralise, timestamp
from engage.exports.layout import DATETIME, STRING, Layout

BOM = "\ufeff"
FLUSH_EVERY = 500  # rows per chunk handed to the response


def _formatters(layout: Layout, style: str) -> list[tuple[int, Callable[[Any], Any]]]:
    """(column index, function) for the columns whose values need changing."""
    formatters: list[tuple[int, Callable[[Any], Any]]] = []
    converted = dict(values.converters(layout, style))
    for index, column in enumerate(layout.columns):
        if index in converted:

            def written(value: Any, convert=converted[index]) -> Any:
                value = convert(value)
                return neutralise(value) if isinstance(value, str) else value

            formatters.append((index, written))
        elif column.kind == DATETIME:
            formatters.append((index, timestamp))
        elif column.kind == STRING and not column.safe:
            formatters.append((index, neutralise))
    return formatters


def csv_chunks(
    layout: Layout, rows: Iterable[list[Any]], style: str = values.DEFAULT, bom: bool = True
) -> Iterator[str]:
    """The CSV text in chunks of a few hundred rows, header first; blank means no answer."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in layout.names])
    formatters = _formatters(layout, style)
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
