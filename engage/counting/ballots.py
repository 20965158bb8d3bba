"""Ballots and elections: names for people, one padded integer array for the count.

A million ballots as Python tuples would take hundreds of megabytes, so an
Election keeps its rankings in a BallotTable: row i holds ballot i's candidate
indices in order of preference, padded with -1.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from engage.counting.errors import CountingError

# Votes are counted in integer units of 1e-5 (five decimal places, as the Scottish rules say).
UNIT = 100_000
# The most ballot papers one count holds, in all and so on any one line of a file. A
# transfer multiplies a value (<= UNIT) by a surplus (<= MAX_BALLOTS * UNIT): 10**18 at
# most, inside int64. Files are checked against it as text, before any sum is taken.
MAX_BALLOTS = 10**8
WEIGHTS = f"a whole number from 1 to {MAX_BALLOTS:,}"
TOO_MANY = f"more than {MAX_BALLOTS:,}, the most ballot papers one count can hold"


def shown(text: str) -> str:
    """An item from a file, quoted and cut short, for an error message."""
    return repr(text if len(text) <= 24 else text[:20] + "...")


def parse_weight(text: str) -> int:
    """A ballot weight written in a file: ASCII digits only, 1 to MAX_BALLOTS.

    The length is checked before int(), so a weight of thousands of digits is refused
    like any other weight too large, never by int()'s digit limit or numpy's overflow.
    """
    if not (text.isascii() and text.isdigit()):
        raise CountingError(f"weight {shown(text)} is not {WEIGHTS} (digits only)")
    digits = text.lstrip("0")
    if not digits:
        raise CountingError(f"weight {shown(text)} is not {WEIGHTS}; leave the ballot out instead")
    if len(digits) > len(str(MAX_BALLOTS)) or int(digits) > MAX_BALLOTS:
        raise CountingError(f"weight {shown(text)} is {TOO_MANY}")
    return int(digits)


def check_total(total: int) -> None:
    """Refuse ballots whose weights add up past MAX_BALLOTS (``total`` is a Python int)."""
    if total > MAX_BALLOTS:
        raise CountingError(f"the ballot weights add up to {total:,}, {TOO_MANY}")


@dataclass(frozen=True)
class Ballot:
    """One voter's ranking (or ``weight`` identical ones); ``receipt`` is kept for downloads."""

    ranking: tuple[str, ...]
    weight: int = 1
    receipt: str | None = None


class BallotTable:
    """Rankings as an (n, width) array of candidate indices, -1 after the last preference."""

    __slots__ = ("rankings", "weights")

    def __init__(self, rankings: np.ndarray, weights: np.ndarray) -> None:
        if rankings.ndim != 2 or weights.shape != (rankings.shape[0],):
            raise CountingError("rankings must be an (n, width) array with one weight per row")
        if weights.dtype.kind not in "iu":
            raise CountingError("ballot weights must be whole numbers")
        self.rankings = rankings
        self.weights = weights.astype(np.int64, copy=False)

    def __len__(self) -> int:
        return int(self.rankings.shape[0])

    def total(self) -> int:
        """The number of ballot papers, counting each row ``weight`` times.

        int64 cannot wrap here once ``check_table`` has held every weight to MAX_BALLOTS.
        """
        return int(self.weights.sum())

    def grouped(self) -> "BallotTable":
        """Identical rankings merged into one row with the summed weight.

        A count gives the same result either way (every paper in a group has the same
        value at every stage). The count itself does not merge: on a million varied
        ballots sorting them costs more than it saves (see bench/count_ballots.py).
        Recounting with pyrankvote, which builds an object per paper, does.
        """
        n, width = self.rankings.shape
        if n == 0 or width == 0:
            return self
        rows = np.ascontiguousarray(self.rankings)
        keys = rows.view(np.dtype((np.void, rows.dtype.itemsize * width))).ravel()
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        weights = np.zeros(len(first), dtype=np.int64)
        np.add.at(weights, inverse.ravel(), self.weights)
        return BallotTable(rows[first], weights)


def index_dtype(candidates: int) -> type[np.signedinteger]:
    """The smallest signed type that holds every candidate index and the -1 padding."""
    if candidates <= 127:
        return np.int8
    if candidates <= 32767:
        return np.int16
    raise CountingError("at most 32,767 candidates can be counted")


def pack(flat: list[int], lengths: list[int], weights: list[int], candidates: int) -> BallotTable:
    """A table from rankings laid end to end: ``flat`` holds them, ``lengths`` says where."""
    width = max(lengths, default=0)
    rankings = np.full((len(lengths), width), -1, dtype=index_dtype(candidates))
    sizes = np.array(lengths, dtype=np.int64)
    rankings[np.arange(width)[None, :] < sizes[:, None]] = flat
    return BallotTable(rankings, np.array(weights, dtype=np.int64))


def table_from_ballots(
    ballots: Iterable[Ballot], candidates: Sequence[str]
) -> tuple[BallotTable, tuple[str | None, ...]]:
    """Pack ballots into a table, checking every name and weight; also return the receipts."""
    index = {name: i for i, name in enumerate(candidates)}
    flat: list[int] = []
    lengths: list[int] = []
    weights: list[int] = []
    receipts: list[str | None] = []
    total = 0
    for number, ballot in enumerate(ballots, start=1):
        ranks = [index.get(name, -1) for name in ballot.ranking]
        if -1 in ranks:
            unknown = ballot.ranking[ranks.index(-1)]
            raise CountingError(f"ballot {number} ranks {unknown!r}, who is not a candidate")
        if len(set(ranks)) != len(ranks):
            raise CountingError(f"ballot {number} ranks the same candidate twice")
        weight = ballot.weight
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 1:
            raise CountingError(f"ballot {number} has weight {weight!r}; expected {WEIGHTS}")
        if weight > MAX_BALLOTS:
            raise CountingError(f"ballot {number} has weight {weight:,}; expected {WEIGHTS}")
        total += weight
        check_total(total)
        flat.extend(ranks)
        lengths.append(len(ranks))
        weights.append(ballot.weight)
        receipts.append(ballot.receipt)
    return pack(flat, lengths, weights, len(candidates)), tuple(receipts)


def _repeats(rankings: np.ndarray, candidates: int) -> bool:
    """Whether any row names a candidate twice (rows already hold only -1 or real indices)."""
    if candidates > 64:
        ordered = np.sort(rankings, axis=1)
        return bool(((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)).any())
    # One bit per candidate, a column at a time: quicker than sorting every row.
    seen = np.zeros(rankings.shape[0], dtype=np.uint64)
    one = np.uint64(1)
    for column in rankings.T:
        # -1 becomes a shift of 2**64 - 1, which numpy defines as 0: no bit.
        bits = np.left_shift(one, column.astype(np.uint64))
        if (seen & bits).any():
            return True
        seen |= bits
    return False


def check_table(table: BallotTable, candidates: int) -> None:
    """Refuse a table with unknown indices, gaps, repeated candidates or weights out of range."""
    r = table.rankings
    if len(table) and r.shape[1]:
        if r.min() < -1 or r.max() >= candidates:
            raise CountingError("a ranking refers to a candidate that does not exist")
        if ((r[:, 1:] >= 0) & (r[:, :-1] < 0)).any():
            raise CountingError("a ranking has a preference after its end (-1)")
        if _repeats(r, candidates):
            raise CountingError("a ranking names the same candidate twice")
    if len(table) and (table.weights.min() < 1 or table.weights.max() > MAX_BALLOTS):
        raise CountingError(f"every ballot weight must be {WEIGHTS}")


class Election:
    """Candidates, ballots, seats: everything a count needs, and nothing about the app."""

    def __init__(
        self,
        candidates: Sequence[str],
        ballots: Iterable[Ballot] | BallotTable = (),
        seats: int = 1,
        withdrawn: Iterable[str] = (),
        title: str = "",
    ) -> None:
        self.candidates = tuple(candidates)
        if len(set(self.candidates)) != len(self.candidates) or "" in self.candidates:
            raise CountingError("candidate names must be distinct and not empty")
        if not isinstance(seats, int) or seats < 1:
            raise CountingError(f"seats must be 1 or more, not {seats!r}")
        self.seats = seats
        self.withdrawn = tuple(dict.fromkeys(withdrawn))
        strangers = [name for name in self.withdrawn if name not in self.candidates]
        if strangers:
            raise CountingError(f"withdrawn {strangers[0]!r} is not a candidate")
        self.title = title
        self.receipts: tuple[str | None, ...] | None = None
        # What a reader wants said alongside the count ("The file gives a tie-break order").
        self.notes: list[str] = []
        # A tie-break order the file gives (droop's [tie ...]), best placed first.
        self.tie_order: tuple[str, ...] = ()
        if isinstance(ballots, BallotTable):
            check_table(ballots, len(self.candidates))
            self.table = ballots
        else:
            self.table, receipts = table_from_ballots(ballots, self.candidates)
            if any(receipt is not None for receipt in receipts):
                self.receipts = receipts
        check_total(self.table.total())

    @property
    def standing(self) -> tuple[str, ...]:
        """The candidates still in the election, in ballot order."""
        return tuple(name for name in self.candidates if name not in self.withdrawn)

    @cached_property
    def grouped(self) -> BallotTable:
        """The table with identical rankings merged, computed once."""
        return self.table.grouped()

    @property
    def ballots(self) -> tuple[Ballot, ...]:
        """The ballots as given, with names (for writers and tests; slow for millions)."""
        names = self.candidates
        receipts = self.receipts or (None,) * len(self.table)
        return tuple(
            Ballot(tuple(names[i] for i in row if i >= 0), int(weight), receipt)
            for row, weight, receipt in zip(
                self.table.rankings.tolist(), self.table.weights.tolist(), receipts, strict=True
            )
        )

    def with_seats(self, seats: int) -> "Election":
        """The same ballots counted for a different number of seats."""
        other = Election(self.candidates, self.table, seats, self.withdrawn, self.title)
        other.receipts = self.receipts
        other.notes = list(self.notes)
        other.tie_order = self.tie_order
        return other
