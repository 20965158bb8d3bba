"""Finding a feasible panel (size k, every quota met) that maximises a weight per respondent."""

from collections import defaultdict
from collections.abc import Sequence

import highspy
import numpy as np

from engage.sortition.pool import Pool
from engage.sortition.relax import Relaxation, explain
from engage.sortition.solver import new_solver

Panel = tuple[int, ...]


class InfeasibleQuotas(ValueError):
    """No panel of the requested size meets every quota.

    ``relaxation``, when given, names the quotas in conflict and the smallest change
    of minimums and maximums that would let a panel be drawn.
    """

    def __init__(self, message: str, relaxation: Relaxation | None = None) -> None:
        super().__init__(message)
        self.relaxation = relaxation


class PanelFinder:
    """One HiGHS integer program, kept between calls, whose weights change each time.

    Binary x_i per respondent, Σ x_i = k, min ≤ Σ_{i has f} x_i ≤ max per quota and,
    when the pool has household ids, at most one member per household.
    """

    def __init__(self, pool: Pool, k: int, *, households: bool = True) -> None:
        if not 0 < k <= pool.size:
            raise ValueError(f"A panel of {k} cannot be drawn from a pool of {pool.size}")
        self.pool, self.k, self.n = pool, k, pool.size
        self.households = households
        self.relaxation: Relaxation | None = None
        h = new_solver()
        h.setOptionValue("mip_rel_gap", 1e-9)
        h.setOptionValue("mip_abs_gap", 1e-10)
        n = self.n
        h.addVars(n, np.zeros(n), np.ones(n))
        h.changeColsIntegrality(
            n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger)
        )
        h.addRow(k, k, n, np.arange(n, dtype=np.int32), np.ones(n))
        for quota in pool.quotas:
            members = np.array(pool.members_with(quota), dtype=np.int32)
            h.addRow(quota.minimum, quota.maximum, len(members), members, np.ones(len(members)))
        if households and pool.households is not None:
            together: dict[str, list[int]] = defaultdict(list)
            for i, household in enumerate(pool.households):
                if household:
                    together[household].append(i)
            for members_list in together.values():
                if len(members_list) > 1:
                    idx = np.array(members_list, dtype=np.int32)
                    h.addRow(0, 1, len(idx), idx, np.ones(len(idx)))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self._highs = h

    def best(self, weights: Sequence[float] | np.ndarray) -> tuple[Panel, float]:
        """The feasible panel with the largest total weight, and that total."""
        h = self._highs
        w = np.asarray(weights, dtype=float)
        h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), w)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise InfeasibleQuotas(self._explain(), self.relaxation)
        x = np.asarray(h.getSolution().col_value)
        panel = tuple(int(i) for i in np.flatnonzero(x > 0.5))
        return panel, float(w[list(panel)].sum())

    def _explain(self) -> str:
        """Which quotas conflict and the smallest change that lets a panel be drawn."""
        self.relaxation = explain(self.pool, self.k, households=self.households)
        return self.relaxation.message


def all_panels(pool: Pool, k: int) -> list[Panel]:
    """Every feasible panel, by enumeration: only for pools small enough to list them."""
    from itertools import combinations

    memberships = [pool.members_with(q) for q in pool.quotas]
    households = pool.households
    found = []
    for panel in combinations(range(pool.size), k):
        chosen = set(panel)
        if all(
            q.minimum <= len(chosen.intersection(m)) <= q.maximum
            for q, m in zip(pool.quotas, memberships, strict=True)
        ) and (households is None or _one_per_household(panel, households)):
            found.append(panel)
    return found


def _one_per_household(panel: Panel, households: Sequence[str]) -> bool:
    ids = [households[i] for i in panel if households[i]]
    return len(ids) == len(set(ids))
