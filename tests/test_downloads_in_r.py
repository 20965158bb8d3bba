"""The R download's script and the README's R lines, run by R itself. CI installs R and
haven (Debian's r-base-core and r-cran-haven); elsewhere the tests say what is missing
and skip."""

import shutil
import subprocess  # nosec B404  # runs Rscript with a script of our own

import pytest

from tests.test_spss_in_pspp import sav  # noqa: F401  (the fixture: a demo .sav)

RSCRIPT = shutil.which("Rscript")


def _has_haven() -> bool:
    if RSCRIPT is None:
        return False
    found = subprocess.run(  # noqa: S603
        [RSCRIPT, "-e", "library(haven)"], capture_output=True, check=False, timeout=60
    )
    return found.returncode == 0


pytestmark = pytest.mark.skipif(
    not _has_haven(), reason="R with the haven package is not installed here"
)


def test_the_readme_r_lines_read_labels_and_missing_values(sav, tmp_path):  # noqa: F811
    script = tmp_path / "read.R"
    script.write_text(
        "library(haven)\n"
        f'd <- read_sav("{sav}", user_na = TRUE)\n'
        "stopifnot(is.labelled(d$asb_problem))\n"
        'stopifnot(inherits(d$asb_problem, "haven_labelled_spss"))\n'
        # User-missing: NA to R's is.na(), while the stored value is still there.
        "stopifnot(any(is.na(d$asb_problem) & !is.na(unclass(d$asb_problem))))\n"
        'd$asb_problem <- as_factor(zap_missing(d$asb_problem), levels = "labels")\n'
        'stopifnot(!("Don’t know" %in% levels(droplevels(d$asb_problem))))\n'
        'cat("ok\\n")\n',
        encoding="utf-8",
    )
    found = subprocess.run(  # noqa: S603
        [RSCRIPT, str(script)], capture_output=True, text=True, check=False, timeout=120
    )
    assert found.returncode == 0 and "ok" in found.stdout, found.stderr


@pytest.fixture
def r_bundle(demo_questionnaire, tmp_path):
    """The R download of the demo (its agreement scale has "Don't know"), unzipped."""
    import zipfile

    from engage.exports import services
    from engage.results.filters import ResultFilter

    download = services.prepare(demo_questionnaire, ResultFilter(), free_text=False)
    path = tmp_path / "responses-r.zip"
    services.write_file(download, services.FORMATS["r"], str(path))
    folder = tmp_path / "r"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(folder)
    return folder, download


def _run_r(folder, body: str) -> str:
    script = folder / "check.R"
    script.write_text('source("read_responses.R")\n' + body + 'cat("ok\\n")\n', encoding="utf-8")
    found = subprocess.run(  # noqa: S603
        [RSCRIPT, "check.R"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert found.returncode == 0 and "ok" in found.stdout, found.stdout + found.stderr
    return found.stdout


def test_the_r_script_gives_labelled_factors_with_dont_know_missing(r_bundle):
    folder, download = r_bundle
    question = next(q for q in download.plan.layout.questions if q.code == "asb_problem")
    labels = [o.label for o in question.options]
    missing = [o.label for o in question.options if o.value in question.missing_values]
    kept = [label for label in labels if label not in missing]
    assert missing  # the demo's scale has "Don't know"

    def r_list(items):
        return "c(" + ", ".join('"' + i.replace('"', '\\"') + '"' for i in items) + ")"

    _run_r(
        folder,
        f"stopifnot(nrow(responses) == {download.rows})\n"
        "stopifnot(is.factor(responses$asb_problem))\n"
        f"stopifnot(identical(levels(responses$asb_problem), {r_list(kept)}))\n"
        f'stopifnot(identical(attr(responses$asb_problem, "label"), "{question.text}"))\n'
        'stopifnot(inherits(responses$submitted_at, "POSIXct"))\n'
        "stopifnot(!any(is.na(responses$submitted_at)))\n"
        "stopifnot(is.factor(responses$ward))\n"
        "kept <- read_responses(keep_missing = TRUE)\n"
        f"stopifnot(identical(levels(kept$asb_problem), {r_list(labels)}))\n"
        "stopifnot(sum(is.na(responses$asb_problem)) > sum(is.na(kept$asb_problem)))\n",
    )
