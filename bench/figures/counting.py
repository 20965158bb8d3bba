"""Our IRV and STV counts of generated ranked ballots already in memory (bench/count_ballots.py),
against pyrankvote's IRV count of the same ballots as its own objects, also already in memory.

Neither side reads a file, starts a process or builds its ballots inside the timing: this
compares the counting loops only. The end-to-end comparison (a file, a fresh process, reading
and building included) is the ``count_end_to_end`` figure.
"""

import numpy as np
from count_ballots import generate, pyrankvote_irv

from engage.counting import BallotTable, Election, count
from figures.common import Context, row, seconds

OPTIONS = 20
BASELINE = (
    "pyrankvote instant_runoff_voting alone, its Ballot objects already built in memory"
    " (building them not timed)"
)


def counting(context: Context) -> list[dict]:
    n = context.responses(1_000_000)
    names = [f"Option {i + 1}" for i in range(OPTIONS)]
    rankings = generate(n, OPTIONS, seed=1)
    election = Election(names, BallotTable(rankings, np.ones(n, dtype=np.int64)), seats=3)
    irv = seconds(lambda: count(election, "irv", seed=1))
    stv = seconds(lambda: count(election, "stv", seed=1))
    _winner, _built, theirs = pyrankvote_irv(names, rankings)
    return [
        row(
            f"IRV count only, {n:,} skewed ballots of {OPTIONS} options already in memory"
            " (packed Election, no file, no start-up)",
            irv,
            "s",
            BASELINE,
            theirs,
            "<= 1 s",
            irv <= 1,
        ),
        # pyrankvote's STV cannot check ours (see engage/counting/recount.py), so this
        # row has no baseline: a ratio to its IRV would compare different counts.
        row(
            f"STV count only (3 seats), {n:,} skewed ballots already in memory",
            stv,
            "s",
            target="<= 3 s",
            ok=stv <= 3,
        ),
    ]
