"""Every row-level download carries the default weighting scheme's weight: CSV, JSON
Lines, XLSX, .sav (weighted by it, as PSPP reads it back), .dta, the data package, the
R bundle, the command line, the API's responses and the OData feed. A response the
scheme could not weight, or stored after the weights were computed, has a blank."""

import csv
import io
import json
import shutil
import subprocess  # nosec B404  # runs pspp with a syntax file of our own
import zipfile
from datetime import date

import openpyxl
import pyreadstat
import pytest

from engage.exports.layout import INTEGER, NUMBER, STRING, Column, Layout
from engage.exports.sav_writer import write_sav
from engage.results.weights import compute, load_targets
from engage.weighting import targets
from engage.weighting.models import ResponseWeight
from engage.weighting.services import scheme_named
from tests.test_api import bearer, make_token
from tests.test_exports import answer, prepared, read_csv
from tests.test_odata import _properties, _schema, basic

PSPP = shutil.which("pspp")
RSCRIPT = shutil.which("Rscript")
FIXED = ["response_id", "submitted_at", "version", "channel", "event", "ward", "language"]
TARGETS = "variable,value,population\nward,north,1000\nward,south,500\n"
LABEL = (
    "Weight of the default weighting scheme ‘default’ (targets describing 30 June 2025), "
    "blank where the respondent could not be weighted"
)


@pytest.fixture
def weighted(db, questionnaire):
    """Response id -> its weight (None: not weighted). Three from the north share its
    1,000 residents and two from the south its 500; one from the east, which has no
    target, is left out; one more from the north arrives after the computation."""
    wards = ["north", "north", "south", "north", "east", "south"]
    ids = [answer(db, questionnaire, ward=[w], safe_dark=["very"]) for w in wards]
    whole = questionnaire.questionnaire
    load_targets(whole, targets.read(TARGETS), "default", describes=date(2025, 6, 30))
    compute(scheme_named(whole, "default"))
    db.session.commit()
    late = answer(db, questionnaire, ward=["north"], safe_dark=["unsafe"])
    found = dict(zip(ids, [1000 / 3, 1000 / 3, 250.0, 1000 / 3, None, 250.0], strict=True))
    return found | {late: None}


def _check(rows, expected):
    """``rows`` (dicts with response_id and weight, as read) hold the expected weights."""
    assert len(rows) == len(expected)
    for row in rows:
        want = expected[int(row["response_id"])]
        value = row["weight"]
        if want is None:
            assert value in ("", None), row
        else:
            assert float(value) == pytest.approx(want, rel=1e-12), row


def test_stored_weights_are_the_expected_ones(db, weighted):
    stored = {w.response_id: w.weight for w in db.session.query(ResponseWeight)}
    late = max(weighted)
    assert late not in stored  # stored after the computation: no row
    expected = {i: w for i, w in weighted.items() if i != late}
    _check([{"response_id": i, "weight": w} for i, w in stored.items()], expected)


def test_csv_has_the_weight_after_the_response_columns(analyst_client, weighted):
    response = analyst_client.get("/exports/responses.csv")
    rows = read_csv(response)
    header = response.get_data(as_text=True).lstrip("\ufeff").splitlines()[0].split(",")
    assert header[:8] == [*FIXED, "weight"]
    _check(rows, weighted)
    assert read_csv(analyst_client.get("/exports/responses.csv?values=labels"))[0]["weight"]


def test_csv_without_weights_keeps_a_blank_weight_column(db, analyst_client, questionnaire):
    answer(db, questionnaire, ward=["north"], safe_dark=["very"])
    rows = read_csv(analyst_client.get("/exports/responses.csv"))
    assert rows[0]["weight"] == ""


def test_jsonl_has_the_weight_as_a_number_or_null(analyst_client, weighted):
    body = analyst_client.get("/exports/responses.jsonl").get_data(as_text=True)
    rows = [json.loads(line) for line in body.splitlines()]
    assert list(rows[0])[:8] == [*FIXED, "weight"]
    assert all(isinstance(r["weight"], float | None) for r in rows)
    _check(rows, weighted)


def _rows(data):
    """A statistics file's columns, read as a dict, as rows of id and weight."""
    pairs = zip(data["response_id"], data["weight"], strict=True)
    return [{"response_id": i, "weight": w} for i, w in pairs]


def _export(runner, tmp_path, fmt, name):
    output = tmp_path / name
    result = runner.invoke(args=["export", "responses", "--format", fmt, "--output", str(output)])
    assert result.exit_code == 0, result.output
    return output


def test_command_line_csv_and_jsonl_have_the_weight(runner, weighted, tmp_path):
    text = _export(runner, tmp_path, "csv", "r.csv").read_text(encoding="utf-8-sig")
    _check(list(csv.DictReader(io.StringIO(text))), weighted)
    lines = _export(runner, tmp_path, "jsonl", "r.jsonl").read_text(encoding="utf-8")
    _check([json.loads(line) for line in lines.splitlines()], weighted)


def test_xlsx_has_the_weight_as_numbers(runner, weighted, tmp_path):
    workbook = openpyxl.load_workbook(_export(runner, tmp_path, "xlsx", "r.xlsx"), read_only=True)
    sheet = list(workbook["data"].iter_rows(values_only=True))
    assert list(sheet[0][:8]) == [*FIXED, "weight"]
    rows = [dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]]
    assert all(isinstance(r["weight"], int | float | None) for r in rows)  # not text
    _check(rows, weighted)


def test_sav_holds_the_weights_and_is_weighted_by_them(runner, weighted, tmp_path):
    path = _export(runner, tmp_path, "sav", "r.sav")
    data, meta = pyreadstat.read_sav(str(path), output_format="dict")
    _check(_rows(data), weighted)
    assert meta.column_names_to_labels["weight"] == LABEL
    assert meta.variable_measure["weight"] == "scale"
    # The multiple-response sets are still declared beside the weight.
    assert "improve" in meta.mr_sets


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
    return found.stdout + found.stderr


@pytest.mark.skipif(PSPP is None, reason="pspp is not installed (apt-get install pspp)")
def test_pspp_reads_weight_as_the_weight_variable(runner, weighted, tmp_path):
    path = _export(runner, tmp_path, "sav", "r.sav")
    output = _pspp(
        tmp_path,
        f"GET FILE='{path}'.\nSHOW WEIGHT.\nDESCRIPTIVES VARIABLES=response_id /STATISTICS=MEAN.\n",
    )
    assert "SHOW: WEIGHT is weight." in " ".join(output.split()), output[:3000]
    # DESCRIPTIVES weights: N is the sum of the weights of the responses that have one,
    # and the mean is weighted; the responses with no weight are left out, with a warning.
    assert "weight value that was user-missing, system-missing" in " ".join(output.split())
    known = {i: w for i, w in weighted.items() if w is not None}
    total = sum(known.values())
    cells = next(x for x in output.splitlines() if x.startswith("|Response id")).split("|")
    assert float(cells[2]) == pytest.approx(total, abs=0.0001)
    mean = sum(i * w for i, w in known.items()) / total
    assert float(cells[3]) == pytest.approx(mean, abs=0.005)


@pytest.mark.skipif(PSPP is None, reason="pspp is not installed (apt-get install pspp)")
def test_sav_without_weights_is_not_weighted(db, runner, questionnaire, tmp_path):
    answer(db, questionnaire, ward=["north"], safe_dark=["very"])
    path = _export(runner, tmp_path, "sav", "r.sav")
    data, _meta = pyreadstat.read_sav(str(path), output_format="dict")
    assert data["weight"] == [None]
    output = _pspp(tmp_path, f"GET FILE='{path}'.\nSHOW WEIGHT.\n")
    assert "SHOW: WEIGHT is OFF." in " ".join(output.split()), output[:3000]


@pytest.mark.skipif(PSPP is None, reason="pspp is not installed (apt-get install pspp)")
def test_weight_index_counts_the_records_of_long_text_before_it(tmp_path):
    """A text variable of 40 bytes takes five variable records, so the weight that
    follows it is the sixth record, not the second variable."""
    columns = (Column("note", "Note", STRING), Column("weight", "Weight", NUMBER), Column("n", "N"))
    layout = Layout(columns, (), weight="weight")
    rows = [["x" * 40, 2.5, 1], ["y", None, 2], ["z", 0.5, 3]]
    path = str(tmp_path / "long.sav")
    assert write_sav(path, layout, rows, 3, {0: 40}) == 3
    assert columns[2].kind == INTEGER
    output = _pspp(
        tmp_path, f"GET FILE='{path}'.\nSHOW WEIGHT.\nDESCRIPTIVES VARIABLES=n /STATISTICS=MEAN.\n"
    )
    assert "SHOW: WEIGHT is weight." in " ".join(output.split()), output[:3000]
    cells = next(x for x in output.splitlines() if x.startswith("|N ")).split("|")
    assert (float(cells[2]), float(cells[3])) == (3.0, pytest.approx((2.5 + 1.5) / 3, abs=0.005))


def test_dta_has_the_weight_as_a_double_and_says_how_to_use_it(runner, weighted, tmp_path):
    path = _export(runner, tmp_path, "dta", "r.dta")
    data, meta = pyreadstat.read_dta(str(path), output_format="dict")
    _check(_rows(data), weighted)
    assert meta.readstat_variable_types["weight"] == "double"
    assert any("[pweight=weight]" in note for note in meta.notes)


def test_data_package_and_r_bundle_describe_the_weight(runner, weighted, tmp_path):
    with zipfile.ZipFile(_export(runner, tmp_path, "datapackage", "p.zip")) as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
        text = archive.read("responses.csv").decode("utf-8")
    fields = descriptor["resources"][0]["schema"]["fields"]
    assert fields[7] == {"name": "weight", "title": LABEL, "type": "number"}
    _check(list(csv.DictReader(io.StringIO(text))), weighted)
    with zipfile.ZipFile(_export(runner, tmp_path, "r", "r.zip")) as archive:
        script = archive.read("read_responses.R").decode("utf-8")
    assert "survey::svydesign(ids = ~1, weights = ~weight" in script


def test_background_sav_download_is_weighted(analyst_client, weighted, tmp_path):
    path = tmp_path / "web.sav"
    path.write_bytes(prepared(analyst_client, "sav").get_data())
    data, _meta = pyreadstat.read_sav(str(path), output_format="dict")
    _check(_rows(data), weighted)


def test_api_responses_carry_the_weight(db, client, partnership, weighted):
    _, plaintext = make_token(db, partnership)
    rows = client.get("/api/v1/responses", headers=bearer(plaintext)).get_json()["data"]
    _check([{"response_id": r["id"], "weight": r["weight"]} for r in rows], weighted)
    assert all(isinstance(r["weight"], float | None) for r in rows)
    document = client.get("/api/v1/openapi.json").get_json()
    schema = document["components"]["schemas"]["Response"]["properties"]["weight"]
    assert schema["type"] == ["number", "null"]


def test_odata_responses_carry_the_weight(db, client, partnership, weighted):
    _, plaintext = make_token(db, partnership)
    properties = _properties(_schema(client, plaintext), "Response")
    assert properties["weight"] == "Edm.Double"
    assert list(properties)[:9] == [*FIXED[:2], "submitted_on", *FIXED[2:], "weight"]
    body = client.get("/odata/Responses", headers=basic(plaintext)).get_json()
    _check(body["value"], weighted)
    chosen = client.get("/odata/Responses?$select=response_id,weight", headers=basic(plaintext))
    assert list(chosen.get_json()["value"][0]) == ["response_id", "weight"]


def _has_survey() -> bool:
    if RSCRIPT is None:
        return False
    found = subprocess.run(  # noqa: S603  # Rscript, with our own expression
        [RSCRIPT, "-e", "library(survey)"], capture_output=True, check=False, timeout=60
    )
    return found.returncode == 0


@pytest.mark.skipif(not _has_survey(), reason="R with the survey package is not installed here")
def test_the_r_scripts_weighting_lines_run_in_r(runner, weighted, tmp_path):
    with zipfile.ZipFile(_export(runner, tmp_path, "r", "r.zip")) as archive:
        archive.extractall(tmp_path / "r")
        script = archive.read("read_responses.R").decode("utf-8")
    lines = [x.removeprefix("#   ") for x in script.splitlines() if x.startswith("#   ")]
    check = tmp_path / "r" / "check.R"
    check.write_text(
        'source("read_responses.R")\n'
        + "\n".join(lines)
        + '\ncat(sprintf("%.6f %d\\n", sum(weights(design)), nrow(responses)))\n',
        encoding="utf-8",
    )
    found = subprocess.run(  # noqa: S603  # Rscript, with our own script
        [RSCRIPT, "check.R"],
        cwd=tmp_path / "r",
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert found.returncode == 0, found.stderr[-2000:]
    total, rows = found.stdout.split()
    assert float(total) == pytest.approx(1500) and int(rows) == len(weighted)
