"""Instant-runoff voting: one winner, one exclusion per stage.

A candidate wins when they hold more than half of the votes still in the count
(exhausted ballots no longer count towards the half), or when they are the last
one continuing. Otherwise the candidate with the fewest votes is excluded and
their ballots pass to the next continuing preference. Ties for the fewest are
broken as in STV: by the latest earlier stage where they differed, else by lot.

IRV has no fixed quota, so the result's ``quota`` is None; each stage records
its ``majority``, the votes needed to win at that stage: floor(votes / 2) + 1 whole
votes, or with the fractional threshold votes / 2 plus the smallest unit.

Options (``CountOptions``): undeclared write-ins are excluded first; batch
elimination excludes every candidate who together with those below has fewer votes
than the next one; ``continue_until_two`` keeps excluding after the majority until
two candidates are left, the winner still in the count and receiving transfers.
"""

from collections.abc import Sequence

import numpy as np

from engage.counting.ballots import Election
from engage.counting.options import CountOptions
from engage.counting.result import CountResult
from engage.counting.stages import Count


def count_irv(
    election: Election,
    seed: str,
    options: CountOptions | None = None,
    ends: np.ndarray | None = None,
    undervote: np.ndarray | None = None,
    undeclared: Sequence[str] = (),
) -> CountResult:
    """Exclude the weakest candidate a stage at a time until someone has a majority."""
    state = Count(election, "irv", 1, seed, options, ends, undervote, undeclared)
    until_two = state.options.continue_until_two
    state.exclude_write_ins()
    winner: int | None = None
    while state.hopeful:
        field = state.hopeful if winner is None else [winner, *state.hopeful]
        continuing = sum(state.votes(c) for c in field)
        state.stage.majority = state.threshold(continuing, 1)
        if winner is None:
            leader = state.by_votes(state.hopeful)[0]
            if state.votes(leader) >= state.stage.majority or len(state.hopeful) == 1:
                state.elect(leader, keep_receiving=until_two)
                winner = leader
                if not until_two:
                    break
        if winner is not None and len(state.hopeful) + 1 <= 2:
            break
        others = [] if winner is None else [winner]
        state.exclude_lowest(state.hopeful, 2 if until_two else 1, others)
    return state.result
