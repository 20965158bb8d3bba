"""Exporting the questionnaire as an XLSForm that pyxform converts without warnings."""

import io
import shutil

import openpyxl
import pytest
from pyxform.xls2xform import convert, xls2xform_convert

from engage.demo.seed import seed_demo
from engage.partnership.services import current_partnership
from engage.questionnaire.services import current_version, questionnaire_for, start_draft
from engage.xlsform import exporting
from tests import factories


def sheet_rows(data: bytes, name: str) -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))[name]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_demo_export_converts_with_xls2xform_without_warnings(app, db, tmp_path):
    seed_demo()
    version = current_version(questionnaire_for(current_partnership()))
    path = tmp_path / "demo.xlsx"
    path.write_bytes(exporting.export(version))

    # ODK Validate (shipped with pyxform) runs too where Java is installed.
    warnings = xls2xform_convert(path, tmp_path / "demo.xml", validate=bool(shutil.which("java")))

    assert warnings == []
    xform = (tmp_path / "demo.xml").read_text()
    assert 'lang="Polish (pl)"' in xform and 'lang="Urdu (ur)"' in xform
    assert "selected( /data/section_2/safe_after_dark , 'a_bit_unsafe')" in xform


def test_codes_become_names_and_option_codes_become_choice_names(app, db, questionnaire):
    data = exporting.export(questionnaire)

    survey = sheet_rows(data, "survey")
    questions = [row for row in survey if row["bind::engage:type"]]
    assert [(row["type"], row["name"], row["bind::engage:type"]) for row in questions] == [
        ("select_one ward", "ward", "area"),
        ("select_multiple improve", "improve", "multiple"),
        ("range", "satisfied", "rating"),
        ("select_one safe_dark", "safe_dark", "single"),
        ("text", "why_unsafe", "long_text"),
        ("select_one police_agree", "police_agree", "agreement"),
        ("select_one smoke_alarm", "smoke_alarm", "yes_no"),
        ("integer", "household", "number"),
        ("text", "street", "short_text"),
    ]
    by_name = {row["name"]: row for row in questions}
    assert by_name["ward"]["required"] == "yes"
    assert by_name["improve"]["constraint"] == (
        "count-selected(.) <= 2 and not(selected(., 'none') and count-selected(.) > 1)"
    )
    assert by_name["satisfied"]["parameters"] == "start=0 end=10 step=1"
    assert by_name["why_unsafe"]["relevant"] == "selected(${safe_dark}, 'unsafe')"
    assert by_name["why_unsafe"]["appearance"] == "multiline"
    assert by_name["household"]["constraint"] == ". >= 1 and . <= 20"
    assert by_name["street"]["constraint"] == "string-length(.) <= 50"
    assert [row["type"] for row in survey].count("begin_group") == 3
    choices = sheet_rows(data, "choices")
    assert [(c["name"], c["engage_value"]) for c in choices if c["list_name"] == "ward"] == [
        ("east", "1"),
        ("north", "2"),
        ("south", "3"),
    ]
    assert [c["name"] for c in choices if c["list_name"] == "safe_dark"] == [
        "very",
        "fairly",
        "unsafe",
    ]
    [settings] = sheet_rows(data, "settings")
    assert settings["form_id"] == "engage_riverside"
    assert settings["default_language"] == "English (en)"
    assert convert(data, file_type=".xlsx").warnings == []


def test_a_missing_translation_repeats_the_english_in_every_language_column(app, db, questionnaire):
    survey = sheet_rows(exporting.export(questionnaire), "survey")
    ward = next(row for row in survey if row["name"] == "ward")
    assert ward["label::Polish (pl)"] == ward["label::Urdu (ur)"] == "Which ward do you live in?"


def test_admin_downloads_a_published_version_from_its_page(app, db, admin_client, questionnaire):
    page = admin_client.get("/admin/questionnaire/versions/1").get_data(as_text=True)
    assert "/admin/questionnaire/versions/1/xlsform" in page

    response = admin_client.get("/admin/questionnaire/versions/1/xlsform")

    assert response.status_code == 200
    assert response.mimetype == exporting.MIMETYPE
    assert 'filename="engage_riverside_v1.xlsx"' in response.headers["Content-Disposition"]
    assert convert(response.data, file_type=".xlsx").warnings == []


def test_a_draft_cannot_be_downloaded_and_analysts_cannot_download(
    app, db, admin_client, analyst_client, questionnaire
):
    draft = start_draft(questionnaire.questionnaire)
    db.session.commit()
    assert (
        admin_client.get(f"/admin/questionnaire/versions/{draft.number}/xlsform").status_code == 404
    )
    assert analyst_client.get("/admin/questionnaire/versions/1/xlsform").status_code == 403


def test_cli_export_writes_the_current_version_and_checks_it(
    app, db, runner, questionnaire, tmp_path
):
    path = tmp_path / "questionnaire.xlsx"

    result = runner.invoke(args=["xlsform", "export", "--output", str(path), "--version", "1"])

    assert result.exit_code == 0, result.output
    assert "Wrote version 1 (9 questions)" in result.output
    assert "without warnings" in result.output
    assert convert(path.read_bytes(), file_type=".xlsx").warnings == []


@pytest.mark.parametrize("args", [[], ["--version", "7"]])
def test_cli_export_refuses_when_there_is_nothing_published(
    app, db, runner, partnership, args, tmp_path
):
    if args:
        factories.make_questionnaire(partnership)
        db.session.commit()
    result = runner.invoke(args=["xlsform", "export", "--output", str(tmp_path / "x.xlsx"), *args])
    assert result.exit_code == 1
    assert "nothing to export" in result.output or "not a published version" in result.output
