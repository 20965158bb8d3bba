"""Replacing drop-outs: quotas kept whenever some completion keeps them (checked against
every completion of small pools), the broken quota named otherwise, nobody drawn who
must not be, households respected, and draws repeatable and fair."""

import math
from itertools import combinations

import numpy as np
import pytest

from engage.sortition import Pool, Quota, draw_panel, exact_leximin, leximin, replace
from engage.sortition.panels import all_panels
from tests.test_sortition_relax import one_per_household, shortfall


def panel_pool(seed):
    """A pool of 8–11 with quotas it can meet, a drawn panel, and some drop-outs."""
    rng = np.random.default_rng(seed)
    while True:
        n, k = int(rng.integers(8, 12)), int(rng.integers(3, 6))
        categories = {
            f"c{c}": [f"f{c}{v}" for v in range(int(rng.integers(2, 4)))]
            for c in range(int(rng.integers(2, 3)))
        }
        people = tuple({c: str(rng.choice(fs)) for c, fs in categories.items()} for _ in range(n))
        quotas = []
        for c, fs in categories.items():
            for f in fs:
                share = k * sum(p[c] == f for p in people) / n
                low = max(0, math.floor(share) - int(rng.integers(0, 2)))
                quotas.append(Quota(c, f, low, max(low, math.ceil(share))))
        households = (
            tuple(f"h{int(rng.integers(0, n - 2))}" for _ in range(n)) if seed % 3 == 2 else None
        )
        pool = Pool(people, tuple(quotas), households)
        if not all_panels(pool, k):
            continue
        panel = draw_panel(leximin(pool, k), seed)
        dropped = [int(i) for i in rng.choice(panel, int(rng.integers(1, k)), replace=False)]
        others = [i for i in range(n) if i not in panel]
        refused = [int(i) for i in rng.choice(others, int(rng.integers(0, 3)), replace=False)]
        kept = [i for i in panel if i not in dropped]
        if any(completions(pool, k, kept, dropped + refused)):
            return pool, k, kept, dropped + refused


def completions(pool, k, kept, unavailable):
    """Every set of replacements allowed by the household rule, beside the staying members."""
    kept = set(kept)
    left = [i for i in range(pool.size) if i not in kept and i not in set(unavailable)]
    for chosen in combinations(left, k - len(kept)):
        if one_per_household(pool, [*kept, *chosen]):
            yield chosen


CASES = [panel_pool(seed) for seed in range(16)]


@pytest.mark.parametrize(("pool", "k", "kept", "unavailable"), CASES)
def test_quotas_are_kept_whenever_some_replacements_keep_them(pool, k, kept, unavailable):
    replacement = replace(pool, k, kept, unavailable, seed=3)
    panel = [*kept, *replacement.chosen]
    best = min(shortfall(pool, [*kept, *c]) for c in completions(pool, k, kept, unavailable))

    assert len(replacement.chosen) == k - len(kept)
    assert not set(replacement.chosen) & (set(kept) | set(unavailable))
    assert one_per_household(pool, panel)
    # The finished panel misses the quotas by no more than the best completion does.
    assert shortfall(pool, panel) == best
    if best == 0:
        assert replacement.broken == ()
        assert replacement.message.endswith(f"The panel of {k} keeps every quota.")
    else:
        assert sum(change.size for change in replacement.broken) == best
        for change in replacement.broken:
            assert f"{change.quota.category}={change.quota.feature} has" in replacement.message


@pytest.mark.parametrize(("pool", "k", "kept", "unavailable"), CASES[:8])
def test_replacements_are_as_fair_as_a_first_draw(pool, k, kept, unavailable):
    replacement = replace(pool, k, kept, unavailable, seed=0)
    allowed = list(completions(pool, k, kept, unavailable))
    best = min(shortfall(pool, [*kept, *c]) for c in allowed)
    if best:
        pytest.skip("no replacements keep every quota")
    keeping = [c for c in allowed if shortfall(pool, [*kept, *c]) == 0]
    # LEXIMIN over every set of replacements that keeps the quotas, by the exact LPs.
    exact = exact_leximin(keeping, pool.size)
    left = {i for c in keeping for i in c}
    found = replacement.allocation.agent_probabilities
    assert sorted(found[i] for i in range(pool.size) if i in left) == pytest.approx(
        sorted(exact.agent_probabilities[i] for i in left), abs=1e-6
    )
    assert all(found[i] == 0 for i in range(pool.size) if i not in left)


def test_the_broken_quota_is_named_with_its_shortfall():
    # The panel of 4 needs 2 under-30s; one dropped out and the only other is away.
    people = tuple({"age": a} for a in ["young", "young", "young", "old", "old", "old", "old"])
    pool = Pool(people, (Quota("age", "young", 2, 2), Quota("age", "old", 2, 2)))
    replacement = replace(pool, 4, kept=[0, 3, 4], unavailable=[1, 2], seed=1)

    assert replacement.chosen in {(5,), (6,)}
    assert [(c.quota.feature, c.new_minimum, c.new_maximum) for c in replacement.broken] == [
        ("young", 1, 2),
        ("old", 2, 3),
    ]
    assert "age=young has 1, 1 fewer than its minimum of 2" in replacement.message
    assert "age=old has 3, 1 more than its maximum of 2" in replacement.message


def test_housemates_of_staying_members_and_of_each_other_are_not_drawn():
    people = tuple({"g": g} for g in "aabbccdd")
    quotas = tuple(Quota("g", f, 0, 2) for f in "abcd")
    #            0    1    2    3    4    5    6    7
    homes = ("x", "y", "x", "z", "z", "w", "v", "")
    pool = Pool(people, quotas, homes)
    for seed in range(20):
        chosen = replace(pool, 4, kept=[0, 1], unavailable=[6], seed=seed).chosen
        assert 2 not in chosen  # shares a home with staying member 0
        assert not {3, 4} <= set(chosen)  # two from one home
        assert 6 not in chosen
    # Without the household rule, respondent 2 may be drawn.
    allocation = replace(pool, 4, [0, 1], [6], 0, households=False).allocation
    assert allocation.agent_probabilities[2] > 0


def test_the_same_seed_draws_the_same_replacements_and_draws_follow_the_probabilities():
    pool, k, kept, unavailable = next(
        case
        for case in CASES
        if len(set(np.round(replace(*case, seed=0).allocation.agent_probabilities, 3))) > 2
    )
    first = replace(pool, k, kept, unavailable, seed=11)
    assert replace(pool, k, kept, unavailable, seed=11) == first
    # Anyone can repeat the draw from the published allocation and seed.
    for seed in range(5):
        again = replace(pool, k, kept, unavailable, seed=seed)
        assert again.chosen == draw_panel(first.allocation, seed)

    draws = 2000
    counts = np.zeros(pool.size)
    for seed in range(draws):
        counts[list(draw_panel(first.allocation, seed))] += 1
    probabilities = first.allocation.agent_probabilities
    assert sum(probabilities) == pytest.approx(k - len(kept), abs=1e-6)
    for frequency, p in zip(counts / draws, probabilities, strict=True):
        assert abs(frequency - p) < 4 * math.sqrt(p * (1 - p) / draws) + 1e-3


def test_too_few_volunteers_left_is_said_plainly():
    people = tuple({"g": g} for g in "aabbc")
    pool = Pool(people, (Quota("g", "a", 0, 3), Quota("g", "b", 0, 3), Quota("g", "c", 0, 3)))
    with pytest.raises(ValueError, match=r"No replacements can fill the 2 empty seats"):
        replace(pool, 3, kept=[0], unavailable=[1, 2, 3], seed=0)
    with pytest.raises(ValueError, match=r"both staying and unavailable"):
        replace(pool, 3, kept=[0], unavailable=[0], seed=0)


def test_nothing_to_fill_checks_the_staying_panel():
    people = tuple({"g": g} for g in "aabb")
    pool = Pool(people, (Quota("g", "a", 1, 1), Quota("g", "b", 1, 1)))
    replacement = replace(pool, 2, kept=[0, 1], unavailable=[], seed=0)
    assert replacement.chosen == ()
    assert "No seats to fill" in replacement.message
    assert [c.quota.feature for c in replacement.broken] == ["a", "b"]
