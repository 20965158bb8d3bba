"""Engage's ballot CSV: one row per ballot, option titles in rank columns.

    receipt,rank_1,rank_2,rank_3
    K7Q2-9XD4,Skate park,Library hours,
    P3MM-2ZQ8,Library hours,,

The header names the columns: ``rank_1``, ``rank_2``, ... (in any order), and
optionally ``receipt`` and ``weight`` (digits only, 1 to ``MAX_BALLOTS``, i.e.
100,000,000; 1 if blank or absent; the weights may add up to ``MAX_BALLOTS`` at
most, checked row by row before anything is summed in numpy). Blank cells
after the last preference are fine; a blank before a filled one is an error.
A row of blank cells is an empty ballot (it is left out of the count, but reported).
The file carries no candidate list, so options nobody ranked are unknown unless
passed in as ``candidates``; otherwise candidates are taken in order of first
appearance. Titles that a spreadsheet would run as a formula are written with a
leading ' which reading removes again, so a download reads back unchanged.
"""

import csv
import io
import re
from collections.abc import Sequence
from typing import TextIO

import numpy as np

from engage.counting.ballots import (
    MAX_BALLOTS,
    TOO_MANY,
    Ballot,
    BallotTable,
    Election,
    index_dtype,
    parse_weight,
)
from engage.counting.errors import BallotFileError, CountingError

_RANK = re.compile(r"rank[ _]?([0-9]+)\Z")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _guarded(value: str) -> bool:
    """Whether a spreadsheet would run the value, or it is such a value already guarded."""
    return value.startswith(_FORMULA_STARTS) or (value[:1] == "'" and _guarded(value[1:]))


def _guard(value: str) -> str:
    return "'" + value if _guarded(value) else value


def _unguard(value: str) -> str:
    return value[1:] if value[:1] == "'" and _guarded(value[1:]) else value


def _columns(header: list[str], source: str | None) -> tuple[list[int], int | None, int | None]:
    """Positions of the rank columns (in rank order), the receipt and the weight."""
    ranks: dict[int, int] = {}
    receipt = weight = None
    for position, cell in enumerate(header):
        name = cell.strip().lower()
        if match := _RANK.match(name):
            rank = int(match.group(1))
            if rank in ranks:
                raise BallotFileError(1, f"column rank_{rank} appears twice", source)
            ranks[rank] = position
        elif name == "receipt" and receipt is None:
            receipt = position
        elif name == "weight" and weight is None:
            weight = position
        elif name:
            raise BallotFileError(
                1,
                f"unexpected column {cell!r}; the header should read receipt,rank_1,rank_2,... "
                "(receipt and weight are optional)",
                source,
            )
    if not ranks:
        raise BallotFileError(
            1, "no rank columns; the header should read receipt,rank_1,...", source
        )
    return [ranks[rank] for rank in sorted(ranks)], receipt, weight


def parse_csv(
    text: str | bytes,
    seats: int = 1,
    title: str = "",
    candidates: Sequence[str] | None = None,
    source: str | None = None,
) -> Election:
    """Read Engage's ballot CSV (text, or its UTF-8 bytes); every error names its line.

    A file with no quoted cells and the same number of cells on every row is read a block
    of rows at a time, each distinct cell looked up once; any other file, or one with a
    problem, is read row by row, which names the first problem and its line. Bytes that
    are not UTF-8 raise ``UnicodeDecodeError``.
    """
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    fast = _parse_fast(data, seats, title, candidates, source)
    if fast is not None:
        return fast
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return _parse_careful(text, seats, title, candidates, source)


def _parse_careful(
    text: str,
    seats: int,
    title: str,
    candidates: Sequence[str] | None,
    source: str | None,
) -> Election:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise BallotFileError(None, "the file is empty", source)
        rank_columns, receipt_column, weight_column = _columns(header, source)
        known = dict.fromkeys(candidates or ())
        ballots = []
        total = 0
        for row in reader:
            line = reader.line_num
            if not row:  # an empty line; a row of blank cells is an empty ballot
                continue
            cells = [row[i].strip() if i < len(row) else "" for i in rank_columns]
            filled = [i for i, cell in enumerate(cells) if cell]
            if filled and filled[-1] >= len(filled):
                gap = next(i for i, cell in enumerate(cells) if not cell)
                raise BallotFileError(
                    line, f"rank_{gap + 1} is blank but a later rank is not", source
                )
            ranking = tuple(_unguard(cell) for cell in cells if cell)
            if len(set(ranking)) != len(ranking):
                twice = next(name for name in ranking if ranking.count(name) > 1)
                raise BallotFileError(line, f"{twice!r} is ranked twice", source)
            for name in ranking:
                if name not in known:
                    if candidates is not None:
                        raise BallotFileError(line, f"{name!r} is not one of the options", source)
                    known[name] = None
            weight = 1
            if (
                weight_column is not None
                and weight_column < len(row)
                and row[weight_column].strip()
            ):
                try:
                    weight = parse_weight(row[weight_column].strip())
                except CountingError as error:
                    raise BallotFileError(line, str(error), source) from None
            total += weight  # a Python int: it cannot wrap
            if total > MAX_BALLOTS:
                raise BallotFileError(
                    line, f"the ballot weights add up to {total:,} by this row, {TOO_MANY}", source
                )
            receipt = None
            if receipt_column is not None and receipt_column < len(row):
                receipt = _unguard(row[receipt_column].strip()) or None
            ballots.append(Ballot(ranking, weight, receipt))
    except csv.Error as error:
        raise BallotFileError(reader.line_num, f"not valid CSV ({error})", source) from error
    try:
        return Election(list(known), ballots, seats, (), title)
    except CountingError as error:
        raise BallotFileError(None, str(error), source) from error


_BOM = "\ufeff".encode()
# Smaller files are read row by row: quick enough, and it spares importing pyarrow.
FAST_FROM = 1 << 16


def _parse_fast(
    data: bytes,
    seats: int,
    title: str,
    candidates: Sequence[str] | None,
    source: str | None,
    smallest: int = FAST_FROM,
) -> Election | None:
    """The election, for a plain file (no quotes, no row wider or narrower than the header,
    nothing wrong), read by pyarrow's CSV reader with each column's distinct cells looked up
    once; None sends the file to the careful reader, which names any problem."""
    begin = 0
    while data.startswith(_BOM, begin):
        begin += len(_BOM)
    first = data.find(b"\n", begin)
    if len(data) < smallest or first < 0 or data.find(b'"', begin) >= 0:
        return None
    try:
        header = data[begin:first].decode("utf-8").removesuffix("\r").split(",")
        rank_columns, receipt_column, weight_column = _columns(header, source)
        data[first:].decode("utf-8")  # strict: not UTF-8 is the careful reader's to say
        table = _arrow_table(data, first + 1, header, rank_columns, weight_column)
        if table is None:
            return None
        raw: dict[str, int] = {"": 0}  # every distinct rank cell, as written
        columns = []
        for column in rank_columns:
            codes, cells = _coded(table.column(column))
            remap = np.array([raw.setdefault(cell, len(raw)) for cell in cells], dtype=np.int32)
            columns.append((codes, remap))
        weights = None
        if weight_column is not None:
            codes, cells = _coded(table.column(weight_column))
            values = [parse_weight(cell.strip()) if cell.strip() else 1 for cell in cells]
            weights = np.array(values, dtype=np.int64)[codes] if values else codes
        receipts = None
        if receipt_column is not None:
            receipts = [
                _unguard(cell.strip()) or None for cell in table.column(receipt_column).to_pylist()
            ]
        rows = table.num_rows
        del table
        return _fast_election(raw, columns, rows, weights, receipts, seats, title, candidates)
    except (BallotFileError, CountingError, UnicodeDecodeError):
        return None


def _arrow_table(
    data: bytes, start: int, header: list[str], rank_columns: list[int], weight_column: int | None
):  # -> pyarrow.Table | None
    """The rows after the header, every cell a string (rank and weight cells dictionary
    coded), or None when pyarrow finds a row of the wrong width."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(len(header))]
    coded = pa.dictionary(pa.int32(), pa.string())
    types = {name: pa.string() for name in names}
    for column in [*rank_columns, *([] if weight_column is None else [weight_column])]:
        types[names[column]] = coded
    try:
        table = pacsv.read_csv(
            pa.BufferReader(memoryview(data)[start:]),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(quote_char=False, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(
                column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    return table.unify_dictionaries()


def _coded(column) -> tuple[np.ndarray, list[str]]:  # column: pyarrow.ChunkedArray
    """A dictionary-coded column's codes (int32) and its distinct cells."""
    chunks = column.chunks
    if not chunks:
        return np.zeros(0, dtype=np.int32), []
    codes = np.concatenate([chunk.indices.to_numpy(zero_copy_only=False) for chunk in chunks])
    return codes.astype(np.int32, copy=False), chunks[0].dictionary.to_pylist()


def _first_seen(columns: list[tuple[np.ndarray, np.ndarray]], size: int) -> np.ndarray:
    """Where each cell (by its code in ``raw``) first appears, reading row by row and rank
    by rank, as row * ranks + rank; the rows are searched from the top in growing slices."""
    ranks = len(columns)
    wanted = np.zeros(size, dtype=bool)
    for _codes, remap in columns:
        wanted[remap] = True
    rows = 1024
    while True:
        first = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
        for rank, (codes, remap) in enumerate(columns):
            found, where = np.unique(codes[:rows], return_index=True)
            np.minimum.at(first, remap[found], where * ranks + rank)
        if (first[wanted] < np.iinfo(np.int64).max).all() or rows >= len(columns[0][0]):
            return first
        rows *= 16


def _fast_election(
    raw: dict[str, int],
    columns: list[tuple[np.ndarray, np.ndarray]],
    rows: int,
    weights: np.ndarray | None,
    receipts: list[str | None] | None,
    seats: int,
    title: str,
    candidates: Sequence[str] | None,
) -> Election | None:
    """The election from the coded rank cells, or None if the careful reader must look."""
    names = [_unguard(cell.strip()) for cell in raw]  # "" for blank cells
    if candidates is not None and any(name and name not in candidates for name in names):
        return None
    # Candidates: those given, then the others in order of first appearance (row by row,
    # rank by rank), as the careful reader finds them.
    first = _first_seen(columns, len(raw)) if rows and columns else np.zeros(len(raw))
    seen: dict[str, int] = {}
    for code, name in enumerate(names):
        if name and first[code] < np.iinfo(np.int64).max:
            seen[name] = min(seen.get(name, int(first[code])), int(first[code]))
    order = list(dict.fromkeys(candidates or ()))
    order += [name for name in sorted(seen, key=seen.__getitem__) if name not in order]
    index = {name: i for i, name in enumerate(order)}
    dtype = index_dtype(max(len(order), 1))
    canonical = np.array([index.get(name, -1) for name in names], dtype=dtype)
    rankings = np.empty((rows, len(columns)), dtype=dtype)
    for rank, (codes, remap) in enumerate(columns):
        rankings[:, rank] = canonical[remap][codes]
    del columns
    filled = rankings >= 0
    if (filled[:, 1:] & ~filled[:, :-1]).any():
        return None  # a blank rank before a filled one
    longest = int(filled.sum(axis=1).max()) if rows else 0
    del filled
    rankings = np.ascontiguousarray(rankings[:, :longest])
    if weights is None:
        weights = np.ones(len(rankings), dtype=np.int64)
    if int(weights.sum()) > MAX_BALLOTS:
        return None
    election = Election(order, BallotTable(rankings, weights), seats, (), title)
    if receipts is not None and any(receipt is not None for receipt in receipts):
        election.receipts = tuple(receipts)
    return election


def write_csv(election: Election, out: TextIO, bom: bool = False) -> None:
    """One row per ballot as given; receipt and weight columns only when there are any."""
    ballots = election.ballots
    width = max((len(ballot.ranking) for ballot in ballots), default=1) or 1
    with_receipts = election.receipts is not None
    with_weights = any(ballot.weight != 1 for ballot in ballots)
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    ranks = [f"rank_{rank}" for rank in range(1, width + 1)]
    writer.writerow(
        (["receipt"] if with_receipts else []) + ranks + (["weight"] if with_weights else [])
    )
    for ballot in ballots:
        cells = [_guard(name) for name in ballot.ranking] + [""] * (width - len(ballot.ranking))
        receipt = [_guard(ballot.receipt or "")] if with_receipts else []
        weight = [str(ballot.weight)] if with_weights else []
        writer.writerow(receipt + cells + weight)
