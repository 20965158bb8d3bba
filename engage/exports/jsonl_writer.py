"""JSON Lines: one JSON object per response, keyed by column name; null means no answer."""

import json
from collections.abc import Iterable, Iterator
from typing import Any

from engage.exports import values
from engage.exports.cells import timestamp
from engage.exports.layout import DATETIME, Layout

FLUSH_EVERY = 500


def jsonl_chunks(
    layout: Layout, rows: Iterable[list[Any]], style: str = values.DEFAULT
) -> Iterator[str]:
    names = layout.names
    times = [i for i, c in enumerate(layout.columns) if c.kind == DATETIME]
    converted = values.converters(layout, style)
    lines: list[str] = []
    for row in rows:
        values.apply(row, converted)
        for index in times:
            if row[index] is not None:
                row[index] = timestamp(row[index])
        lines.append(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False))
        if len(lines) == FLUSH_EVERY:
            yield "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield "\n".join(lines) + "\n"
