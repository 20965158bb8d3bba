"""Ballot rules: what a blank rank, an overvote or a repeated candidate does to a ballot.

Cast vote records keep every mark as the voter made it (``MarkedBallots``); a rule
decides what each one means, and ``apply_rules`` turns the marks into the clean
rankings a count uses. It walks each ballot's ranks in order, as RCTab does:

- a blank rank is passed over, unless more than ``skipped`` blank ranks in a row come
  before the ballot's next mark: then the ballot stops at the blank (reason
  ``SKIPPED_RANKINGS``). Blank ranks after the last mark never stop anything: that
  ballot simply ends;
- an overvote (two or more candidates at one rank) stops the ballot there
  (``OVERVOTES``) or is passed over, as ``overvote`` says;
- a candidate already marked higher up is passed over, or stops the ballot there
  (``REPEATED_RANKINGS``), as ``repeated`` says.

A ballot that stops keeps the candidates ranked above the stop: it counts for them
until they are all out, then becomes inactive for that reason (RCTab's "overvotes",
"skippedRankings", "repeatedRankings"); one that runs out of marks becomes inactive as
"exhaustedChoices". A ballot with no mark at all is an undervote: an empty ranking.

The rules are applied once, with numpy, one rank column at a time (never ballot by
ballot): a million ballots of twenty ranks take a fraction of a second.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from engage.counting.ballots import (
    MAX_BALLOTS,
    WEIGHTS,
    BallotTable,
    Election,
    check_total,
    index_dtype,
)
from engage.counting.errors import BallotFileError, CountingError
from engage.counting.marked import OVERVOTE, SKIPPED, MarkedBallots

# Why a clean ranking stops (``RuledBallots.ends``), and RCTab's name for each reason.
RAN_OUT = 0
OVERVOTES = 1
SKIPPED_RANKINGS = 2
REPEATED_RANKINGS = 3
REASONS = {
    RAN_OUT: "exhaustedChoices",
    OVERVOTES: "overvotes",
    SKIPPED_RANKINGS: "skippedRankings",
    REPEATED_RANKINGS: "repeatedRankings",
}

_OVERVOTE_RULES = ("exhaust", "skip")
_REPEATED_RULES = ("skip", "exhaust")
_OVERVOTE_WORDS = "An overvote (two or more candidates at one rank)"


@dataclass(frozen=True)
class BallotRules:
    """How blank ranks, overvotes and repeated candidates are read.

    ``strict``: Engage's own ballots, which have none of them; a ballot with a blank rank
    before a marked one, an overvote or a repeated candidate is refused, not counted
    (``STRICT``). The other fields do not apply then.
    """

    overvote: str = "exhaust"  # or "skip"
    # None: pass over any number of blank ranks. N: a ballot stops when it meets more
    # than N blank ranks in a row before its next mark (0: at the first such blank).
    skipped: int | None = None
    repeated: str = "skip"  # or "exhaust"
    strict: bool = False

    def __post_init__(self) -> None:
        if self.overvote not in _OVERVOTE_RULES:
            raise CountingError(
                f"overvote rule {self.overvote!r}: expected one of {', '.join(_OVERVOTE_RULES)}"
            )
        if self.repeated not in _REPEATED_RULES:
            raise CountingError(
                f"repeated-ranking rule {self.repeated!r}: "
                f"expected one of {', '.join(_REPEATED_RULES)}"
            )
        if self.skipped is not None and (
            not isinstance(self.skipped, int) or isinstance(self.skipped, bool) or self.skipped < 0
        ):
            raise CountingError(
                f"skipped-rank limit {self.skipped!r}: expected a whole number from 0, or none"
            )
        if not isinstance(self.strict, bool):
            raise CountingError(f"strict {self.strict!r}: expected true or false")

    def describe(self) -> str:
        """The rules in plain English, one sentence each, for a results page."""
        if self.strict:
            return (
                "Every ballot ranks options 1, 2, 3 and so on with no blank rank before a "
                "marked one, no two options at one rank and no option twice; "
                "a file with any such ballot is refused."
            )
        sentences = []
        if self.overvote == "exhaust":
            sentences.append(f"{_OVERVOTE_WORDS} exhausts the ballot.")
        else:
            sentences.append(
                f"{_OVERVOTE_WORDS} is passed over and the ballot goes on to its next rank."
            )
        if self.skipped is None:
            sentences.append("Blank ranks are passed over, however many there are in a row.")
        elif self.skipped == 0:
            sentences.append("A blank rank followed by a marked one exhausts the ballot.")
        else:
            ranks = "1 blank rank" if self.skipped == 1 else f"{self.skipped} blank ranks"
            sentences.append(
                f"Up to {ranks} in a row {'is' if self.skipped == 1 else 'are'} passed over; "
                "more blank ranks in a row followed by a marked one exhaust the ballot."
            )
        if self.repeated == "skip":
            sentences.append(
                "A candidate ranked again lower down is passed over (the higher ranking counts)."
            )
        else:
            sentences.append("A candidate ranked a second time exhausts the ballot at the repeat.")
        sentences.append("Blank ranks after a ballot's last mark are not counted as skipped.")
        return " ".join(sentences)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "BallotRules":
        """Rules from ``to_dict()``'s output; unknown keys or values raise ``CountingError``."""
        unknown = sorted(set(data) - {"overvote", "skipped", "repeated", "strict"})
        if unknown:
            raise CountingError(f"unknown ballot rule {unknown[0]!r}")
        return cls(**dict(data))

    @classmethod
    def from_rctab(cls, rules: Mapping[str, Any]) -> "BallotRules":
        """The ballot rules of an RCTab configuration's ``rules`` object.

        ``overvoteRule`` "exhaustImmediately" or "alwaysSkipToNextRank" (RCTab's third,
        "exhaustIfMultipleContinuing", needs the overvoted candidates, which marks do not
        keep); ``maxSkippedRanksAllowed`` a number or "unlimited";
        ``exhaustOnDuplicateCandidate``.
        """
        overvote = {"exhaustImmediately": "exhaust", "alwaysSkipToNextRank": "skip"}.get(
            str(rules.get("overvoteRule", ""))
        )
        if overvote is None:
            raise CountingError(
                f"RCTab overvote rule {rules.get('overvoteRule')!r} is not supported; "
                "expected exhaustImmediately or alwaysSkipToNextRank"
            )
        limit = str(rules.get("maxSkippedRanksAllowed", "unlimited")).strip()
        if limit.lower() in ("unlimited", ""):
            skipped = None
        elif limit.isdigit():
            skipped = int(limit)
        else:
            raise CountingError(f"RCTab maxSkippedRanksAllowed {limit!r} is not a number")
        repeated = "exhaust" if rules.get("exhaustOnDuplicateCandidate") else "skip"
        return cls(overvote=overvote, skipped=skipped, repeated=repeated)


# Engage's own web and CSV ballots: nothing to judge, so anything to judge is an error.
STRICT = BallotRules(strict=True)
# RCTab's defaults for a new contest: overvotes exhaust, blank ranks are passed over,
# a repeated candidate is passed over.
RCTAB_DEFAULT = BallotRules()


@dataclass
class RuledBallots:
    """Marked ballots read by a set of rules: the election to count, and why each ranking ends.

    ``election.table.rankings[i]`` is ballot i's clean ranking (-1 padded), in the order
    of ``MarkedBallots``; ``ends[i]`` says why it stops (``RAN_OUT``, ``OVERVOTES``,
    ``SKIPPED_RANKINGS``, ``REPEATED_RANKINGS``); ``undervote[i]`` is whether the ballot
    had no mark at all. A ballot with an empty ranking and ``ends`` other than
    ``RAN_OUT`` was stopped at its first rank: inactive from the first round, for that
    reason (RCTab counts it among the ballots); an empty one that is ``undervote`` is an
    undervote; an empty one that is neither had only overvotes or repeats passed over.
    """

    election: Election
    ends: np.ndarray  # (n,), int8
    undervote: np.ndarray  # (n,), bool
    rules: BallotRules
    undeclared_write_ins: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def ends_by_reason(self) -> dict[str, int]:
        """Ballot papers by why their ranking ends (RCTab's names), undervotes apart.

        A ballot becomes inactive for its reason only once every candidate it ranks is out
        (or at once, if its ranking is empty).
        """
        weights = self.election.table.weights
        counts = {
            name: int(weights[(self.ends == code) & ~self.undervote].sum())
            for code, name in REASONS.items()
        }
        counts["undervotes"] = int(weights[self.undervote].sum())
        return counts


def _check_marks(marked: MarkedBallots) -> np.ndarray:
    marks = marked.marks
    if marks.ndim != 2 or marks.shape[0] != marked.weights.shape[0]:
        raise CountingError("marks must be an (n, ranks) array with one weight per row")
    if marks.dtype.kind not in "iu" or marked.weights.dtype.kind not in "iu":
        raise CountingError("marks and ballot weights must be whole numbers")
    if marks.size and (marks.min() < OVERVOTE or marks.max() >= len(marked.candidates)):
        raise CountingError("a mark refers to a candidate that does not exist")
    return marks


def _refuse(marked: MarkedBallots, ballot: int, problem: str) -> BallotFileError:
    return BallotFileError(None, f"ballot {ballot + 1}: {problem}", marked.source)


def _check_strict(marked: MarkedBallots, marks: np.ndarray) -> None:
    """Refuse, as Engage's CSV reader does, the first ballot with anything to judge."""
    n, width = marks.shape
    if not n or not width:
        return
    is_mark = marks != SKIPPED
    # A blank with a mark somewhere after it.
    later = np.logical_or.accumulate(is_mark[:, ::-1], axis=1)[:, ::-1]
    gap = ~is_mark[:, :-1] & later[:, 1:]
    over = marks == OVERVOTE
    repeat = np.zeros_like(is_mark)
    for r in range(1, width):
        column = marks[:, r]
        repeat[:, r] = (column >= 0) & (marks[:, :r] == column[:, None]).any(axis=1)
    problems = gap.any(axis=1) | over.any(axis=1) | repeat.any(axis=1)
    if not problems.any():
        return
    ballot = int(np.argmax(problems))
    for r in range(width):  # the first problem on that ballot, rank by rank
        if r < width - 1 and gap[ballot, r]:
            raise _refuse(marked, ballot, f"rank_{r + 1} is blank but a later rank is not")
        if over[ballot, r]:
            raise _refuse(marked, ballot, f"rank_{r + 1} has two or more options marked")
        if repeat[ballot, r]:
            name = marked.candidates[int(marks[ballot, r])]
            raise _refuse(marked, ballot, f"{name!r} is ranked twice")


def _repeats(columns: np.ndarray, candidates: int) -> np.ndarray:
    """(ranks, n) bool: the candidate at this rank was marked at an earlier rank too."""
    width, n = columns.shape
    repeat = np.zeros((width, n), dtype=bool)
    if width < 2:
        return repeat
    words = -(-candidates // 64)
    if words <= 4:  # a bit per candidate, in at most four 64-bit words per ballot
        index = np.arange(64 * words + 2)  # the last two: OVERVOTE (-2) and SKIPPED (-1)
        real = index < 64 * words
        tables = [
            np.where(
                real & (index // 64 == word),
                np.left_shift(np.uint64(1), (index % 64).astype(np.uint64)),
                np.uint64(0),
            )
            for word in range(words)
        ]
        seen = [np.zeros(n, dtype=np.uint64) for _ in range(words)]
        for r in range(width):
            column = columns[r]
            for word in range(words):
                bit = tables[word][column]  # negative marks index the two zeros at the end
                repeat[r] |= (seen[word] & bit) != 0
                seen[word] |= bit
        return repeat
    for r in range(1, width):  # many candidates: compare with every earlier rank
        column = columns[r]
        hit = np.zeros(n, dtype=bool)
        for earlier in range(r):
            hit |= columns[earlier] == column
        repeat[r] = hit & (column >= 0)
    return repeat


def _pack(columns: np.ndarray, keep: np.ndarray, dtype: type[np.signedinteger]) -> np.ndarray:
    """(n, width) rankings: each ballot's kept marks moved to the left, in rank order, -1 after.

    Most ballots keep an unbroken run of ranks from the first (nothing was passed over), so
    only the others are moved, one rank column at a time.
    """
    width, n = columns.shape
    filled = keep.sum(axis=0, dtype=np.int64)
    used = int(filled.max()) if n else 0
    packed = np.where(keep, columns, -1).astype(dtype)
    if width > 1:
        holes = np.flatnonzero((keep[1:] & ~keep[:-1]).any(axis=0))
        if holes.size:
            moved = np.full((width, holes.size), -1, dtype=dtype)
            flat = moved.reshape(-1)
            count = np.zeros(holes.size, dtype=np.int64)
            for r in range(width):
                take = np.flatnonzero(keep[r, holes])
                flat[count[take] * holes.size + take] = columns[r, holes[take]]
                count[take] += 1
            packed[:, holes] = moved
    return np.ascontiguousarray(packed[:used].T)


def _election(marked: MarkedBallots, table: BallotTable) -> Election:
    """The election to count. The rankings are valid by construction (known candidates, no
    gaps, no repeats), so only the weights are checked, not every ranking again."""
    weights = table.weights
    if len(weights) and (weights.min() < 1 or weights.max() > MAX_BALLOTS):
        raise BallotFileError(None, f"every ballot weight must be {WEIGHTS}", marked.source)
    try:
        check_total(int(weights.sum()))
        empty = BallotTable(np.full((0, 0), -1, dtype=table.rankings.dtype), weights[:0])
        election = Election(
            marked.candidates, empty, marked.seats or 1, marked.withdrawn, marked.title
        )
    except CountingError as error:
        raise BallotFileError(None, str(error), marked.source) from error
    election.table = table
    return election


def apply_rules(marked: MarkedBallots, rules: BallotRules) -> RuledBallots:
    """The clean rankings the rules make of the marks, and why each one stops."""
    marks = _check_marks(marked)
    if rules.strict:
        _check_strict(marked, marks)
    n, width = marks.shape
    columns = np.ascontiguousarray(marks.T)  # one contiguous row per rank
    repeats = _repeats(columns, len(marked.candidates))
    keep = np.zeros((width, n), dtype=bool)  # the marks the clean ranking keeps
    ends = np.zeros(n, dtype=np.int8)
    active = np.ones(n, dtype=bool)  # not stopped yet
    blanks = np.zeros(n, dtype=np.int32)  # blank ranks in a row just before this one
    limit = rules.skipped
    for r in range(width):
        column = columns[r]
        blank = column == SKIPPED
        if limit is not None:
            stop = active & ~blank & (blanks > limit)
            ends[stop] = SKIPPED_RANKINGS
            active &= ~stop
            blanks = np.where(blank, blanks + 1, 0)
        candidate = active & (column >= 0)
        repeat = candidate & repeats[r]
        if rules.repeated == "exhaust":
            ends[repeat] = REPEATED_RANKINGS
            active &= ~repeat
        candidate &= ~repeat
        if rules.overvote == "exhaust":
            stop = active & (column == OVERVOTE)
            ends[stop] = OVERVOTES
            active &= ~stop
        keep[r] = candidate
    out = _pack(columns, keep, index_dtype(len(marked.candidates)))
    election = _election(marked, BallotTable(out, marked.weights))
    undervote = (marks == SKIPPED).all(axis=1) if width else np.ones(n, dtype=bool)
    return RuledBallots(
        election,
        ends,
        undervote,
        rules,
        tuple(marked.undeclared_write_ins),
        tuple(marked.notes),
    )
