"""The .sav download read by GNU PSPP, as an insight team would: "Don't know" is
missing in FREQUENCIES and DESCRIPTIVES, scales are ordinal, and each multiple-choice
question is a multiple-response set. Skipped, saying why, where PSPP is not installed
(CI installs Debian's pspp)."""

import shutil
import subprocess  # nosec B404  # runs pspp with a syntax file of our own

import pyreadstat
import pytest

from engage.exports import services
from engage.results.filters import ResultFilter

PSPP = shutil.which("pspp")
pytestmark = pytest.mark.skipif(PSPP is None, reason="pspp is not installed (apt-get install pspp)")


@pytest.fixture
def sav(demo_questionnaire, tmp_path):
    download = services.prepare(demo_questionnaire, ResultFilter(), free_text=False)
    path = tmp_path / "responses.sav"
    services.write_file(download, services.FORMATS["sav"], str(path))
    return path


def _pspp(tmp_path, syntax: str) -> str:
    script = tmp_path / "check.sps"
    script.write_text(syntax, encoding="utf-8")
    found = subprocess.run(  # noqa: S603  # pspp, with our own syntax file
        [PSPP, "-O", "format=txt", "-o", "-", str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert found.returncode == 0, found.stdout[-2000:] + found.stderr[-2000:]
    return found.stdout


def test_pspp_counts_dont_know_as_missing_in_frequencies_and_descriptives(sav, tmp_path):
    data, meta = pyreadstat.read_sav(str(sav), output_format="dict", user_missing=True)
    missing = {v for r in meta.missing_ranges["asb_problem"] for v in (r["lo"], r["hi"])}
    assert meta.variable_value_labels["asb_problem"][int(min(missing))] == "Don’t know"
    answered = [v for v in data["asb_problem"] if v is not None]
    valid = [v for v in answered if v not in missing]
    assert len(valid) < len(answered), "the synthetic answers include some Don't know"
    output = _pspp(
        tmp_path,
        f"GET FILE='{sav}'.\n"
        "DESCRIPTIVES VARIABLES=asb_problem /STATISTICS=MEAN.\n"
        "FREQUENCIES VARIABLES=asb_problem.\n",
    )
    assert "warning" not in output.lower(), output[:2000]
    # DESCRIPTIVES: N is the valid answers only, and the mean is of the scale alone.
    label = meta.column_names_to_labels["asb_problem"]
    cells = next(x for x in output.splitlines() if x.startswith(f"|{label}|")).split("|")
    n, mean = int(cells[2]), float(cells[3])
    assert n == len(valid)
    assert mean == pytest.approx(sum(valid) / len(valid), abs=0.01)
    # FREQUENCIES lists Don't know under Missing.
    frequencies = output[output.index("Frequencies") :] if "Frequencies" in output else output
    missing_part = frequencies[frequencies.index("Missing") :]
    assert "Don’t know" in missing_part


def test_pspp_reads_scales_as_ordinal_and_multiple_choice_as_a_set(sav, tmp_path):
    output = _pspp(
        tmp_path,
        f"GET FILE='{sav}'.\n"
        "DISPLAY DICTIONARY /VARIABLES=asb_problem safe_after_dark area_rating gender.\n"
        "MRSETS /DISPLAY NAME=ALL.\n",
    )
    names = ("asb_problem", "safe_after_dark", "area_rating", "gender")
    measured = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.split("|")]
        level = next((c for c in cells if c in ("Nominal", "Ordinal", "Scale")), None)
        if len(cells) > 4 and cells[1] in names and level:  # the "Variables" table
            measured[cells[1]] = level
    assert measured == {
        "asb_problem": "Ordinal",  # an agreement scale
        "safe_after_dark": "Ordinal",  # a single choice marked as a scale
        "area_rating": "Ordinal",  # a 0 to 10 rating
        "gender": "Nominal",
    }
    assert "$unsafe_reasons" in output and "unsafe_reasons__poor_lighting" in output
