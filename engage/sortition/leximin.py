"""LEXIMIN selection probabilities (Flanigan, Gölz, Gupta, Hennig, Procaccia, Nature 2021).

Among all distributions over feasible panels, LEXIMIN maximises the smallest
selection probability, then the next smallest, and so on. ``leximin`` finds it by
column generation: a portfolio of panels grows while a dual LP over the portfolio
is priced by the panel MIP. ``exact_leximin`` runs the textbook sequence of LPs over
an explicit list of every feasible panel, so the two can be checked against each
other on small pools.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from engage.sortition.panels import Panel, PanelFinder
from engage.sortition.pool import Pool
from engage.sortition.solver import new_solver

logger = logging.getLogger(__name__)

TOLERANCE = 1e-7
# Fixed probabilities enter later LPs this much lower, so that rounding in one
# stage cannot make the next stage's LP infeasible.
SLACK = 1e-9


@dataclass(frozen=True)
class Allocation:
    """Panels with positive probability, their probabilities, and each respondent's."""

    panels: tuple[Panel, ...]
    probabilities_of_panels: tuple[float, ...]
    agent_probabilities: tuple[float, ...]


def _highs() -> highspy.Highs:
    return new_solver()


def _solve(h: highspy.Highs, what: str) -> None:
    h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"The {what} LP ended {h.modelStatusToString(status)}")


class _DualLP:
    """min ŷ − Σ_fixed p_i y_i  s.t.  Σ_{i∈P} y_i ≤ ŷ for P in the portfolio,
    Σ_unfixed y_i = 1, y ≥ 0. Its value is the largest smallest probability of an
    unfixed respondent that the portfolio allows with the fixed ones kept."""

    def __init__(self, n: int) -> None:
        self.n = n
        h = _highs()
        h.addVars(n + 1, np.zeros(n + 1), np.full(n + 1, highspy.kHighsInf))
        h.changeColCost(n, 1.0)
        h.addRow(1.0, 1.0, n, np.arange(n, dtype=np.int32), np.ones(n))
        self._highs = h

    def add(self, panel: Panel) -> None:
        idx = np.array([*panel, self.n], dtype=np.int32)
        values = np.ones(len(idx))
        values[-1] = -1.0
        self._highs.addRow(-highspy.kHighsInf, 0.0, len(idx), idx, values)

    def fix(self, i: int, probability: float) -> None:
        self._highs.changeCoeff(0, i, 0.0)
        self._highs.changeColCost(i, -max(probability - SLACK, 0.0))

    def solve(self) -> tuple[np.ndarray, float, float]:
        """Dual values y, ŷ, and the objective value."""
        h = self._highs
        _solve(h, "dual")
        x = np.asarray(h.getSolution().col_value)
        return (
            np.maximum(x[: self.n], 0.0),
            float(x[self.n]),
            float(h.getInfo().objective_function_value),
        )


def _initial_panels(finder: PanelFinder, n: int) -> list[Panel]:
    """Panels that between them include every respondent who can be on any panel."""
    rng = np.random.default_rng(0)
    covered = np.zeros(n, dtype=bool)
    panels: list[Panel] = []
    while not covered.all():
        weights = np.where(covered, 0.0, 1.0 + rng.random(n))
        panel, _ = finder.best(weights)
        if covered[list(panel)].all():
            break  # the rest are on no feasible panel
        panels.append(panel)
        covered[list(panel)] = True
    return panels


def leximin(pool: Pool, k: int, *, households: bool = True) -> Allocation:
    """The LEXIMIN allocation of panels of ``k`` from ``pool``, by column generation.

    Interchangeable respondents (the same quotas, no household binding them) get the
    same LEXIMIN probability, so the work is done over their types
    (``engage.sortition.profiles``) and spread over individuals at the end; it gives
    the probabilities ``leximin_per_respondent`` gives, far faster on large pools.

    Should HiGHS fail on the path over types (RuntimeError: an LP not solved, or an
    allocation short of the probabilities its stages fixed), the per-respondent path
    is run instead and its answer returned; the failure is logged.

    Raises ``InfeasibleQuotas`` when no panel of ``k`` meets every quota.
    """
    from engage.sortition.profiles import profile_leximin

    try:
        return profile_leximin(pool, k, households=households)
    except RuntimeError as error:
        logger.warning("LEXIMIN over types failed (%s); solving per respondent", error)
        return leximin_per_respondent(pool, k, households=households)


def leximin_per_respondent(pool: Pool, k: int, *, households: bool = True) -> Allocation:
    """``leximin`` with a variable per respondent in every LP and MIP: the reference the
    faster path over types is checked against."""
    n = pool.size
    finder = PanelFinder(pool, k, households=households)
    portfolio = _initial_panels(finder, n)
    known = set(portfolio)
    dual = _DualLP(n)
    for panel in portfolio:
        dual.add(panel)
    fixed: dict[int, float] = {}
    while len(fixed) < n:
        unfixed = [i for i in range(n) if i not in fixed]
        # Every panel has k members, so the probabilities sum to k and the smallest
        # unfixed one is at most the mean of the rest; reaching it ends the stage
        # early, with every unfixed respondent at that mean.
        ceiling = (k - sum(fixed.values())) / len(unfixed)
        while True:
            y, y_hat, value = dual.solve()
            if value >= ceiling - TOLERANCE:
                break
            panel, weight = finder.best(y)
            if weight <= y_hat + TOLERANCE or panel in known:
                break
            known.add(panel)
            portfolio.append(panel)
            dual.add(panel)
        value = max(value, 0.0)
        if value >= ceiling - TOLERANCE:
            chosen = unfixed
        else:
            chosen = [i for i in unfixed if y[i] > TOLERANCE] or [max(unfixed, key=lambda i: y[i])]
        for i in chosen:
            fixed[i] = value
            dual.fix(i, value)
    return _allocation(portfolio, n, [fixed[i] for i in range(n)])


def _allocation(panels: Sequence[Panel], n: int, floors: Sequence[float]) -> Allocation:
    """A distribution over ``panels`` giving every respondent at least ``floors``.

    Minimises the largest shortfall δ so that tiny rounding in the stages never
    makes the LP infeasible.
    """
    m = len(panels)
    h = _highs()
    h.addVars(m + 1, np.zeros(m + 1), np.full(m + 1, highspy.kHighsInf))
    h.changeColCost(m, 1.0)
    containing: list[list[int]] = [[] for _ in range(n)]
    for j, panel in enumerate(panels):
        for i in panel:
            containing[i].append(j)
    for i in range(n):
        if floors[i] > 0:
            idx = np.array([*containing[i], m], dtype=np.int32)
            h.addRow(floors[i], highspy.kHighsInf, len(idx), idx, np.ones(len(idx)))
    h.addRow(1.0, 1.0, m, np.arange(m, dtype=np.int32), np.ones(m))
    _solve(h, "allocation")
    weights = np.maximum(np.asarray(h.getSolution().col_value)[:m], 0.0)
    keep = [j for j in range(m) if weights[j] > 1e-12]
    total = float(weights[keep].sum())
    chosen = tuple(panels[j] for j in keep)
    probabilities = tuple(float(weights[j] / total) for j in keep)
    return Allocation(chosen, probabilities, _agent_probabilities(chosen, probabilities, n))


def _agent_probabilities(
    panels: Iterable[Panel], probabilities: Iterable[float], n: int
) -> tuple[float, ...]:
    pi = np.zeros(n)
    for panel, p in zip(panels, probabilities, strict=True):
        pi[list(panel)] += p
    return tuple(float(p) for p in pi)


def _primal(
    panels: Sequence[Panel], n: int, fixed: dict[int, float], floor: float | None
) -> highspy.Highs:
    """λ over ``panels`` (columns 0..m-1) and z (column m): Σλ = 1, fixed respondents
    keep their probability, unfixed ones get at least z (or ``floor`` when given)."""
    m = len(panels)
    h = _highs()
    h.addVars(m + 1, np.zeros(m + 1), np.full(m + 1, highspy.kHighsInf))
    if floor is not None:
        h.changeColBounds(m, floor - SLACK, floor - SLACK)
    containing: list[list[int]] = [[] for _ in range(n)]
    for j, panel in enumerate(panels):
        for i in panel:
            containing[i].append(j)
    for i in range(n):
        if i in fixed:
            idx = np.array(containing[i], dtype=np.int32)
            values = np.ones(len(idx))
            low = fixed[i] - SLACK
        else:
            idx = np.array([*containing[i], m], dtype=np.int32)
            values = np.ones(len(idx))
            values[-1] = -1.0
            low = 0.0
        h.addRow(low, highspy.kHighsInf, len(idx), idx, values)
    h.addRow(1.0, 1.0, m, np.arange(m, dtype=np.int32), np.ones(m))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    return h


def exact_leximin(panels: Sequence[Panel], n: int) -> Allocation:
    """LEXIMIN over an explicit list of every feasible panel, by the textbook LPs.

    Each stage maximises the smallest unfixed probability z, then fixes every
    unfixed respondent whose probability cannot rise above z (one LP each).
    """
    panels = list(panels)
    if not panels:
        raise ValueError("No feasible panels")
    m = len(panels)
    fixed: dict[int, float] = {}
    while len(fixed) < n:
        h = _primal(panels, n, fixed, None)
        h.changeColCost(m, 1.0)
        _solve(h, "stage")
        z = max(float(h.getInfo().objective_function_value), 0.0)
        stuck = []
        for i in range(n):
            if i in fixed:
                continue
            probe = _primal(panels, n, fixed, z)
            for j, panel in enumerate(panels):
                if i in panel:
                    probe.changeColCost(j, 1.0)
            _solve(probe, "probe")
            if probe.getInfo().objective_function_value <= z + TOLERANCE:
                stuck.append(i)
        if not stuck:
            raise RuntimeError("No probability could be fixed at this stage")
        for i in stuck:
            fixed[i] = z
    return _allocation(panels, n, [fixed[i] for i in range(n)])
