"""Row-level downloads: each format read back by a real reader matches the database."""

import csv
import io
import json
import zipfile
from datetime import UTC, datetime

import openpyxl
import pyreadstat
import pytest
import sqlalchemy as sa
from frictionless import Package, validate

from engage.accounts.models import User
from engage.audit.models import AuditEntry
from engage.exports import xlsx_writer
from engage.questionnaire import services
from engage.survey.answers import check_answers
from engage.survey.models import Response
from engage.survey.services import new_key, store_response

FORMULA = '=HYPERLINK("http://x","y")'


def answer(db, version, when=None, **values):
    areas = {a.code: a for a in version.questionnaire.partnership.areas}
    checked = check_answers(version.questions, values, areas)
    assert checked.ok, checked.errors
    response, _ = store_response(version, checked.answers, new_key(), areas)
    if when is not None:
        response.submitted_at = when
    db.session.commit()
    return response.id


@pytest.fixture
def responses(db, questionnaire):
    """Two responses: one from the north (unsafe, with free text), one from the south."""
    north = answer(
        db,
        questionnaire,
        when=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        ward=["north"],
        improve=["parks", "litter"],
        satisfied=["7"],
        safe_dark=["unsafe"],
        why_unsafe=['No lights, "dark" lane,\nnear the park'],
        police_agree=["agree"],
        smoke_alarm=["yes"],
        household=["3"],
        street=[FORMULA],
    )
    south = answer(
        db,
        questionnaire,
        when=datetime(2026, 5, 2, 18, 0, tzinfo=UTC),
        ward=["south"],
        safe_dark=["very"],
        satisfied=["0"],
    )
    return north, south


def grant_free_text(db, client):
    db.session.get(User, client.user.id).free_text_access = True
    db.session.commit()


def read_csv(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark, for Excel
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_has_one_row_per_response_with_codes(analyst_client, responses):
    north, south = responses
    rows = read_csv(analyst_client.get("/exports/responses.csv"))
    assert [int(r["response_id"]) for r in rows] == [north, south]
    first = rows[0]
    assert first["submitted_at"] == "2026-03-01T09:30:00Z"
    assert (first["version"], first["channel"], first["ward"], first["language"]) == (
        "1",
        "online",
        "north",
        "en",
    )
    assert first["q_ward"] == "north"  # the question coded "ward", beside the fixed column
    assert first["safe_dark"] == "unsafe"  # option codes, the default everywhere
    assert first["police_agree"] == "agree"
    assert first["smoke_alarm"] == "yes"
    assert (first["satisfied"], first["household"]) == ("7", "3")
    assert [first[f"improve__{c}"] for c in ("parks", "lighting", "litter", "none")] == [
        "1",
        "0",
        "1",
        "0",
    ]
    # Not answered: blank, in every dichotomy column too.
    assert rows[1]["improve__parks"] == "" and rows[1]["household"] == ""
    assert rows[1]["satisfied"] == "0"


def test_csv_leaves_out_free_text_without_access(analyst_client, responses):
    rows = read_csv(analyst_client.get("/exports/responses.csv"))
    assert "street" not in rows[0] and "why_unsafe" not in rows[0]


def test_free_text_arrives_inert_in_csv(db, analyst_client, responses):
    grant_free_text(db, analyst_client)
    rows = read_csv(analyst_client.get("/exports/responses.csv"))
    assert rows[0]["street"] == "'" + FORMULA
    assert rows[0]["why_unsafe"] == 'No lights, "dark" lane,\nnear the park'


def test_labelled_csv_has_labels_instead_of_codes(analyst_client, responses):
    rows = read_csv(analyst_client.get("/exports/responses.csv?labels=1"))
    assert rows[0]["safe_dark"] == "Unsafe"
    assert rows[0]["ward"] == "North Ward"
    assert rows[0]["improve__parks"] == "Chosen"
    assert rows[0]["improve__lighting"] == "Not chosen"
    assert rows[0]["satisfied"] == "7"


def test_downloads_honour_the_filters(analyst_client, responses):
    north, south = responses
    rows = read_csv(analyst_client.get("/exports/responses.csv?ward=south"))
    assert [int(r["response_id"]) for r in rows] == [south]
    rows = read_csv(analyst_client.get("/exports/responses.csv?until=2026-04-01"))
    assert [int(r["response_id"]) for r in rows] == [north]
    lines = analyst_client.get("/exports/responses.jsonl?since=2026-04-01").get_data(as_text=True)
    assert [json.loads(line)["response_id"] for line in lines.splitlines()] == [south]


def test_my_agency_filter_keeps_only_my_questions(analyst_client, responses):
    # The analyst is at the council, which uses ward, improve, satisfied and safe_dark.
    rows = read_csv(analyst_client.get("/exports/responses.csv?mine=1"))
    assert "satisfied" in rows[0] and "safe_dark" in rows[0]
    assert "police_agree" not in rows[0] and "smoke_alarm" not in rows[0]


def test_bad_filter_is_refused(analyst_client, responses):
    assert analyst_client.get("/exports/responses.csv?since=yesterday").status_code == 400


def prepared(client, fmt, **filters):
    """Ask for a file to be prepared in the background and download it when it is ready
    (the tests run jobs at once, in the request that asks for them)."""
    asked = client.post("/exports/jobs", data={"format": fmt, **filters})
    assert asked.status_code == 303, asked.get_data(as_text=True)
    page = client.get(asked.headers["Location"])
    assert "Your file is ready" in page.get_data(as_text=True)
    response = client.get(asked.headers["Location"] + "/file")
    response.get_data()  # read whole, then the file behind it closed
    response.close()
    return response


def test_xlsx_has_data_and_codebook_sheets_and_no_formulas(db, analyst_client, responses, tmp_path):
    grant_free_text(db, analyst_client)
    response = prepared(analyst_client, "xlsx")
    assert response.status_code == 200
    path = tmp_path / "r.xlsx"
    path.write_bytes(response.get_data())
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["data", "codebook"]
    data = list(workbook["data"].iter_rows(values_only=True))
    header, first = data[0], dict(zip(data[0], data[1], strict=True))
    assert len(data) == 3
    assert first["safe_dark"] == "unsafe" and first["improve__litter"] == 1
    assert first["submitted_at"] == datetime(2026, 3, 1, 9, 30)
    street = workbook["data"].cell(row=2, column=header.index("street") + 1)
    assert street.data_type == "s" and street.value == "'" + FORMULA
    sheet = list(workbook["codebook"].iter_rows(values_only=True))
    codebook = [dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]]
    safe = next(r for r in codebook if (r["code"], r["language"]) == ("safe_dark", "en"))
    assert "1 = Very safe (very)" in safe["options"]
    assert safe["agencies"] == "Riverside City Council; Riverside Police"


def test_only_a_large_xlsx_download_allows_zip64(db, analyst_client, responses, monkeypatch):
    # A million rows pass 4 GB of sheet XML, which needs ZIP64; small files keep without it.
    made = []
    real = xlsx_writer.xlsxwriter.Workbook

    def spy(path, options):
        made.append(options["use_zip64"])
        return real(path, options)

    monkeypatch.setattr(xlsx_writer.xlsxwriter, "Workbook", spy)
    assert prepared(analyst_client, "xlsx").status_code == 200
    monkeypatch.setattr(xlsx_writer, "ZIP64_FROM", 2)
    assert prepared(analyst_client, "xlsx").status_code == 200
    assert made == [False, True]


def test_sav_has_variable_and_value_labels(analyst_client, responses, tmp_path):
    north, south = responses
    response = prepared(analyst_client, "sav")
    assert response.status_code == 200
    path = tmp_path / "r.sav"
    path.write_bytes(response.get_data())
    data, meta = pyreadstat.read_sav(str(path), output_format="dict")
    assert data["response_id"] == [north, south]
    assert data["safe_dark"] == [3, 1]
    assert data["improve__parks"][0] == 1 and data["improve__parks"][1] is None
    assert data["q_ward"] == ["north", "south"]
    assert meta.column_names_to_labels["safe_dark"] == "How safe do you feel outside after dark?"
    assert meta.variable_value_labels["safe_dark"] == {
        1: "Very safe",
        2: "Fairly safe",
        3: "Unsafe",
    }
    assert meta.variable_value_labels["ward"]["north"] == "North Ward"
    assert data["submitted_at"][0] == datetime(2026, 3, 1, 9, 30)


def test_sav_keeps_long_free_text_whole_for_granted_users(
    db, analyst_client, questionnaire, tmp_path
):
    grant_free_text(db, analyst_client)
    # Longer than SPSS's 255-byte short strings, and two bytes a letter in places.
    long_text = "Zażółć gęślą jaźń, " * 20 + "پارک"
    answer(db, questionnaire, ward=["north"], safe_dark=["unsafe"], why_unsafe=[long_text])
    answer(db, questionnaire, ward=["south"], safe_dark=["very"], street=["Mill Lane"])
    response = prepared(analyst_client, "sav")
    assert response.status_code == 200
    path = tmp_path / "r.sav"
    path.write_bytes(response.get_data())
    data, meta = pyreadstat.read_sav(str(path), output_format="dict")
    assert data["why_unsafe"] == [long_text, ""]  # SPSS has no missing text: blank
    assert data["street"] == ["", "Mill Lane"]
    assert meta.number_rows == 2


def test_datapackage_passes_frictionless_validate(db, analyst_client, responses, tmp_path):
    grant_free_text(db, analyst_client)
    response = prepared(analyst_client, "datapackage")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        archive.extractall(tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(tmp_path / "datapackage.json"))
    rows = package.get_resource("responses").read_rows()
    assert rows[0]["safe_dark"] == 3 and rows[1]["ward"] == "south"
    assert rows[0]["street"] == "'" + FORMULA
    fields = {f.name: f for f in package.get_resource("responses").schema.fields}
    assert fields["safe_dark"].constraints["enum"] == [1, 2, 3]
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    safe = next(
        f for f in descriptor["resources"][0]["schema"]["fields"] if f["name"] == "safe_dark"
    )
    assert {"value": 3, "label": "Unsafe"} in safe["categories"]


def test_codebook_lists_options_agencies_and_versions(db, analyst_client, questionnaire):
    draft = services.start_draft(questionnaire.questionnaire)
    services.publish(draft)
    db.session.commit()
    rows = read_csv(analyst_client.get("/exports/codebook.csv"))
    safe = [r for r in rows if r["code"] == "safe_dark" and r["language"] == "en"]
    assert [r["version"] for r in safe] == ["1", "2"]
    assert (
        safe[1]["options"] == "1 = Very safe (very); 2 = Fairly safe (fairly); 3 = Unsafe (unsafe)"
    )
    assert safe[1]["type"] == "single" and safe[1]["series"] == "1"
    assert safe[1]["agencies"] == "Riverside City Council; Riverside Police"
    assert "street" not in {r["code"] for r in rows}  # free text needs access


def test_versions_are_joined_by_question_code(db, analyst_client, questionnaire):
    answer(db, questionnaire, ward=["north"], safe_dark=["very"])
    draft = services.start_draft(questionnaire.questionnaire)
    services.publish(draft)
    db.session.commit()
    answer(db, draft, ward=["east"], safe_dark=["fairly"])
    rows = read_csv(analyst_client.get("/exports/responses.csv?values=numbers"))
    assert [(r["version"], r["safe_dark"]) for r in rows] == [("1", "1"), ("2", "2")]


def test_every_download_is_audited(db, analyst_client, responses):
    read_csv(analyst_client.get("/exports/responses.csv?ward=south&labels=1"))
    db.session.expire_all()
    entry = db.session.scalar(sa.select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert (entry.kind, entry.action, entry.rows) == ("download", "responses.csv", 1)
    assert entry.user_id == analyst_client.user.id
    assert entry.filters == {"wards": ["south"]}
    assert "option values as labels" in entry.detail and "without free text" in entry.detail


@pytest.mark.parametrize(
    "filename", ["responses.csv", "responses.xlsx", "responses.sav", "codebook.csv", ""]
)
def test_facilitators_cannot_download(facilitator_client, questionnaire, filename):
    assert facilitator_client.get(f"/exports/{filename}").status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client, questionnaire):
    response = client.get("/exports/responses.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_download_is_not_found(admin_client, questionnaire):
    assert admin_client.get("/exports/responses.pdf").status_code == 404


def test_downloads_page_shows_count_and_links(admin_client, responses):
    page = admin_client.get("/exports/?ward=north").get_data(as_text=True)
    assert "<strong>1</strong> response match" in page
    assert 'name="format" value="sav"' in page and 'name="ward" value="north"' in page
    assert 'href="/exports/"' in admin_client.get("/").get_data(as_text=True)


def test_cli_export_includes_free_text_and_is_audited(db, runner, responses, tmp_path):
    north, _ = responses
    output = tmp_path / "north.csv"
    result = runner.invoke(
        args=["export", "responses", "--format", "csv", "--output", str(output), "--ward", "north"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8-sig"))))
    assert [int(r["response_id"]) for r in rows] == [north]
    assert rows[0]["street"] == "'" + FORMULA
    entry = db.session.scalar(sa.select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert (entry.user_id, entry.rows, entry.filters) == (None, 1, {"wards": ["north"]})


@pytest.mark.parametrize("fmt", ["xlsx", "jsonl", "sav", "datapackage", "codebook"])
def test_cli_writes_every_format(runner, responses, tmp_path, fmt):
    output = tmp_path / f"out.{fmt}"
    result = runner.invoke(args=["export", "responses", "--format", fmt, "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert output.stat().st_size > 0


def test_cli_refuses_a_bad_date(runner, responses, tmp_path):
    args = ["export", "responses", "--output", str(tmp_path / "x.csv"), "--since", "May"]
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output


def test_grant_free_text_command(db, runner, partnership):
    from tests import factories

    user = factories.make_user(partnership, "analyst", email="ana@example.org")
    db.session.commit()
    result = runner.invoke(args=["users", "grant-free-text", "ana@example.org"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, user.id).free_text_access
    runner.invoke(args=["users", "grant-free-text", "ana@example.org", "--revoke"])
    db.session.expire_all()
    assert not db.session.get(User, user.id).free_text_access
    assert runner.invoke(args=["users", "grant-free-text", "nobody@example.org"]).exit_code != 0


def test_response_count_matches_rows(db, analyst_client, responses):
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Response))
    assert len(read_csv(analyst_client.get("/exports/responses.csv"))) == total


def test_sav_declares_each_multiple_choice_question_as_a_multiple_response_set(
    analyst_client, responses, tmp_path
):
    """One 0/1 variable per option reads as one question in SPSS, PSPP and haven only
    when the file declares the set; ReadStat writes none, so Engage adds the record."""
    response = prepared(analyst_client, "sav")
    path = tmp_path / "r.sav"
    path.write_bytes(response.get_data())
    data, meta = pyreadstat.read_sav(str(path), output_format="dict")
    improve = meta.mr_sets["improve"]
    assert improve["type"] == "D" and str(improve["counted_value"]) == "1"
    assert improve["label"] == "What would most improve your area?"
    assert improve["variable_list"] == [
        name for name in meta.column_names if name.startswith("improve__")
    ]
    # The data and labels are unchanged by the added record.
    assert data["safe_dark"] == [3, 1]
    assert meta.variable_value_labels["safe_dark"][1] == "Very safe"


def test_dta_has_labels_and_extended_missing_values(db, analyst_client, responses, tmp_path):
    """The Stata download, read back as Stata users' tools do (pyreadstat, as R's haven
    and pandas use ReadStat): labels, and "don't know" kept apart as .a, not a value."""
    response = prepared(analyst_client, "dta")
    assert response.status_code == 200
    path = tmp_path / "r.dta"
    path.write_bytes(response.get_data())
    data, meta = pyreadstat.read_dta(str(path), output_format="dict", user_missing=True)
    north, south = responses
    assert data["response_id"] == [north, south]
    assert data["safe_dark"] == [3, 1]
    assert meta.column_names_to_labels["safe_dark"] == "How safe do you feel outside after dark?"
    assert meta.variable_value_labels["safe_dark"][1] == "Very safe"
    assert data["improve__parks"][0] == 1 and data["improve__parks"][1] is None
    assert data["q_ward"] == ["north", "south"]


def test_option_answers_as_codes_numbers_or_labels_in_every_text_format(
    db, analyst_client, responses, tmp_path
):
    """One convention, chosen by the analyst, for CSV, JSON Lines and Excel (and the
    API: tests/test_api.py); codes unless asked otherwise."""
    expected = {
        "codes": ("unsafe", "agree", 1),
        "numbers": (3, 2, 1),
        "labels": ("Unsafe", "Agree", "Chosen"),
    }
    for style, (safe, police, parks) in expected.items():
        query = "" if style == "codes" else f"?values={style}"
        first = read_csv(analyst_client.get(f"/exports/responses.csv{query}"))[0]
        assert (first["safe_dark"], first["police_agree"]) == (str(safe), str(police)), style
        assert first["improve__parks"] == str(parks), style
        line = analyst_client.get(f"/exports/responses.jsonl{query}").get_data(as_text=True)
        record = json.loads(line.splitlines()[0])
        assert (record["safe_dark"], record["police_agree"], record["improve__parks"]) == (
            safe,
            police,
            parks,
        ), style
        path = tmp_path / f"{style}.xlsx"
        path.write_bytes(prepared(analyst_client, "xlsx", values=style).get_data())
        sheet = openpyxl.load_workbook(path)["data"]
        header = [cell.value for cell in sheet[1]]
        row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
        assert (row["safe_dark"], row["police_agree"], row["improve__parks"]) == (
            safe,
            police,
            parks,
        ), style
    # The older ?labels=1 still means labels; a convention Engage does not have is refused.
    assert read_csv(analyst_client.get("/exports/responses.csv?labels=1"))[0]["safe_dark"] == (
        "Unsafe"
    )
    refused = analyst_client.get("/exports/responses.csv?values=letters")
    assert refused.status_code == 400
    page = analyst_client.get("/exports/?values=letters")
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "codes, numbers or labels" in text


def test_the_command_line_writes_the_chosen_convention(db, runner, responses, tmp_path):
    for style, expected in (("codes", "unsafe"), ("numbers", "3"), ("labels", "Unsafe")):
        out = tmp_path / f"{style}.csv"
        result = runner.invoke(
            args=["export", "responses", "--output", str(out), "--values", style]
        )
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8-sig")
        assert next(csv.DictReader(io.StringIO(text)))["safe_dark"] == expected


def test_the_downloads_page_shows_the_convention_without_an_error(analyst_client, responses):
    page = analyst_client.get("/exports/?values=labels").get_data(as_text=True)
    assert 'value="labels" checked' in page
    assert "govuk-error-message" not in page and "built-in method" not in page
