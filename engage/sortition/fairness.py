"""Fairness figures of an allocation's selection probabilities."""

from collections.abc import Sequence

import numpy as np


def minimum(probabilities: Sequence[float]) -> float:
    """The smallest selection probability."""
    return float(np.min(probabilities))


def gini(probabilities: Sequence[float]) -> float:
    """Gini coefficient: mean absolute difference over all pairs, divided by twice the mean."""
    p = np.sort(np.asarray(probabilities, dtype=float))
    n = len(p)
    if n == 0 or p.sum() == 0:
        return 0.0
    # Σ_{i,j} |p_i − p_j| = 2 Σ_i (2i − n + 1) p_(i) for sorted p, i from 0.
    ranks = 2 * np.arange(n) - n + 1
    return float(2 * np.dot(ranks, p) / (2 * n * n * p.mean()))


def geometric_mean(probabilities: Sequence[float]) -> float:
    """Geometric mean; 0 when anyone has no chance at all."""
    p = np.asarray(probabilities, dtype=float)
    if np.any(p <= 0):
        return 0.0
    return float(np.exp(np.mean(np.log(p))))
