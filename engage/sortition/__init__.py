"""Fair selection of citizens' panels: LEXIMIN selection probabilities and seeded draws.

Pure logic with no Flask and no database: read a pool and its quotas, compute the
distribution over feasible panels that maximises the smallest selection probability
(then the next smallest, and so on), and draw one panel from it.
"""

from engage.sortition.draw import draw_panel
from engage.sortition.fairness import geometric_mean, gini, minimum
from engage.sortition.leximin import Allocation, exact_leximin, leximin
from engage.sortition.panels import InfeasibleQuotas, PanelFinder
from engage.sortition.pool import Pool, Quota, read_pool
from engage.sortition.relax import QuotaChange, Relaxation, explain
from engage.sortition.replace import Replacement, replace

__all__ = [
    "Allocation",
    "InfeasibleQuotas",
    "PanelFinder",
    "Pool",
    "Quota",
    "QuotaChange",
    "Relaxation",
    "Replacement",
    "draw_panel",
    "exact_leximin",
    "explain",
    "geometric_mean",
    "gini",
    "leximin",
    "minimum",
    "read_pool",
    "replace",
]
