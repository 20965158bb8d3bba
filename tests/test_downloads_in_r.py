"""The README's R lines, run by R itself where R and haven are installed (this machine
and CI have no R: the test says so and skips)."""

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
        "stopifnot(any(is_user_na(d$asb_problem)))\n"
        'd$asb_problem <- as_factor(zap_missing(d$asb_problem), levels = "labels")\n'
        'stopifnot(!("Don’t know" %in% levels(droplevels(d$asb_problem))))\n'
        'cat("ok\\n")\n',
        encoding="utf-8",
    )
    found = subprocess.run(  # noqa: S603
        [RSCRIPT, str(script)], capture_output=True, text=True, check=False, timeout=120
    )
    assert found.returncode == 0 and "ok" in found.stdout, found.stderr
