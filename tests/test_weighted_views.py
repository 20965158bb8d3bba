"""The cross-tab, the trend, the ward maps and the public "you said" page, weighted: each
figure checked against the weighted shares of the weighted respondents, worked out
here with numpy from the results columns and the stored weights."""

import re
from datetime import date

import numpy as np
import pytest

from engage.percent import percent_text
from engage.results import (
    crosstabs,
    engine,
    estimated,
    public_page,
    services,
    stacked_chart,
    weighted_pairs,
    weights,
)
from engage.results.catalogue import AGREE_CODES, find
from engage.results.columns import SHIFT
from engage.results.filters import ResultFilter
from engage.results.periods import period_starts
from engage.weighting import services as stored
from engage.weighting import targets as target_files
from tests.test_option_bases import two_versions as two_versions  # noqa: F401  (the fixture)
from tests.test_weighted_results import MARGINS, signed_in

Z95 = 1.959963984540054
SENTENCE = (
    "Figures are adjusted so that each group of residents counts as much as its share "
    "of the population."
)


def _computed(db, questionnaire):
    weights.load_targets(questionnaire, target_files.read(MARGINS), "default")
    db.session.commit()
    scheme = stored.scheme_named(questionnaire, "default")
    weights.compute(scheme)
    db.session.commit()
    return scheme


def _weighting(questionnaire, scheme, minimum=50):
    view = engine.view(questionnaire)
    return estimated.Weighting(scheme.name, weights.weights_of(view, scheme), minimum)


def _choices(view, code):
    return (view.arrays[code][: view.n] >> 8).astype(np.int64) - SHIFT


def _share(w, base, chosen):
    """The weighted share of ``chosen`` in ``base`` with its 95% interval (R's svymean)."""
    n = int(base.sum())
    total = w[base].sum()
    p = w[base & chosen].sum() / total
    y = chosen[base].astype(float)
    se = np.sqrt(n / (n - 1) * ((w[base] ** 2) * (y - p) ** 2).sum()) / total
    return p, max(p - Z95 * se, 0.0), min(p + Z95 * se, 1.0)


@pytest.fixture
def weighted(db, demo_questionnaire):
    scheme = _computed(db, demo_questionnaire)
    return demo_questionnaire, scheme, _weighting(demo_questionnaire, scheme)


@pytest.fixture
def analyst(app, db, demo_questionnaire):
    return signed_in(app, db, demo_questionnaire, "analyst")


# --- The cross-tab -------------------------------------------------------------------


def test_a_cross_tab_cell_is_the_weighted_share_of_its_column_with_its_interval(weighted):
    questionnaire, _scheme, weighting = weighted
    table = crosstabs.crosstab(
        questionnaire, "safe_after_dark", "age_band", ResultFilter(), 1, weighting
    )
    view = engine.view(questionnaire)
    w = weighting.weights[: view.n]
    rows, cols = _choices(view, "safe_after_dark"), _choices(view, "age_band")
    row_options = view.schema.codes["safe_after_dark"].options
    col_options = view.schema.codes["age_band"].options
    both = ~np.isnan(w) & (rows >= 0) & (cols >= 0)
    checked = 0
    for i, row in enumerate(table["rows"]):
        for j, col in enumerate(table["columns"]):
            cell = table["cells"][i][j]
            if cell["percent"] is None:
                continue
            column = both & (cols == col_options.index(col["key"]))
            p, low, high = _share(w, column, rows == row_options.index(row["key"]))
            assert cell["percent"] == round(100 * p, 1)
            assert cell["ci_low"] == pytest.approx(low, abs=6e-5)
            assert cell["ci_high"] == pytest.approx(high, abs=6e-5)
            checked += 1
    assert checked > 10
    for j, col in enumerate(table["columns"]):
        column = both & (cols == col_options.index(col["key"]))
        kish = w[column].sum() ** 2 / (w[column] ** 2).sum() if column.any() else 0.0
        base = table["weighting"]["columns"][j]
        if not isinstance(table["col_totals"][j], str):
            assert base["effective_base"] == round(kish)
        assert base["low_base"] == (column.any() and kish < 50)


def test_a_cross_tab_counts_only_respondents_with_a_weight(weighted):
    questionnaire, _scheme, weighting = weighted
    plain = crosstabs.crosstab(questionnaire, "safe_after_dark", "age_band", ResultFilter(), 1)
    table = crosstabs.crosstab(
        questionnaire, "safe_after_dark", "age_band", ResultFilter(), 1, weighting
    )
    view = engine.view(questionnaire)
    w = weighting.weights[: view.n]
    answered = (_choices(view, "safe_after_dark") >= 0) & (_choices(view, "age_band") >= 0)
    assert (answered & np.isnan(w)).any(), "the test needs respondents with no weight"
    # Perturbed, so about: the weighted table's total is that of the weighted respondents.
    assert table["total"] == pytest.approx(int((answered & ~np.isnan(w)).sum()), abs=5)
    assert table["total"] < plain["total"]


def test_a_hidden_cell_has_no_weighted_percentage_or_interval(weighted):
    questionnaire, _scheme, weighting = weighted
    table = crosstabs.crosstab(
        questionnaire, "safe_after_dark", "age_band", ResultFilter(wards=("castle",)), 10, weighting
    )
    hidden = [cell for row in table["cells"] for cell in row if isinstance(cell["count"], str)]
    assert hidden, "the test needs a small cell"
    for cell in hidden:
        assert cell["percent"] is None and cell["ci_low"] is None and cell["estimate"] is None
    chart = table["weighting"]["chart"]["cells"]
    for row, chart_row in zip(table["cells"], chart, strict=True):
        for cell, drawn in zip(row, chart_row, strict=True):
            if isinstance(cell["count"], str):
                assert drawn["count"] == cell["count"]  # hidden in the chart too
    # A row with a hidden cell is drawn hidden whole: the rest of its bar would be the
    # hidden cells' exact weighted share.
    bars = stacked_chart.rows_of(weighted_pairs.along_rows(table))
    for row, bar in zip(table["cells"], bars, strict=True):
        if any(isinstance(cell["count"], str) for cell in row):
            assert bar.hidden == 100.0 and all(s.percent is None for s in bar.shares)
        else:
            assert bar.hidden == 0.0


def test_as_answered_the_cross_tab_is_the_unweighted_one_and_the_page_shows_it(
    app, weighted, analyst
):
    questionnaire, _scheme, _weighting_ = weighted
    plain = crosstabs.crosstab(questionnaire, "safe_after_dark", "age_band", ResultFilter(), 10)
    assert "weighting" not in plain
    assert {key for row in plain["cells"] for cell in row for key in cell} <= {
        "count",
        "percent",
        "base",
        "ci_low",
        "ci_high",
    }
    # As answered, each shown percentage's interval is worked out from the shown counts.
    for j, column in enumerate(plain["columns"]):
        for row in plain["cells"]:
            cell, base = row[j], plain["col_totals"][j]
            if cell["percent"] is None:
                assert cell["ci_low"] is None
                continue
            p = cell["count"] / base
            half = 1.959964 * np.sqrt(p * (1 - p) / (base - 1))
            assert cell["ci_low"] == pytest.approx(max(p - half, 0), abs=1e-4), column
    page = analyst.get("/results/crosstab?row=safe_after_dark&column=age_band&weights=none")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "as answered</strong> (unweighted)" in html
    assert 'id="weights-none" name="weights" type="radio" value="none" checked' in html
    assert "Effective base" not in html
    shown = re.findall(r'engage-cell-note">\(([^;)]*)(?:; 95% CI ([^)]*))?\)', html)
    expected = [
        (
            percent_text(cell["percent"]),
            f"{percent_text(100 * cell['ci_low'])} to {percent_text(100 * cell['ci_high'])}",
        )
        for row in plain["cells"]
        for cell in row
        if cell["percent"]
    ]
    assert [s for s in shown if s[0] != "0.0%"] == expected


def test_the_cross_tab_page_is_weighted_by_default_with_intervals_and_effective_bases(
    app, weighted, analyst
):
    questionnaire, _scheme, weighting = weighted
    app.config["ENGAGE_MIN_EFFECTIVE_BASE"] = 60
    page = analyst.get("/results/crosstab?row=safe_after_dark&column=age_band")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="weights-default" name="weights" type="radio" value="default" checked' in html
    assert (
        "weighted to the population</strong> by <code>gender</code> and <code>ward</code>" in html
    )
    assert "Weighted percentages of each column, with their 95% confidence intervals" in html
    assert html.count(">Effective base<") == 2
    table = crosstabs.crosstab(
        questionnaire,
        "safe_after_dark",
        "age_band",
        ResultFilter(),
        10,
        estimated.Weighting("default", weighting.weights, 60),
    )
    cell = next(c for row in table["cells"] for c in row if c["ci_low"] is not None)
    interval = f"{percent_text(cell['ci_low'] * 100)} to {percent_text(cell['ci_high'] * 100)}"
    assert interval in html
    low = [
        col["label"]
        for col, base in zip(table["columns"], table["weighting"]["columns"], strict=True)
        if base["low_base"]
    ]
    assert low, "the test needs a column with a small effective base"
    assert "The effective base is under 60 in: " + ", ".join(low) in html
    assert "engage-low-base" in html
    assert "weights=none" in html  # the link to the same cross-tab as answered


def test_an_unknown_weighting_on_the_cross_tab_is_refused_saying_why(weighted, analyst):
    page = analyst.get("/results/crosstab?row=safe_after_dark&column=age_band&weights=nope")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "There is no weighting scheme ‘nope’ with weights" in html
    assert "Weighted percentages of each column" not in html


# --- The trend -----------------------------------------------------------------------


def test_a_trend_period_is_the_weighted_percent_agreeing_of_its_respondents(weighted):
    questionnaire, _scheme, weighting = weighted
    series = crosstabs.trend(questionnaire, "asb_problem", ResultFilter(), 1, "month", weighting)
    view = engine.view(questionnaire)
    w = weighting.weights[: view.n]
    answer = _choices(view, "asb_problem")
    options = view.schema.codes["asb_problem"].options
    agree = np.isin(answer, [options.index(code) for code in AGREE_CODES if code in options])
    months = period_starts(view.arrays["day"][: view.n], "month")
    shown = [p for p in series["points"] if p["value"] is not None]
    assert shown, "the test needs a period with figures"
    for point in shown:
        start = engine.day_number(date.fromisoformat(point["period"]))
        base = ~np.isnan(w) & (answer >= 0) & (months == start)
        p, low, high = _share(w, base, agree)
        assert point["value"] == round(100 * p, 1)
        assert point["ci_low"] == pytest.approx(low, abs=6e-5)
        assert point["ci_high"] == pytest.approx(high, abs=6e-5)
        assert point["effective_base"] == round(w[base].sum() ** 2 / (w[base] ** 2).sum())
    assert series["weighting"]["scheme"] == "default"


def test_a_trend_rating_is_the_weighted_mean_and_as_answered_is_unchanged(weighted):
    questionnaire, _scheme, weighting = weighted
    plain = crosstabs.trend(questionnaire, "area_rating", ResultFilter(), 1, "month")
    series = crosstabs.trend(questionnaire, "area_rating", ResultFilter(), 1, "month", weighting)
    assert plain["weighting"] is None
    assert all(set(p) == {"period", "respondents", "value"} for p in plain["points"])
    view = engine.view(questionnaire)
    w = weighting.weights[: view.n]
    values = view.arrays["area_rating"][: view.n].astype(float)
    answered = view.answered("area_rating", None) & ~np.isnan(w)
    months = period_starts(view.arrays["day"][: view.n], "month")
    point = next(p for p in series["points"] if p["value"] is not None)
    base = answered & (months == engine.day_number(date.fromisoformat(point["period"])))
    assert point["value"] == round((w[base] * values[base]).sum() / w[base].sum(), 1)


def test_the_trend_page_shows_intervals_and_says_the_weights_are_not_worked_out_per_period(
    weighted, analyst
):
    html = analyst.get("/results/trend?code=asb_problem&period=month").get_data(as_text=True)
    assert "95% confidence interval" in html and "Effective base" in html
    assert "they are not worked out again for each month" in html
    plain = analyst.get("/results/trend?code=asb_problem&weights=none").get_data(as_text=True)
    assert "95% confidence interval" in plain  # as answered too, from the shown figures
    assert "Effective base" not in plain
    assert analyst.get("/results/trend?code=asb_problem&weights=x").status_code == 400


# --- Ward results and the maps -------------------------------------------------------


def test_ward_results_are_the_weighted_shares_per_ward(weighted):
    questionnaire, _scheme, weighting = weighted
    info = find(questionnaire, "safe_after_dark")
    result = crosstabs.ward_results(questionnaire, info, 1, weighting=weighting)
    view = engine.view(questionnaire)
    w = weighting.weights[: view.n]
    answer = _choices(view, "safe_after_dark")
    options = view.schema.codes["safe_after_dark"].options
    area_ids = {a.code: a.id for a in questionnaire.partnership.areas}
    area = view.arrays["area"][: view.n]
    checked = 0
    for i, row in enumerate(result["rows"]):
        for j, ward in enumerate(result["columns"]):
            cell = result["cells"][i][j]
            if cell["percent"] is None:
                continue
            base = ~np.isnan(w) & (answer >= 0) & (area == area_ids[ward["key"]])
            p, low, _high = _share(w, base, answer == options.index(row["key"]))
            assert cell["percent"] == round(100 * p, 1)
            assert cell["ci_low"] == pytest.approx(low, abs=6e-5)
            checked += 1
    assert checked >= 6


def test_ward_averages_are_weighted(weighted):
    questionnaire, _scheme, weighting = weighted
    info = find(questionnaire, "area_rating")
    result = crosstabs.ward_results(questionnaire, info, 1, weighting=weighting)
    view = engine.view(questionnaire)
    w = weighting.weights[: view.n]
    values = view.arrays["area_rating"][: view.n].astype(float)
    answered = view.answered("area_rating", None) & ~np.isnan(w)
    area = view.arrays["area"][: view.n]
    ids = {a.code: a.id for a in questionnaire.partnership.areas}
    shown = [ward for ward in result["wards"] if ward["mean"] is not None]
    assert shown
    for ward in shown:
        base = answered & (area == ids[ward["key"]])
        assert ward["mean"] == round((w[base] * values[base]).sum() / w[base].sum(), 1)


def test_the_staff_map_is_weighted_with_intervals_and_can_be_switched(weighted, analyst):
    html = analyst.get("/results/map?question=safe_after_dark").get_data(as_text=True)
    assert 'value="default" checked' in html
    assert "95% confidence interval" in html and "weighted shares" in html
    plain = analyst.get("/results/map?question=safe_after_dark&weights=none")
    assert plain.status_code == 200
    assert "weighted shares" not in plain.get_data(as_text=True)
    assert "95% confidence interval" in plain.get_data(as_text=True)
    assert analyst.get("/results/map?question=safe_after_dark&weights=x").status_code == 400


# --- The public pages ----------------------------------------------------------------


def test_the_public_page_says_figures_are_weighted_once_weights_exist_and_not_before(
    app, db, demo_questionnaire
):
    scales = ["asb_problem", "get_on_well", "services_work_together", "issues_dealt_with"]
    services.set_public_questions(demo_questionnaire, {*scales, "safe_after_dark"})
    db.session.commit()
    client = app.test_client()
    before = client.get("/you-said").get_data(as_text=True)
    assert "Anti-social behaviour" in before and SENTENCE not in before
    scheme = _computed(db, demo_questionnaire)
    page = client.get("/you-said")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and SENTENCE in html
    assert "Wyniki są skorygowane tak" in client.get("/you-said?lang=pl").get_data(as_text=True)
    assert "اعداد و شمار کو اس طرح درست" in client.get("/you-said?lang=ur").get_data(as_text=True)
    map_page = client.get("/you-said/map?question=safe_after_dark").get_data(as_text=True)
    assert SENTENCE in map_page
    # "About n in 10" reads the weighted share of the scale's good end.
    weighting = public_page.public_weighting(demo_questionnaire)
    assert weighting is not None and weighting.scheme == scheme.name
    with app.test_request_context("/you-said"):
        parts = public_page.questions(demo_questionnaire, 10, "en", "ltr", weighting)
    view = engine.view(demo_questionnaire)
    w = weighting.weights[: view.n]
    read = 0
    for part in (p for p in parts if p.code in scales):
        assert part.summary in html
        if not part.summary.startswith("About "):
            continue  # the good end's count is hidden in 300 responses
        answer = _choices(view, part.code)
        options = view.schema.codes[part.code].options
        base = ~np.isnan(w) & (answer >= 0)
        shares = [
            round(100 * _share(w, base, answer == options.index(o))[0], 1) for o in AGREE_CODES
        ]
        tens = int(np.floor(sum(shares) / 10 + 0.5))
        assert part.summary.startswith(f"About {tens} in 10 people chose"), part.code
        read += 1
    assert read, "the test needs a scale whose good end is shown"


def test_a_new_options_weighted_share_is_of_those_offered_it(two_versions):  # noqa: F811
    """Multiple choice rows, and an option only version 2 offered, with uneven weights."""
    view = engine.view(two_versions)
    w = 1.0 + (view.arrays["id"][: view.n] % 3)
    weighting = estimated.Weighting("test", w, 1)
    table = crosstabs.crosstab(two_versions, "improve", "safe_dark", ResultFilter(), 10, weighting)
    rows = [r["key"] for r in table["rows"]]
    columns = [c["key"] for c in table["columns"]]
    improve = view.schema.codes["improve"]
    bits = view.arrays["improve"][: view.n]
    chosen = {
        code: (bits >> np.uint64(i)) & np.uint64(1) == 1 for i, code in enumerate(improve.options)
    }
    safe = _choices(view, "safe_dark")
    fairly = safe == view.schema.codes["safe_dark"].options.index("fairly")
    offered = np.isin(
        view.arrays["version"][: view.n], list(improve.offered_by[improve.options.index("cctv")])
    )
    # The whole "fairly" column was offered CCTV: the weighted share of its weight.
    p, low, high = _share(w, fairly & offered, chosen["cctv"])
    cell = table["cells"][rows.index("cctv")][columns.index("fairly")]
    assert cell["base"] == 20 and cell["percent"] == round(100 * p, 1)
    assert (cell["ci_low"], cell["ci_high"]) == pytest.approx((low, high), abs=6e-5)
    very = table["cells"][rows.index("cctv")][columns.index("very")]
    assert very["percent"] is None and very["ci_low"] is None  # nobody there was offered it
    sums = view.weighted_table("improve", "safe_dark", None, w)
    fairly_key = view.schema.codes["safe_dark"].options.index("fairly")
    cctv_key = improve.options.index("cctv")
    n, total, squares = sums.bases[(cctv_key, fairly_key)]
    assert (n, total, squares) == (20, w[fairly & offered].sum(), (w[fairly & offered] ** 2).sum())
    assert sums.cells[(cctv_key, fairly_key)][1] == w[fairly & chosen["cctv"]].sum()


def test_a_ward_under_the_minimum_effective_base_is_hatched_on_the_map(
    app, db, demo_questionnaire, analyst
):
    from engage.demo.synthetic import seed_synthetic
    from engage.questionnaire.services import current_version

    seed_synthetic(current_version(demo_questionnaire), 2_000, seed=5)  # wards big enough
    db.session.commit()
    _computed(db, demo_questionnaire)
    url = "/results/map?question=safe_after_dark&option=fairly_safe"
    app.config["ENGAGE_SMALL_BASE"] = 1  # only the effective base can mark a ward here
    page = analyst.get(url).get_data(as_text=True)
    assert "%</td>" in page  # some wards' shares are shown
    assert "Small base, treat with care" not in page
    app.config["ENGAGE_MIN_EFFECTIVE_BASE"] = 10_000
    page = analyst.get(url).get_data(as_text=True)
    assert "Small base, treat with care" in page
