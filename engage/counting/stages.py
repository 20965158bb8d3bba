"""Stage-by-stage bookkeeping that IRV and STV share.

A Count owns the tally, knows which candidates are still continuing, and turns
every election, exclusion and transfer into a recorded Stage, so the two
methods only decide *what* happens next.
"""

from engage.counting.ballots import Election
from engage.counting.errors import NothingToCount
from engage.counting.result import CountResult, Stage
from engage.counting.tally import Tally
from engage.counting.ties import TieBreak, TieBreaker


class Count:
    """One count in progress; ``result`` grows a stage at a time."""

    def __init__(self, election: Election, method: str, seats: int, seed: str) -> None:
        self.names = election.candidates
        withdrawn = set(election.withdrawn)
        flags = [name not in withdrawn for name in self.names]
        self.tally = Tally(election.table, flags)
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
        self.ties = TieBreaker(self.names, seed)
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
        )
        self.result.stages.append(Stage(0, "first preferences", None, self._snapshot()))

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

    def elect(self, candidate: int) -> None:
        self.hopeful.remove(candidate)
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

    def transfer(
        self, candidate: int, action: str, surplus: int | None, tie: TieBreak | None
    ) -> Stage:
        """Move the candidate's ballots (all, or the surplus) and record the new stage."""
        if action == "exclusion":
            self.hopeful.remove(candidate)
        moved = self.tally.move(candidate, surplus)
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
        )
        self.result.stages.append(stage)
        self.history.append(list(tally.votes))
        return stage
