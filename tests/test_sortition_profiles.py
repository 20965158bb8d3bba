"""LEXIMIN over profile types: the same probabilities as the per-respondent path and the
exact LPs, and panels of individuals whose marginals are those probabilities."""

import math

import numpy as np
import pytest

from engage.sortition import Pool, Quota, exact_leximin, leximin, profiles
from engage.sortition.generated import skewed_pool
from engage.sortition.leximin import leximin_per_respondent
from engage.sortition.panels import all_panels
from engage.sortition.profiles import profile_leximin, type_allocation, types_of


def repeated_pool(seed, n, k, households=False):
    """``n`` respondents over 2–3 small categories (so profiles repeat) and quotas near
    a population that differs from the pool, which forces unequal probabilities."""
    rng = np.random.default_rng(seed)
    categories = {f"c{c}": int(rng.integers(2, 4)) for c in range(int(rng.integers(2, 4)))}
    shares = {c: rng.dirichlet(np.full(v, 2.0)) for c, v in categories.items()}
    people = tuple(
        {c: f"{c}f{int(rng.choice(v, p=shares[c]))}" for c, v in categories.items()}
        for _ in range(n)
    )
    quotas = []
    for c, v in categories.items():
        target = 0.5 * shares[c] + 0.5 * rng.dirichlet(np.full(v, 4.0))
        for f in range(v):
            have = sum(p[c] == f"{c}f{f}" for p in people)
            low = min(have, math.floor(k * target[f]))
            quotas.append(Quota(c, f"{c}f{f}", low, max(low, math.ceil(k * target[f]))))
    homes = None
    if households:
        homes = tuple(f"h{int(rng.integers(0, n * 2 // 3))}" for _ in range(n))
    return Pool(people, tuple(quotas), homes)


def feasible(pool, k, panel, households=True):
    if len(panel) != k or len(set(panel)) != k:
        return False
    for quota in pool.quotas:
        if not quota.minimum <= len(set(panel) & set(pool.members_with(quota))) <= quota.maximum:
            return False
    if households and pool.households is not None:
        homes = [pool.households[i] for i in panel if pool.households[i]]
        return len(homes) == len(set(homes))
    return True


def check_panels(pool, k, allocation, households=True):
    assert sum(allocation.probabilities_of_panels) == pytest.approx(1.0, abs=1e-12)
    marginals = np.zeros(pool.size)
    for panel, p in zip(allocation.panels, allocation.probabilities_of_panels, strict=True):
        assert feasible(pool, k, panel, households)
        assert p > 0
        marginals[list(panel)] += p
    assert np.max(np.abs(marginals - allocation.agent_probabilities)) < 1e-9
    # Interchangeable respondents get the same probability, to the same precision.
    for members in types_of(pool, households=households).members:
        got = np.asarray(allocation.agent_probabilities)[members]
        assert np.ptp(got) < 1e-9


@pytest.mark.parametrize("seed", range(4))
def test_types_match_the_per_respondent_path_on_pools_of_sixty(seed):
    pool = repeated_pool(seed, 60, 8)
    fast = leximin(pool, 8)
    slow = leximin_per_respondent(pool, 8)
    assert np.max(np.abs(np.subtract(fast.agent_probabilities, slow.agent_probabilities))) < 1e-6
    check_panels(pool, 8, fast)


def test_some_of_those_pools_force_unequal_probabilities():
    spreads = [
        np.ptp(leximin(repeated_pool(seed, 60, 8), 8).agent_probabilities) for seed in (0, 1, 2)
    ]
    assert max(spreads) > 0.01


@pytest.mark.parametrize("seed", range(8))
def test_types_match_the_exact_lps_on_enumerable_pools(seed):
    rng = np.random.default_rng(100 + seed)
    n, k = int(rng.integers(9, 13)), int(rng.integers(3, 5))
    pool = repeated_pool(seed, n, k, households=seed % 2 == 1)
    panels = all_panels(pool, k)
    if not panels:
        pytest.skip("no feasible panel")
    exact = exact_leximin(panels, pool.size)
    fast = leximin(pool, k)
    assert len(types_of(pool)) < pool.size or seed % 2 == 1
    assert np.max(np.abs(np.subtract(fast.agent_probabilities, exact.agent_probabilities))) < 1e-6
    check_panels(pool, k, fast)


@pytest.mark.parametrize("seed", range(3))
def test_households_are_still_honoured(seed):
    pool = repeated_pool(seed, 40, 6, households=True)
    types = types_of(pool)
    assert any(len(m) == 1 for m in types.members) and any(len(m) > 1 for m in types.members)
    fast = leximin(pool, 6)
    slow = leximin_per_respondent(pool, 6)
    assert np.max(np.abs(np.subtract(fast.agent_probabilities, slow.agent_probabilities))) < 1e-6
    check_panels(pool, 6, fast)
    off = leximin(pool, 6, households=False)
    assert (
        np.max(
            np.abs(
                np.subtract(
                    off.agent_probabilities,
                    leximin_per_respondent(pool, 6, households=False).agent_probabilities,
                )
            )
        )
        < 1e-6
    )
    check_panels(pool, 6, off, households=False)


def test_a_type_is_spread_evenly_over_its_members():
    # 7 of one profile, 5 of another; panels of 4 with 3 of the first and 1 of the other.
    people = tuple({"g": "a"} for _ in range(7)) + tuple({"g": "b"} for _ in range(5))
    pool = Pool(people, (Quota("g", "a", 3, 3), Quota("g", "b", 1, 1)))
    allocation = leximin(pool, 4)
    assert allocation.agent_probabilities == pytest.approx([3 / 7] * 7 + [1 / 5] * 5, abs=1e-6)
    check_panels(pool, 4, allocation)


def many_profiles_pool(seed, n, k):
    """``n`` volunteers over 5 categories (288 profiles, so most are alone in theirs),
    skewed from the population whose shares set the quotas."""
    categories = {"gender": 2, "age": 4, "region": 4, "education": 3, "tenure": 3}
    return skewed_pool(n, k, seed, categories)


def test_many_distinct_profiles_do_not_break_the_types_path():
    # 107 types in 200: the stages once fixed probabilities that HiGHS's tolerances
    # (1e-7) let the portfolio miss by more than SLACK, and the final allocation LP
    # ended Infeasible. profile_leximin is called directly: no fallback to hide it.
    pool, k = many_profiles_pool(2, 200, 20)
    assert len(types_of(pool)) > 100
    allocation = profile_leximin(pool, k)
    check_panels(pool, k, allocation)
    assert min(allocation.agent_probabilities) == pytest.approx(0.0454545, abs=1e-6)


def test_leximin_falls_back_to_the_per_respondent_path(monkeypatch, caplog):
    pool = repeated_pool(1, 40, 6)

    def broken(*args, **kwargs):
        raise RuntimeError("The dual LP ended Unbounded")

    monkeypatch.setattr(profiles, "profile_leximin", broken)
    allocation = leximin(pool, 6)
    assert allocation == leximin_per_respondent(pool, 6)
    assert "solving per respondent" in caplog.text


def test_an_allocation_short_of_the_fixed_probabilities_is_refused():
    # Two count vectors over two types of one member each; floors no mix can meet.
    with pytest.raises(RuntimeError, match="short"):
        type_allocation([(1, 0), (0, 1)], np.array([1.0, 1.0]), np.array([0.9, 0.9]))
