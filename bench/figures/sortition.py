"""LEXIMIN panel selection (engage.sortition): the paper's example_large_200 (2,000
respondents, panels of 200; Gurobi took 1,162 s in the paper), skipped with a reason
when ../shared/conformance/sortition is absent, and a generated 1,000-volunteer pool
whose quotas force unequal probabilities. The baseline, measured in the same run, is
the per-respondent column generation (``leximin_per_respondent``) on a generated pool of
200 (at full size) or 100 (smoke). Memory is tracemalloc's peak during the call."""

import os
import tracemalloc

from engage.sortition import Pool, leximin, read_pool
from engage.sortition.generated import skewed_pool
from engage.sortition.leximin import leximin_per_respondent
from figures.common import BENCH, Context, row, seconds

EXAMPLES = os.path.join(os.path.dirname(BENCH), "..", "shared", "conformance", "sortition")


def citizens_pool(n: int, k: int, seed: int = 1) -> tuple[Pool, int]:
    """``n`` volunteers over gender, age, region and education (96 profiles), skewed
    from a population whose shares set the quotas: probabilities must be unequal."""
    return skewed_pool(n, k, seed)


def _measured(pool: Pool, k: int, how=leximin) -> tuple[float, float, float]:
    """Seconds (untraced), tracemalloc peak in MB (a second run), the smallest probability."""
    found = []
    took = seconds(lambda: found.append(how(pool, k)))
    tracemalloc.start()
    try:
        how(pool, k)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    return took, peak, min(found[0].agent_probabilities)


def sortition(context: Context) -> list[dict]:
    smoke = context.scale < 1
    small = citizens_pool(100 if smoke else 200, 10 if smoke else 20)
    base, base_peak, _ = _measured(*small, how=leximin_per_respondent)
    base_name = f"per-respondent LEXIMIN, generated pool of {small[0].size}, panels of {small[1]}"
    rows = []
    folder = os.path.join(EXAMPLES, "example_large_200")
    if os.path.isdir(folder):
        pool = read_pool(
            os.path.join(folder, "categories.csv"), os.path.join(folder, "respondents.csv")
        )
        took, peak, least = _measured(pool, 200)
        rows.append(
            row(
                f"LEXIMIN, example_large_200 (2,000, panels of 200; minimum {least:.4f}; "
                "the paper's Gurobi run: 1,162 s)",
                took,
                "s",
                base_name,
                base,
                "<= 10 s",
                took <= 10,
            )
        )
        rows.append(
            row("LEXIMIN, example_large_200, tracemalloc peak", peak, "MB", base_name, base_peak)
        )
    else:
        print(f"sortition: example_large_200 skipped: {os.path.abspath(folder)} is absent")
    n = 300 if smoke else 1_000
    pool, k = citizens_pool(n, n // 10)
    took, peak, least = _measured(pool, k)
    rows.append(
        row(
            f"LEXIMIN, generated pool of {n:,}, panels of {k}, unequal (minimum {least:.4f})",
            took,
            "s",
            base_name,
            base,
            "<= 30 s",
            took <= 30,
        )
    )
    rows.append(
        row(f"LEXIMIN, generated pool of {n:,}, tracemalloc peak", peak, "MB", base_name, base_peak)
    )
    return rows
