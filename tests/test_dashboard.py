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
    assert "2026-03-02" in page
    assert ">9.0<" in page
