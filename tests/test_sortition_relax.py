"""Explaining infeasible quotas: the conflicting quotas named and the smallest relaxation,
checked against every panel of small pools."""

from itertools import combinations

import numpy as np
import pytest

from engage.sortition import InfeasibleQuotas, Pool, Quota, explain, leximin
from engage.sortition.panels import all_panels


def shortfall(pool, panel):
    """How many places ``panel`` misses the quotas by, in total."""
    chosen = set(panel)
    total = 0
    for quota in pool.quotas:
        count = len(chosen.intersection(pool.members_with(quota)))
        total += max(0, quota.minimum - count) + max(0, count - quota.maximum)
    return total


def one_per_household(pool, panel):
    if pool.households is None:
        return True
    ids = [pool.households[i] for i in panel if pool.households[i]]
    return len(ids) == len(set(ids))


def least_shortfall(pool, k):
    """The smallest total relaxation, by trying every panel; None when there is no panel."""
    return min(
        (
            shortfall(pool, panel)
            for panel in combinations(range(pool.size), k)
            if one_per_household(pool, panel)
        ),
        default=None,
    )


def awkward_pool(seed):
    """A pool of 7–10 whose quotas are drawn wide of the pool's make-up, often unmeetable."""
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(7, 11)), int(rng.integers(3, 6))
    categories = {
        f"c{c}": [f"f{c}{v}" for v in range(int(rng.integers(2, 4)))]
        for c in range(int(rng.integers(2, 4)))
    }
    people = tuple(
        {c: str(rng.choice(fs, p=rng.dirichlet(np.ones(len(fs))))) for c, fs in categories.items()}
        for _ in range(n)
    )
    quotas = []
    for c, fs in categories.items():
        for f in fs:
            low = int(rng.integers(0, 3))
            quotas.append(Quota(c, f, low, low + int(rng.integers(0, 3))))
    households = tuple(f"h{int(rng.integers(0, n))}" for _ in range(n)) if seed % 3 == 0 else None
    return Pool(people, tuple(quotas), households), k


def infeasible_pools(count):
    found = []
    seed = 0
    while len(found) < count:
        pool, k = awkward_pool(seed)
        if not all_panels(pool, k) and least_shortfall(pool, k) is not None:
            found.append((seed, pool, k))
        seed += 1
    return found


@pytest.mark.parametrize(("seed", "pool", "k"), infeasible_pools(14))
def test_the_smallest_relaxation_is_the_least_any_panel_needs(seed, pool, k):
    relaxation = explain(pool, k)

    assert relaxation.possible
    assert relaxation.total == least_shortfall(pool, k) > 0
    for change in relaxation.changes:
        assert 0 <= change.new_minimum <= change.quota.minimum
        assert change.new_maximum >= change.quota.maximum
        assert str(change) in relaxation.message
    # The relaxed quotas really let a panel be drawn, and LEXIMIN finds its probabilities.
    relaxed = relaxation.relaxed(pool)
    assert all_panels(relaxed, k)
    allocation = leximin(relaxed, k)
    assert sum(allocation.agent_probabilities) == pytest.approx(k, abs=1e-6)


@pytest.mark.parametrize(("seed", "pool", "k"), infeasible_pools(14))
def test_the_named_quotas_cannot_all_be_met_and_each_matters(seed, pool, k):
    relaxation = explain(pool, k)

    def only(quotas):
        """The pool with every quota outside ``quotas`` opened to anything."""
        return Pool(
            pool.respondents,
            tuple(q if q in quotas else Quota(q.category, q.feature, 0, k) for q in pool.quotas),
            pool.households,
        )

    assert relaxation.conflicts
    changed = {change.quota for change in relaxation.changes}
    for group in relaxation.conflicts:
        # The smallest change must open every clash.
        assert changed & set(group)
        for quota in group:
            assert f"{quota.category}={quota.feature} {quota.minimum}–{quota.maximum}" in (
                relaxation.message
            )
        assert not all_panels(only(group), k)
        for quota in group:
            assert all_panels(only(set(group) - {quota}), k)


def test_separate_clashes_are_each_named():
    # Nobody is under 30 and only one volunteer lives in the south.
    people = tuple({"age": "30+", "region": "south" if i == 0 else "north"} for i in range(6))
    pool = Pool(
        people,
        (
            Quota("age", "16-29", 1, 3),
            Quota("age", "30+", 0, 3),
            Quota("region", "south", 2, 3),
            Quota("region", "north", 0, 3),
        ),
    )
    relaxation = explain(pool, 3)
    assert relaxation.message.startswith(
        "No panel of 3 meets every quota: age=16-29 1–3 (pool has 0) cannot be met;"
        " region=south 2–3 (pool has 1) cannot be met."
    )
    assert "lower age=16-29's minimum from 1 to 0" in relaxation.message
    assert "lower region=south's minimum from 2 to 1" in relaxation.message
    assert relaxation.total == 2


def test_a_facilitator_reads_which_quota_to_change_and_by_how_much():
    # 12 volunteers, 2 of them aged 16-29; the panel of 6 wants at least 4 young people.
    people = tuple(
        {"age": "16-29" if i < 2 else "30+", "gender": "female" if i % 2 else "male"}
        for i in range(12)
    )
    pool = Pool(
        people,
        (
            Quota("age", "16-29", 4, 6),
            Quota("age", "30+", 0, 6),
            Quota("gender", "female", 3, 3),
            Quota("gender", "male", 3, 3),
        ),
    )
    relaxation = explain(pool, 6)

    assert relaxation.message == (
        "No panel of 6 meets every quota: age=16-29 4–6 (pool has 2) cannot be met."
        " Why: age=16-29 needs at least 4 but only 2 volunteers have it."
        " The smallest change that makes a draw possible:"
        " lower age=16-29's minimum from 4 to 2."
    )
    assert [(c.quota.feature, c.new_minimum, c.new_maximum) for c in relaxation.changes] == [
        ("16-29", 2, 6)
    ]


def test_categories_whose_minimums_or_maximums_cannot_add_up_to_the_panel():
    people = tuple({"region": r} for r in "nnnnssssee")
    too_many = Pool(
        people,
        (Quota("region", "n", 2, 4), Quota("region", "s", 2, 4), Quota("region", "e", 2, 2)),
    )
    message = explain(too_many, 5).message
    assert "the minimums for region add up to 6, more than the 5 seats" in message
    assert explain(too_many, 5).total == 1

    too_few = Pool(
        people,
        (Quota("region", "n", 0, 2), Quota("region", "s", 0, 2), Quota("region", "e", 0, 1)),
    )
    relaxation = explain(too_few, 7)
    assert "the maximums for region add up to 5, fewer than the 7 seats" in relaxation.message
    assert relaxation.total == 2
    assert "cannot all be met together" in relaxation.message


def test_two_quotas_that_clash_across_categories_are_both_named():
    # Every woman is over 30, so at least 3 women and at least 3 under-30s leave no
    # room in a panel of 4; each category alone is fine.
    people = tuple({"age": a, "gender": g} for a, g in ["yM", "yM", "yM", "oF", "oF", "oF"])
    pool = Pool(
        people,
        (
            Quota("age", "y", 3, 4),
            Quota("age", "o", 0, 4),
            Quota("gender", "F", 3, 4),
            Quota("gender", "M", 0, 4),
        ),
    )
    relaxation = explain(pool, 4)
    assert "No panel of 4 meets every quota: age=y 3–4 (pool has 3), gender=F 3–4" in (
        relaxation.message
    )
    assert "cannot all be met together" in relaxation.message
    assert "Why" not in relaxation.message  # no cause shows without the solver
    assert relaxation.total == 2


def test_when_no_change_of_quotas_helps_it_says_so_plainly():
    people = tuple({"g": g} for g in "aabb")
    quotas = (Quota("g", "a", 0, 4), Quota("g", "b", 0, 4))
    small = explain(Pool(people, quotas), 6)
    assert not small.possible and small.changes == ()
    assert small.message == (
        "No panel of 6 can be drawn, whatever the quotas: the pool has only 4 volunteers."
    )

    crowded = explain(Pool(people, quotas, ("x", "x", "y", "")), 4)
    assert not crowded.possible
    assert "at most one member per household" in crowded.message
    assert "come from only 3 households" in crowded.message
    # Without the household rule the same pool is fine.
    assert explain(Pool(people, quotas, ("x", "x", "y", "")), 4, households=False).changes == ()


def test_households_enter_the_relaxation():
    # Three of the four "a" volunteers share a home, so at most 2 "a" can sit.
    people = tuple({"g": g} for g in "aaaabb")
    pool = Pool(people, (Quota("g", "a", 3, 4), Quota("g", "b", 0, 2)), tuple("xxxyzw"))
    relaxation = explain(pool, 4)
    assert "come from only 2 households" in relaxation.message
    assert relaxation.total == 1 == least_shortfall(pool, 4)
    assert explain(pool, 4, households=False).changes == ()


def test_quotas_that_can_be_met_need_no_change():
    people = tuple({"g": g} for g in "aabb")
    relaxation = explain(Pool(people, (Quota("g", "a", 1, 2), Quota("g", "b", 1, 2))), 2)
    assert relaxation.possible and relaxation.changes == () and relaxation.total == 0
    assert relaxation.message == "A panel of 2 meets every quota: nothing needs to change."


def test_leximin_raises_with_the_relaxation_attached():
    people = tuple({"g": g} for g in "aaab")
    pool = Pool(people, (Quota("g", "a", 0, 1), Quota("g", "b", 0, 1)))
    with pytest.raises(InfeasibleQuotas) as raised:
        leximin(pool, 3)
    relaxation = raised.value.relaxation
    assert relaxation is not None
    assert str(raised.value) == relaxation.message
    assert "raise g=a's maximum from 1 to 2" in relaxation.message
    assert leximin(relaxation.relaxed(pool), 3).agent_probabilities == pytest.approx(
        [2 / 3, 2 / 3, 2 / 3, 1.0], abs=1e-6
    )
