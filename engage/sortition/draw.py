"""Drawing one panel from an allocation, repeatably from a seed."""

import numpy as np

from engage.sortition.leximin import Allocation
from engage.sortition.panels import Panel


def draw_panel(allocation: Allocation, seed: int) -> Panel:
    """One panel, drawn with probability its share of the allocation.

    Deterministic and documented so anyone can re-run a published draw: the panels
    are sorted canonically (each as its ascending tuple of respondent indices, the
    panels in lexicographic order), one number u is taken from
    ``numpy.random.default_rng(seed).random()``, and the panel chosen is the first
    whose cumulative probability exceeds u × total.
    """
    order = sorted(range(len(allocation.panels)), key=lambda j: tuple(sorted(allocation.panels[j])))
    weights = np.array([allocation.probabilities_of_panels[j] for j in order])
    u = np.random.default_rng(seed).random() * weights.sum()
    position = int(np.searchsorted(np.cumsum(weights), u, side="right"))
    return tuple(sorted(allocation.panels[order[min(position, len(order) - 1)]]))
