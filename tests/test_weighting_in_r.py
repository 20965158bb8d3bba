"""The whole path checked against R's survey package: the demo's responses, weighted by
Engage to the demo's population (ward, age band and sex), downloaded as CSV, then raked
and estimated again in R. The stored weights must equal R's rake() and the command
line's estimates R's svymean() on the downloaded weights."""

import csv
import json
import subprocess  # nosec B404  # runs Rscript with a script of our own

import pytest

from engage.demo.synthetic import seed_synthetic
from engage.questionnaire.services import current_version
from engage.weighting.targets import read
from tests import r_survey

R_SCRIPT = """
suppressMessages(library(survey))
d <- read.csv("responses.csv", colClasses = "character")
d$weight <- as.numeric(d$weight)
pop <- read.csv("targets.csv", colClasses = c("character", "character", "numeric"))
margin <- function(v) {
  m <- pop[pop$variable == v, c("value", "population")]
  names(m) <- c(v, "Freq")
  m
}
raked <- d[d$ward %in% margin("ward")$ward & d$age_band %in% margin("age_band")$age_band &
           d$gender %in% margin("gender")$gender, ]
des <- svydesign(ids = ~1, data = raked)
r <- rake(des, list(~ward, ~age_band, ~gender),
          list(margin("ward"), margin("age_band"), margin("gender")),
          control = list(maxit = 1000, epsilon = 1e-12))
write.csv(data.frame(response_id = raked$response_id, r_weight = weights(r)),
          "rake.csv", row.names = FALSE)
answered <- d[!is.na(d$weight) & d$safe_after_dark != "", ]
m <- svymean(~factor(safe_after_dark), svydesign(ids = ~1, weights = ~weight, data = answered))
write.csv(data.frame(option = sub("factor\\\\(safe_after_dark\\\\)", "", names(coef(m))),
                     estimate = coef(m), se = SE(m)), "svymean.csv", row.names = FALSE)
"""


def test_stored_weights_and_estimates_agree_with_r(db, demo_questionnaire, runner, tmp_path):
    rscript = r_survey.require()
    seed_synthetic(current_version(demo_questionnaire), 3_700, seed=21)
    db.session.commit()
    from engage.demo import seed

    population = (seed.Path(seed.__file__).parent / "population.csv").read_text()
    with open(tmp_path / "targets.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["variable", "value", "population"])
        for variable, values in read(population).margins.items():
            for value, count in values.items():
                writer.writerow([variable, value, count])
    assert runner.invoke(args=["weights", "compute"]).exit_code == 0
    exported = runner.invoke(
        args=["export", "responses", "--format", "csv", "--output", str(tmp_path / "responses.csv")]
    )
    assert exported.exit_code == 0, exported.output
    found = runner.invoke(args=["results", "estimate", "safe_after_dark", "--format", "json"])
    estimates = {o["code"]: o for o in json.loads(found.output)["options"]}
    run = subprocess.run(  # noqa: S603  # nosec B603
        [rscript, "-e", R_SCRIPT], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    with open(tmp_path / "responses.csv", encoding="utf-8-sig", newline="") as f:
        ours = {row["response_id"]: row["weight"] for row in csv.DictReader(f)}
    with open(tmp_path / "rake.csv", newline="") as f:
        theirs = {row["response_id"]: float(row["r_weight"]) for row in csv.DictReader(f)}
    assert len(theirs) >= 2_000
    assert {i for i, w in ours.items() if w} == set(theirs)  # the same respondents left out
    worst = max(abs(float(ours[i]) / w - 1) for i, w in theirs.items())
    print("largest relative difference from R rake():", worst)
    assert worst < 1e-6, worst
    with open(tmp_path / "svymean.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(estimates)
    for row in rows:
        ours_option = estimates[row["option"]]
        assert ours_option["estimate"] == pytest.approx(float(row["estimate"]), abs=1e-6)
        assert ours_option["se"] == pytest.approx(float(row["se"]), rel=1e-6)
