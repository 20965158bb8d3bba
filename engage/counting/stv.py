"""STV as the Scottish Local Government Elections Order 2007 counts it (schedule 1, rules 45-52).

- Quota (46): floor(valid ballot papers / (seats + 1)) + 1, a whole number of votes.
- Election (47): a candidate whose votes equal or exceed the quota at the end of a
  stage is elected then, and receives no further transfers.
- Surpluses (48, 49): one per stage, the largest first; every ballot paper the
  elected candidate holds passes on at value * surplus / total, truncated to five
  decimal places (weighted inclusive Gregory). Level surpluses: the candidate with
  more votes at the latest stage where they differed goes first, else by lot.
- Exclusion (50, 51): when no surplus is waiting, the candidate with the fewest
  votes is excluded and all their papers pass on at their current value, in one
  stage. Ties: fewest at the latest stage where they differed, else by lot.
- Last vacancies (52): when the continuing candidates are no more than the seats
  left, they are all elected and no further transfer is made; a surplus still
  waiting is then never transferred.

Options (``CountOptions``) change some of this, and the result names them: the
fractional threshold, fewer decimal places, batch elimination, other tie-breaks,
undeclared write-ins excluded first, and RCTab's surplus transfers
(``surplus_transfer="rctab"``): every surplus of one stage transfers before anyone else
is elected (largest first, which cannot change any figure), at the fraction
surplus / votes truncated before it multiplies each value, and the last winners'
surpluses are transferred after the last seat is filled.
"""

from collections.abc import Sequence

import numpy as np

from engage.counting.ballots import UNIT, Election
from engage.counting.options import CountOptions
from engage.counting.result import CountResult
from engage.counting.stages import Count


def droop_quota(valid_ballots: int, seats: int) -> int:
    """The Scottish quota (rule 46) in units of 1e-5: whole votes, decimals ignored."""
    return (valid_ballots // (seats + 1) + 1) * UNIT


def count_stv(
    election: Election,
    seed: str,
    options: CountOptions | None = None,
    ends: np.ndarray | None = None,
    undervote: np.ndarray | None = None,
    undeclared: Sequence[str] = (),
) -> CountResult:
    """Fill ``election.seats`` seats; every stage is recorded in the result."""
    seats = election.seats
    state = Count(election, "stv", seats, seed, options, ends, undervote, undeclared)
    together = state.options.surplus_transfer == "rctab"
    quota = state.threshold(state.tally.valid * UNIT, seats)
    state.result.quota = quota
    waiting: list[int] = []  # elected candidates whose surplus has not been transferred
    state.exclude_write_ins()

    while True:
        reached = [c for c in state.hopeful if state.votes(c) >= quota]
        for candidate in state.by_votes(reached):
            state.elect(candidate)
            if state.votes(candidate) > quota:
                waiting.append(candidate)
        left = seats - len(state.result.elected)
        if left <= 0 or len(state.hopeful) <= left:
            break
        if waiting and together:
            _transfer_all(state, waiting, quota)
            continue
        if waiting:
            candidate, tie = state.pick(waiting, lowest=False, purpose="surplus")
            waiting.remove(candidate)
            surplus = state.votes(candidate) - quota
            state.transfer(candidate, "surplus", surplus, tie)
            continue
        state.exclude_lowest(state.hopeful, left)

    if len(state.hopeful) <= seats - len(state.result.elected):
        for candidate in state.hopeful[:]:
            state.elect(candidate)
    _ballot_order_at_the_close(state)
    if together and waiting:
        _transfer_all(state, waiting, quota, "transferred after the last seat was filled")
    return state.result


def _transfer_all(state: Count, waiting: list[int], quota: int, note: str | None = None) -> None:
    """Transfer every waiting surplus, largest first, with no election in between."""
    for candidate in state.by_votes(waiting):
        stage = state.transfer(candidate, "surplus", state.votes(candidate) - quota, None)
        stage.note = note
    waiting.clear()


def _ballot_order_at_the_close(state: Count) -> None:
    """Everyone elected at the close of the count (on reaching the quota in the last
    stage, or filling the last vacancies) is elected together: list them in
    ballot-paper order, as the declaration and the reference counts do."""
    last = state.stage.elected
    if len(last) < 2:
        return
    order = {name: index for index, name in enumerate(state.names)}
    last.sort(key=order.__getitem__)
    state.result.elected[-len(last) :] = last
