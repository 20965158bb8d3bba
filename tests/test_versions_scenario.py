"""One result set that stays true across versions, checked in every output.

Version 1 collects 20 responses. Version 2 adds the option CCTV to "improve", rewords
"safe_dark" (marked comparable), relabels its option "fairly" (comparable) and asks
"police_agree" only of those who feel unsafe; it collects 20 more. Every output must then
give the right bases (a version-1 respondent is not in CCTV's base; a version-2
respondent not asked "police_agree" is not in its base), blanks (not offered, not shown:
blank, never 0) and wording (each group's own).
"""

import csv
import io
import json
import zipfile

import openpyxl
import pyreadstat
import pytest

from engage.panels.models import DRAFT
from engage.panels.process import evidence
from engage.questionnaire import editing, services
from engage.results import aggregates, crosstabs
from engage.results.filters import ResultFilter
from tests.panel_factories import facilitator, make_vote
from tests.test_aggregates import many, option
from tests.test_api import bearer, make_token
from tests.test_exports import grant_free_text, prepared, read_csv
from tests.test_public_results import opt_in

OLD, NEW = "How safe do you feel outside after dark?", "After dark, how safe do you feel here?"


@pytest.fixture
def scenario(db, questionnaire):
    many(
        db,
        questionnaire,
        10,
        ward=["north"],
        safe_dark=["very"],
        improve=["parks"],
        police_agree=["agree"],
    )
    many(
        db,
        questionnaire,
        10,
        ward=["north"],
        safe_dark=["fairly"],
        improve=["litter"],
        police_agree=["agree"],
    )
    draft = services.start_draft(questionnaire.questionnaire)
    questions = {q.code: q for q in draft.questions}
    editing.add_option(questions["improve"], "cctv", "CCTV")
    safe = questions["safe_dark"]
    safe.text, safe.comparable = NEW, True
    fairly = safe.option_by_code("fairly")
    fairly.label, fairly.comparable = "Quite safe", True
    police = questions["police_agree"]
    police.condition_code, police.condition_options = "safe_dark", ["unsafe"]
    services.publish(draft)
    many(
        db,
        draft,
        10,
        ward=["south"],
        safe_dark=["unsafe"],
        improve=["cctv"],
        police_agree=["disagree"],
    )
    many(db, draft, 10, ward=["south"], safe_dark=["very"], improve=["parks"])
    db.session.commit()
    return questionnaire.questionnaire


def test_every_output_follows_who_was_asked_what(
    db, partnership, scenario, client, analyst_client, admin_client, runner, tmp_path
):
    qn = scenario
    # API: the new option is 10 of the 20 offered it (50 %), not 10 of 40 (25 %).
    _, token = make_token(db, partnership)
    improve = client.get("/api/v1/results/improve", headers=bearer(token)).get_json()
    cctv = option(improve, "cctv")
    assert (improve["respondents"], cctv["count"], cctv["base"], cctv["percent"]) == (
        40,
        10,
        20,
        50.0,
    )
    assert option(improve, "parks") | {"labels": 0} == {
        "code": "parks",
        "label": "Parks",
        "count": 20,
        "count_display": "20",
        "base": 40,
        "base_display": "40",
        "suppressed": False,
        "percent": 50.0,
        "labels": 0,
    }
    safe = client.get("/api/v1/results/safe_dark", headers=bearer(token)).get_json()
    assert safe["respondents"] == 40 and safe["text"] == NEW
    assert [w["text"] for w in safe["wordings"]] == [OLD, NEW]
    fairly = option(safe, "fairly")
    assert fairly["label"] == "Quite safe" and fairly["count"] == 10
    assert [seen["text"] for seen in fairly["labels"]] == ["Fairly safe", "Quite safe"]
    # Asked only of those who feel unsafe in version 2: 20 + 10 respondents, not 40.
    police = client.get("/api/v1/results/police_agree", headers=bearer(token)).get_json()
    assert police["respondents"] == 30
    assert (option(police, "agree")["percent"], option(police, "disagree")["percent"]) == (
        66.7,
        33.3,
    )

    # Dashboard: the base of the new option and each group's wording.
    page = analyst_client.get("/results/").get_data(as_text=True)
    assert "of 20 offered it" in page and "Asked in different words" in page
    assert "“Quite safe” was labelled “Fairly safe” in version 1" in page

    # Cross-tab: CCTV among those who feel very safe is of the 10 offered it (version 2).
    table = crosstabs.crosstab(qn, "improve", "safe_dark", ResultFilter(), 10)
    rows = [r["key"] for r in table["rows"]]
    columns = [c["key"] for c in table["columns"]]
    very = columns.index("very")
    assert table["col_totals"][very] == 20
    cctv = table["cells"][rows.index("cctv")]
    assert cctv[very] == {
        "count": 0,
        "base": 10,
        "percent": 0.0,
        "ci_low": 0.0,  # 0 of 10 offered it: the interval is 0 % to 0 %
        "ci_high": 0.0,
    }
    unsafe = columns.index("unsafe")
    assert cctv[unsafe] == {
        "count": 10,
        "base": 10,
        "percent": 100.0,
        "ci_low": 1.0,
        "ci_high": 1.0,
    }

    # Trend: the share agreeing among those asked.
    trend = crosstabs.trend(qn, "police_agree", ResultFilter(), 10, "month")
    assert [(p["respondents"], p["value"]) for p in trend["points"]] == [(30, 66.7)]

    # Public page: per ward, CCTV is of the ward's respondents offered it.
    opt_in(admin_client, "improve")
    info = next(i for i in aggregates.catalogue(qn) if i.code == "improve")
    wards = crosstabs.ward_results(qn, info, 10)
    ward_columns = [c["key"] for c in wards["columns"]]
    cctv_row = wards["cells"][[r["key"] for r in wards["rows"]].index("cctv")]
    south = cctv_row[ward_columns.index("south")]
    assert {k: south[k] for k in ("count", "base", "percent")} == {
        "count": 10,
        "base": 20,
        "percent": 50.0,
    }
    north = cctv_row[ward_columns.index("north")]
    assert {k: north[k] for k in ("count", "base", "percent")} == {
        "count": 0,
        "base": 0,
        "percent": None,
    }
    assert north["ci_low"] is None  # nobody offered it: no interval either
    # On the page: 50 % in the south; in the north, where nobody was offered it, a dash.
    public = client.get("/you-said").get_data(as_text=True)
    assert ">50.0%<" in public and ">–<" in public

    # Row-level files: not offered and not shown are blank; offered and not chosen is 0.
    grant_free_text(db, analyst_client)
    csv_rows = read_csv(analyst_client.get("/exports/responses.csv"))
    by_version = {v: [r for r in csv_rows if r["version"] == v] for v in ("1", "2")}
    assert {r["improve__cctv"] for r in by_version["1"]} == {""}
    assert sorted(r["improve__cctv"] for r in by_version["2"]) == ["0"] * 10 + ["1"] * 10
    # The files and the results read one rule: per option, the rows holding 0 or 1 are
    # the option's base in the API, and the 1s its count.
    for choice in improve["options"]:
        column = [r[f"improve__{choice['code']}"] for r in csv_rows]
        assert (len(column) - column.count(""), column.count("1")) == (
            choice["base"],
            choice["count"],
        ), choice["code"]
    disagree = "disagree"  # police_agree's option code (codes are the default)
    assert sorted(r["police_agree"] for r in by_version["2"]) == [""] * 10 + [disagree] * 10

    jsonl = analyst_client.get("/exports/responses.jsonl").get_data(as_text=True)
    records = [json.loads(line) for line in jsonl.splitlines()]
    assert {r["improve__cctv"] for r in records if r["version"] == 1} == {None}

    xlsx = tmp_path / "r.xlsx"
    xlsx.write_bytes(prepared(analyst_client, "xlsx").get_data())
    sheet = list(openpyxl.load_workbook(xlsx)["data"].iter_rows(values_only=True))
    cells = [dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]]
    assert {r["improve__cctv"] for r in cells if r["version"] == 1} == {None}

    sav = tmp_path / "r.sav"
    sav.write_bytes(prepared(analyst_client, "sav").get_data())
    data, _ = pyreadstat.read_sav(str(sav), output_format="dict")
    old = [c for v, c in zip(data["version"], data["improve__cctv"], strict=True) if v == 1]
    assert old == [None] * 20

    package = tmp_path / "p.zip"
    package.write_bytes(prepared(analyst_client, "datapackage").get_data())
    with zipfile.ZipFile(package) as archive:
        packed = list(csv.DictReader(io.StringIO(archive.read("responses.csv").decode())))
        book = list(csv.DictReader(io.StringIO(archive.read("codebook.csv").decode())))
    assert {r["improve__cctv"] for r in packed if r["version"] == "1"} == {""}

    # Codebook: each version's wording, options and show-if condition.
    def entry(code, version):
        return next(
            r for r in book if (r["code"], r["version"], r["language"]) == (code, version, "en")
        )

    assert (entry("safe_dark", "1")["question"], entry("safe_dark", "2")["question"]) == (OLD, NEW)
    assert "Quite safe" in entry("safe_dark", "2")["options"]
    assert "cctv" not in entry("improve", "1")["options"]
    assert "(cctv)" in entry("improve", "2")["options"]
    assert entry("police_agree", "1")["show_if"] == ""
    assert entry("police_agree", "2")["show_if_code"] == "safe_dark in (unsafe)"

    # Panel evidence: CCTV's figure is of those offered it.
    user = facilitator(partnership)
    vote = make_vote(partnership, user, DRAFT, titles=[])
    added = {
        o.title: o for o in evidence.options_from_evidence(vote, "improve", ResultFilter(), 3, user)
    }
    assert (added["CCTV"].evidence_count, added["CCTV"].evidence_percent) == (10, 50.0)

    # The stored results rows still agree with the answers.
    recount = runner.invoke(args=["recount-results"])
    assert "Checked 40 responses" in recount.output and "already matched" in recount.output


def test_cross_tab_and_trend_pages_show_each_wording(scenario, analyst_client):
    crosstab = analyst_client.get("/results/crosstab?row=safe_dark&column=ward").get_data(
        as_text=True
    )
    assert "Asked in different words" in crosstab and OLD in crosstab and NEW in crosstab
