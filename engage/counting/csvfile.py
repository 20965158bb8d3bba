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

from engage.counting.ballots import MAX_BALLOTS, TOO_MANY, Ballot, Election, parse_weight
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
    text: str,
    seats: int = 1,
    title: str = "",
    candidates: Sequence[str] | None = None,
    source: str | None = None,
) -> Election:
    """Read Engage's ballot CSV; every error names its line."""
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
