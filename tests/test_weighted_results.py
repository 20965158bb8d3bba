"""Weighting the responses to population targets, and the weighted results people see."""

import json

import numpy as np
import pytest
import sqlalchemy as sa

from engage.questionnaire.services import current_version
from engage.results import aggregates, engine, weight_jobs, weights
from engage.results.columns import SHIFT
from engage.results.filters import ResultFilter
from engage.survey.models import Answer, Response
from engage.weighting import services as stored
from engage.weighting import targets as target_files
from engage.weighting.models import PopulationTarget, ResponseWeight, TargetSet

MARGINS = """variable,value,population
gender,woman,51000
gender,man,49000
ward,castle,20000
ward,hollins_park,20000
ward,millbrook,15000
ward,northgate,15000
ward,st_annes,15000
ward,wharfside,15000
"""


def _scheme(questionnaire, name="default"):
    return stored.scheme_named(questionnaire, name)


def _computed(db, questionnaire, text=MARGINS, name="default"):
    weights.load_targets(questionnaire, target_files.read(text), name)
    db.session.commit()
    scheme = _scheme(questionnaire, name)
    weights.compute(scheme)
    db.session.commit()
    return scheme


def _stored_weights(db, scheme) -> dict[int, float | None]:
    return dict(
        db.session.execute(
            sa.select(ResponseWeight.response_id, ResponseWeight.weight).where(
                ResponseWeight.scheme_id == scheme.id
            )
        ).all()
    )


def _choices(view, code):
    return (view.arrays[code][: view.n] >> 8).astype(np.int64) - SHIFT


# --- Reading targets -----------------------------------------------------------------


def test_targets_are_read_as_margins_or_as_ons_shaped_cells():
    margins = target_files.read(MARGINS)
    assert margins.margins["gender"] == {"woman": 51000, "man": 49000}
    assert margins.totals() == {"gender": 100000, "ward": 100000}
    cells = target_files.read(
        "ward,age_band,gender,population\ncastle,age_16_24,woman,1,200\n".replace(
            "1,200", '"1,200"'
        )
        + "castle,age_16_24,man,1100\ncastle,age_25_34,woman,900\nnorthgate,age_25_34,man,800\n"
    )
    assert cells.margins["ward"] == {"castle": 3200, "northgate": 800}
    assert cells.margins["age_band"] == {"age_16_24": 2300, "age_25_34": 1700}
    assert cells.margins["gender"] == {"woman": 2100, "man": 1900}


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "The file is empty"),
        ("code,count\nward,1\n", "The header must be ‘variable,value,population’"),
        ("variable,value,population\nward,castle,many\n", "Line 2: ‘many’ is not a population"),
        ("variable,value,population\nward,castle,-5\n", "Line 2: ‘-5’ is not a population"),
        (
            "variable,value,population\nward,castle,5\nward,castle,6\n",
            "Line 3 repeats ward = castle from line 2",
        ),
        ("variable,value,population\nward,castle,5,1\n", "Line 2 has 4 values"),
        (
            "variable,value,population\nward,castle,100\ngender,woman,60\n",
            "The margins add up to different totals (ward 100, gender 60)",
        ),
    ],
)
def test_a_bad_targets_file_says_what_to_fix(text, message):
    with pytest.raises(target_files.TargetsError) as refused:
        target_files.read(text)
    assert any(message in problem for problem in refused.value.problems), refused.value.problems


# --- Loading and computing -----------------------------------------------------------


def test_targets_naming_no_question_or_no_option_are_refused_and_nothing_is_kept(
    db, demo_questionnaire
):
    text = MARGINS + "shoe_size,9,100000\n".replace("gender,man,49000", "gender,man,49000")
    bad = text.replace("ward,wharfside,15000", "ward,atlantis,15000")
    with pytest.raises(target_files.TargetsError) as refused:
        weights.load_targets(demo_questionnaire, target_files.read(bad), "extra")
    problems = "\n".join(refused.value.problems)
    assert "‘shoe_size’ (line 10) is not the code of a single-choice question" in problems
    assert "Line 9: ‘ward’ has no value ‘atlantis’" in problems
    db.session.rollback()
    assert _scheme(demo_questionnaire, "extra") is None


def test_weights_sum_to_the_population_and_meet_every_margin(db, demo_questionnaire):
    scheme = _computed(db, demo_questionnaire)
    found = _stored_weights(db, scheme)
    view = engine.view(demo_questionnaire)
    assert len(found) == view.n == 300  # a row per response, blank or not
    column = np.array([found[i] if found[i] is not None else np.nan for i in view.arrays["id"]])
    weighted = ~np.isnan(column)
    assert column[weighted].sum() == pytest.approx(100_000, rel=1e-9)
    gender = _choices(view, "gender")
    options = view.schema.codes["gender"].options
    woman, man = options.index("woman"), options.index("man")
    assert column[weighted & (gender == woman)].sum() == pytest.approx(51_000, rel=1e-8)
    assert column[weighted & (gender == man)].sum() == pytest.approx(49_000, rel=1e-8)
    # "Prefer not to say", "in another way" and a blank have no target: no weight.
    others = ~np.isin(gender, [woman, man])
    assert others.any() and np.isnan(column[others]).all()
    assert scheme.report["left_out"] == int(np.count_nonzero(~weighted))
    assert scheme.report["converged"] is True
    assert any("Converged after" in line for line in scheme.report["lines"])


def test_a_target_group_nobody_answered_from_stops_the_weights_and_says_which(
    db, demo_questionnaire
):
    view = engine.view(demo_questionnaire)
    options = view.schema.codes["gender"].options
    gone = [
        int(i)
        for i, g in zip(view.arrays["id"][: view.n], _choices(view, "gender"), strict=True)
        if g == options.index("another_way")
    ]
    db.session.execute(sa.delete(Answer).where(Answer.response_id.in_(gone)))
    db.session.execute(sa.delete(Response).where(Response.id.in_(gone)))
    db.session.commit()
    engine.forget()
    text = MARGINS.replace("gender,man,49000", "gender,man,48000\ngender,another_way,1000")
    weights.load_targets(demo_questionnaire, target_files.read(text), "default")
    db.session.commit()
    scheme = _scheme(demo_questionnaire)
    with pytest.raises(target_files.TargetsError) as refused:
        weights.compute(scheme)
    assert "No respondent has gender = another_way" in refused.value.problems[0]


def test_new_responses_make_the_weights_out_of_date_and_the_job_brings_them_back(
    db, demo_questionnaire
):
    from engage.demo.synthetic import seed_synthetic

    scheme = _computed(db, demo_questionnaire)
    assert not weights.stale(scheme, demo_questionnaire)
    assert weight_jobs.recompute_stale() == []
    seed_synthetic(current_version(demo_questionnaire), 20, seed=9)
    db.session.commit()
    engine.forget()
    assert weights.stale(scheme, demo_questionnaire)
    view = engine.view(demo_questionnaire)
    column = weights.weights_of(view, scheme)
    assert np.isnan(column[300:]).all()  # not weighted until the weights are recomputed
    ended = weight_jobs.recompute_stale()
    assert [job.status for job in ended] == ["done"]
    db.session.refresh(scheme)
    assert not weights.stale(scheme, demo_questionnaire)
    assert len(_stored_weights(db, scheme)) == 320
    # New targets make them out of date too, and are kept beside the old ones.
    weights.load_targets(demo_questionnaire, target_files.read(MARGINS), "default")
    db.session.commit()
    assert weights.stale(scheme, demo_questionnaire)
    assert db.session.scalar(sa.select(sa.func.count(TargetSet.id))) == 3  # demo's + 2
    assert db.session.scalar(sa.select(sa.func.count(PopulationTarget.id))) > 16


# --- Weighted results ----------------------------------------------------------------


def _weighting(questionnaire, scheme, minimum=50):
    view = engine.view(questionnaire)
    return aggregates.estimated.Weighting(scheme.name, weights.weights_of(view, scheme), minimum)


def test_weighted_estimates_are_the_weighted_shares_of_the_weighted_respondents(
    db, demo_questionnaire
):
    scheme = _computed(db, demo_questionnaire)
    weighting = _weighting(demo_questionnaire, scheme)
    result = aggregates.question_results(
        demo_questionnaire, "safe_after_dark", ResultFilter(), 1, weighting=weighting
    )
    view = engine.view(demo_questionnaire)
    answer = _choices(view, "safe_after_dark")
    w = weighting.weights[: view.n]
    base = ~np.isnan(w) & (answer >= 0)
    options = view.schema.codes["safe_after_dark"].options
    n = int(base.sum())
    for option in result["options"]:
        chosen = base & (answer == options.index(option["code"]))
        p = w[chosen].sum() / w[base].sum()
        variance = n / (n - 1) * ((w[base] ** 2) * ((chosen[base]) - p) ** 2).sum()
        se = np.sqrt(variance) / w[base].sum()
        assert option["estimate"] == pytest.approx(round(p, 4), abs=1e-9)
        assert option["se"] == pytest.approx(round(se, 4), abs=1e-9)
        assert option["ci_low"] == pytest.approx(round(max(p - 1.959964 * se, 0), 4), abs=2e-4)
        assert option["percent"] == round(100 * p, 1)
        assert option["count"] == int(chosen.sum())  # counts stay counts of respondents
    kish = w[base].sum() ** 2 / (w[base] ** 2).sum()
    assert result["respondents"] == n
    assert result["weighting"]["effective_base"] == round(kish)
    assert result["weighting"]["weighted"] is True


def test_unweighted_estimates_are_worked_out_from_the_shown_counts(db, demo_questionnaire):
    result = aggregates.question_results(demo_questionnaire, "safe_after_dark", ResultFilter(), 10)
    base = result["respondents"]
    for option in result["options"]:
        p = option["count"] / option["base"]
        assert option["estimate"] == round(p, 4)
        assert option["se"] == round(np.sqrt(p * (1 - p) / (base - 1)), 4)
        assert option["effective_base"] == base
    assert result["weighting"] == {
        "weighted": False,
        "scheme": None,
        "base": base,
        "effective_base": base,
        "efficiency": 1.0,
        "low_base": False,
        "min_effective_base": 50,
    }


def test_a_hidden_count_has_no_weighted_estimate_either(db, demo_questionnaire):
    scheme = _computed(db, demo_questionnaire)
    result = aggregates.question_results(
        demo_questionnaire,
        "safe_after_dark",
        ResultFilter(wards=("castle",)),
        10,
        weighting=_weighting(demo_questionnaire, scheme),
    )
    hidden = [o for o in result["options"] if isinstance(o["count"], str)]
    assert hidden, "the test needs a small cell"
    for option in hidden:
        assert option["estimate"] is None and option["ci_low"] is None
        assert option["percent"] is None


def test_an_effective_base_under_the_minimum_is_greyed_with_a_warning_not_hidden(
    app, db, demo_questionnaire, analyst_client_demo
):
    _computed(db, demo_questionnaire)
    app.config["ENGAGE_MIN_EFFECTIVE_BASE"] = 10_000
    page = analyst_client_demo.get("/results/?question=safe_after_dark")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "engage-low-base" in html
    assert "The effective base is under 10000" in html
    assert "95% confidence interval" in html and " to " in html


# --- Pages, API and command line ------------------------------------------------------


@pytest.fixture
def analyst_client_demo(app, db, demo_questionnaire):
    return signed_in(app, db, demo_questionnaire, "analyst")


def signed_in(app, db, questionnaire, role: str):
    """A test client signed in as a new member of staff of the questionnaire's partnership."""
    from engage.accounts.services import create_user

    email = f"{role}@weights.test"
    create_user(email, "a long enough password", role, questionnaire.partnership.agencies[0])
    db.session.commit()
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": "a long enough password"})
    assert response.status_code == 302
    return client


def test_the_results_page_is_weighted_once_a_scheme_has_weights_and_can_be_switched(
    db, demo_questionnaire, analyst_client_demo
):
    before = analyst_client_demo.get("/results/?question=safe_after_dark").get_data(as_text=True)
    assert 'name="weights"' not in before  # no scheme with weights: nothing to choose
    _computed(db, demo_questionnaire)
    page = analyst_client_demo.get("/results/?question=safe_after_dark").get_data(as_text=True)
    assert 'id="weights-default" name="weights" type="radio" value="default" checked' in page
    assert (
        "weighted to the population</strong> by <code>gender</code> and <code>ward</code>" in page
    )
    assert "of the responses that match the filters are left out" in page
    plain = analyst_client_demo.get("/results/?question=safe_after_dark&weights=none")
    assert "as answered</strong> (unweighted)" in plain.get_data(as_text=True)
    wrong = analyst_client_demo.get("/results/?question=safe_after_dark&weights=nope")
    assert wrong.status_code == 400
    assert "There is no weighting scheme ‘nope’ with weights" in wrong.get_data(as_text=True)
    csv_text = analyst_client_demo.get("/results/figures.csv?question=safe_after_dark").get_data(
        as_text=True
    )
    header, first = csv_text.splitlines()[:2]
    assert header.endswith("ci_low_percent,ci_high_percent,effective_base,weighted_by")
    assert [line for line in csv_text.splitlines() if line.startswith("question,")][0].endswith(
        ",default"
    )


def test_the_api_and_odata_give_each_option_its_estimate_and_interval(app, db, demo_questionnaire):
    from engage.accounts.models import ANALYST
    from engage.accounts.services import create_user
    from engage.api.tokens import create_token

    _computed(db, demo_questionnaire)
    agency = demo_questionnaire.partnership.agencies[0]
    user = create_user("api@weights.test", "a long enough password", ANALYST, agency)
    _, token = create_token(user, "test")
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    body = client.get("/api/v1/results/safe_after_dark", headers=headers).get_json()
    option = body["options"][0]
    for field in ("estimate", "ci_low", "ci_high", "base", "effective_base", "se"):
        assert option[field] is not None, field
    assert option["ci_low"] <= option["estimate"] <= option["ci_high"]
    assert body["weighting"]["scheme"] == "default"
    plain = client.get("/api/v1/results/safe_after_dark?weights=none", headers=headers).get_json()
    assert plain["weighting"]["weighted"] is False
    assert (
        client.get("/api/v1/results/safe_after_dark?weights=x", headers=headers).status_code == 400
    )
    rows = client.get("/odata/Results", headers=headers).get_json()["value"]
    row = next(r for r in rows if r["question"] == "safe_after_dark")
    assert row["weighted"] is True and row["weighting_scheme"] == "default"
    assert row["ci_low"] <= row["estimate"] <= row["ci_high"]
    metadata = client.get("/odata/$metadata", headers=headers).get_data(as_text=True)
    assert 'Name="effective_base"' in metadata


def test_the_command_line_loads_computes_and_estimates(runner, db, demo_questionnaire, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("variable,value,population\nward,castle,lots\n")
    refused = runner.invoke(args=["weights", "load-targets", str(bad)])
    assert refused.exit_code == 1
    assert "Nothing was loaded" in refused.output and "‘lots’ is not a population" in refused.output
    good = tmp_path / "population.csv"
    good.write_text(MARGINS)
    loaded = runner.invoke(
        args=[
            "weights",
            "load-targets",
            str(good),
            "--scheme",
            "sexward",
            "--describes",
            "2025-06-30",
        ]
    )
    assert loaded.exit_code == 0, loaded.output
    assert (
        "describing 30 June 2025: 100,000 residents by gender (2 values), ward (6 values)"
        in loaded.output
    )
    computed = runner.invoke(args=["weights", "compute", "--scheme", "sexward"])
    assert computed.exit_code == 0, computed.output
    assert "Converged after" in computed.output and "left out" in computed.output
    found = runner.invoke(
        args=["results", "estimate", "safe_after_dark", "--scheme", "sexward", "--format", "json"]
    )
    assert found.exit_code == 0, found.output
    data = json.loads(found.output)
    assert data["weighted"] is True and data["scheme"] == "sexward"
    assert sum(o["estimate"] for o in data["options"]) == pytest.approx(1.0)
    assert set(data["options"][0]) == {
        "code",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "base",
        "effective_base",
    }
    plain = json.loads(
        runner.invoke(
            args=["results", "estimate", "safe_after_dark", "--unweighted", "--format", "json"]
        ).output
    )
    assert plain["effective_base"] == plain["base"]
    unknown = runner.invoke(args=["results", "estimate", "safe_after_dark", "--scheme", "nope"])
    assert unknown.exit_code == 1 and "No weighting scheme ‘nope’ has weights" in unknown.output


def test_every_question_is_weighted_and_a_mean_is_the_weighted_mean(db, demo_questionnaire):
    scheme = _computed(db, demo_questionnaire)
    weighting = _weighting(demo_questionnaire, scheme)
    results = aggregates.dashboard_results(
        demo_questionnaire, ResultFilter(), 1, weighting=weighting
    )
    assert all(r["weighting"]["weighted"] for r in results)
    numbers = [r for r in results if r["type"] == "number"]
    assert any("-" in str(o["code"]) for r in numbers for o in r["options"]), "banded"
    view = engine.view(demo_questionnaire)
    w = weighting.weights[: view.n]
    for result in (r for r in results if r["type"] in ("rating", "number")):
        values = view.arrays[result["code"]][: view.n].astype(np.float64)
        answered = view.answered(result["code"], None) & ~np.isnan(w)
        expected = (w[answered] * values[answered]).sum() / w[answered].sum()
        assert result["mean"] == round(expected, 2), result["code"]


def test_a_refused_computation_is_not_retried_until_targets_or_responses_change(
    db, demo_questionnaire
):
    from engage.demo.synthetic import seed_synthetic

    scheme = _computed(db, demo_questionnaire)
    view = engine.view(demo_questionnaire)
    options = view.schema.codes["gender"].options
    gone = [
        int(i)
        for i, g in zip(view.arrays["id"][: view.n], _choices(view, "gender"), strict=True)
        if g == options.index("another_way")
    ]
    db.session.execute(sa.delete(Answer).where(Answer.response_id.in_(gone)))
    db.session.execute(sa.delete(Response).where(Response.id.in_(gone)))
    text = MARGINS.replace("gender,man,49000", "gender,man,48000\ngender,another_way,1000")
    weights.load_targets(demo_questionnaire, target_files.read(text), "default")
    db.session.commit()
    engine.forget()
    ended = weight_jobs.recompute_stale()
    assert [job.status for job in ended] == ["failed"]
    assert "No respondent has gender = another_way" in ended[0].problems[0]
    assert weight_jobs.recompute_stale() == []  # nothing changed: not tried again
    seed_synthetic(current_version(demo_questionnaire), 5, seed=3)
    db.session.commit()
    engine.forget()
    assert len(weight_jobs.recompute_stale()) == 1  # new responses: tried again
    db.session.refresh(scheme)
    assert scheme.computed_at is not None  # the earlier weights stayed in use meanwhile


def test_a_multiple_choice_options_weighted_share_is_of_those_who_answered(db, demo_questionnaire):
    scheme = _computed(db, demo_questionnaire)
    weighting = _weighting(demo_questionnaire, scheme)
    result = aggregates.question_results(
        demo_questionnaire, "unsafe_reasons", ResultFilter(), 1, weighting=weighting
    )
    view = engine.view(demo_questionnaire)
    w = weighting.weights[: view.n]
    base = view.answered("unsafe_reasons", None) & ~np.isnan(w)
    bits = view.arrays["unsafe_reasons"][: view.n]
    options = view.schema.codes["unsafe_reasons"].options
    assert len(options) > 1
    for option in result["options"]:
        bit = np.uint64(options.index(option["code"]))
        chosen = base & ((bits >> bit) & np.uint64(1) == 1)
        assert option["estimate"] == round(w[chosen].sum() / w[base].sum(), 4), option["code"]
