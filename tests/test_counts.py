"""Per-question counts join versions by code and are computed by the database."""

import sqlalchemy as sa

from engage.questionnaire import services
from engage.survey import counts
from engage.survey.answers import check_answers
from engage.survey.services import new_key, store_response


def answer(db, version, **values):
    areas = {a.code: a for a in version.questionnaire.partnership.areas}
    checked = check_answers(version.questions, {k: v for k, v in values.items()}, areas)
    assert checked.ok, checked.errors
    store_response(version, checked.answers, new_key(), areas)
    db.session.commit()


def test_counts_join_two_versions_by_code(db, questionnaire):
    qn_id = questionnaire.questionnaire_id
    answer(
        db,
        questionnaire,
        ward=["north"],
        safe_dark=["very"],
        improve=["parks", "litter"],
        satisfied=["7"],
    )
    draft = services.start_draft(questionnaire.questionnaire)
    services.publish(draft)
    db.session.commit()
    answer(db, draft, ward=["south"], safe_dark=["very"], improve=["parks"], satisfied=["7"])
    answer(db, draft, ward=["south"], safe_dark=["unsafe"], satisfied=["3"])
    assert counts.option_counts(qn_id, "safe_dark") == {"very": 2, "unsafe": 1}
    assert counts.option_counts(qn_id, "improve") == {"parks": 2, "litter": 1}
    assert counts.respondents(qn_id, "improve") == 2
    assert counts.number_counts(qn_id, "satisfied") == {7: 2, 3: 1}


def test_count_is_one_grouped_query(db, questionnaire, app):
    answer(db, questionnaire, ward=["north"], safe_dark=["very"])
    qn_id = questionnaire.questionnaire_id
    statements = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert counts.option_counts(qn_id, "safe_dark") == {"very": 1}
    assert len(statements) == 1
    assert "GROUP BY" in statements[0]
