"""Results for the respondents who gave chosen answers: counted alike on the dashboard,
in downloads and in cross-tabs, and refused plainly when the answer does not exist."""

import csv
import io
import json

import pytest
import sqlalchemy as sa

from engage.audit.models import AuditEntry
from engage.questionnaire import services
from engage.results import aggregates, crosstabs
from engage.results.filters import ResultFilter, parse_filters
from engage.survey.models import Response
from tests.test_results_engine import _responses


@pytest.fixture(autouse=True)
def any_base(app):
    """These tests are about which respondents an answer filter picks, in groups smaller
    than the minimum base of a filtered view, which has tests of its own."""
    app.config["ENGAGE_MIN_FILTERED_BASE"] = 0


def _given(db) -> dict[int, dict[str, set[str]]]:
    """Each response's closed answers, read from its stored answer rows."""
    found = {}
    for response in db.session.scalars(sa.select(Response).order_by(Response.id)):
        given: dict[str, set[str]] = {}
        for answer in response.answers:
            if answer.option is not None:
                given.setdefault(answer.question.code, set()).add(answer.option.code)
        found[response.id] = given
    return found


def _expected(db, code, answers) -> dict[str, int]:
    counts: dict[str, int] = {}
    for given in _given(db).values():
        if all(given.get(c, set()) & set(options) for c, options in answers):
            for option in given.get(code, ()):
                counts[option] = counts.get(option, 0) + 1
    return counts


ANSWERS = (
    (("safe_dark", ("very",)),),
    (("safe_dark", ("fairly", "unsafe")),),  # either answer
    (("police_agree", ("agree", "strongly_agree")), ("safe_dark", ("unsafe",))),  # both
)


@pytest.fixture
def two_versions(db, questionnaire):
    _responses(db, questionnaire, 60, seed=21)
    draft = services.start_draft(questionnaire.questionnaire)
    services.publish(draft)
    db.session.commit()
    _responses(db, draft, 40, seed=22)
    return questionnaire.questionnaire


@pytest.mark.parametrize("answers", ANSWERS)
def test_the_dashboard_counts_only_respondents_who_gave_the_answers(db, two_versions, answers):
    filters = ResultFilter(answers=answers)
    for code in ("improve", "police_agree"):
        result = aggregates.question_results(two_versions, code, filters, k=0)
        shown = {o["code"]: o["count"] for o in result["options"] if o["count"]}
        assert shown == _expected(db, code, answers), (code, answers)


def test_a_crosstab_under_an_answer_filter_adds_up_to_the_filtered_counts(db, two_versions):
    filters = ResultFilter(answers=(("safe_dark", ("very", "fairly")),))
    table = crosstabs.crosstab(two_versions, "police_agree", "ward", filters, k=0)
    expected = _expected(db, "police_agree", filters.answers)
    totals = dict(zip([r["key"] for r in table["rows"]], table["row_totals"], strict=True))
    assert {c: n for c, n in totals.items() if n} == expected


def test_the_filter_reads_from_and_writes_to_the_address(db):
    filters, errors = parse_filters(
        {"answer": ["safe_dark:very", "police_agree:agree", "safe_dark:fairly", "safe_dark:very"]}
    )
    assert errors == {}
    assert filters.answers == (("police_agree", ("agree",)), ("safe_dark", ("fairly", "very")))
    assert parse_filters(filters.query_args())[0] == filters
    assert filters.as_dict() == {
        "answers": {"police_agree": ["agree"], "safe_dark": ["fairly", "very"]}
    }
    bad, errors = parse_filters({"answer": ["safe_dark", ":very", "police_agree:agree"]})
    assert "for example age:18_24" in errors["answer"]
    assert bad.answers == (("police_agree", ("agree",)),)  # the good one is kept


def test_the_results_page_offers_the_answers_and_names_an_unknown_one(
    db, analyst_client, two_versions
):
    page = analyst_client.get("/results/?answer=safe_dark:very").get_data(as_text=True)
    assert 'name="answer" type="checkbox" value="safe_dark:very" checked' in page
    assert "Respondents’ answers (1 chosen)" in page
    expected = sum(1 for g in _given(db).values() if "very" in g.get("safe_dark", ()))
    assert f">{expected}</span> responses match the filters" in page
    wrong = analyst_client.get("/results/?answer=safe_dark:maybe&ward=north")
    text = wrong.get_data(as_text=True)
    assert "‘safe_dark’ has no option ‘maybe’" in text
    assert 'value="north" checked' in text  # the other filters are kept
    unknown = analyst_client.get("/results/?answer=shoe_size:9").get_data(as_text=True)
    assert "No single-choice question has the code ‘shoe_size’" in unknown
    multiple = analyst_client.get("/results/?answer=improve:parks").get_data(as_text=True)
    assert "No single-choice question has the code ‘improve’" in multiple


def test_a_download_under_an_answer_filter_has_those_respondents_and_says_so(
    db, analyst_client, two_versions
):
    response = analyst_client.get("/exports/responses.csv?answer=safe_dark:unsafe")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    wanted = sorted(i for i, g in _given(db).items() if "unsafe" in g.get("safe_dark", ()))
    assert len(rows) == len(wanted) > 0
    assert len({r["safe_dark"] for r in rows}) == 1  # one answer's value code
    entry = db.session.scalar(sa.select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert entry.filters == {"answers": {"safe_dark": ["unsafe"]}}
    assert entry.rows == len(wanted)


def test_the_api_pages_only_respondents_who_gave_the_answers(db, client, partnership, two_versions):
    from tests.test_api import bearer, make_token

    _, plaintext = make_token(db, partnership)
    url = "/api/v1/responses?limit=500&answer=safe_dark:very&answer=police_agree:agree"
    body = client.get(url, headers=bearer(plaintext)).get_json()
    wanted = sorted(
        i
        for i, g in _given(db).items()
        if "very" in g.get("safe_dark", ()) and "agree" in g.get("police_agree", ())
    )
    assert sorted(row["id"] for row in body["data"]) == wanted
    assert wanted
    documented = client.get("/api/v1/openapi.json").get_json()
    assert "answer" in json.dumps(documented)


@pytest.mark.parametrize("answer", ["shoe_size:9", "improve:parks", "safe_dark:maybe"])
def test_an_answer_that_does_not_exist_is_refused_by_the_api_and_the_downloads(
    db, client, analyst_client, partnership, two_versions, answer
):
    from engage.exports.models import ExportJob
    from tests.test_api import bearer, make_token

    _, plaintext = make_token(db, partnership)
    for url in (f"/api/v1/responses?answer={answer}", f"/api/v1/results/ward?answer={answer}"):
        refused = client.get(url, headers=bearer(plaintext))
        assert refused.status_code == 400, url
        assert "answer" in refused.get_json()["error"]["fields"]
    assert analyst_client.get(f"/exports/responses.csv?answer={answer}").status_code == 400
    asked = analyst_client.post("/exports/jobs", data={"format": "xlsx", "answer": answer})
    assert asked.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 0
