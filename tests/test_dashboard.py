"""The results dashboard: who may see it, filters, suppression and the cross-tab and trend pages."""

from datetime import UTC, datetime

import pytest

from engage.questionnaire import services
from tests import factories
from tests.conftest import AuthActions
from tests.test_aggregates import answer, many

PAGES = ["/results/", "/results/crosstab", "/results/trend"]


@pytest.fixture
def answered(db, questionnaire):
    """40 responses in north and south, and 9 in the east ward."""
    many(db, questionnaire, 25, ward=["north"], safe_dark=["very"], satisfied=["7"])
    many(db, questionnaire, 15, ward=["south"], safe_dark=["fairly"], police_agree=["agree"])
    many(db, questionnaire, 9, ward=["east"], safe_dark=["unsafe"], satisfied=["2"])
    db.session.commit()
    return questionnaire


@pytest.mark.parametrize("path", [*PAGES, "/results/public-questions"])
def test_anonymous_users_are_sent_to_sign_in(client, questionnaire, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["analyst_client", "facilitator_client", "admin_client"])
def test_staff_roles_see_every_results_page(request, answered, role):
    client = request.getfixturevalue(role)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
    assert 'href="/results/"' in client.get("/home").get_data(as_text=True)


def test_only_admins_choose_the_public_questions(
    questionnaire, analyst_client, facilitator_client, admin_client
):
    assert analyst_client.get("/results/public-questions").status_code == 403
    assert facilitator_client.get("/results/public-questions").status_code == 403
    assert admin_client.get("/results/public-questions").status_code == 200


def test_dashboard_shows_totals_breakdowns_and_bars_with_tables(analyst_client, answered):
    page = analyst_client.get("/results/").get_data(as_text=True)
    assert "49</span> responses" in page
    assert "How safe do you feel outside after dark?" in page
    assert '<svg class="engage-chart"' in page and 'role="img"' in page
    assert "(data table)</caption>" in page
    assert "What makes you feel unsafe?" not in page  # free text is never aggregated


def test_a_ward_with_nine_respondents_shows_less_than_ten(analyst_client, answered):
    page = analyst_client.get("/results/?ward=east").get_data(as_text=True)
    assert "&lt;10</span> responses" in page
    assert ">25<" not in page


def test_filters_are_applied_and_bad_ones_explained(analyst_client, answered):
    page = analyst_client.get("/results/?ward=north&channel=online").get_data(as_text=True)
    assert "25</span> responses" in page
    refused = analyst_client.get("/results/?since=yesterday&ward=north")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "These filters cannot be used, so no figures are shown" in page
    assert "Enter the ‘since’ date as YYYY-MM-DD" in page
    assert 'value="north" checked' in page  # what was entered is kept
    assert "responses match the filters" not in page  # no figures for other filters
    nonsense = analyst_client.get("/results/?nonsense=1")
    assert nonsense.status_code == 400
    assert "‘nonsense’ is not something these results can be filtered by" in nonsense.get_data(
        as_text=True
    )


def test_my_agencys_questions(db, app, partnership, answered):
    user = factories.make_user(partnership, "analyst", agency_slug="fire")
    db.session.commit()
    fire = app.test_client()
    assert AuthActions(fire).login(user.email).status_code == 302
    # Each question's results are a section headed by its text (the filters form lists
    # every single-choice question's answers whatever is shown).
    page = fire.get("/results/?mine=1").get_data(as_text=True)
    assert 'id="q-smoke_alarm">Do you have a working smoke alarm?' in page
    assert 'id="q-safe_dark"' not in page
    page = fire.get("/results/").get_data(as_text=True)
    assert 'id="q-safe_dark">How safe do you feel outside after dark?' in page


def test_results_join_versions_by_code(db, analyst_client, answered):
    draft = services.start_draft(answered.questionnaire)
    services.publish(draft)
    many(db, draft, 10, ward=["north"], safe_dark=["very"])
    db.session.commit()
    page = analyst_client.get("/results/").get_data(as_text=True)
    assert "59</span> responses" in page
    assert "versions 1, 2" in page


def test_crosstab_page_suppresses_small_cells(analyst_client, answered):
    page = analyst_client.get("/results/crosstab?row=safe_dark&column=ward").get_data(as_text=True)
    assert "How safe do you feel outside after dark?, by which ward do you live in?" in page
    assert "&lt;10" in page
    refused = analyst_client.get("/results/crosstab?row=why_unsafe&column=ward")
    assert "cannot be cross-tabulated" in refused.get_data(as_text=True)


def test_trend_page(db, analyst_client, questionnaire):
    for _ in range(10):
        answer(
            db,
            questionnaire,
            when=datetime(2026, 3, 3, tzinfo=UTC),
            ward=["north"],
            safe_dark=["very"],
            satisfied=["9"],
        )
    db.session.commit()
    page = analyst_client.get("/results/trend?code=satisfied&period=week").get_data(as_text=True)
    assert ">w/c 2 Mar 2026<" in page  # the week as a reader says it, not 2026-03-02
    assert ">9.0<" in page


def test_the_overview_has_contents_by_section_and_shows_only_the_questions_picked(
    analyst_client, answered
):
    page = analyst_client.get("/results/").get_data(as_text=True)
    assert 'href="#q-safe_dark"' in page and 'href="#q-satisfied"' in page

    picked = analyst_client.get("/results/?question=safe_dark&ward=north")
    page = picked.get_data(as_text=True)

    assert picked.status_code == 200
    assert 'id="q-safe_dark"' in page and 'id="q-satisfied"' not in page
    assert 'value="safe_dark" checked' in page  # the picker keeps the choice
    assert "question=safe_dark" in page.split("Download these figures")[0]  # so does the CSV


def test_the_figures_download_holds_only_the_questions_picked(analyst_client, answered):
    text = analyst_client.get("/results/figures.csv?question=satisfied").get_data(as_text=True)
    assert ",satisfied," in text and ",safe_dark," not in text


def test_an_unknown_question_code_is_explained_not_ignored(analyst_client, answered):
    refused = analyst_client.get("/results/?question=nonsense")
    assert refused.status_code == 400
    assert "No question has the code ‘nonsense’" in refused.get_data(as_text=True)
    assert analyst_client.get("/results/figures.csv?question=nonsense").status_code == 400


def test_dates_typed_in_day_month_and_year_boxes_filter_the_results(analyst_client, answered):
    today = datetime.now(UTC).date()
    boxes = f"since-day={today.day}&since-month={today.month}&since-year={today.year}"
    page = analyst_client.get(f"/results/?{boxes}&until-day=&until-month=&until-year=")
    assert page.status_code == 200
    assert "49</span> responses" in page.get_data(as_text=True)
    later = analyst_client.get(f"/results/?since-day=1&since-month=1&since-year={today.year + 1}")
    assert "0</span> responses" in later.get_data(as_text=True)
    # A link's since=YYYY-MM-DD still works, and fills the boxes in.
    linked = analyst_client.get(f"/results/?since={today.isoformat()}").get_data(as_text=True)
    assert f'name="since-day" type="text" value="{today.day}"' in linked


def test_a_date_that_is_not_real_is_explained_and_kept(analyst_client, answered):
    refused = analyst_client.get(
        "/results/?since-day=31&since-month=2&since-year=2026&until-month=5"
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Answered on or after must be a real date" in page
    assert "Answered on or before must include a day and year" in page
    assert 'name="since-day" type="text" value="31"' in page  # what was typed is kept
    assert 'href="#filter-since-day"' in page  # the summary leads to the first box
    assert "responses match the filters" not in page


def test_the_cross_tab_is_drawn_as_bars_along_each_row(analyst_client, answered):
    page = analyst_client.get("/results/crosstab?row=safe_dark&column=ward").get_data(as_text=True)
    assert 'aria-labelledby="crosstab-chart-title"' in page
    assert "Percentages along the row" in page
    assert "Small base: treat with caution" in page  # 9 respondents in the east ward
    assert "Hidden figures" in page  # the key explains the hatched, hidden part of a bar


def test_small_bases_are_flagged(app, analyst_client, answered):
    page = analyst_client.get("/results/").get_data(as_text=True)
    assert "Small base: treat with caution" in page  # 49 respondents, under 100
    app.config["ENGAGE_SMALL_BASE"] = 20
    page = analyst_client.get("/results/?ward=north").get_data(as_text=True)
    assert "Small base: treat with caution" not in page  # 25 respondents, over 20
