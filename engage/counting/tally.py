"""Where every ballot group sits during a count, and how many votes each candidate holds.

Both IRV and STV move ballots the same way: pick up the ballots a candidate
holds, optionally give them a new (truncated) value, and pass each to its next
continuing preference. Everything is int64 in units of 1e-5, so a count is
exact and gives the same figures on every machine. Only the ballots that move
are touched, so a count costs about as much as the transfers it makes.
"""

from dataclasses import dataclass

import numpy as np

from engage.counting.ballots import UNIT, BallotTable


@dataclass(frozen=True)
class Movement:
    """What one transfer did: units gained per candidate, and what went nowhere."""

    gained: tuple[int, ...]
    non_transferable: int
    exhausted: int
    loss: int


class Tally:
    """The state of a count: each group's position and value, each candidate's votes."""

    def __init__(self, table: BallotTable, standing: list[bool]) -> None:
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
        if not valid.all():
            self.rank, self.weights = self.rank[valid], self.weights[valid]
            self.pos, self.cur = self.pos[valid], self.cur[valid]
        self.value = np.full(len(self.weights), UNIT, dtype=np.int64)
        self.valid = int(self.weights.sum())
        votes = np.zeros(self.size + 1, dtype=np.int64)
        np.add.at(votes, self.cur, self.weights * UNIT)
        self.votes: list[int] = votes[: self.size].tolist()
        self.non_transferable = 0
        self.exhausted = 0
        self.loss = 0

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

    def move(self, candidate: int, surplus: int | None = None) -> Movement:
        """Transfer the candidate's ballots: all of them, or their surplus at reduced value.

        For a surplus each group's value becomes floor(value * surplus / total),
        which is the Scottish transfer value (rule 48(3)) truncated to 5 places.
        """
        self.stop(candidate)
        idx = np.flatnonzero(self.cur == candidate)
        total = self.votes[candidate]
        if surplus is not None and total:
            self.value[idx] = self.value[idx] * surplus // total
        dest = self._advance(idx)
        amount = self.value[idx] * self.weights[idx]
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
