"""XLSX: a data sheet and a codebook sheet, written by xlsxwriter in constant_memory mode.

Every value is written with an explicit type (number, string or date), never as a
formula, and formula-like text is neutralised as in the CSV. A sheet holds at
most 1,048,576 rows, so a larger download continues on "data 2" and so on.
"""

from collections.abc import Iterable, Iterator
from typing import Any

import xlsxwriter

from engage.exports import values
from engage.exports.cells import neutralise, utc
from engage.exports.codebook import HEADER as CODEBOOK_HEADER
from engage.exports.codebook import codebook_rows
from engage.exports.layout import DATETIME, INTEGER, NUMBER, Layout

MAX_ROWS = 1_048_576
# Past about 4 GB of sheet XML (around a million rows of ninety columns) the zip needs
# ZIP64 records. Older Excel versions dislike ZIP64 in files that do not need it, so
# it is used only for downloads big enough to possibly need it.
ZIP64_FROM = 250_000


def write_xlsx(
    path: str,
    layout: Layout,
    rows: Iterable[list[Any]],
    tmpdir: str | None = None,
    count: int | None = None,
    style: str = values.DEFAULT,
):
    """Write the workbook to ``path``; rows are flushed to disk as they are written.
    ``count`` (the number of rows, if known) decides whether ZIP64 is needed."""
    options: dict[str, Any] = {
        "use_zip64": count is None or count >= ZIP64_FROM,
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "remove_timezone": True,
    }
    if tmpdir:
        options["tmpdir"] = tmpdir
    with xlsxwriter.Workbook(path, options) as workbook:
        bold = workbook.add_format({"bold": True})
        when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        kinds = [c.kind for c in layout.columns]
        sheets = _data_sheets(workbook, layout, bold)
        sheet = next(sheets)
        number = 0
        converted = values.converters(layout, style)
        for row in rows:
            values.apply(row, converted)
            number += 1
            if number == MAX_ROWS:
                sheet, number = next(sheets), 1
            for col, value in enumerate(row):
                if value is None:
                    continue
                kind = kinds[col]
                if kind in (INTEGER, NUMBER) and not isinstance(value, str):
                    sheet.write_number(number, col, value)
                elif kind == DATETIME:
                    sheet.write_datetime(number, col, utc(value), when)
                else:
                    sheet.write_string(number, col, neutralise(value))
        _codebook_sheet(workbook, layout, bold)


def _data_sheets(workbook: Any, layout: Layout, bold: Any) -> Iterator[Any]:
    count = 0
    while True:
        count += 1
        sheet = workbook.add_worksheet("data" if count == 1 else f"data {count}")
        for col, name in enumerate(layout.names):
            sheet.write_string(0, col, neutralise(name), bold)
        sheet.freeze_panes(1, 1)
        yield sheet


def _codebook_sheet(workbook: Any, layout: Layout, bold: Any) -> None:
    sheet = workbook.add_worksheet("codebook")
    for col, name in enumerate(CODEBOOK_HEADER):
        sheet.write_string(0, col, name, bold)
    for number, row in enumerate(codebook_rows(layout), 1):
        for col, value in enumerate(row):
            sheet.write_string(number, col, neutralise(value))
