"""Raking a million responses to three margins (ward 20 categories, age band 7, sex 2),
against one numpy pass that counts the same codes (each margin's unweighted
distribution, a ``bincount`` per column): the least any weighting must do, read every
code once. Seconds are the median of three runs; memory is tracemalloc's peak (numpy's
arrays are traced) during the call, not the process's RSS."""

import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from engage.weighting.raking import rake
from figures.common import Context, median_seconds, row

SIZES = (20, 7, 2)


def responses(n: int, seed: int = 1) -> tuple[np.ndarray, list[np.ndarray]]:
    """Codes skewed as a survey's are (older people and some wards over-represented, the
    two associated, 2 % of ages blank), and targets for 150,000 people."""
    rng = np.random.default_rng(seed)
    ward = rng.choice(SIZES[0], n, p=rng.dirichlet(np.full(SIZES[0], 3.0)))
    older = np.log([0.05, 0.08, 0.12, 0.15, 0.18, 0.20, 0.22])
    tilt = rng.normal(0, 0.6, SIZES[0])[:, None] * np.linspace(-1, 1, SIZES[1])
    chances = np.exp(older + tilt)
    chances /= chances.sum(axis=1, keepdims=True)
    age = (rng.random(n)[:, None] > np.cumsum(chances, axis=1)[ward]).sum(axis=1)
    age = np.minimum(age, SIZES[1] - 1)
    sex = (rng.random(n) < 0.56).astype(np.int64)
    codes = np.column_stack([ward, age, sex])
    codes[rng.random(n) < 0.02, 1] = -1
    people = 150_000.0
    targets = [
        rng.dirichlet(np.full(SIZES[0], 5.0)) * people,
        np.array([0.16, 0.17, 0.17, 0.16, 0.14, 0.11, 0.09]) * people,
        np.array([0.49, 0.51]) * people,
    ]
    return codes, targets


def _peak_mb(work: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def weighting(context: Context) -> list[dict]:
    n = context.responses(1_000_000)
    codes, targets = responses(n)

    def count() -> list[np.ndarray]:
        return [np.bincount(codes[codes[:, j] >= 0, j], minlength=k) for j, k in enumerate(SIZES)]

    _, report = rake(codes, targets)
    if not report.converged:
        raise RuntimeError("\n".join(report.lines()))
    took = median_seconds(lambda: rake(codes, targets), repeat=3)
    baseline = median_seconds(count, repeat=3)
    peak, baseline_peak = _peak_mb(lambda: rake(codes, targets)), _peak_mb(count)
    baseline_name = "counting the same codes per margin (np.bincount)"
    return [
        row(
            f"Raking {n:,} responses to 3 margins ({report.iterations} passes)",
            took,
            "s",
            baseline_name,
            baseline,
            "<= 1 s",
            took <= 1,
        ),
        row(
            f"Raking {n:,} responses, tracemalloc peak",
            peak,
            "MB",
            baseline_name,
            baseline_peak,
            "<= 100 MB",
            peak <= 100,
        ),
    ]
