"""Where every ballot group sits during a count, and how many votes each candidate holds.

Both IRV and STV move ballots the same way: pick up the ballots a candidate
holds, optionally give them a new (truncated) value, and pass each to its next
continuing preference. Everything is int64 in units of 1e-5, so a count is
exact and gives the same figures on every machine. Only the ballots that move
are touched, so a count costs about as much as the transfers it makes.

With ``ends`` (why each ranking stops, from the ballot rules) the tally also keeps
the votes that became inactive for each reason, first preferences included.
"""

from dataclasses import dataclass

import numpy as np

from engage.counting.ballots import UNIT, BallotTable

# Why a ranking stops (the ballot rules' codes), and the name each reason has in a result.
INACTIVE_REASONS = ("exhausted_choices", "overvotes", "skipped_rankings", "repeated_rankings")


@dataclass(frozen=True)
class Movement:
    """What one transfer did: units gained per candidate, and what went nowhere."""

    gained: tuple[int, ...]
    non_transferable: int
    exhausted: int
    loss: int


class Tally:
    """The state of a count: each group's position and value, each candidate's votes."""

    def __init__(
        self,
        table: BallotTable,
        standing: list[bool],
        ends: np.ndarray | None = None,
        undervote: np.ndarray | None = None,
    ) -> None:
        self.size = len(standing)
        self.continuing = np.array(standing + [False], dtype=bool)  # [-1] is "exhausted"
        self.rank = table.rankings
        self.weights = table.weights
        self.pos = np.full(len(table), -1, dtype=np.int64)
        self.cur = np.full(len(table), -1, dtype=np.int64)
        first = self._advance(np.arange(len(table)))
        valid = first >= 0
        # Ballots with no standing candidate on them are not valid votes: set them aside.
        self.empty = int(self.weights[~valid].sum())
        self.ends: np.ndarray | None = None
        self.inactive: list[int] | None = None
        if ends is not None:
            self._first_inactive(table, valid, ends, undervote)
        if not valid.all():
            self.rank, self.weights = self.rank[valid], self.weights[valid]
            self.pos, self.cur = self.pos[valid], self.cur[valid]
            if self.ends is not None:
                self.ends = self.ends[valid]
        self.value = np.full(len(self.weights), UNIT, dtype=np.int64)
        self.valid = int(self.weights.sum())
        votes = np.zeros(self.size + 1, dtype=np.int64)
        np.add.at(votes, self.cur, self.weights * UNIT)
        self.votes: list[int] = votes[: self.size].tolist()
        self.non_transferable = 0
        self.exhausted = 0
        self.loss = 0

    def _first_inactive(
        self,
        table: BallotTable,
        valid: np.ndarray,
        ends: np.ndarray,
        undervote: np.ndarray | None,
    ) -> None:
        """Papers with no standing candidate are inactive from the first stage, by reason.

        Undervotes (no mark at all; without ``undervote``, an empty ranking that simply
        ran out) are left out, as RCTab leaves them out of its inactive ballots.
        """
        codes = np.asarray(ends, dtype=np.int64)
        if codes.shape != (len(table),):
            raise ValueError("ends must hold one reason per ballot row")
        if codes.size and (codes.min() < 0 or codes.max() >= len(INACTIVE_REASONS)):
            raise ValueError("ends must be 0 to 3")
        if undervote is None:
            width = table.rankings.shape[1]
            blank = (table.rankings[:, 0] < 0) if width else np.ones(len(table), dtype=bool)
            undervote = blank & (codes == 0)
        counted = ~valid & ~np.asarray(undervote, dtype=bool)
        inactive = np.zeros(len(INACTIVE_REASONS), dtype=np.int64)
        np.add.at(inactive, codes[counted], table.weights[counted] * UNIT)
        self.inactive = inactive.tolist()
        self.ends = codes

    def _advance(self, idx: np.ndarray) -> np.ndarray:
        """Move the ballots ``idx`` on to their next continuing preference (-1: none left)."""
        width = self.rank.shape[1]
        pos = self.pos[idx]
        dest = np.full(len(idx), -1, dtype=np.int64)
        todo = np.arange(len(idx))
        while todo.size:
            step = pos[todo] + 1
            pos[todo] = step
            inside = step < width
            cand = np.full(todo.size, -1, dtype=np.int64)
            cand[inside] = self.rank[idx[todo[inside]], step[inside]]
            done = (cand < 0) | self.continuing[cand]
            dest[todo[done]] = cand[done]
            todo = todo[~done]
        self.pos[idx] = pos
        self.cur[idx] = dest
        return dest

    def stop(self, candidate: int) -> None:
        """The candidate is elected or excluded: no more ballots pass to them."""
        self.continuing[candidate] = False

    def move(
        self,
        candidate: int,
        surplus: int | None = None,
        step: int = 1,
        truncate_fraction: bool = False,
    ) -> Movement:
        """Transfer the candidate's ballots: all of them, or their surplus at reduced value.

        For a surplus each group's value becomes floor(value * surplus / total),
        which is the Scottish transfer value (rule 48(3)) truncated to 5 places, then
        truncated to a multiple of ``step`` units (fewer decimal places). With
        ``truncate_fraction`` (RCTab) the fraction surplus / total is truncated to those
        places first and each value multiplied by it, truncated again.
        """
        self.stop(candidate)
        idx = np.flatnonzero(self.cur == candidate)
        total = self.votes[candidate]
        if surplus is not None and total:
            if truncate_fraction:
                scale = UNIT // step  # 10**decimals
                fraction = surplus * scale // total
                self.value[idx] = self.value[idx] * fraction // UNIT * step
            elif step == 1:
                self.value[idx] = self.value[idx] * surplus // total
            else:
                self.value[idx] = self.value[idx] * surplus // total // step * step
        dest = self._advance(idx)
        amount = self.value[idx] * self.weights[idx]
        if self.inactive is not None and self.ends is not None:
            out = dest < 0
            inactive = np.zeros(len(INACTIVE_REASONS), dtype=np.int64)
            np.add.at(inactive, self.ends[idx][out], amount[out])
            self.inactive = [a + b for a, b in zip(self.inactive, inactive.tolist(), strict=True)]
        gained = np.zeros(self.size + 1, dtype=np.int64)
        np.add.at(gained, dest, amount)
        lost = int(self.weights[idx][dest < 0].sum())
        moved = gained.tolist()
        non_transferable = moved.pop()
        for i, units in enumerate(moved):
            self.votes[i] += units
        sent = surplus if surplus is not None else total
        loss = sent - sum(moved) - non_transferable
        self.votes[candidate] = total - sent
        self.non_transferable += non_transferable
        self.exhausted += lost
        self.loss += loss
        return Movement(tuple(moved), non_transferable, lost, loss)
