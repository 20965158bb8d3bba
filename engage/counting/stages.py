"""Stage-by-stage bookkeeping that IRV and STV share.

A Count owns the tally, knows which candidates are still continuing, and turns
every election, exclusion and transfer into a recorded Stage, so the two
methods only decide *what* happens next. The options (``CountOptions``) that
both methods share live here too: batch elimination, undeclared write-ins, the
decimal places of a transfer and the tie-break mode.
"""

from collections.abc import Sequence

import numpy as np

from engage.counting.ballots import UNIT, Election
from engage.counting.errors import CountingError, NothingToCount
from engage.counting.options import CountOptions
from engage.counting.result import CountResult, Stage
from engage.counting.tally import INACTIVE_REASONS, Tally
from engage.counting.ties import TieBreak, TieBreaker


class Count:
    """One count in progress; ``result`` grows a stage at a time."""

    def __init__(
        self,
        election: Election,
        method: str,
        seats: int,
        seed: str,
        options: CountOptions | None = None,
        ends: np.ndarray | None = None,
        undervote: np.ndarray | None = None,
        undeclared: Sequence[str] = (),
    ) -> None:
        self.options = options or CountOptions()
        self.names = election.candidates
        withdrawn = set(election.withdrawn)
        flags = [name not in withdrawn for name in self.names]
        strangers = [name for name in undeclared if name not in self.names]
        if strangers:
            raise CountingError(f"undeclared write-in {strangers[0]!r} is not a candidate")
        self.undeclared = [
            i for i, name in enumerate(self.names) if name in set(undeclared) and flags[i]
        ]
        try:
            self.tally = Tally(election.table, flags, ends, undervote)
        except ValueError as error:
            raise CountingError(str(error)) from error
        if not self.tally.valid:
            # Otherwise every candidate ties on 0 and the lot would "elect" one.
            if self.tally.empty:
                papers = f"{self.tally.empty:,} ballot paper" + "s" * (self.tally.empty > 1)
                raise NothingToCount(
                    f"No valid ballots ({papers}, none ranking a standing candidate): "
                    "nobody elected."
                )
            raise NothingToCount("No ballots: nobody elected.")
        self.hopeful: list[int] = [i for i, standing in enumerate(flags) if standing]
        self.standing = tuple(self.hopeful)
        self.ties = TieBreaker(self.names, seed, self.options.tie_break)
        self.history: list[list[int]] = [list(self.tally.votes)]
        self.result = CountResult(
            method=method,
            seats=seats,
            quota=None,
            ballots=self.tally.valid,
            empty=self.tally.empty,
            seed=seed,
            title=election.title,
            candidates=tuple(self.names[c] for c in self.standing),
            withdrawn=election.withdrawn,
            options=self.options,
        )
        first = Stage(0, "first preferences", None, self._snapshot())
        first.inactive = self._inactive()
        self.result.stages.append(first)

    def _inactive(self) -> dict[str, int] | None:
        inactive = self.tally.inactive
        return None if inactive is None else dict(zip(INACTIVE_REASONS, inactive, strict=True))

    def threshold(self, votes: int, seats: int) -> int:
        """The votes to win ``seats`` seats out of ``votes`` (units): whole or fractional."""
        if self.options.threshold == "whole":
            return (votes // UNIT // (seats + 1) + 1) * UNIT
        step = self.options.step
        return votes // (seats + 1) // step * step + step

    @property
    def stage(self) -> Stage:
        """The latest stage, where elections found at its end are recorded."""
        return self.result.stages[-1]

    def votes(self, candidate: int) -> int:
        return self.tally.votes[candidate]

    def _snapshot(self) -> dict[str, int]:
        votes = self.tally.votes
        return {self.names[c]: votes[c] for c in self.standing}

    def by_votes(self, candidates: list[int]) -> list[int]:
        """Most votes first; level candidates stay in ballot order."""
        return sorted(candidates, key=lambda c: -self.tally.votes[c])

    def elect(self, candidate: int, keep_receiving: bool = False) -> None:
        """Elect the candidate; with ``keep_receiving`` (IRV until two remain) they stay
        in the tally and go on receiving transfers."""
        self.hopeful.remove(candidate)
        if not keep_receiving:
            self.tally.stop(candidate)
        self.result.elected.append(self.names[candidate])
        self.stage.elected.append(self.names[candidate])

    def pick(
        self, candidates: list[int], lowest: bool, purpose: str
    ) -> tuple[int, TieBreak | None]:
        """The candidate with the fewest (or most) votes, breaking any tie by the rules."""
        votes = self.tally.votes
        extreme = min(votes[c] for c in candidates) if lowest else max(votes[c] for c in candidates)
        tied = [c for c in candidates if votes[c] == extreme]
        return self.ties.choose(tied, self.history, lowest, purpose)

    def exclude_write_ins(self) -> None:
        """Exclude every undeclared write-in together, before anything else (RCTab)."""
        if self.options.exclude_undeclared_write_ins and self.undeclared:
            self.exclude_together(self.undeclared, "undeclared write-in")

    def exclude_together(self, candidates: list[int], note: str) -> None:
        """Exclude several candidates at once: none receives another's ballots."""
        for candidate in candidates:
            self.hopeful.remove(candidate)
            self.tally.stop(candidate)
        batch = [self.names[c] for c in candidates]
        for candidate in candidates:
            stage = self.transfer(candidate, "exclusion", None, None)
            stage.batch = batch
            stage.note = note

    def batch(self, candidates: list[int], keep: int) -> list[int]:
        """RCTab's batch elimination: the largest set of lowest candidates whose votes
        together are fewer than the next candidate's, leaving at least ``keep`` of
        ``candidates`` (every candidate still in the count)."""
        votes = self.tally.votes
        levels = sorted({votes[c] for c in candidates})
        running = 0
        seen: list[int] = []
        best: list[int] = []
        for level in levels:
            if seen and running < level and len(candidates) - len(seen) >= keep:
                best = list(seen)
            group = [c for c in candidates if votes[c] == level]
            running += level * len(group)
            seen.extend(group)
        return best

    def exclude_lowest(self, candidates: list[int], keep: int, others: Sequence[int] = ()) -> None:
        """Exclude the weakest of ``candidates``, or with batch elimination every hopeless
        one, leaving at least ``keep`` in the count with ``others`` (a winner still
        receiving transfers, who is never excluded)."""
        if self.options.batch_elimination:
            group = [c for c in self.batch([*candidates, *others], keep) if c not in others]
            if len(group) > 1:
                order = {c: i for i, c in enumerate(self.by_votes(group)[::-1])}
                self.exclude_together(sorted(group, key=order.__getitem__), "batch elimination")
                return
        candidate, tie = self.pick(candidates, lowest=True, purpose="exclusion")
        self.transfer(candidate, "exclusion", None, tie)

    def transfer(
        self, candidate: int, action: str, surplus: int | None, tie: TieBreak | None
    ) -> Stage:
        """Move the candidate's ballots (all, or the surplus) and record the new stage."""
        if action == "exclusion" and candidate in self.hopeful:
            self.hopeful.remove(candidate)
        options = self.options
        moved = self.tally.move(
            candidate, surplus, options.step, options.surplus_transfer == "rctab"
        )
        tally = self.tally
        stage = Stage(
            number=len(self.result.stages),
            action=action,
            source=self.names[candidate],
            tally=self._snapshot(),
            transfers={self.names[c]: units for c, units in enumerate(moved.gained) if units},
            non_transferable=tally.non_transferable,
            exhausted=tally.exhausted,
            rounding_loss=tally.loss,
            excluded=[self.names[candidate]] if action == "exclusion" else [],
            tie_break=tie,
            inactive=self._inactive(),
        )
        self.result.stages.append(stage)
        self.history.append(list(tally.votes))
        return stage
