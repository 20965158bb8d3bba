"""Cast vote records in long form: one line per mark, ``ballot_id,rank,choice``.

    ballot_id,rank,choice
    000001-00-0001,1,Bob Kiss
    000001-00-0001,2,Andy Montroll
    000001-00-0726,1,$OVERVOTE
    000001-00-0726,2,$UNDERVOTE

As kept for Burlington, Vermont's 2009 mayoral election (and other US instant-runoff
records). ``$UNDERVOTE`` is a blank rank, ``$OVERVOTE`` two or more candidates marked at
one rank; so are two different choices on two lines for the same ballot and rank.
Ballots come in order of first appearance; a ballot's lines may be in any order, and
ranks it has no line for are blank. Any other choice is a candidate, write-in labels
("Write-in") included.
"""

import csv
import io
import os
from collections.abc import Sequence

import numpy as np

from engage.counting.ballots import shown
from engage.counting.cvr.common import (
    MAX_RANKS,
    Candidates,
    marked_ballots,
    text_or_file,
)
from engage.counting.errors import BallotFileError
from engage.counting.marked import OVERVOTE, SKIPPED, MarkedBallots

UNDERVOTE_LABEL = "$UNDERVOTE"
OVERVOTE_LABEL = "$OVERVOTE"
_COLUMNS = ("ballot_id", "rank", "choice")


def read_long_csv(
    path_or_text: str | os.PathLike[str],
    source: str | None = None,
    *,
    candidates: Sequence[str] | None = None,
    title: str = "",
) -> MarkedBallots:
    """Read ``ballot_id,rank,choice`` lines; ``candidates`` fixes their order (else first seen)."""
    text, source = text_or_file(path_or_text, source)
    names = Candidates(candidates, source)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    ballot_of: dict[str, int] = {}
    ballots: list[int] = []
    ranks: list[int] = []
    codes: list[int] = []
    lines: list[int] = []
    try:
        header = next(reader, None)
        if header is None:
            raise BallotFileError(None, "the file is empty", source)
        wanted = [cell.strip().lower() for cell in header]
        if sorted(wanted) != sorted(_COLUMNS):
            raise BallotFileError(
                1, f"the header should read {','.join(_COLUMNS)}, not {','.join(header)}", source
            )
        at_id, at_rank, at_choice = (wanted.index(column) for column in _COLUMNS)
        for row in reader:
            line = reader.line_num
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) != 3:
                raise BallotFileError(
                    line, f"{len(row)} cells; expected 3 (ballot_id,rank,choice)", source
                )
            ballot_id, rank_text, choice = (
                row[at_id].strip(),
                row[at_rank].strip(),
                row[at_choice].strip(),
            )
            if not ballot_id:
                raise BallotFileError(line, "the ballot_id is blank", source)
            if not (rank_text.isascii() and rank_text.isdigit()) or not (
                1 <= int(rank_text) <= MAX_RANKS
            ):
                raise BallotFileError(
                    line,
                    f"rank {shown(rank_text)} is not a whole number from 1 to {MAX_RANKS}",
                    source,
                )
            if not choice:
                raise BallotFileError(
                    line, f"the choice is blank; write {UNDERVOTE_LABEL} for a blank rank", source
                )
            upper = choice.upper()
            if upper == UNDERVOTE_LABEL:
                code = SKIPPED
            elif upper == OVERVOTE_LABEL:
                code = OVERVOTE
            else:
                code = names.code(choice, line)
            number = ballot_of.setdefault(ballot_id, len(ballot_of))
            ballots.append(number)
            ranks.append(int(rank_text) - 1)
            codes.append(code)
            lines.append(line)
    except csv.Error as error:
        raise BallotFileError(reader.line_num, f"not valid CSV ({error})", source) from error
    marks = _marks(
        np.array(ballots, dtype=np.int64),
        np.array(ranks, dtype=np.int64),
        np.array(codes, dtype=np.int64),
        len(ballot_of),
    )
    weights = np.ones(len(ballot_of), dtype=np.int64)
    return marked_ballots(names, marks, weights, source, title=title)


def _marks(ballots: np.ndarray, ranks: np.ndarray, codes: np.ndarray, n: int) -> np.ndarray:
    """(n, ranks) marks from one (ballot, rank, code) per line, with numpy.

    A ``$UNDERVOTE`` line adds nothing to a rank (blank is what a rank has by default);
    two or more different marks at one rank make an overvote; the same one twice, one mark.
    """
    width = int(ranks.max()) + 1 if len(ranks) else 0
    marks = np.full((n, width), SKIPPED, dtype=np.int64)
    kept = codes != SKIPPED
    ballots, ranks, codes = ballots[kept], ranks[kept], codes[kept]
    if not len(codes):
        return marks
    cell = ballots * width + ranks
    order = np.lexsort((codes, cell))
    cell, codes = cell[order], codes[order]
    starts = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]])
    lowest = codes[starts]
    highest = np.maximum.reduceat(codes, starts)
    value = np.where((lowest == highest), lowest, OVERVOTE)
    marks.reshape(-1)[cell[starts]] = value
    return marks
