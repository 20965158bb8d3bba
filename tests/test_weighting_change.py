"""The change test between two waves: small cases worked by hand, and simulated waves
whose true change is known, so the detection rate can be held against the power worked
out analytically and the false-flag rate against 5 %."""

import math
from statistics import NormalDist

import numpy as np
import pytest

from engage.weighting.change import HOW_TESTED, compare, power
from engage.weighting.estimates import Z95, kish


def test_a_clear_rise_is_flagged_with_the_figures_worked_by_hand():
    change = compare(0.40, 400, 0.50, 400)
    se = math.sqrt(0.40 * 0.60 / 400 + 0.50 * 0.50 / 400)  # = 0.035
    assert change.difference == pytest.approx(0.10)
    assert change.se == pytest.approx(0.035)
    assert change.se == pytest.approx(se)
    assert change.z == pytest.approx(0.10 / 0.035)
    assert change.p_value == pytest.approx(2 * NormalDist().cdf(-0.10 / 0.035))
    assert change.p_value == pytest.approx(0.004275, abs=1e-6)
    assert change.ci_low == pytest.approx(0.10 - Z95 * 0.035)
    assert change.ci_high == pytest.approx(0.10 + Z95 * 0.035)
    assert change.significant and not change.too_small


def test_a_small_change_on_small_bases_is_not_flagged():
    change = compare(0.30, 100, 0.35, 100)
    assert change.se == pytest.approx(math.sqrt(0.004375))
    assert change.z == pytest.approx(0.05 / math.sqrt(0.004375))
    assert change.p_value == pytest.approx(0.4497, abs=1e-4)
    assert change.ci_low < 0 < change.ci_high
    assert not change.significant and not change.too_small


def test_a_fall_has_a_negative_difference_and_z():
    change = compare(0.60, 300, 0.45, 250)
    assert change.difference == pytest.approx(-0.15)
    assert change.z < 0 and change.ci_high < 0
    assert change.significant


def test_the_effective_base_not_the_count_sets_the_se():
    # Same percentages; weighting that halves the effective base widens the se by sqrt 2.
    full = compare(0.40, 400, 0.45, 400)
    weighted = compare(0.40, 200, 0.45, 200)
    assert weighted.se == pytest.approx(full.se * math.sqrt(2))


def test_an_effective_base_under_the_minimum_gives_no_flag_whatever_the_figures():
    change = compare(0.10, 40, 0.60, 400)
    assert change.p_value < 1e-6  # the figures are still worked out and shown
    assert change.too_small and not change.significant
    assert compare(0.10, 400, 0.60, 49.9).too_small
    assert not compare(0.10, 50, 0.60, 50).too_small
    relaxed = compare(0.10, 40, 0.60, 400, minimum_base=30)
    assert relaxed.significant and not relaxed.too_small


def test_unanimous_waves_and_empty_waves():
    same = compare(1.0, 100, 1.0, 100)
    assert (same.se, same.z, same.p_value, same.significant) == (0.0, 0.0, 1.0, False)
    opposite = compare(0.0, 100, 1.0, 100)
    assert opposite.z == math.inf and opposite.p_value == 0.0 and opposite.significant
    empty = compare(0.4, 0, 0.5, 100)
    assert math.isnan(empty.se) and math.isnan(empty.p_value)
    assert empty.too_small and not empty.significant


def test_impossible_figures_are_refused():
    with pytest.raises(ValueError):
        compare(1.2, 100, 0.5, 100)
    with pytest.raises(ValueError):
        compare(0.2, -1, 0.5, 100)


def test_power_worked_by_hand():
    assert power(0.4, 0.4, 300, 300) == pytest.approx(0.05)  # no change: the test's size
    sigma = math.sqrt(0.4 * 0.6 / 400 + 0.5 * 0.5 / 400)
    expected = NormalDist().cdf(0.1 / sigma - Z95) + NormalDist().cdf(-0.1 / sigma - Z95)
    assert power(0.4, 0.5, 400, 400) == pytest.approx(expected)
    assert power(0.5, 0.4, 400, 400) == pytest.approx(expected)
    assert power(0.4, 0.5, 4000, 4000) > 0.999


def test_the_page_text_says_how_the_test_is_done():
    for words in ("two-sided", "effective base", "95%", "50", "1 in 20"):
        assert words in HOW_TESTED


# The simulation. Each wave has 400 respondents and a fixed weighting pattern: two groups
# of 200 weighted 1 and 3.5 (wave 1) or 1 and 3 (wave 2), as if two halves of the area
# were sampled at different rates. Answers are drawn independently of the weights, so
# the variance of the weighted proportion is exactly p(1-p) * sum w^2 / (sum w)^2 =
# p(1-p) / n_eff: Kish's effective base is exact here, and what is left to test is the
# normal approximation and the estimated p's in the se. (When the weights go with the
# answer, Kish is only an approximation and the simulation would not hold the test to it.)
N = 400
WEIGHTS = (
    np.repeat([1.0, 3.5], N // 2),  # Kish 305.7
    np.repeat([1.0, 3.0], N // 2),  # Kish 320.0
)


def _flag_rate(p1, p2, draws, seed):
    rng = np.random.default_rng(seed)
    n_eff = [kish(w) for w in WEIGHTS]
    estimates = [
        (rng.random((draws, N)) < p) @ w / w.sum() for p, w in zip((p1, p2), WEIGHTS, strict=True)
    ]
    flagged = sum(
        compare(before, n_eff[0], after, n_eff[1]).significant
        for before, after in zip(*estimates, strict=True)
    )
    return flagged / draws, n_eff


def test_a_true_change_is_detected_as_often_as_the_power_says():
    # 2,000 draws, so the observed rate's own noise (about 1 point) is well inside 5.
    observed, n_eff = _flag_rate(0.40, 0.49, draws=2000, seed=11)
    expected = power(0.40, 0.49, *n_eff)
    assert 0.5 < expected < 0.8  # a design where detection is neither sure nor hopeless
    assert abs(observed - expected) < 0.05, (observed, expected)


def test_no_change_is_flagged_about_one_time_in_twenty():
    observed, _ = _flag_rate(0.40, 0.40, draws=4000, seed=12)
    assert abs(observed - 0.05) < 0.02, observed
