"""Weighted percentages and their standard errors: small cases worked by hand, and
agreement with R's survey package on a few thousand synthetic respondents. CI installs R
and survey (Debian's r-base-core and r-cran-survey); elsewhere the R test says what is
missing and skips."""

import csv
import math
import subprocess  # nosec B404  # runs Rscript with a script of our own

import numpy as np
import pytest

from engage.weighting.estimates import (
    Z95,
    Estimate,
    Sums,
    efficiency,
    from_sums,
    kish,
    proportions,
    sums_of,
)
from tests import r_survey


def one_hot(answers, k):
    """(n,) option numbers 0..k-1 as an (n, k) bool array."""
    return np.eye(k, dtype=bool)[np.asarray(answers)]


def figures(estimates):
    """Every figure of every estimate, in one flat list, for pytest.approx."""
    return [x for e in estimates for x in e.as_dict().values()]


def test_a_weighted_share_worked_by_hand():
    # Four respondents, weights 1, 1, 2, 4; the last two chose option A.
    chosen = [[False], [False], [True], [True]]
    (a,) = proportions(chosen, [1.0, 1.0, 2.0, 4.0])

    p = 6 / 8
    # n/(n-1) * sum w^2 (y - p)^2 / (sum w)^2
    var = 4 / 3 * (1 * p**2 + 1 * p**2 + 4 * (1 - p) ** 2 + 16 * (1 - p) ** 2) / 64
    assert a.estimate == pytest.approx(0.75)
    assert a.se == pytest.approx(math.sqrt(var))
    assert a.se == pytest.approx(math.sqrt(4 / 3 * 2.375 / 64))
    assert a.ci_low == pytest.approx(0.75 - Z95 * a.se)
    assert a.ci_high == 1.0  # 0.75 + 1.96 * 0.222 is past 1, so clipped
    assert a.base == 4
    assert a.effective_base == pytest.approx(64 / 22)


def test_the_sums_give_the_same_as_the_arrays():
    chosen = one_hot([0, 2, 1, 2, 2, 0], 3)
    weights = [0.5, 1.5, 1.0, 2.0, 0.7, 1.3]
    sums = sums_of(chosen, weights)
    assert sums.n == 6
    assert sums.w == pytest.approx(7.0)
    assert sums.w2 == pytest.approx(0.25 + 2.25 + 1 + 4 + 0.49 + 1.69)
    assert list(sums.wy) == pytest.approx([1.8, 1.0, 4.2])
    assert list(sums.w2y) == pytest.approx([1.94, 1.0, 6.74])
    by_hand = Sums(n=6, w=7.0, w2=9.68, wy=[1.8, 1.0, 4.2], w2y=[1.94, 1.0, 6.74])
    assert figures(from_sums(by_hand)) == pytest.approx(figures(proportions(chosen, weights)))


def test_unweighted_is_p_times_one_minus_p_over_n_minus_one():
    answers = [0] * 7 + [1] * 12 + [2] * 1
    for estimate, count in zip(proportions(one_hot(answers, 3), None), (7, 12, 1), strict=True):
        p = count / 20
        assert estimate.estimate == pytest.approx(p)
        assert estimate.se == pytest.approx(math.sqrt(p * (1 - p) / 19))
        assert estimate.effective_base == 20.0
        assert estimate.base == 20


def test_equal_weights_give_the_unweighted_answer():
    chosen = one_hot([0, 1, 1, 2, 1, 0, 2, 2, 2], 3)
    unweighted = proportions(chosen, None)
    assert figures(proportions(chosen, np.full(9, 3.0))) == pytest.approx(figures(unweighted))


def test_multiple_choice_options_overlap_and_each_uses_its_own_indicator():
    chosen = np.array([[1, 1], [1, 0], [0, 1], [1, 1], [0, 0]], dtype=bool)
    both = proportions(chosen, None)
    assert [e.estimate for e in both] == pytest.approx([0.6, 0.6])  # adds up past 1
    alone = proportions(chosen[:, :1], None)
    assert both[0] == alone[0]


def test_everyone_choosing_an_option_gives_zero_se_and_a_point_interval():
    (e,) = proportions(np.ones((5, 1), dtype=bool), [1.0, 2.0, 3.0, 1.0, 1.0])
    assert (e.estimate, e.se, e.ci_low, e.ci_high) == (1.0, 0.0, 1.0, 1.0)


def test_a_base_of_one_has_an_estimate_but_no_se_or_interval():
    (e,) = proportions([[True]], [2.5])
    assert e.estimate == 1.0
    assert math.isnan(e.se) and math.isnan(e.ci_low) and math.isnan(e.ci_high)
    assert e.as_dict() == {
        "estimate": 1.0,
        "se": None,
        "ci_low": None,
        "ci_high": None,
        "base": 1,
        "effective_base": 1.0,
    }


def test_an_empty_base_has_nothing_to_estimate():
    (e,) = from_sums(Sums(n=0, w=0.0, w2=0.0, wy=[0.0], w2y=[0.0]))
    assert math.isnan(e.estimate) and math.isnan(e.se)
    assert e.as_dict()["estimate"] is None
    assert e.base == 0 and e.effective_base == 0.0


def test_as_dict_names_the_six_figures():
    e = Estimate(0.25, 0.01, 0.23, 0.27, 100, 80.0)
    assert e.as_dict() == {
        "estimate": 0.25,
        "se": 0.01,
        "ci_low": 0.23,
        "ci_high": 0.27,
        "base": 100,
        "effective_base": 80.0,
    }


def test_kish_on_known_weights():
    assert kish([1.0] * 10) == 10.0
    assert kish([2.0] * 10) == 10.0
    assert kish([1.0, 3.0]) == pytest.approx(16 / 10)
    assert kish([1.0, 1.0, 2.0, 4.0]) == pytest.approx(64 / 22)
    assert kish([5.0, 0.0, 0.0]) == 1.0
    assert kish([]) == 0.0


def test_efficiency_is_the_effective_share_of_the_base():
    assert efficiency(4, 64 / 22) == pytest.approx(16 / 22)
    assert efficiency(10, 10.0) == 1.0
    assert math.isnan(efficiency(0, 0.0))


def test_bad_weights_are_refused():
    with pytest.raises(ValueError):
        sums_of([[True], [False]], [1.0])
    with pytest.raises(ValueError):
        sums_of([[True], [False]], [1.0, -1.0])
    with pytest.raises(ValueError):
        sums_of([[True], [False]], [1.0, math.nan])
    with pytest.raises(ValueError):
        Sums(n=2, w=2.0, w2=2.0, wy=[1.0, 1.0], w2y=[1.0])


R_SCRIPT = """
suppressMessages(library(survey))
d <- read.csv("respondents.csv")
des <- svydesign(ids = ~1, weights = ~w, data = d)
single <- svymean(~factor(y), des)
multiple <- svymean(~o1 + o2 + o3, des)
out <- data.frame(
  estimate = sprintf("%.17g", c(coef(single), coef(multiple))),
  se = sprintf("%.17g", c(SE(single), SE(multiple)))
)
write.csv(out, "survey.csv", row.names = FALSE)
"""


def test_estimates_and_standard_errors_agree_with_r_survey(tmp_path):
    rscript = r_survey.require()
    rng = np.random.default_rng(20240611)
    n = 2500
    weights = rng.lognormal(mean=0.0, sigma=0.6, size=n)
    # The answer depends on the weight a little, as it does when weighting matters.
    single = np.where(
        weights > 1.5, rng.integers(0, 5, n), rng.choice(5, n, p=[0.4, 0.3, 0.15, 0.1, 0.05])
    )
    multiple = rng.random((n, 3)) < np.array([0.2, 0.55, 0.8])
    with open(tmp_path / "respondents.csv", "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["w", "y", "o1", "o2", "o3"])
        for w, y, o in zip(weights, single, multiple.astype(int), strict=True):
            out.writerow([repr(float(w)), int(y) + 1, *o])
    (tmp_path / "survey.R").write_text(R_SCRIPT, encoding="utf-8")
    found = subprocess.run(  # noqa: S603
        [rscript, "survey.R"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert found.returncode == 0, found.stdout + found.stderr
    with open(tmp_path / "survey.csv", newline="") as f:
        r = [(float(row["estimate"]), float(row["se"])) for row in csv.DictReader(f)]

    ours = proportions(one_hot(single, 5), weights) + proportions(multiple, weights)
    assert len(r) == len(ours) == 8
    for estimate, (r_estimate, r_se) in zip(ours, r, strict=True):
        assert estimate.estimate == pytest.approx(r_estimate, rel=1e-6, abs=1e-9)
        assert estimate.se == pytest.approx(r_se, rel=1e-6)
