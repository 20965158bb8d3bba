"""Our IRV and STV counts over generated ranked ballots (bench/count_ballots.py), against
pyrankvote's IRV on the same ballots."""

import numpy as np
from count_ballots import generate, pyrankvote_irv

from engage.counting import BallotTable, Election, count
from figures.common import Context, row, seconds

OPTIONS = 20


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
            f"IRV count, {n:,} ballots of {OPTIONS} options",
            irv,
            "s",
            "pyrankvote IRV count, same ballots",
            theirs,
            "<= 1 s",
            irv <= 1,
        ),
        row(
            f"STV count (3 seats), {n:,} ballots",
            stv,
            "s",
            "pyrankvote IRV count, same ballots",
            theirs,
            "<= 3 s",
            stv <= 3,
        ),
    ]
