"""The downloads page's dates: GOV.UK day, month and year boxes, read on the server,
with what was typed kept and a clear message when it is not a date."""

from datetime import UTC, datetime

import pytest

from tests.test_exports import answer, read_csv


@pytest.fixture
def responses(db, questionnaire):
    """One response in March 2026 and one in May."""
    march = answer(
        db, questionnaire, when=datetime(2026, 3, 1, tzinfo=UTC), ward=["north"], safe_dark=["very"]
    )
    may = answer(
        db, questionnaire, when=datetime(2026, 5, 2, tzinfo=UTC), ward=["south"], safe_dark=["very"]
    )
    db.session.commit()
    return march, may


def test_the_downloads_page_offers_day_month_and_year_boxes(analyst_client, responses):
    page = analyst_client.get("/exports/?since=2026-04-01").get_data(as_text=True)
    assert 'name="since-day" type="text" value="1"' in page
    assert 'name="since-month" type="text" value="4"' in page
    assert 'name="since-year" type="text" value="2026"' in page
    assert 'type="date"' not in page
    # The links on the page carry the date as since=YYYY-MM-DD, as scripts use it.
    assert "responses.csv?since=2026-04-01" in page


def test_dates_typed_in_the_boxes_narrow_the_download(analyst_client, responses):
    _march, may = responses
    page = analyst_client.get("/exports/?since-day=1&since-month=4&since-year=2026")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<strong>1</strong> response match" in text
    rows = read_csv(
        analyst_client.get("/exports/responses.csv?since-day=1&since-month=4&since-year=2026")
    )
    assert [int(r["response_id"]) for r in rows] == [may]


def test_a_month_that_does_not_exist_is_explained_and_kept(analyst_client, responses):
    refused = analyst_client.get("/exports/?since-day=3&since-month=13&since-year=2026")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert (
        '<a href="#since-day">Answered on or after must be a real date, for example 27 6 2026</a>'
        in page
    )
    assert 'name="since-month" type="text" value="13"' in page
    assert analyst_client.get("/exports/responses.csv?since-month=13").status_code == 400
