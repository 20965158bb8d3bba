"""Explaining quotas that no panel can meet, and the smallest change that lets one be drawn.

``explain`` solves one HiGHS integer program: binary x_i per respondent, Σ x_i = k
and, per quota, min − lo_q ≤ Σ_{i has f} x_i ≤ max + hi_q with whole numbers
0 ≤ lo_q ≤ min and hi_q ≥ 0 (the household rule, when kept, is a hard constraint).
Minimising Σ (lo_q + hi_q) gives the smallest total change of minimums and maximums
that makes a draw possible. The quotas that cannot all be met together are then
found by a deletion filter: each quota bound in turn is dropped for good if the rest
still admit no panel, so the bounds left are a conflict in which every one matters;
that conflict is opened and the next one, if any, found the same way.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

import highspy
import numpy as np

from engage.sortition.pool import Pool, Quota
from engage.sortition.solver import new_solver

# A probe of the deletion filter that takes longer than this is taken to be
# feasible, so its bound stays in the conflict: the list may be longer, never wrong.
PROBE_SECONDS = 2.0


def name(quota: Quota) -> str:
    """``category=feature``, as a facilitator wrote it in the quotas file."""
    return f"{quota.category}={quota.feature}"


def _and(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def _volunteers(count: int) -> str:
    return f"{count} volunteer has" if count == 1 else f"{count} volunteers have"


@dataclass(frozen=True)
class QuotaChange:
    """``quota`` with its minimum lowered to ``new_minimum``, its maximum raised to ``new_maximum``,
    or both."""

    quota: Quota
    new_minimum: int
    new_maximum: int

    @property
    def size(self) -> int:
        """How many places the minimum comes down plus how many the maximum goes up."""
        return (self.quota.minimum - self.new_minimum) + (self.new_maximum - self.quota.maximum)

    @property
    def relaxed(self) -> Quota:
        """The quota with the new bounds."""
        return replace(self.quota, minimum=self.new_minimum, maximum=self.new_maximum)

    def __str__(self) -> str:
        q = self.quota
        parts = []
        if self.new_minimum != q.minimum:
            parts.append(f"lower {name(q)}'s minimum from {q.minimum} to {self.new_minimum}")
        if self.new_maximum != q.maximum:
            parts.append(f"raise {name(q)}'s maximum from {q.maximum} to {self.new_maximum}")
        return " and ".join(parts)


@dataclass(frozen=True)
class Relaxation:
    """Why no panel of ``k`` meets every quota, and the smallest change that would let one.

    ``changes`` is empty when the quotas can already be met (``possible`` is then
    True) or when no change of quotas helps (``possible`` is False: the pool is too
    small, or the household rule leaves too few people). Each group in ``conflicts``
    holds quotas that cannot all be met together, every one of them mattering; after
    the first group, each is a further clash left once the earlier ones are opened.
    ``message`` says all this in words.
    """

    k: int
    changes: tuple[QuotaChange, ...]
    conflicts: tuple[tuple[Quota, ...], ...]
    possible: bool
    message: str

    @property
    def total(self) -> int:
        """The total number of places by which minimums come down and maximums go up."""
        return sum(change.size for change in self.changes)

    def relaxed(self, pool: Pool) -> Pool:
        """``pool`` with its quotas changed as ``changes`` say."""
        new = {change.quota: change.relaxed for change in self.changes}
        return replace(pool, quotas=tuple(new.get(q, q) for q in pool.quotas))

    def __str__(self) -> str:
        return self.message


class _Model:
    """The relaxation program; columns are x_0..x_{n-1}, then lo per quota, then hi per quota.

    ``kept`` respondents are fixed on the panel and ``out`` fixed off it. The household
    rule (at most one per household) covers everyone else; the caller puts the
    housemates of kept respondents in ``out``.
    """

    def __init__(
        self,
        pool: Pool,
        k: int,
        households: bool,
        kept: Collection[int] = (),
        out: Collection[int] = (),
    ) -> None:
        self.pool, self.k = pool, k
        n, m = pool.size, len(pool.quotas)
        self.n, self.m = n, m
        h = new_solver()
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", 0.5)  # the objective is a whole number
        low = np.zeros(n)
        high = np.ones(n)
        low[list(kept)] = 1.0
        high[list(out)] = 0.0
        h.addVars(n, low, high)
        self.lo_bound = np.array([q.minimum for q in pool.quotas], dtype=float)
        self.hi_bound = np.full(m, float(k))
        h.addVars(m, np.zeros(m), self.lo_bound)
        h.addVars(m, np.zeros(m), self.hi_bound)
        columns = n + 2 * m
        h.changeColsIntegrality(
            columns,
            np.arange(columns, dtype=np.int32),
            np.full(columns, highspy.HighsVarType.kInteger),
        )
        h.addRow(k, k, n, np.arange(n, dtype=np.int32), np.ones(n))
        for j, quota in enumerate(pool.quotas):
            members = pool.members_with(quota)
            ones = np.ones(len(members) + 1)
            at_least = np.array([*members, n + j], dtype=np.int32)
            h.addRow(quota.minimum, highspy.kHighsInf, len(at_least), at_least, ones)
            at_most = np.array([*members, n + m + j], dtype=np.int32)
            minus = ones.copy()
            minus[-1] = -1.0
            h.addRow(-highspy.kHighsInf, quota.maximum, len(at_most), at_most, minus)
        if households and pool.households is not None:
            fixed = set(kept) | set(out)
            together: dict[str, list[int]] = defaultdict(list)
            for i, household in enumerate(pool.households):
                if household and i not in fixed:
                    together[household].append(i)
            for members_list in together.values():
                if len(members_list) > 1:
                    idx = np.array(members_list, dtype=np.int32)
                    h.addRow(0, 1, len(idx), idx, np.ones(len(idx)))
        h.changeColsCost(2 * m, np.arange(n, columns, dtype=np.int32), np.ones(2 * m, dtype=float))
        self._highs = h

    def smallest(self) -> tuple[QuotaChange, ...] | None:
        """The changes of least total size, or None when no change of quotas helps."""
        h = self._highs
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        x = np.rint(np.asarray(h.getSolution().col_value)).astype(int)
        n, m = self.n, self.m
        return tuple(
            QuotaChange(q, q.minimum - int(x[n + j]), q.maximum + int(x[n + m + j]))
            for j, q in enumerate(self.pool.quotas)
            if x[n + j] or x[n + m + j]
        )

    def conflicts(self, changes: Sequence[QuotaChange]) -> tuple[tuple[Quota, ...], ...]:
        """Groups of quotas whose bounds admit no panel, each bound needed for that.

        A deletion filter over the bounds that can bind finds one group, trying first
        the bounds the smallest change leaves alone, so the group shows the quotas it
        changes. Its bounds are then opened and, while the rest still admit no panel,
        the next group is found the same way.
        """
        h = self._highs
        n, m, k = self.n, self.m, self.k
        columns = n + 2 * m
        h.changeColsCost(2 * m, np.arange(n, columns, dtype=np.int32), np.zeros(2 * m, dtype=float))
        h.setOptionValue("time_limit", PROBE_SECONDS)
        changed = {change.quota for change in changes}
        bounds: list[int] = []  # the column of each binding bound's slack
        for j, q in enumerate(self.pool.quotas):
            have = len(self.pool.members_with(q))
            h.changeColBounds(n + j, 0.0, self._free(n + j) if q.minimum == 0 else 0.0)
            binds = q.maximum < min(k, have)
            h.changeColBounds(n + m + j, 0.0, 0.0 if binds else self._free(n + m + j))
            if q.minimum > 0:
                bounds.append(n + j)
            if binds:
                bounds.append(n + m + j)
        bounds.sort(key=lambda column: self.pool.quotas[(column - n) % m] in changed)
        groups: list[tuple[Quota, ...]] = []
        while bounds and self._infeasible():
            needed = []
            for column in bounds:
                h.changeColBounds(column, 0.0, self._free(column))
                if not self._infeasible():
                    h.changeColBounds(column, 0.0, 0.0)
                    needed.append(column)
            if not needed:
                break
            indices = {(column - n) % m for column in needed}
            groups.append(tuple(q for j, q in enumerate(self.pool.quotas) if j in indices))
            bounds = [column for column in bounds if column not in needed]
            for column in bounds:
                h.changeColBounds(column, 0.0, 0.0)
            for column in needed:
                h.changeColBounds(column, 0.0, self._free(column))
        order = {q: j for j, q in enumerate(self.pool.quotas)}
        return tuple(sorted(groups, key=lambda group: order[group[0]]))

    def _infeasible(self) -> bool:
        self._highs.run()
        return self._highs.getModelStatus() == highspy.HighsModelStatus.kInfeasible

    def _free(self, column: int) -> float:
        j = column - self.n
        return float(self.lo_bound[j]) if j < self.m else float(self.hi_bound[j - self.m])


def _household_count(pool: Pool, people: Iterable[int]) -> int:
    """How many people at most can be on one panel: those without a household count singly."""
    assert pool.households is not None
    ids = [pool.households[i] for i in people]
    return len({h for h in ids if h}) + sum(1 for h in ids if not h)


def direct_causes(pool: Pool, k: int, *, households: bool = True) -> list[str]:
    """Reasons seen without a solver: a minimum above the volunteers who have the
    feature (or their households), a category whose minimums add up to more than
    ``k``, or one covering everyone whose maximums add up to less than ``k``."""
    causes = []
    by_category: dict[str, list[Quota]] = defaultdict(list)
    for q in pool.quotas:
        by_category[q.category].append(q)
        members = pool.members_with(q)
        if q.minimum > len(members):
            causes.append(
                f"{name(q)} needs at least {q.minimum} but only {_volunteers(len(members))} it"
            )
        elif households and pool.households is not None:
            homes = _household_count(pool, members)
            if q.minimum > homes:
                causes.append(
                    f"{name(q)} needs at least {q.minimum} but its {len(members)} volunteers"
                    f" come from only {homes} households, and a panel takes one per household"
                )
    for category, quotas in by_category.items():
        lowest = sum(q.minimum for q in quotas)
        if lowest > k:
            causes.append(
                f"the minimums for {category} add up to {lowest}, more than the {k} seats"
            )
        features = {q.feature for q in quotas}
        highest = sum(q.maximum for q in quotas)
        if highest < k and all(person[category] in features for person in pool.respondents):
            causes.append(
                f"the maximums for {category} add up to {highest}, fewer than the {k} seats"
            )
    return causes


def _impossible(pool: Pool, k: int, households: bool) -> str:
    if pool.size < k:
        return (
            f"No panel of {k} can be drawn, whatever the quotas: the pool has only"
            f" {pool.size} {'volunteer' if pool.size == 1 else 'volunteers'}."
        )
    if households and pool.households is not None:
        homes = _household_count(pool, range(pool.size))
        return (
            f"No panel of {k} can be drawn, whatever the quotas: a panel takes at most one"
            f" member per household and the {pool.size} volunteers come from only {homes}"
            " households."
        )
    return f"No panel of {k} can be drawn from this pool, whatever the quotas."


def explain(pool: Pool, k: int, *, households: bool = True) -> Relaxation:
    """Which quotas stop a panel of ``k`` being drawn, and the smallest change that lets one.

    The message names the quotas that cannot all be met, the plain causes seen
    without a solver, and the smallest change of minimums and maximums (in total
    places) after which a panel can be drawn; or says that no change of quotas
    helps because the pool, with the household rule, has too few people.
    """
    if k <= 0:
        raise ValueError(f"A panel needs at least one member, not {k}")
    model = _Model(pool, k, households)
    changes = model.smallest()
    if changes is None:
        return Relaxation(k, (), (), False, _impossible(pool, k, households))
    if not changes:
        message = f"A panel of {k} meets every quota: nothing needs to change."
        return Relaxation(k, (), (), True, message)
    conflicts = model.conflicts(changes)
    return Relaxation(
        k,
        changes,
        conflicts,
        True,
        _message(pool, k, households, changes, conflicts),
    )


def _message(
    pool: Pool,
    k: int,
    households: bool,
    changes: Sequence[QuotaChange],
    conflicts: Sequence[Sequence[Quota]],
) -> str:
    rule = (
        " with at most one member per household"
        if households and pool.households is not None
        else ""
    )
    clashes = []
    for group in conflicts:
        listed = ", ".join(
            f"{name(q)} {q.minimum}–{q.maximum} (pool has {len(pool.members_with(q))})"
            for q in group
        )
        clashes.append(
            f"{listed} {'cannot be met' if len(group) == 1 else 'cannot all be met together'}"
        )
    text = f"No panel of {k} meets every quota{rule}: {'; '.join(clashes)}."
    causes = direct_causes(pool, k, households=households)
    if causes:
        text += f" Why: {'; '.join(causes)}."
    return (
        f"{text} The smallest change that makes a draw possible:"
        f" {_and([str(change) for change in changes])}."
    )
