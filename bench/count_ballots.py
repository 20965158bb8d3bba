"""Time the vote count on a million ranked ballots, and pyrankvote on the same ballots.

    .venv/bin/python bench/count_ballots.py [--ballots 1000000] [--options 20] [--seed 1]
                                            [--pyrankvote-sample N] [--files]

Ballots are generated with numpy (seeded): options have skewed appeal, each
ballot ranks them in a Plackett-Luce order (more appealing first, usually),
and lengths vary from one preference to all of them. Reports, separately:
preparing the Election (packing and checking), our IRV, our STV for 3 seats,
peak memory (tracemalloc over preparation and counts, and ru_maxrss), the same
counts after merging identical rankings, and pyrankvote's IRV on the same
ballots (or, with --pyrankvote-sample N, on the first N, scaled up and labelled
as an extrapolation). With --files it also times writing and reading them as BLT.
Targets: IRV <= 1 s, STV (3 seats) <= 3 s, peak memory <= 300 MB.
"""

import argparse
import io
import os
import resource
import sys
import time
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import pyrankvote  # noqa: E402

from engage.counting import BallotTable, Election, count, parse_blt, write_blt  # noqa: E402

CHUNK = 100_000
MB = 1024 * 1024


def generate(ballots: int, options: int, seed: int) -> np.ndarray:
    """An (n, options) int8 array of rankings, -1 after each ballot's last preference."""
    rng = np.random.default_rng(seed)
    appeal = np.log(1.0 / np.arange(1, options + 1) ** 1.1)  # Zipf-like popularity
    rng.shuffle(appeal)
    rankings = np.empty((ballots, options), dtype=np.int8)
    for start in range(0, ballots, CHUNK):
        size = min(CHUNK, ballots - start)
        # Gumbel-max trick: sorting appeal + Gumbel noise draws a Plackett-Luce ranking.
        noise = rng.gumbel(size=(size, options)) + appeal
        chunk = np.argsort(-noise, axis=1).astype(np.int8)
        # Most people rank a few options; some rank many; one in ten ranks them all.
        lengths = np.minimum(rng.geometric(0.3, size=size), options)
        lengths[rng.random(size) < 0.1] = options
        chunk[np.arange(options)[None, :] >= lengths[:, None]] = -1
        rankings[start : start + size] = chunk
    return rankings


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def timed(label: str, work):
    """Run and time one step, printing the seconds."""
    started = time.perf_counter()
    value = work()
    seconds = time.perf_counter() - started
    print(f"  {label:<46} {seconds:7.3f} s")
    return value, seconds


def traced_peak(work) -> int:
    """The tracemalloc peak (bytes) of one step, timed separately since tracing slows it."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def pyrankvote_irv(names: list[str], rankings: np.ndarray) -> tuple[str, float, float]:
    """pyrankvote's winner, the time to build its ballots, and the time to count them."""
    started = time.perf_counter()
    candidates = [pyrankvote.Candidate(name) for name in names]
    papers = [
        pyrankvote.Ballot([candidates[i] for i in row if i >= 0]) for row in rankings.tolist()
    ]
    built = time.perf_counter() - started
    started = time.perf_counter()
    result = pyrankvote.instant_runoff_voting(candidates, papers)
    return result.get_winners()[0].name, built, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--options", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pyrankvote-sample", type=int, default=0, help="0: all the ballots")
    parser.add_argument("--files", action="store_true", help="also time BLT write and read")
    args = parser.parse_args()
    names = [f"Option {i + 1}" for i in range(args.options)]
    print(f"ru_maxrss after imports (Python, numpy, and the engage package): {rss_mb():.0f} MB")

    started = time.perf_counter()
    rankings = generate(args.ballots, args.options, args.seed)
    weights = np.ones(args.ballots, dtype=np.int64)
    mean = float((rankings >= 0).sum(axis=1).mean())
    print(
        f"Generated {args.ballots:,} ballots over {args.options} options "
        f"(mean ranking length {mean:.2f}) in {time.perf_counter() - started:.2f} s; "
        f"ru_maxrss now {rss_mb():.0f} MB\n"
    )

    def prepare_election() -> Election:
        return Election(names, BallotTable(rankings, weights), seats=3)

    election, prepare = timed("prepare: pack and check the Election", prepare_election)
    irv, irv_seconds = timed("count: IRV (one winner)", lambda: count(election, "irv", seed=1))
    stv, stv_seconds = timed("count: STV, 3 seats", lambda: count(election, "stv", seed=1))
    print(f"    IRV: {len(irv.stages)} stages, elected {irv.elected}")
    print(
        f"    STV: {len(stv.stages)} stages, quota {stv.to_dict()['quota']}, elected {stv.elected}"
    )

    def everything() -> None:
        fresh = prepare_election()
        count(fresh, "irv", seed=1)
        count(fresh, "stv", seed=1)

    peak = traced_peak(everything)
    rss_counted = rss_mb()

    print("\nOptional: merging identical rankings first (the count gives the same result)")
    grouped, merge_seconds = timed("merge identical rankings", lambda: election.grouped)
    merged = Election(names, grouped, seats=3)
    print(f"    {len(grouped):,} distinct rankings")
    irv_m, _ = timed("count: IRV on merged", lambda: count(merged, "irv", seed=1))
    stv_m, _ = timed("count: STV, 3 seats, on merged", lambda: count(merged, "stv", seed=1))
    assert irv_m.to_dict() == irv.to_dict() and stv_m.to_dict() == stv.to_dict()

    if args.files:
        print()
        out = io.StringIO()
        timed("files: write BLT", lambda: write_blt(election, out))
        text = out.getvalue()
        print(f"    {len(text) / MB:.1f} MB of BLT")
        timed("files: parse BLT", lambda: parse_blt(text))
        del text, out

    sample = args.pyrankvote_sample or args.ballots
    print(f"\npyrankvote IRV on {sample:,} ballots")
    theirs, built, counted = pyrankvote_irv(names, rankings[:sample])
    print(f"  build its Ballot objects {built:.2f} s, count {counted:.2f} s, winner {theirs}")
    scale = args.ballots / sample
    label = "measured" if scale == 1 else f"EXTRAPOLATED x{scale:g} from {sample:,} ballots"
    whole = (built + counted) * scale

    print("\nSummary")
    print(f"  prepare (pack and check):      {prepare:7.3f} s")
    print(f"  our IRV count:                 {irv_seconds:7.3f} s   (target <= 1 s)")
    print(f"  our STV count, 3 seats:        {stv_seconds:7.3f} s   (target <= 3 s)")
    print(f"  tracemalloc peak, prep+counts: {peak / MB:7.1f} MB  (target <= 300 MB)")
    print(f"  ru_maxrss after the counts:    {rss_counted:7.0f} MB  (whole process so far)")
    print(f"  ru_maxrss at the end:          {rss_mb():7.0f} MB  (with pyrankvote's objects)")
    print(f"  pyrankvote IRV count ({label}): {counted * scale:.2f} s")
    print(f"    = {counted * scale / irv_seconds:.0f}x our IRV count")
    print(f"    with building its ballots: {whole:.2f} s")
    print(f"    = {whole / (prepare + irv_seconds):.0f}x our prepare + IRV count")
    ours = irv.elected[0]
    if scale != 1:
        small = Election(names, BallotTable(rankings[:sample], weights[:sample]))
        ours = count(small, "irv", seed=1).elected[0]
    agree = "agree" if theirs == ours else "DIFFER"
    on = "" if scale == 1 else f" on the first {sample:,} ballots"
    print(f"  winners{on}: ours {ours}, pyrankvote {theirs} ({agree})")
    print(f"  merging identical rankings first would add {merge_seconds:.3f} s")


if __name__ == "__main__":
    main()
