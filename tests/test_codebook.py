"""The codebook says how each version asked each variable, in every language: wording,
options offered with their values, missing codes, show-if conditions, ranges and
breaks in series; as CSV, JSON, the XLSX sheet, the data package and .sav metadata."""

import csv
import io
import json
import zipfile

import openpyxl
import pyreadstat
import pytest

from engage.questionnaire import editing, services
from tests.test_aggregates import many
from tests.test_exports import grant_free_text, prepared

OLD = "How safe do you feel outside after dark?"
NEW = "After dark, how safe do you feel where you live?"


@pytest.fixture
def two_versions(db, questionnaire):
    """Version 2 rewords safe_dark (marked not comparable) and adds CCTV to improve."""
    many(db, questionnaire, 3, ward=["north"], safe_dark=["unsafe"], why_unsafe=["Dark"])
    draft = services.start_draft(questionnaire.questionnaire)
    safe = next(q for q in draft.questions if q.code == "safe_dark")
    safe.text, safe.comparable = NEW, False
    editing.add_option(next(q for q in draft.questions if q.code == "improve"), "cctv", "CCTV")
    services.publish(draft)
    many(db, draft, 2, ward=["south"], safe_dark=["very"], police_agree=["dont_know"])
    db.session.commit()
    return draft


def rows_by(rows, code, version, lang="en"):
    return next(
        r for r in rows if (r["code"], r["version"], r["language"]) == (code, version, lang)
    )


def test_csv_codebook_gives_each_version_in_each_language(db, analyst_client, two_versions):
    grant_free_text(db, analyst_client)  # why_unsafe is free text
    body = analyst_client.get("/exports/codebook.csv").get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    # Every variable, for every version that asked it, in English, Polish and Urdu.
    assert {(r["code"], r["version"], r["language"]) for r in rows if r["code"] == "ward"} == {
        ("ward", v, lang) for v in ("1", "2") for lang in ("en", "pl", "ur")
    }
    assert rows_by(rows, "safe_dark", "1")["question"] == OLD
    assert rows_by(rows, "safe_dark", "1")["series"] == "1"
    new = rows_by(rows, "safe_dark", "2")
    assert new["question"] == NEW
    assert new["series"] == "2 (starts here: not comparable with earlier versions)"
    assert "cctv" not in rows_by(rows, "improve", "1")["options"]
    assert "5 = CCTV (cctv)" in rows_by(rows, "improve", "2")["options"]
    assert rows_by(rows, "improve", "2")["range"] == "up to 2 choices"
    why = rows_by(rows, "why_unsafe", "1")
    assert why["show_if_code"] == "safe_dark in (unsafe)"
    assert why["show_if"] == f"Shown only if “{OLD}” (safe_dark) is answered: Unsafe"
    assert rows_by(rows, "satisfied", "1")["range"] == "0 to 10"
    agree = rows_by(rows, "police_agree", "2")
    assert agree["missing_values"] == "6 (dont_know)"
    assert "6 = Don’t know (dont_know)" in agree["options"]


def test_json_codebook_nests_versions_with_options_conditions_and_breaks(
    db, analyst_client, two_versions
):
    grant_free_text(db, analyst_client)
    data = json.loads(analyst_client.get("/exports/codebook.json").get_data(as_text=True))
    variables = {v["code"]: v for v in data["variables"]}
    safe = variables["safe_dark"]
    assert safe["series_breaks"] == [2] and safe["versions"] == [1, 2]
    assert [a["text"]["en"] for a in safe["asked"]] == [OLD, NEW]
    improve = variables["improve"]
    assert [[o["code"] for o in a["options"]] for a in improve["asked"]] == [
        ["parks", "lighting", "litter", "none"],
        ["parks", "lighting", "litter", "none", "cctv"],
    ]
    assert improve["asked"][0]["range"]["max_choices"] == 2
    why = variables["why_unsafe"]["asked"][0]["show_if"]
    assert (why["question"], why["options"]) == ("safe_dark", ["unsafe"])
    assert variables["police_agree"]["missing_values"] == [6]


def test_xlsx_datapackage_and_sav_carry_the_codebook(db, analyst_client, two_versions, tmp_path):
    grant_free_text(db, analyst_client)
    path = tmp_path / "r.xlsx"
    path.write_bytes(prepared(analyst_client, "xlsx").get_data())
    sheet = list(openpyxl.load_workbook(path)["codebook"].iter_rows(values_only=True))
    header = sheet[0]
    found = [dict(zip(header, row, strict=True)) for row in sheet[1:]]
    assert {r["question"] for r in found if r["code"] == "safe_dark" and r["language"] == "en"} == {
        OLD,
        NEW,
    }

    package = tmp_path / "p.zip"
    package.write_bytes(prepared(analyst_client, "datapackage").get_data())
    with zipfile.ZipFile(package) as archive:
        book = archive.read("codebook.csv").decode("utf-8")
    assert "starts here: not comparable" in book

    sav = tmp_path / "r.sav"
    sav.write_bytes(prepared(analyst_client, "sav").get_data())
    data, meta = pyreadstat.read_sav(str(sav), output_format="dict", user_missing=True)
    # "Don't know" is declared user-missing: SPSS leaves it out of statistics, and
    # the value stays in the data.
    assert meta.missing_ranges["police_agree"] == [{"lo": 6.0, "hi": 6.0}]
    assert sorted(v for v in data["police_agree"] if v is not None) == [6, 6]


def test_dta_keeps_dont_know_as_an_extended_missing_value(
    db, analyst_client, two_versions, tmp_path
):
    """In Stata "Don't know" is .a: left out of every statistic, still told apart from
    no answer (.), and labelled."""
    path = tmp_path / "r.dta"
    path.write_bytes(prepared(analyst_client, "dta").get_data())
    data, meta = pyreadstat.read_dta(str(path), output_format="dict", user_missing=True)
    assert sorted(str(v) for v in data["police_agree"] if v is not None).count("a") == 2
    assert 6 not in data["police_agree"]  # never a number a mean would count
    plain, _ = pyreadstat.read_dta(str(path), output_format="dict")
    assert "a" not in plain["police_agree"] and 6 not in plain["police_agree"]
    assert meta.variable_value_labels["police_agree"]["a"] == "Don’t know"


def test_the_missing_codes_are_the_options_the_editor_marks(
    db, analyst_client, questionnaire, tmp_path
):
    """Marking decides, not the code: an admin's "No opinion" is declared missing in
    .sav, .dta and the codebook. A code is missing if any version marked it so."""
    draft = services.start_draft(questionnaire.questionnaire)
    safe = next(q for q in draft.questions if q.code == "safe_dark")
    editing.add_option(safe, "no_opinion", "No opinion", missing=True)
    editing.add_option(safe, "dont_know", "Don’t know", missing=False)
    services.publish(draft)
    many(db, draft, 2, ward=["south"], safe_dark=["no_opinion"])
    many(db, draft, 3, ward=["south"], safe_dark=["dont_know"])
    db.session.commit()
    no_opinion = safe.option_by_code("no_opinion").value

    sav = tmp_path / "r.sav"
    sav.write_bytes(prepared(analyst_client, "sav").get_data())
    _, meta = pyreadstat.read_sav(str(sav), user_missing=True, metadataonly=True)
    assert meta.missing_ranges["safe_dark"] == [{"lo": no_opinion, "hi": no_opinion}]
    dta = tmp_path / "r.dta"
    dta.write_bytes(prepared(analyst_client, "dta").get_data())
    data, _ = pyreadstat.read_dta(str(dta), output_format="dict", user_missing=True)
    assert sorted(str(v) for v in data["safe_dark"] if v is not None).count("a") == 2
    book = json.loads(analyst_client.get("/exports/codebook.json").get_data())
    entry = next(q for q in book["variables"] if q["code"] == "safe_dark")
    assert entry["missing_values"] == [no_opinion]
