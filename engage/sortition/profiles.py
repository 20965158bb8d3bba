"""LEXIMIN over profile types, then panels of individuals.

Respondents who count towards exactly the same quotas, and whom no household rule
binds, are interchangeable: swapping two of them maps every feasible panel to a
feasible panel. The LEXIMIN probabilities are unique, so interchangeable respondents
get equal probabilities, and LEXIMIN can be found over *types*: a panel becomes a
vector of counts c_t ∈ [0, n_t] (Σ c_t = k, the quota rows over types), a type's
probability is E[c_t] / n_t, and column generation prices count vectors with a small
integer program. Respondents in a household of more than one (when the household rule
applies) are each a type of their own, with a row of at most one per household.

The distribution over count vectors is then spread over individuals (``expand``) so
that every member of a type gets E[c_t] / n_t exactly: ``draw_panel`` draws from the
individual panels.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from math import gcd

import highspy
import numpy as np

from engage.sortition.leximin import SLACK, TOLERANCE, Allocation, _agent_probabilities, _solve
from engage.sortition.panels import InfeasibleQuotas, Panel, PanelFinder
from engage.sortition.pool import Pool
from engage.sortition.solver import new_solver

Counts = tuple[int, ...]


@dataclass(frozen=True)
class Types:
    """The respondents of each type (ascending indices), the quotas each type counts
    towards, and the households as lists of types (each of size one)."""

    members: tuple[np.ndarray, ...]
    quotas: tuple[tuple[int, ...], ...]
    households: tuple[tuple[int, ...], ...]

    @property
    def sizes(self) -> np.ndarray:
        return np.array([len(m) for m in self.members], dtype=float)

    def __len__(self) -> int:
        return len(self.members)


def types_of(pool: Pool, *, households: bool = True) -> Types:
    """Group the respondents into types; anyone in a household of more than one (when
    the household rule applies) is a type alone."""
    bound: dict[str, list[int]] = defaultdict(list)
    if households and pool.households is not None:
        for i, household in enumerate(pool.households):
            if household:
                bound[household].append(i)
    alone = {i for together in bound.values() if len(together) > 1 for i in together}
    memberships = [set(pool.members_with(q)) for q in pool.quotas]
    groups: dict[tuple, list[int]] = {}
    for i in range(pool.size):
        counted = tuple(q for q, members in enumerate(memberships) if i in members)
        key: tuple = ("alone", i) if i in alone else ("profile", counted)
        groups.setdefault(key, []).append(i)
    members = tuple(np.array(g, dtype=np.int64) for g in groups.values())
    type_of = np.empty(pool.size, dtype=np.int64)
    for t, m in enumerate(members):
        type_of[m] = t
    quotas = tuple(
        tuple(sorted({int(type_of[i]) for i in pool.members_with(q)})) for q in pool.quotas
    )
    rows = tuple(
        tuple(int(type_of[i]) for i in together) for together in bound.values() if len(together) > 1
    )
    return Types(members, quotas, rows)


class CountFinder:
    """The panel MIP over types: integer c_t ∈ [0, n_t], Σ c_t = k, each quota over the
    types that count towards it, at most one per household; weights per member."""

    def __init__(self, pool: Pool, k: int, types: Types, *, households: bool = True) -> None:
        if not 0 < k <= pool.size:
            raise ValueError(f"A panel of {k} cannot be drawn from a pool of {pool.size}")
        self.pool, self.k, self.households = pool, k, households
        self.t = t = len(types)
        h = new_solver()
        h.setOptionValue("mip_rel_gap", 1e-9)
        h.setOptionValue("mip_abs_gap", 1e-10)
        h.addVars(t, np.zeros(t), types.sizes)
        everything = np.arange(t, dtype=np.int32)
        h.changeColsIntegrality(t, everything, np.full(t, highspy.HighsVarType.kInteger))
        h.addRow(k, k, t, everything, np.ones(t))
        for quota, counted in zip(pool.quotas, types.quotas, strict=True):
            idx = np.array(counted, dtype=np.int32)
            h.addRow(quota.minimum, quota.maximum, len(idx), idx, np.ones(len(idx)))
        for together in types.households:
            idx = np.array(together, dtype=np.int32)
            h.addRow(0, 1, len(idx), idx, np.ones(len(idx)))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self._highs = h

    def best(self, weights: np.ndarray) -> tuple[Counts, float]:
        """The feasible count vector with the largest total weight, and that total."""
        h = self._highs
        w = np.asarray(weights, dtype=float)
        h.changeColsCost(self.t, np.arange(self.t, dtype=np.int32), w)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            # The respondents' MIP words the failure as everywhere else.
            PanelFinder(self.pool, self.k, households=self.households).best(
                np.zeros(self.pool.size)
            )
            raise InfeasibleQuotas("No panel meets every quota")  # pragma: no cover
        counts = tuple(int(c) for c in np.rint(np.asarray(h.getSolution().col_value)))
        return counts, float(np.dot(w, counts))


class _TypeDualLP:
    """The dual LP of ``leximin._DualLP`` over types: min ŷ − Σ_fixed p_t y_t subject to
    Σ_t (c_t / n_t) y_t ≤ ŷ per count vector of the portfolio, Σ_unfixed y_t = 1,
    y ≥ 0, where y_t is the sum of the duals of type t's members. The duals of its rows
    are the weights λ over the portfolio of the primal, max z with every fixed type at
    least p_t − ``SLACK`` and every unfixed one at least z."""

    def __init__(self, sizes: np.ndarray) -> None:
        self.t = t = len(sizes)
        self.sizes = sizes
        h = new_solver()
        # λ's shortfall on a fixed probability is a reduced cost here: HiGHS's default
        # tolerance (1e-7) would let it miss by a hundred times ``SLACK``.
        h.setOptionValue("primal_feasibility_tolerance", 1e-9)
        h.setOptionValue("dual_feasibility_tolerance", 1e-10)
        h.addVars(t + 1, np.zeros(t + 1), np.full(t + 1, highspy.kHighsInf))
        h.changeColCost(t, 1.0)
        h.addRow(1.0, 1.0, t, np.arange(t, dtype=np.int32), np.ones(t))
        self._highs = h

    def add(self, counts: Counts) -> None:
        c = np.asarray(counts, dtype=float)
        nonzero = np.flatnonzero(c)
        idx = np.array([*nonzero, self.t], dtype=np.int32)
        values = np.append(c[nonzero] / self.sizes[nonzero], -1.0)
        self._highs.addRow(-highspy.kHighsInf, 0.0, len(idx), idx, values)

    def fix(self, t: int, probability: float) -> None:
        self._highs.changeCoeff(0, t, 0.0)
        self._highs.changeColCost(t, -max(probability - SLACK, 0.0))

    def solve(self) -> tuple[np.ndarray, float, float]:
        h = self._highs
        _solve(h, "dual")
        x = np.asarray(h.getSolution().col_value)
        return (
            np.maximum(x[: self.t], 0.0),
            float(x[self.t]),
            float(h.getInfo().objective_function_value),
        )

    def weights(self) -> np.ndarray:
        """λ over the portfolio (in the order added) from the last solve, summing to 1."""
        lam = np.maximum(-np.asarray(self._highs.getSolution().row_dual)[1:], 0.0)
        total = lam.sum()
        if not total > 0:
            raise RuntimeError("The dual LP gave no distribution over the portfolio")
        return lam / total


def _initial_counts(finder: CountFinder, t: int) -> list[Counts]:
    """Count vectors that between them include every type that can be on a panel."""
    rng = np.random.default_rng(0)
    covered = np.zeros(t, dtype=bool)
    found: list[Counts] = []
    while not covered.all():
        weights = np.where(covered, 0.0, 1.0 + rng.random(t))
        counts, _ = finder.best(weights)
        on = np.asarray(counts) > 0
        if covered[on].all():
            break  # the rest are on no feasible panel
        found.append(counts)
        covered |= on
    return found


def type_leximin(
    pool: Pool, k: int, types: Types, *, households: bool = True
) -> tuple[list[Counts], np.ndarray]:
    """Column generation over count vectors: the portfolio and each type's LEXIMIN
    probability.

    After every stage the probabilities fixed so far are checked against the
    distribution λ over the portfolio that the stage's LP found, and any that λ misses
    by more than ``SLACK`` (the LP's own tolerances are far looser) comes down to what
    λ gives: one distribution always meets every fixed probability less ``SLACK``, so
    the next stage's LP is feasible and its dual bounded, and the final allocation
    exists.

    Pricing runs the MIP to optimality: stopping at the first improving count vector
    (HiGHS's objective target) gave weaker columns and more rounds, 19 s instead of
    14 s on a generated pool of 400 over 5 categories."""
    sizes = types.sizes
    t = len(types)
    finder = CountFinder(pool, k, types, households=households)
    portfolio = _initial_counts(finder, t)
    known = set(portfolio)
    dual = _TypeDualLP(sizes)
    for counts in portfolio:
        dual.add(counts)
    fixed: dict[int, float] = {}
    while len(fixed) < t:
        unfixed = [s for s in range(t) if s not in fixed]
        # The probabilities of all respondents sum to k, so the smallest unfixed one is
        # at most the mean over the unfixed respondents.
        ceiling = (k - sum(sizes[s] * p for s, p in fixed.items())) / sizes[unfixed].sum()
        while True:
            y, y_hat, value = dual.solve()
            if value >= ceiling - TOLERANCE:
                break
            counts, weight = finder.best(y / sizes)
            if weight <= y_hat + TOLERANCE or counts in known:
                break
            known.add(counts)
            portfolio.append(counts)
            dual.add(counts)
        achieved = dual.weights() @ np.array(portfolio, dtype=float) / sizes
        value = max(value, 0.0)
        if value >= ceiling - TOLERANCE:
            chosen = unfixed
        else:
            chosen = [s for s in unfixed if y[s] > TOLERANCE] or [max(unfixed, key=lambda s: y[s])]
        for s in list(fixed):
            if achieved[s] < fixed[s] - 2 * SLACK:
                fixed[s] = float(achieved[s]) + SLACK
                dual.fix(s, fixed[s])
        for s in chosen:
            fixed[s] = min(value, float(achieved[s]) + SLACK)
            dual.fix(s, fixed[s])
    return portfolio, np.array([fixed[s] for s in range(t)])


# A shortfall beyond this in the final allocation means the stages went wrong.
SHORTFALL = 1e-7


def type_allocation(
    portfolio: Sequence[Counts], sizes: np.ndarray, floors: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Count vectors with positive weight and their weights (summing to 1) giving every
    type at least its floor: a basic solution, so at most one count vector more than
    there are types.

    Minimises the largest shortfall δ, so the LP is always feasible, and raises
    RuntimeError when δ exceeds ``SHORTFALL``."""
    counts = np.array(portfolio, dtype=float)
    m, t = counts.shape
    h = new_solver()
    h.addVars(m + 1, np.zeros(m + 1), np.full(m + 1, highspy.kHighsInf))
    h.changeColCost(m, 1.0)
    for s in range(t):
        if floors[s] > 0:
            idx = np.flatnonzero(counts[:, s]).astype(np.int32)
            h.addRow(
                floors[s],
                highspy.kHighsInf,
                len(idx) + 1,
                np.append(idx, m).astype(np.int32),
                np.append(counts[idx, s] / sizes[s], 1.0),
            )
    h.addRow(1.0, 1.0, m, np.arange(m, dtype=np.int32), np.ones(m))
    _solve(h, "allocation")
    solution = np.asarray(h.getSolution().col_value)
    if solution[m] > SHORTFALL:
        raise RuntimeError(
            f"The allocation falls {solution[m]:.2g} short of the probabilities fixed"
        )
    weights = np.maximum(solution[:m], 0.0)
    keep = np.flatnonzero(weights > 1e-12)
    return counts[keep].astype(np.int64), weights[keep] / weights[keep].sum()


def expand(
    counts: np.ndarray, weights: np.ndarray, types: Types
) -> tuple[list[Panel], list[float]]:
    """Panels of individuals from weighted count vectors, each member of type t on
    panels of total weight Σ_j w_j c_jt / n_t exactly.

    The weights lie end to end on [0, 1). For each type and each count c strictly
    between 0 and n_t, the panels with that count, laid end to end, form a tape of
    length β cut into L = n_t / gcd(n_t, c) equal pieces; piece s takes the c members
    from position s·c round the type's circle of members. The L windows go round the
    circle c / gcd times, so every member is on c / gcd pieces of weight β / L:
    c β / n_t. Cutting [0, 1) at every piece's ends gives at most Σ L more panels."""
    m, t = counts.shape
    ends = np.cumsum(weights)
    ends[-1] = 1.0
    starts = np.concatenate([[0.0], ends[:-1]])
    sizes = [len(members) for members in types.members]
    cuts = [starts, ends]
    # Per (type, count): the panels in order, where each starts on the tape, β and L.
    tapes: dict[tuple[int, int], tuple[np.ndarray, np.ndarray, float, int]] = {}
    for s in range(t):
        n_s = sizes[s]
        for c in np.unique(counts[:, s]):
            c = int(c)
            if c in (0, n_s):
                continue
            panels = np.flatnonzero(counts[:, s] == c)
            lengths = weights[panels]
            on_tape = np.concatenate([[0.0], np.cumsum(lengths)])
            beta = float(on_tape[-1])
            pieces = n_s // gcd(n_s, c)
            tapes[(s, c)] = (panels, on_tape, beta, pieces)
            at = np.arange(1, pieces) * (beta / pieces)
            which = np.clip(np.searchsorted(on_tape, at, side="right") - 1, 0, len(panels) - 1)
            cuts.append(starts[panels[which]] + (at - on_tape[which]))
    points = np.unique(np.concatenate(cuts))
    points = points[(points >= 0.0) & (points <= 1.0)]
    # Cuts closer than this are one cut: the sliver between would weigh nothing.
    points = points[np.concatenate([[True], np.diff(points) > 1e-15])]
    points[-1] = 1.0
    middles = (points[:-1] + points[1:]) / 2
    masses = np.diff(points)
    panel_of = np.minimum(np.searchsorted(ends, middles, side="right"), m - 1)
    doubled = [np.concatenate([mem, mem]) for mem in types.members]
    rotating: list[list[tuple[int, int]]] = [[] for _ in range(m)]
    whole: list[np.ndarray] = []
    for j in range(m):
        everyone = [types.members[s] for s in range(t) if counts[j, s] == sizes[s]]
        whole.append(np.concatenate(everyone) if everyone else np.zeros(0, dtype=np.int64))
        rotating[j] = [(s, int(counts[j, s])) for s in range(t) if 0 < counts[j, s] < sizes[s]]
    position = {key: {int(p): i for i, p in enumerate(tape[0])} for key, tape in tapes.items()}
    found: dict[Panel, float] = {}
    for middle, mass, j in zip(middles, masses, panel_of, strict=True):
        if mass <= 0:
            continue
        parts = [whole[j]]
        for s, c in rotating[j]:
            _panels, on_tape, beta, pieces = tapes[(s, c)]
            along = on_tape[position[(s, c)][int(j)]] + (middle - starts[j])
            piece = min(int(along * pieces / beta), pieces - 1)
            first = piece * c % sizes[s]
            parts.append(doubled[s][first : first + c])
        panel = tuple(sorted(int(i) for i in np.concatenate(parts)))
        found[panel] = found.get(panel, 0.0) + float(mass)
    total = sum(found.values())
    return list(found), [w / total for w in found.values()]


def profile_leximin(pool: Pool, k: int, *, households: bool = True) -> Allocation:
    """The LEXIMIN allocation found over types and spread over individuals."""
    types = types_of(pool, households=households)
    portfolio, floors = type_leximin(pool, k, types, households=households)
    counts, weights = type_allocation(portfolio, types.sizes, floors)
    panels, probabilities = expand(counts, weights, types)
    agents = _agent_probabilities(panels, probabilities, pool.size)
    # Nothing leaves unchecked: every member at least its type's fixed probability.
    least = np.zeros(pool.size)
    for members, floor in zip(types.members, floors, strict=True):
        least[members] = floor
    short = float(np.max(least - np.asarray(agents)))
    if short > 1e-6 or abs(sum(agents) - k) > 1e-6:
        raise RuntimeError(f"The panels over types fall {short:.2g} short of LEXIMIN")
    return Allocation(tuple(panels), tuple(probabilities), agents)
