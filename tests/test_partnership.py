"""The partnership page and the headline figures it shows."""

import sqlalchemy as sa

from engage.main.services import headline_stats
from engage.partnership.services import version_usage
from engage.questionnaire import types
from engage.questionnaire.services import start_draft, tag_agency
from tests import factories


def agency_block(html, slug):
    """The part of the page about one agency."""
    return html.split(f'id="agency-{slug}"')[1].split('<h2 class="govuk-heading-m"')[0]


def test_headline_figures_count_agencies_questions_and_sharing(questionnaire):
    stats = headline_stats()
    assert stats["agencies"] == 6
    assert stats["questions"] == 9
    # Shared: improve, safe_dark.
    # One agency: ward, satisfied, why_unsafe, police_agree, smoke_alarm.
    assert stats["questions_shared"] == 2
    assert stats["questions_single_agency"] == 5
    assert stats["version"] == 1


def test_partnership_page_shows_the_headline_figures(analyst_client, questionnaire):
    html = analyst_client.get("/partnership/").get_data(as_text=True)
    for value, label in [
        (6, "Agencies taking part"),
        (9, "Questions in the questionnaire"),
        (2, "Questions shared by 2 or more agencies"),
        (5, "Questions used by one agency only"),
    ]:
        assert f'<span class="engage-stat">{value}</span>{label}' in html


def test_each_agency_lists_its_questions_and_who_else_shares_them(analyst_client, questionnaire):
    html = analyst_client.get("/partnership/").get_data(as_text=True)
    council = agency_block(html, "council")
    assert "4 questions" in council
    for code in ("ward", "improve", "satisfied", "safe_dark"):
        assert f"<code>{code}</code>" in council
    assert "What would most improve your area?" in council
    assert "<code>why_unsafe</code>" not in council
    police = agency_block(html, "police")
    assert "4 questions" in police
    improve_row = police.split("<code>improve</code>")[1].split("</tr>")[0]
    assert "Council" in improve_row
    police_agree_row = police.split("<code>police_agree</code>")[1].split("</tr>")[0]
    assert "No other agency" in police_agree_row
    assert "1 question<" in agency_block(html, "fire")
    assert "does not use any question" in agency_block(html, "housing")


def test_questions_no_agency_uses_are_listed_apart(analyst_client, questionnaire):
    html = analyst_client.get("/partnership/").get_data(as_text=True)
    unclaimed = html.split("Questions no agency uses yet <span")[1]
    assert "<code>household</code>" in unclaimed
    assert "<code>street</code>" in unclaimed


def test_page_shows_the_published_version_not_the_draft(
    facilitator_client, partnership, questionnaire, db
):
    draft = start_draft(questionnaire.questionnaire)
    factories.add_question(
        draft.sections[0],
        "rent",
        types.YES_NO,
        "Do you rent your home?",
        agencies=[factories.agency(partnership, "housing")],
    )
    db.session.commit()
    html = facilitator_client.get("/partnership/").get_data(as_text=True)
    assert "Do you rent your home?" not in html
    assert headline_stats()["questions"] == 9


def test_tagging_a_second_agency_makes_a_question_shared(partnership, questionnaire, db):
    ward = next(q for q in questionnaire.questions if q.code == "ward")
    tag_agency(ward.bank_question, factories.agency(partnership, "housing"))
    db.session.commit()
    stats = headline_stats()
    assert (stats["questions_shared"], stats["questions_single_agency"]) == (3, 4)


def test_every_role_can_see_the_partnership_page(
    admin_client, analyst_client, facilitator_client, questionnaire
):
    for staff in (admin_client, analyst_client, facilitator_client):
        assert staff.get("/partnership/").status_code == 200


def test_anonymous_visitor_is_sent_to_sign_in(client, partnership):
    response = client.get("/partnership/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_page_without_a_published_questionnaire_says_so(analyst_client, partnership):
    response = analyst_client.get("/partnership/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No version of the questionnaire has been published yet" in html
    assert '<span class="engage-stat">0</span>Questions in the questionnaire' in html


def test_agency_usage_is_read_in_a_fixed_number_of_queries(db, partnership, questionnaire):
    statements = []
    _ = (partnership.id, questionnaire.id)  # load the committed objects before counting

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        usage = version_usage(partnership, questionnaire)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 2, statements
    assert sum(len(a.questions) for a in usage.agencies) == 9
    assert [q.code for q in usage.unclaimed] == ["household", "street"]
