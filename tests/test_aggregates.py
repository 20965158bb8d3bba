"""Aggregates are counted by the database, joined by code, filtered, and always suppressed."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from engage.questionnaire import services
from engage.results import aggregates, crosstabs, engine
from engage.results.filters import ResultFilter, response_conditions
from engage.survey.answers import check_answers
from engage.survey.models import Response
from engage.survey.services import new_key, store_response


def answer(db, version, when=None, channel="online", **values):
    """Store one response with these answers (codes to lists of values)."""
    areas = {a.code: a for a in version.questionnaire.partnership.areas}
    checked = check_answers(version.questions, values, areas)
    assert checked.ok, checked.errors
    response, _ = store_response(
        version, checked.answers, new_key(), areas, channel=channel, submitted_at=when
    )
    db.session.flush()
    return response


def many(db, version, n, **values):
    for _ in range(n):
        answer(db, version, **values)


ESTIMATE_FIELDS = ("estimate", "se", "ci_low", "ci_high", "effective_base")


def option(result, code):
    """An option's counts (its estimate fields are checked in test_weighted_results)."""
    found = next(o for o in result["options"] if o["code"] == code)
    return {k: v for k, v in found.items() if k not in ESTIMATE_FIELDS}


def test_question_results_join_versions_by_code_and_count_respondents(db, questionnaire):
    qn = questionnaire.questionnaire
    many(db, questionnaire, 12, ward=["north"], safe_dark=["very"], improve=["parks", "litter"])
    draft = services.start_draft(qn)
    services.publish(draft)
    many(db, draft, 11, ward=["south"], safe_dark=["fairly"], improve=["parks"])
    db.session.commit()
    result = aggregates.question_results(qn, "improve", ResultFilter(), 10)
    assert result["respondents"] == 23
    assert result["versions"] == [1, 2]
    assert option(result, "parks") == {
        "code": "parks",
        "label": "Parks",
        "count": 23,
        "base": 23,
        "percent": 100.0,
    }
    assert option(result, "litter")["count"] == 12
    assert option(result, "lighting")["count"] == 0
    safe = aggregates.question_results(qn, "safe_dark", ResultFilter(wards=("south",)), 10)
    assert safe["respondents"] == 11
    assert option(safe, "fairly")["count"] == 11


def test_small_counts_are_hidden_and_the_rest_shown(db, questionnaire):
    qn = questionnaire.questionnaire
    many(db, questionnaire, 20, ward=["north"], safe_dark=["very"])
    many(db, questionnaire, 15, ward=["north"], safe_dark=["fairly"])
    many(db, questionnaire, 3, ward=["north"], safe_dark=["unsafe"])
    db.session.commit()
    result = aggregates.question_results(qn, "safe_dark", ResultFilter(), 10)
    assert result["respondents"] == 38
    # No complementary cell: the total is perturbed as a cell of its own (with this
    # test's no-change ptable it is not, so 38 - 20 - 15 = 3 shows the mechanism only).
    assert [o["count"] for o in result["options"]] == [20, 15, "<10"]
    assert option(result, "unsafe")["percent"] is None
    assert result["suppressed"] is True


def test_a_ward_with_nine_respondents_shows_less_than_ten(db, questionnaire):
    qn = questionnaire.questionnaire
    many(db, questionnaire, 9, ward=["east"], safe_dark=["very"], satisfied=["8"])
    many(db, questionnaire, 30, ward=["north"], safe_dark=["very"], satisfied=["6"])
    many(db, questionnaire, 20, ward=["south"], safe_dark=["very"])
    db.session.commit()
    east = aggregates.question_results(qn, "safe_dark", ResultFilter(wards=("east",)), 10)
    assert east["respondents"] == "<10"
    assert option(east, "very")["count"] == "<10"
    overview = aggregates.overview(qn, ResultFilter(), 10)
    by_ward = {row["key"]: row["count"] for row in overview["by_ward"]}
    assert by_ward["east"] == "<10"
    assert by_ward["north"] == 30
    assert by_ward["south"] == 20  # perturbed totals, not a complementary cell, protect east
    rating = aggregates.question_results(qn, "satisfied", ResultFilter(), 10)
    assert option(rating, "8")["count"] == "<10"
    assert rating["mean"] is None  # the mean would reveal the hidden cell


def test_many_different_numbers_are_shown_in_bands(db, questionnaire):
    qn = questionnaire.questionnaire
    for value in range(1, 21):  # 1 to 20 people at home, 10 answers each
        many(db, questionnaire, 10, ward=["north"], safe_dark=["very"], household=[str(value)])
    many(db, questionnaire, 10, ward=["north"], safe_dark=["very"], household=["20"])
    db.session.commit()
    result = aggregates.question_results(qn, "household", ResultFilter(), 10)
    assert [(o["label"], o["count"]) for o in result["options"]] == [
        (f"{first} to {first + 1}", 20) for first in range(1, 19, 2)
    ] + [("19 to 20", 30)]
    assert result["mean"] == round((sum(range(1, 21)) * 10 + 20 * 10) / 210, 2)


def test_a_mean_needs_every_number_shown_not_only_every_band(db, questionnaire):
    qn = questionnaire.questionnaire
    for value in range(1, 21):  # 5 answers each: bands of 10 are shown, numbers are not
        many(db, questionnaire, 5, ward=["north"], safe_dark=["very"], household=[str(value)])
    db.session.commit()
    result = aggregates.question_results(qn, "household", ResultFilter(), 10)
    assert {o["count"] for o in result["options"]} == {10}
    assert result["mean"] is None


def test_rating_distribution_and_mean(db, questionnaire):
    qn = questionnaire.questionnaire
    many(db, questionnaire, 10, ward=["north"], safe_dark=["very"], satisfied=["4"])
    many(db, questionnaire, 10, ward=["north"], safe_dark=["very"], satisfied=["8"])
    db.session.commit()
    result = aggregates.question_results(qn, "satisfied", ResultFilter(), 10)
    assert len(result["options"]) == 11
    assert result["mean"] == 6.0
    assert option(result, "4")["percent"] == 50.0


def test_free_text_is_never_aggregated(db, questionnaire):
    qn = questionnaire.questionnaire
    many(db, questionnaire, 12, ward=["north"], safe_dark=["unsafe"], why_unsafe=["Mill Lane"])
    db.session.commit()
    assert aggregates.question_results(qn, "why_unsafe", ResultFilter(), 10) is None
    assert aggregates.question_results(qn, "street", ResultFilter(), 10) is None
    codes = [r["code"] for r in aggregates.dashboard_results(qn, ResultFilter(), 10)]
    assert "why_unsafe" not in codes and "street" not in codes
    assert "Mill Lane" not in repr(aggregates.dashboard_results(qn, ResultFilter(), 10))


def test_overview_breaks_down_by_channel_language_and_day(db, questionnaire):
    qn = questionnaire.questionnaire
    day1, day2 = datetime(2026, 5, 1, 9, tzinfo=UTC), datetime(2026, 5, 2, 23, tzinfo=UTC)
    for _ in range(12):
        answer(db, questionnaire, when=day1, ward=["north"], safe_dark=["very"])
    for _ in range(10):
        answer(db, questionnaire, when=day2, channel="kiosk", ward=["south"], safe_dark=["very"])
    db.session.commit()
    overview = aggregates.overview(qn, ResultFilter(), 10)
    assert overview["total"] == 22
    assert {r["key"]: r["count"] for r in overview["by_channel"]} == {"online": 12, "kiosk": 10}
    # Days are the partnership's (Europe/London): 23:00 UTC on 2 May is midnight on 3 May.
    assert {r["key"]: r["count"] for r in overview["by_date"]} == {
        "2026-05-01": 12,
        "2026-05-03": 10,
    }
    assert overview["date_period"] == "day"
    assert [r["label"] for r in overview["by_date"]] == ["1 May 2026", "3 May 2026"]
    assert {r["key"]: r["count"] for r in overview["by_language"]} == {"en": 22}
    since = aggregates.overview(qn, ResultFilter(since=date(2026, 5, 3)), 10)
    assert since["total"] == 10
    until = aggregates.overview(qn, ResultFilter(until=date(2026, 5, 2)), 10)
    assert until["total"] == 12


def test_a_year_of_responses_is_shown_by_month(db, questionnaire):
    qn = questionnaire.questionnaire
    for month in (1, 6, 12):
        for _ in range(10):
            answer(
                db,
                questionnaire,
                when=datetime(2026, month, 3, tzinfo=UTC),
                ward=["north"],
                safe_dark=["very"],
            )
    db.session.commit()
    overview = aggregates.overview(qn, ResultFilter(), 10)
    assert overview["date_period"] == "month"
    assert [(r["label"], r["count"]) for r in overview["by_date"]] == [
        ("January 2026", 10),
        ("June 2026", 10),
        ("December 2026", 10),
    ]
    spring = aggregates.overview(qn, ResultFilter(until=date(2026, 6, 30)), 10)
    assert spring["date_period"] == "week"
    assert spring["by_date"][0]["label"] == "Week of 29 December 2025"


def test_results_read_each_stored_response_once_and_never_the_answer_rows(db, questionnaire):
    many(db, questionnaire, 3, ward=["north"], safe_dark=["very"])
    db.session.commit()
    first = aggregates.question_results(questionnaire.questionnaire, "safe_dark", ResultFilter(), 1)
    statements = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    again = aggregates.question_results(questionnaire.questionnaire, "safe_dark", ResultFilter(), 1)
    assert again == first and first["respondents"] == 3
    assert not [s for s in statements if "FROM answer" in s]
    answer(db, questionnaire, ward=["north"], safe_dark=["very"])
    db.session.commit()
    third = aggregates.question_results(questionnaire.questionnaire, "safe_dark", ResultFilter(), 1)
    assert third["respondents"] == 4
    assert not [s for s in statements if "FROM answer" in s]


def test_my_agencys_questions(db, questionnaire, partnership):
    police = next(a for a in partnership.agencies if a.slug == "police")
    results = aggregates.dashboard_results(
        questionnaire.questionnaire, ResultFilter(mine=True), 10, agency_id=police.id
    )
    assert [r["code"] for r in results] == ["improve", "safe_dark", "police_agree"]


def test_crosstab_by_ward_is_suppressed(db, questionnaire):
    qn = questionnaire.questionnaire
    many(db, questionnaire, 20, ward=["north"], safe_dark=["very"])
    many(db, questionnaire, 15, ward=["south"], safe_dark=["very"])
    many(db, questionnaire, 4, ward=["south"], safe_dark=["unsafe"])
    db.session.commit()
    table = crosstabs.crosstab(qn, "safe_dark", "ward", ResultFilter(), 10)
    assert [c["key"] for c in table["columns"]] == ["east", "north", "south"]
    counts = [[cell["count"] for cell in row] for row in table["cells"]]
    assert counts[0][1] == 20  # very, north
    assert counts[2][2] == "<10"  # unsafe, south
    assert counts[0][2] == 15  # very, south: the perturbed total, not a hidden cell, protects
    assert crosstabs.crosstab(qn, "why_unsafe", "ward", ResultFilter(), 10) is None
    assert crosstabs.crosstab(qn, "safe_dark", "street", ResultFilter(), 10) is None


def test_trend_per_month(db, questionnaire):
    qn = questionnaire.questionnaire
    may, june = datetime(2026, 5, 10, tzinfo=UTC), datetime(2026, 6, 10, tzinfo=UTC)
    for _ in range(10):
        answer(db, questionnaire, when=may, ward=["north"], safe_dark=["very"], satisfied=["6"])
        answer(db, questionnaire, when=may, ward=["north"], safe_dark=["very"], satisfied=["8"])
        answer(
            db, questionnaire, when=may, ward=["north"], safe_dark=["very"], police_agree=["agree"]
        )
    for _ in range(3):
        answer(db, questionnaire, when=june, ward=["north"], safe_dark=["very"], satisfied=["2"])
    db.session.commit()
    rating = crosstabs.trend(qn, "satisfied", ResultFilter(), 10, "month")
    assert rating["points"] == [
        {"period": "2026-05-01", "respondents": 20, "value": 7.0},
        {"period": "2026-06-01", "respondents": "<10", "value": None},
    ]
    agree = crosstabs.trend(qn, "police_agree", ResultFilter(), 10, "week")
    assert agree["points"] == [
        # Everyone agreed: the interval is 100 % to 100 %.
        {"period": "2026-05-04", "respondents": 10, "value": 100.0, "ci_low": 1.0, "ci_high": 1.0}
    ]
    assert crosstabs.trend(qn, "safe_dark", ResultFilter(), 10) is None


@pytest.mark.parametrize("zone", ["Europe/London", "UTC", "America/New_York"])
def test_days_are_the_partnerships_in_counts_and_rows_alike(app, db, questionnaire, zone):
    """A response at 23:30 UTC on 30 June is on 1 July in London, 30 June in UTC and New
    York: the dashboard's counts and the rows a download or the API filters agree."""
    app.config["ENGAGE_TIME_ZONE"] = zone
    engine.forget()
    qn = questionnaire.questionnaire
    for _ in range(10):
        late = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
        answer(db, questionnaire, when=late, ward=["north"], safe_dark=["very"])
    db.session.commit()
    july = date(2026, 7, 1)
    expected = 10 if zone == "Europe/London" else 0
    counted = aggregates.overview(qn, ResultFilter(since=july), 10)["total"]
    rows = db.session.scalar(
        sa.select(sa.func.count(Response.id)).where(
            *response_conditions(ResultFilter(since=july), qn.id)
        )
    )
    assert counted == rows == expected
    engine.forget()
