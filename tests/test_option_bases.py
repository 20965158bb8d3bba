"""An option's percentage is of the respondents who were offered it.

Version 2 adds an option: version-1 respondents never saw it, so they are not in its
base. Counted the pooled way they would be, and the new option would look rare.
"""

import pytest

from engage.questionnaire import editing, services
from engage.results import aggregates, crosstabs
from engage.results.filters import ResultFilter
from tests.test_aggregates import many, option
from tests.test_api import bearer, make_token


@pytest.fixture
def two_versions(db, questionnaire):
    """12 version-1 respondents in the north; 20 version-2 respondents in the south, where
    version 2 added "CCTV" to what should improve (10 chose it, 10 chose parks)."""
    many(db, questionnaire, 12, ward=["north"], safe_dark=["very"], improve=["parks", "litter"])
    draft = services.start_draft(questionnaire.questionnaire)
    improve = next(q for q in draft.questions if q.code == "improve")
    editing.add_option(improve, "cctv", "CCTV")
    services.publish(draft)
    many(db, draft, 10, ward=["south"], safe_dark=["fairly"], improve=["cctv"])
    many(db, draft, 10, ward=["south"], safe_dark=["fairly"], improve=["parks"])
    db.session.commit()
    return questionnaire.questionnaire


def test_a_new_options_base_is_the_respondents_whose_version_offered_it(two_versions):
    result = aggregates.question_results(two_versions, "improve", ResultFilter(), 10)
    assert result["respondents"] == 32
    # 10 of the 20 offered it: 50 %, not 10 of 32 (31.3 %).
    assert option(result, "cctv") == {
        "code": "cctv",
        "label": "CCTV",
        "count": 10,
        "base": 20,
        "percent": 50.0,
    }
    assert option(result, "parks") == {
        "code": "parks",
        "label": "Parks",
        "count": 22,
        "base": 32,
        "percent": 68.8,
    }
    # Only version-1 respondents: nobody was offered it.
    north = aggregates.question_results(two_versions, "improve", ResultFilter(wards=("north",)), 10)
    assert (option(north, "cctv")["base"], option(north, "cctv")["percent"]) == (0, None)


def test_the_api_gives_each_option_its_base(db, partnership, two_versions, client):
    _, token = make_token(db, partnership)
    body = client.get("/api/v1/results/improve", headers=bearer(token)).get_json()
    cctv = next(o for o in body["options"] if o["code"] == "cctv")
    assert (cctv["count"], cctv["base"], cctv["percent"]) == (10, 20, 50.0)


def test_a_cross_tab_cell_of_a_new_option_is_of_the_column_respondents_offered_it(two_versions):
    table = crosstabs.crosstab(two_versions, "improve", "safe_dark", ResultFilter(), 10)
    rows = [r["key"] for r in table["rows"]]
    columns = [c["key"] for c in table["columns"]]
    plain = [
        [{k: v for k, v in cell.items() if k not in ("ci_low", "ci_high")} for cell in row]
        for row in table["cells"]
    ]
    cctv = plain[rows.index("cctv")]
    # "fairly" is all version 2 (20): 10 of them chose CCTV.
    assert cctv[columns.index("fairly")] == {"count": 10, "base": 20, "percent": 50.0}
    # "very" is all version 1 (12): none was offered CCTV.
    assert cctv[columns.index("very")] == {"count": 0, "base": 0, "percent": None}
    parks = plain[rows.index("parks")]
    assert parks[columns.index("very")] == {"count": 12, "percent": 100.0}


def test_the_dashboard_says_what_a_new_options_percentage_is_of(two_versions, analyst_client):
    page = analyst_client.get("/results/").get_data(as_text=True)
    assert "of 20 offered it" in page


def test_row_level_files_leave_an_option_not_offered_blank_not_zero(
    two_versions, analyst_client, tmp_path
):
    """Version-1 respondents were never offered CCTV: blank (system-missing), while a
    version-2 respondent who did not choose it has 0 ("not chosen")."""
    import pyreadstat

    from tests.test_exports import prepared, read_csv

    rows = read_csv(analyst_client.get("/exports/responses.csv"))
    by_version = {v: [r for r in rows if r["version"] == v] for v in ("1", "2")}
    assert {r["improve__cctv"] for r in by_version["1"]} == {""}
    assert {r["improve__parks"] for r in by_version["1"]} == {"1"}
    assert sorted(r["improve__cctv"] for r in by_version["2"]) == ["0"] * 10 + ["1"] * 10
    assert {r["improve__litter"] for r in by_version["2"]} == {"0"}

    path = tmp_path / "r.sav"
    path.write_bytes(prepared(analyst_client, "sav").get_data())
    data, _ = pyreadstat.read_sav(str(path), output_format="dict")
    by_version = {1: [], 2: []}
    for version, cctv, parks in zip(
        data["version"], data["improve__cctv"], data["improve__parks"], strict=True
    ):
        by_version[int(version)].append((cctv, parks))
    assert set(by_version[1]) == {(None, 1)}
    assert sorted(cctv for cctv, _ in by_version[2]) == [0] * 10 + [1] * 10
