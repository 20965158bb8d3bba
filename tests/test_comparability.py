"""Reworded questions and relabelled options: the editor asks whether results stay
comparable; comparable ones pool with each group's own wording shown, and a change
marked not comparable starts a new series that is never added to the old one."""

import pytest

from engage.questionnaire import comparability, services
from engage.questionnaire.services import PublishRefused
from engage.results import aggregates, crosstabs
from engage.results.filters import ResultFilter
from tests.test_aggregates import many, option

NEW_WORDING = "After dark, how safe do you feel where you live?"


def reworded_draft(questionnaire):
    """Version 2: safe_dark reworded, its option "fairly" relabelled."""
    draft = services.start_draft(questionnaire.questionnaire)
    safe = next(q for q in draft.questions if q.code == "safe_dark")
    safe.text = NEW_WORDING
    safe.option_by_code("fairly").label = "Quite safe"
    return draft, safe


def test_publishing_waits_until_each_wording_change_is_judged(db, admin_client, questionnaire):
    draft, safe = reworded_draft(questionnaire)
    db.session.commit()
    with pytest.raises(PublishRefused) as refused:
        services.publish(draft)
    assert refused.value.problems == [
        "Question ‘safe_dark’ is reworded: say on the draft page whether results stay "
        "comparable with earlier versions.",
        "Question ‘safe_dark’: option ‘fairly’ is relabelled: say on the draft page whether "
        "results stay comparable with earlier versions.",
    ]
    db.session.rollback()
    page = admin_client.get("/admin/questionnaire/draft").get_data(as_text=True)
    assert "Wording changed since the last version" in page and NEW_WORDING in page
    for kind, item in (("questions", safe), ("options", safe.option_by_code("fairly"))):
        sent = admin_client.post(
            f"/admin/questionnaire/draft/{kind}/{item.id}/comparable", data={"comparable": "yes"}
        )
        assert sent.status_code == 302
    db.session.expire_all()
    assert [c.comparable for c in comparability.changes(draft)] == [True, True]
    assert admin_client.post("/admin/questionnaire/draft/publish").status_code == 302
    # Only a change of this draft can be judged, and only yes or no.
    assert (
        admin_client.post(
            f"/admin/questionnaire/draft/questions/{safe.id}/comparable", data={"comparable": "yes"}
        ).status_code
        == 404
    )


@pytest.fixture
def two_wordings(db, questionnaire):
    def publish(comparable: bool):
        many(db, questionnaire, 12, ward=["north"], safe_dark=["fairly"])
        draft, safe = reworded_draft(questionnaire)
        safe.comparable = comparable
        safe.option_by_code("fairly").comparable = True
        services.publish(draft)
        many(db, draft, 15, ward=["north"], safe_dark=["very"])
        many(db, draft, 10, ward=["south"], safe_dark=["fairly"])
        db.session.commit()
        return questionnaire.questionnaire

    return publish


def test_comparable_changes_pool_and_show_each_groups_wording(two_wordings, analyst_client):
    qn = two_wordings(True)
    result = aggregates.question_results(qn, "safe_dark", ResultFilter(), 10)
    assert result["respondents"] == 37 and "series" not in result
    assert result["text"] == NEW_WORDING
    assert result["wordings"] == [
        {"versions": [1], "text": "How safe do you feel outside after dark?"},
        {"versions": [2], "text": NEW_WORDING},
    ]
    fairly = option(result, "fairly")
    assert fairly["count"] == 22 and fairly["label"] == "Quite safe"
    assert fairly["labels"] == [
        {"versions": [1], "text": "Fairly safe"},
        {"versions": [2], "text": "Quite safe"},
    ]
    page = analyst_client.get("/results/").get_data(as_text=True)
    assert "Asked in different words, with results comparable" in page
    assert "“Quite safe” was labelled “Fairly safe” in version 1" in page


def test_a_change_marked_not_comparable_starts_a_series_never_pooled(two_wordings, analyst_client):
    qn = two_wordings(False)
    result = aggregates.question_results(qn, "safe_dark", ResultFilter(), 10)
    assert (result["versions"], result["respondents"], result["text"]) == ([2], 25, NEW_WORDING)
    assert option(result, "fairly")["count"] == 10
    assert "never added up" in result["series"]["note"]
    [earlier] = result["earlier_series"]
    assert (earlier["versions"], earlier["respondents"]) == ([1], 12)
    assert earlier["text"] == "How safe do you feel outside after dark?"
    assert option(earlier, "fairly") | {"labels": None} == {
        "code": "fairly",
        "label": "Fairly safe",
        "count": 12,
        "base": 12,
        "percent": 100.0,
        "labels": None,
    }
    # The dashboard shows the two series apart, each with its own wording.
    page = analyst_client.get("/results/").get_data(as_text=True)
    assert page.count("shown apart and never added up") == 2
    # A cross-tab and a trend count the newest series only, and say so.
    table = crosstabs.crosstab(qn, "safe_dark", "ward", ResultFilter(), 10)
    assert table["total"] == 25 and "Only version 2" in table["series_note"]
    trend = crosstabs.trend(qn, "safe_dark", ResultFilter(), 10, "month")
    assert trend is None or "Only version 2" in trend["series_note"]
    # Filtering to version 1 alone gives its own series, whatever came later.
    only_one = aggregates.question_results(qn, "safe_dark", ResultFilter(versions=(1,)), 10)
    assert (only_one["versions"], only_one["respondents"]) == ([1], 12)


@pytest.mark.parametrize(
    ("numbers", "breaks", "runs"),
    [
        ([1, 2, 3], [], [[1, 2, 3]]),
        ([1, 2, 3, 4], [3], [[1, 2], [3, 4]]),
        ([1, 2, 4], [3], [[1, 2], [4]]),  # the break is at a version left out
        ([3, 1], [2, 3], [[1], [3]]),
    ],
)
def test_versions_split_into_series_at_each_break(numbers, breaks, runs):
    assert comparability.series(numbers, breaks) == runs


def test_the_public_page_counts_the_newest_series_and_says_so(two_wordings, admin_client, client):
    from tests.test_public_results import opt_in

    two_wordings(False)
    opt_in(admin_client, "safe_dark")
    page = client.get("/you-said").get_data(as_text=True)
    assert "it changed in a way that makes earlier answers not comparable" in page
    assert NEW_WORDING in page
    # The north ward: 15 version-2 respondents (the 12 from version 1 are not added in).
    assert ">15<" in page
    polish = client.get("/you-said?lang=pl").get_data(as_text=True)
    assert "wcześniejszych odpowiedzi nie można z nimi porównać" in polish
