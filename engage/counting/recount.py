"""An independent IRV recount with pyrankvote, so the app can say whether it agrees with ours.

Only IRV is rechecked. pyrankvote's STV ignores the value a ballot carries when it
moves a surplus on, stops with RuntimeError("Illegal state") when the seats are
not fewer than the candidates, and breaks ties with an unseeded random.choice,
so it cannot check a Scottish STV count. Its IRV also breaks ties its own way
(second preferences, then at random), so a recount only means something for a
count with no tie-breaks; ``Recount.comparable`` says so.
"""

from dataclasses import dataclass

import pyrankvote
from pyrankvote import Ballot as PyBallot
from pyrankvote import Candidate as PyCandidate

from engage.counting.ballots import Election
from engage.counting.result import CountResult


@dataclass(frozen=True)
class Recount:
    """pyrankvote's IRV winner, and whether it matches the count it rechecks."""

    winner: str | None
    agrees: bool
    comparable: bool  # False when our count needed a tie-break, or pyrankvote failed
    problem: str | None = None


def pyrankvote_irv_winner(election: Election) -> str | None:
    """The IRV winner according to pyrankvote (None if nobody can be chosen)."""
    standing = set(election.standing)
    candidates = {name: PyCandidate(name) for name in election.standing}
    names = election.candidates
    table = election.grouped
    ballots: list[PyBallot] = []
    for row, weight in zip(table.rankings.tolist(), table.weights.tolist(), strict=True):
        ranking = [candidates[names[i]] for i in row if i >= 0 and names[i] in standing]
        if ranking:
            ballots.extend([PyBallot(ranked_candidates=ranking)] * weight)
    if not candidates or not ballots:
        return None
    result = pyrankvote.instant_runoff_voting(list(candidates.values()), ballots)
    winners = result.get_winners()
    return winners[0].name if winners else None


def recount_irv(election: Election, result: CountResult) -> Recount:
    """Recount with pyrankvote and compare its winner with ``result``'s."""
    ours = result.elected[0] if result.elected else None
    try:
        winner = pyrankvote_irv_winner(election)
    except RuntimeError as error:
        return Recount(None, False, False, f"pyrankvote failed: {error}")
    comparable = not result.tie_breaks
    return Recount(winner, winner == ours, comparable)
