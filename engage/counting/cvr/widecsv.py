"""Any CSV of cast vote records with one row per ballot and one column per rank.

    id,rank1,rank2,rank3,weight
    1,Alice,undervote,Bob,1
    2,Alice=Bob,Carol,,3

By default every column whose header starts with "rank" is a rank column, in the
order of the number in its header (else of the columns). A cell is blank when empty
or one of ``blank`` (any case), an overvote when it reads ``overvote`` or names two or
more candidates separated by "=", otherwise a candidate's name.
"""

import csv
import io
import os
import re
from collections.abc import Sequence

import numpy as np

from engage.counting.ballots import parse_weight
from engage.counting.cvr.common import (
    Candidates,
    CellReader,
    add_total,
    marked_ballots,
    pack_marks,
    read_text,
    source_name,
)
from engage.counting.errors import BallotFileError, CountingError
from engage.counting.marked import MarkedBallots

_NUMBER = re.compile(r"([0-9]+)")


def _rank_positions(
    header: list[str], source: str, rank_columns: Sequence[str] | None
) -> list[int]:
    folded = [cell.strip().lower() for cell in header]
    if rank_columns is not None:
        positions = []
        for name in rank_columns:
            if name.strip().lower() not in folded:
                raise BallotFileError(1, f"there is no column {name!r}", source)
            positions.append(folded.index(name.strip().lower()))
        if not positions:
            raise BallotFileError(1, "no rank columns were given", source)
        return positions
    found = [i for i, name in enumerate(folded) if name.startswith("rank")]
    if not found:
        raise BallotFileError(
            1,
            "no rank columns: no column's header starts with 'rank' (rank_1, rank_2, ...)",
            source,
        )
    numbers = [_NUMBER.search(folded[i]) for i in found]
    if all(numbers):
        keys = [int(match.group(1)) for match in numbers if match]
        if len(set(keys)) != len(keys):
            raise BallotFileError(1, "two rank columns have the same number", source)
        found = [i for _, i in sorted(zip(keys, found, strict=True))]
    return found


def _column(header: list[str], name: str | None, source: str) -> int | None:
    if name is None:
        return None
    folded = [cell.strip().lower() for cell in header]
    if name.strip().lower() not in folded:
        raise BallotFileError(1, f"there is no column {name!r}", source)
    return folded.index(name.strip().lower())


def read_wide_csv(
    path: str | os.PathLike[str],
    *,
    rank_columns: Sequence[str] | None = None,
    weight_column: str | None = None,
    id_column: str | None = None,
    overvote: str = "overvote",
    blank: Sequence[str] = ("", "undervote", "skipped"),
    candidates: Sequence[str] | None = None,
    source: str | None = None,
    title: str = "",
) -> MarkedBallots:
    """Read a one-row-per-ballot CSV file; ``candidates`` fixes their order (else first seen).

    ``id_column`` names a column of ballot identifiers, checked to be filled and distinct.
    """
    source = source_name(path, source)
    text = read_text(path, source)
    names = Candidates(candidates, source)
    cells = CellReader(names, (overvote,), blank, "=")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[int]] = []
    weights: list[int] = []
    seen_ids: dict[str, int] = {}
    total = 0
    try:
        header = next(reader, None)
        if header is None:
            raise BallotFileError(None, "the file is empty", source)
        positions = _rank_positions(header, source, rank_columns)
        weight_at = _column(header, weight_column, source)
        id_at = _column(header, id_column, source)
        for row in reader:
            line = reader.line_num
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                raise BallotFileError(
                    line, f"{len(row)} cells but the header has {len(header)} columns", source
                )
            marks = [cells.mark(row[i], line) if i < len(row) else -1 for i in positions]
            while marks and marks[-1] == -1:
                marks.pop()
            weight = 1
            if weight_at is not None and weight_at < len(row) and row[weight_at].strip():
                try:
                    weight = parse_weight(row[weight_at].strip())
                except CountingError as error:
                    raise BallotFileError(line, str(error), source) from None
            if id_at is not None:
                ballot_id = row[id_at].strip() if id_at < len(row) else ""
                if not ballot_id:
                    raise BallotFileError(line, f"the {header[id_at]!r} cell is blank", source)
                if ballot_id in seen_ids:
                    raise BallotFileError(
                        line,
                        f"ballot {ballot_id!r} appears again (first on line {seen_ids[ballot_id]})",
                        source,
                    )
                seen_ids[ballot_id] = line
            total = add_total(total, weight, line, source)
            rows.append(marks)
            weights.append(weight)
    except csv.Error as error:
        raise BallotFileError(reader.line_num, f"not valid CSV ({error})", source) from error
    return marked_ballots(
        names, pack_marks(rows), np.array(weights, dtype=np.int64), source, title=title
    )
