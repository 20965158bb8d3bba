"""Instant-runoff voting: one winner, one exclusion per stage.

A candidate wins when they hold more than half of the votes still in the count
(exhausted ballots no longer count towards the half), or when they are the last
one continuing. Otherwise the candidate with the fewest votes is excluded and
their ballots pass to the next continuing preference. Ties for the fewest are
broken as in STV: by the latest earlier stage where they differed, else by lot.

IRV has no fixed quota, so the result's ``quota`` is None; each stage records
its ``majority``, the votes needed to win at that stage.
"""

from engage.counting.ballots import UNIT, Election
from engage.counting.result import CountResult
from engage.counting.stages import Count


def count_irv(election: Election, seed: str) -> CountResult:
    """Exclude the weakest candidate a stage at a time until someone has a majority."""
    state = Count(election, "irv", 1, seed)
    while state.hopeful:
        continuing = sum(state.votes(c) for c in state.hopeful)
        state.stage.majority = (continuing // UNIT // 2 + 1) * UNIT
        leader = state.by_votes(state.hopeful)[0]
        if 2 * state.votes(leader) > continuing or len(state.hopeful) == 1:
            state.elect(leader)
            break
        candidate, tie = state.pick(state.hopeful, lowest=True, purpose="exclusion")
        state.transfer(candidate, "exclusion", None, tie)
    return state.result
