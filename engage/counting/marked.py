"""Ballots as voters marked them, before any rule decides what a mark means.

Cast vote records keep what a counting rule has to judge: a rank left blank (a skipped
ranking), two or more candidates marked at one rank (an overvote), and the same
candidate marked at two ranks (a repeated ranking). ``MarkedBallots`` holds them
as one integer array, so a million ballots cost a few tens of megabytes:

- ``marks[i, r]`` is what ballot i has at rank r + 1: a candidate index (0 or more),
  ``SKIPPED`` (-1) for a blank rank, or ``OVERVOTE`` (-2) for two or more candidates;
- trailing blanks are written ``SKIPPED`` too (a ballot simply ends);
- ``weights[i]`` is how many identical papers row i stands for.

The ballot rules (``engage.counting.rules``) turn marks into the clean rankings the
count uses (a ``BallotTable``), and say how many ballots each rule made inactive.
Readers of every file format produce ``MarkedBallots``; Engage's own web ballots have
none of these marks.
"""

from dataclasses import dataclass, field

import numpy as np

SKIPPED = -1
OVERVOTE = -2


@dataclass
class MarkedBallots:
    """Every ballot's marks, rank by rank, and the contest they belong to."""

    candidates: list[str]
    marks: np.ndarray  # (n, ranks), a signed integer type
    weights: np.ndarray  # (n,), int64
    seats: int | None = None  # None: the file does not say
    title: str = ""
    withdrawn: tuple[str, ...] = ()
    # Candidates that stand for "a write-in nobody declared": excluded before the first
    # transfer when the rules say so (RCTab's undeclared write-in label).
    undeclared_write_ins: tuple[str, ...] = ()
    # Where the ballots came from, for messages: "burlington.csv".
    source: str | None = None
    # Notes a reader wants printed with the count ("4 ballots had an overvote at rank 1").
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.marks.shape[0])

    def total(self) -> int:
        return int(self.weights.sum())
