"""ES&S cast vote record spreadsheets (.xlsx), as RCTab reads them.

    Ballot #   1st Choice   2nd Choice   3rd Choice   4th Choice
    1          overvote     undervote    C            D
    2          B            A            D            C

Row 1 is the header; each later row one ballot. The rank columns are the first one
whose header names a rank ("1st Choice", "1st", "Rank 1", "Choice 1") and every column
after it (RCTab's ``firstVoteColumnIndex`` says where they start when the header does
not). A cell reading "overvote" is an overvote, "undervote" or nothing a blank rank.
openpyxl is needed (``pip install openpyxl``); the workbook is read row by row.
"""

import os
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from engage.counting.cvr.common import (
    Candidates,
    CellReader,
    add_total,
    marked_ballots,
    pack_marks,
    source_name,
)
from engage.counting.errors import BallotFileError
from engage.counting.marked import MarkedBallots

_RANK_HEADER = re.compile(
    r"\s*(?:(?:rank|choice)\s*[0-9]+|[0-9]+\s*(?:st|nd|rd|th)(?:\s*(?:choice|rank))?)\s*\Z",
    re.IGNORECASE,
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_ess_xlsx(
    path: str | os.PathLike[str],
    *,
    candidates: Sequence[str] | None = None,
    first_vote_column: int | None = None,
    source: str | None = None,
    title: str = "",
) -> MarkedBallots:
    """Read the first sheet of an ES&S CVR workbook; ``first_vote_column`` counts from 1."""
    source = source_name(path, source)
    try:
        import openpyxl  # a large package, only needed here
    except ImportError as error:  # pragma: no cover - installed with the dev tools
        raise BallotFileError(
            None, "reading .xlsx files needs openpyxl (pip install openpyxl)", source
        ) from error
    names = Candidates(candidates, source)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, with the workbook
    except OSError as error:
        raise BallotFileError(None, f"cannot be read ({error.strerror})", source) from error
    with handle:
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
            raise BallotFileError(None, f"not an .xlsx workbook ({error})", source) from error
        try:
            rows = _read_rows(workbook.worksheets[0], names, first_vote_column, source)
        finally:
            workbook.close()
    return marked_ballots(
        names, pack_marks(rows), np.ones(len(rows), dtype=np.int64), source, title=title
    )


def _read_rows(
    sheet: Any, names: Candidates, first_vote_column: int | None, source: str
) -> list[list[int]]:
    cells = CellReader(names, ("overvote",), ("undervote",), None)
    values = sheet.iter_rows(values_only=True)
    try:
        header = [_text(value) for value in next(values, ())]
        while header and not header[-1].strip():  # blank cells the sheet's width adds
            header.pop()
        if not any(header):
            raise BallotFileError(1, "the first row should be the header", source)
        if first_vote_column is not None:
            if not 1 <= first_vote_column <= len(header):
                raise BallotFileError(
                    1, f"there is no column {first_vote_column} in the header", source
                )
            start = first_vote_column - 1
        else:
            start = next((i for i, name in enumerate(header) if _RANK_HEADER.match(name)), -1)
            if start < 0:
                raise BallotFileError(
                    1,
                    "no rank columns: no header reads '1st Choice', '1st', 'Rank 1' or 'Choice 1'",
                    source,
                )
        width = len(header) - start
        rows: list[list[int]] = []
        total = 0
        for number, row in enumerate(values, start=2):
            if row is None or all(_text(value).strip() == "" for value in row):
                continue
            if any(_text(value).strip() for value in row[len(header) :]):
                raise BallotFileError(
                    number, f"a cell beyond the {len(header)} columns of the header", source
                )
            marks = [
                cells.mark(_text(row[start + r]), number) if start + r < len(row) else -1
                for r in range(width)
            ]
            while marks and marks[-1] == -1:
                marks.pop()
            total = add_total(total, 1, number, source)
            rows.append(marks)
        return rows
    finally:
        values.close()
