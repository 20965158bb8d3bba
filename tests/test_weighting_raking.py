"""Raking responses to population margins: the margins met, what is left out, the cap,
the refusals, and agreement with R's survey::rake. No app or database needed. R with
the survey package (Debian's r-base-core and r-cran-survey) runs the comparison; where
it is missing that test says so and skips."""

import csv
import functools
import subprocess  # nosec B404  # runs Rscript with a script of our own

import numpy as np
import pytest

from engage.weighting.raking import RakeReport, rake
from tests import r_survey


def margins_of(codes, weights, sizes):
    """The weighted total of each category of each margin, over the weighted respondents."""
    kept = ~np.isnan(weights)
    return [
        np.bincount(codes[kept, j], weights=weights[kept], minlength=size)
        for j, size in enumerate(sizes)
    ]


def sample(n=2400, seed=7):
    """Respondents with ward (6), age band (7) and sex (3; the third, "other", has no
    target): older people and two wards over-represented, ward and age associated, and
    some answers blank. Returns codes and the targets."""
    rng = np.random.default_rng(seed)
    ward = rng.choice(6, n, p=[0.28, 0.22, 0.16, 0.14, 0.12, 0.08])
    older = np.array([0.04, 0.07, 0.10, 0.14, 0.18, 0.22, 0.25])
    younger = older[::-1]
    by_ward = [older if w < 2 else (older + younger) / 2 for w in range(6)]
    age = np.array([rng.choice(7, p=by_ward[w] / by_ward[w].sum()) for w in ward])
    sex = rng.choice(3, n, p=[0.42, 0.56, 0.02])
    codes = np.column_stack([ward, age, sex])
    codes[rng.random(n) < 0.02, 1] = -1  # age not given
    codes[rng.random(n) < 0.01, 0] = -1  # ward not given
    population = 152_300.0
    targets = [
        np.array([0.18, 0.17, 0.16, 0.17, 0.16, 0.16]) * population,
        np.array([0.16, 0.17, 0.17, 0.16, 0.14, 0.11, 0.09]) * population,
        np.array([0.49 * population, 0.51 * population, 0.0]),
    ]
    return codes, targets


def test_weighted_margins_equal_the_targets_and_the_weights_add_up_to_the_population():
    codes, targets = sample()
    weights, report = rake(codes, targets)

    for got, wanted in zip(margins_of(codes, weights, [6, 7, 3]), targets, strict=True):
        np.testing.assert_allclose(got, wanted, rtol=1e-9, atol=1e-9)
    assert report.converged
    assert report.max_margin_error <= 1e-10
    assert report.history[-1] == report.max_margin_error
    assert len(report.history) == report.iterations > 1
    assert np.nansum(weights) == pytest.approx(152_300, rel=1e-12)
    assert report.total == pytest.approx(152_300, rel=1e-12)
    assert weights.dtype == np.float64


def test_blank_answers_and_categories_without_a_target_are_left_out_with_no_weight():
    codes, targets = sample()
    weights, report = rake(codes, targets)

    left_out = (codes[:, 0] < 0) | (codes[:, 1] < 0) | (codes[:, 2] == 2)
    assert np.isnan(weights[left_out]).all()
    assert not np.isnan(weights[~left_out]).any()
    assert report.left_out == left_out.sum() > 0
    assert report.respondents == (~left_out).sum()
    assert "left out (a weighting answer blank or with no target)" in report.lines()[1]


def test_respondents_with_the_same_answers_get_the_same_weight():
    codes, targets = sample()
    weights, _ = rake(codes, targets)

    kept = ~np.isnan(weights)
    cell = np.ravel_multi_index(tuple(codes[kept].T), (6, 7, 3))
    for c in np.unique(cell)[:20]:
        assert np.ptp(weights[kept][cell == c]) == 0


def test_the_report_gives_the_kish_effective_base_and_the_range_of_weights():
    codes, targets = sample()
    weights, report = rake(codes, targets)

    w = weights[~np.isnan(weights)]
    assert report.effective_base == pytest.approx(w.sum() ** 2 / (w**2).sum(), rel=1e-12)
    assert report.efficiency == pytest.approx(report.effective_base / len(w), rel=1e-12)
    assert (report.min_weight, report.max_weight) == (w.min(), w.max())
    assert report.cap is None and report.capped == 0
    lines = report.lines()
    assert lines[0].startswith(f"Converged after {report.iterations} passes: every margin within")
    assert lines[2].startswith("Weights from ")
    assert lines[3] == "No cap on the weights"


def test_the_cap_holds_every_weight_to_cap_times_the_mean_and_the_margins_still_hold():
    codes, targets = sample()
    uncapped, before = rake(codes, targets)
    cap = 0.8 * before.max_weight / np.nanmean(uncapped)
    weights, report = rake(codes, targets, cap=cap)

    mean = np.nanmean(weights)
    assert np.nanmax(weights) <= cap * mean * (1 + 1e-9)
    assert report.converged
    for got, wanted in zip(margins_of(codes, weights, [6, 7, 3]), targets, strict=True):
        np.testing.assert_allclose(got, wanted, rtol=1e-9, atol=1e-9)
    at_cap = np.isclose(weights, cap * mean, rtol=1e-9)
    assert report.capped == at_cap.sum() > 0
    assert report.cap == cap
    assert report.effective_base > before.effective_base
    assert report.lines()[3].startswith(f"Weights capped at {cap:g} times the mean weight: ")


def test_a_cap_too_low_for_the_targets_says_how_far_off_the_margins_are():
    codes, targets = sample()
    weights, report = rake(codes, targets, cap=1.05, max_iterations=200)

    assert not report.converged
    assert report.iterations == 200
    assert report.max_margin_error > 0.01
    assert np.nanmax(weights) <= 1.05 * 152_300 / report.respondents * (1 + 1e-9)
    assert report.total < 152_300  # what the cap cut and raking could not put back
    assert report.lines()[0].startswith("Did not converge in 200 passes: a margin is ")
    assert "the cap may be too low" in report.lines()[0]


@pytest.mark.parametrize("cap", [1, 0.5, -2])
def test_a_cap_of_one_or_less_is_refused(cap):
    codes, targets = sample(200)
    with pytest.raises(ValueError, match="The cap must be more than 1"):
        rake(codes, targets, cap=cap)


def test_margins_with_different_totals_are_refused_with_the_totals():
    codes = np.array([[0, 0], [1, 1], [0, 1]])
    targets = [np.array([100_000.0, 52_300.0]), np.array([80_000.0, 71_900.0])]

    with pytest.raises(ValueError) as refused:
        rake(codes, targets, names=["ward", "age_band"])
    assert str(refused.value) == (
        "The margins add up to different totals: ward 152,300, age_band 151,900: "
        "every margin must describe the same population."
    )


def test_totals_that_differ_only_by_rounding_are_accepted():
    codes = np.array([[0, 0], [1, 1], [0, 1]])
    targets = [np.array([100_000.0, 52_300.0]), np.array([80_000.0, 72_300.05])]

    weights, report = rake(codes, targets)
    assert report.converged
    assert weights.sum() == pytest.approx(152_300.025, rel=1e-12)


def test_a_category_with_a_target_and_no_respondent_is_refused_by_name():
    codes = np.array([[0, 0], [1, 1], [0, 1]])
    targets = [np.array([100.0, 50.0]), np.array([80.0, 65.0, 5.0])]
    labels = [["north", "south"], ["age_16_44", "age_45_74", "age_75_plus"]]

    with pytest.raises(ValueError) as refused:
        rake(codes, targets, names=["ward", "age_band"], labels=labels)
    assert str(refused.value) == (
        "No respondent has age_band = age_75_plus, which has a population target of 5: "
        "merge it with a neighbouring category or drop the target."
    )
    with pytest.raises(ValueError, match="No respondent has margin 1 = category 2"):
        rake(codes, targets)


def test_codes_outside_the_targets_are_refused():
    with pytest.raises(ValueError, match="A code of sex is outside its 2 categories"):
        rake(np.array([[0], [2]]), [np.array([1.0, 1.0])], names=["sex"])


def test_one_margin_is_post_stratification():
    rng = np.random.default_rng(3)
    codes = rng.choice(5, (1000, 1), p=[0.4, 0.3, 0.15, 0.1, 0.05])
    target = np.array([20_000.0, 20_000.0, 25_000.0, 15_000.0, 20_000.0])
    weights, report = rake(codes, [target])

    counts = np.bincount(codes[:, 0], minlength=5)
    np.testing.assert_allclose(weights, (target / counts)[codes[:, 0]], rtol=1e-15)
    assert report.iterations == 1 and report.converged


def test_a_million_respondents_are_raked_on_their_cells():
    rng = np.random.default_rng(5)
    n = 1_000_000
    codes = np.column_stack([rng.integers(0, 20, n), rng.integers(0, 7, n), rng.integers(0, 2, n)])
    targets = [np.full(20, 7_500.0), np.full(7, 150_000 / 7), np.array([73_000.0, 77_000.0])]
    weights, report = rake(codes, targets)

    assert report.converged and report.respondents == n
    assert np.sum(weights) == pytest.approx(150_000, rel=1e-10)


def test_report_fields_are_plain_python_values_for_storing_as_json():
    codes, targets = sample(500)
    _, report = rake(codes, targets, cap=6)

    assert isinstance(report, RakeReport)
    for name in ("converged", "iterations", "respondents", "left_out", "capped"):
        assert type(getattr(report, name)) in (bool, int)
    for name in ("max_margin_error", "total", "effective_base", "efficiency", "max_weight"):
        assert type(getattr(report, name)) is float
    assert all(type(e) is float for e in report.history)


# --- Agreement with R's survey::rake ---------------------------------------------------


@functools.cache
def test_weights_agree_with_r_survey_rake(tmp_path):
    rscript = r_survey.require()
    codes, targets = sample(3000, seed=11)
    weights, report = rake(codes, targets, tolerance=1e-13)
    kept = np.flatnonzero(~np.isnan(weights))

    with open(tmp_path / "d.csv", "w", newline="") as file:
        out = csv.writer(file)
        out.writerow(["row", "ward", "age", "sex"])
        out.writerows([i, *codes[i]] for i in kept)
    population = "\n".join(
        f"pop_{name} <- data.frame({name} = {levels}, Freq = c({', '.join(map(str, t.tolist()))}))"
        for name, t, levels in (
            ("ward", targets[0], "0:5"),
            ("age", targets[1], "0:6"),
            ("sex", targets[2][:2], "0:1"),  # "other" has no target: left out
        )
    )
    (tmp_path / "rake.R").write_text(
        "suppressMessages(library(survey))\n"
        'd <- read.csv("d.csv")\n'
        "des <- suppressWarnings(svydesign(ids = ~1, data = d))\n"
        f"{population}\n"
        "r <- rake(des, list(~ward, ~age, ~sex), list(pop_ward, pop_age, pop_sex),\n"
        "          control = list(maxit = 1000, epsilon = 1e-12))\n"
        'write.csv(data.frame(row = d$row, w = weights(r)), "w.csv", row.names = FALSE)\n',
        encoding="utf-8",
    )
    found = subprocess.run(  # noqa: S603
        [rscript, "rake.R"], cwd=tmp_path, capture_output=True, text=True, check=False, timeout=300
    )
    assert found.returncode == 0, found.stderr

    with open(tmp_path / "w.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    r_rows = np.array([int(row["row"]) for row in rows])
    r_weights = np.array([float(row["w"]) for row in rows])
    assert np.array_equal(r_rows, kept)
    difference = np.max(np.abs(weights[kept] / r_weights - 1))
    print(f"largest relative difference from R: {difference:.1e}")
    assert difference < 1e-6, difference
    assert report.respondents == len(kept) >= 2000
