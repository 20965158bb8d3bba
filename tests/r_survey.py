"""R with the survey package, for the tests that check Engage's weighting against it.

CI installs R and survey (Debian's r-base-core and r-cran-survey) and sets
ENGAGE_REQUIRE_R, so there a missing R fails the test; elsewhere it skips, saying why.
"""

import functools
import os
import shutil
import subprocess  # nosec B404  # runs Rscript, ours

import pytest

RSCRIPT = shutil.which("Rscript")


@functools.cache
def _has_survey() -> bool:
    if RSCRIPT is None:
        return False
    found = subprocess.run(  # noqa: S603  # nosec B603
        [RSCRIPT, "-e", "library(survey)"], capture_output=True, check=False, timeout=60
    )
    return found.returncode == 0


def require() -> str:
    """The Rscript command, or skip (fail under ENGAGE_REQUIRE_R) without the package."""
    if _has_survey():
        assert RSCRIPT is not None  # noqa: S101
        return RSCRIPT
    if os.environ.get("ENGAGE_REQUIRE_R"):
        pytest.fail("R with the survey package is missing and ENGAGE_REQUIRE_R is set")
    pytest.skip("R with the survey package is not installed here")
