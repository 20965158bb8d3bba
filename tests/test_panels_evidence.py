"""Options from survey evidence: answers chosen one by one, with their figures already
suppressed, from questions that are not about who the respondent is."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from engage.panels.errors import PanelError, PhaseError
from engage.panels.models import DELIBERATION, DRAFT, FROM_EVIDENCE
from engage.panels.process import evidence
from engage.questionnaire import demographics
from engage.questionnaire.models import Question
from engage.results.filters import ResultFilter
from engage.survey.answers import check_answers
from engage.survey.services import new_key, store_response
from tests.panel_factories import facilitator, make_vote


def answer(db, version, n, when=None, **values):
    """Store ``n`` responses with these answers (codes to lists of values)."""
    areas = {a.code: a for a in version.questionnaire.partnership.areas}
    for _ in range(n):
        checked = check_answers(version.questions, values, areas)
        assert checked.ok, checked.errors
        store_response(version, checked.answers, new_key(), areas, submitted_at=when)
    db.session.flush()


@pytest.fixture
def user(db, partnership):
    return facilitator(partnership)


@pytest.fixture
def survey(db, questionnaire):
    """52 respondents: lighting 32, parks 20, litter 9, "none of these" 11."""
    march = datetime(2026, 3, 10, 12, tzinfo=UTC)
    answer(db, questionnaire, 20, ward=["north"], safe_dark=["very"], improve=["parks", "lighting"])
    answer(db, questionnaire, 12, march, ward=["south"], safe_dark=["very"], improve=["lighting"])
    answer(db, questionnaire, 9, march, ward=["east"], safe_dark=["very"], improve=["litter"])
    answer(db, questionnaire, 11, ward=["north"], safe_dark=["very"], improve=["none"])
    db.session.commit()
    return questionnaire


def test_the_top_answers_become_options_with_their_evidence(db, partnership, survey, user):
    vote = make_vote(partnership, user, DRAFT, titles=[])
    added = evidence.options_from_evidence(vote, "improve", ResultFilter(), 3, user)
    db.session.commit()
    assert [o.title for o in added] == ["Street lighting", "Parks", "Less litter"]
    lighting, parks, litter = added
    assert lighting.origin == FROM_EVIDENCE
    assert (lighting.evidence_question, lighting.evidence_count) == ("improve", 32)
    assert lighting.evidence_percent == 61.5
    assert parks.evidence_shown == "20"
    assert lighting.evidence_filter == "All responses"
    assert evidence.evidence_text(lighting) == (
        "Chosen by 32 respondents (61.5%) in the survey; All responses."
    )


def test_a_count_of_nine_is_stored_and_shown_as_less_than_ten(db, partnership, survey, user):
    vote = make_vote(partnership, user, DRAFT, titles=[])
    litter = evidence.options_from_evidence(vote, "improve", ResultFilter(), 3, user)[-1]
    assert litter.title == "Less litter"
    assert litter.evidence_suppressed is True
    assert litter.evidence_count is None
    assert litter.evidence_percent is None
    assert litter.evidence_shown == "<10"
    assert "fewer than 10 respondents" in evidence.evidence_text(litter)


def test_the_threshold_comes_from_configuration(app, db, partnership, survey, user):
    app.config["ENGAGE_SUPPRESSION_K"] = 5
    vote = make_vote(partnership, user, DRAFT, titles=[])
    litter = evidence.options_from_evidence(vote, "improve", ResultFilter(), 3, user)[-1]
    assert (litter.evidence_shown, litter.evidence_suppressed) == ("9", False)


def test_none_of_these_and_unchosen_answers_do_not_become_options(db, partnership, survey, user):
    vote = make_vote(partnership, user, DRAFT, titles=[])
    north = ResultFilter(wards=("north",))
    added = evidence.options_from_evidence(vote, "improve", north, 10, user)
    assert [o.title for o in added] == ["Parks", "Street lighting"]
    assert all(o.evidence_filter == "North Ward" for o in added)
    assert added[0].evidence_percent == 64.5  # 20 of the 31 north respondents


def test_a_date_filter_is_described_with_the_evidence(db, partnership, survey, user):
    vote = make_vote(partnership, user, DRAFT, titles=[])
    march = ResultFilter(since=date(2026, 3, 1), until=date(2026, 3, 31))
    added = evidence.options_from_evidence(vote, "improve", march, 1, user)
    assert [(o.title, o.evidence_count) for o in added] == [("Street lighting", 12)]
    assert added[0].evidence_filter == "from 1 March 2026; to 31 March 2026"


def test_answers_that_are_already_options_are_skipped(db, partnership, survey, user):
    vote = make_vote(partnership, user, DRAFT, titles=["parks"])
    added = evidence.options_from_evidence(vote, "improve", ResultFilter(), 2, user)
    assert [o.title for o in added] == ["Street lighting"]
    assert [o.title for o in vote.active_options] == ["parks", "Street lighting"]


def test_only_single_and_multiple_choice_questions_give_evidence(db, partnership, survey, user):
    vote = make_vote(partnership, user, DRAFT, titles=[])
    codes = [i.code for i in evidence.evidence_questions(partnership)]
    assert codes == ["improve", "safe_dark"]
    with pytest.raises(PanelError, match="Choose a single- or multiple-choice question"):
        evidence.options_from_evidence(vote, "satisfied", ResultFilter(), 3, user)


def test_evidence_options_are_added_only_before_deliberation(db, partnership, survey, user):
    vote = make_vote(partnership, user, DELIBERATION)
    with pytest.raises(PhaseError, match="Options can be added only"):
        evidence.options_from_evidence(vote, "improve", ResultFilter(), 3, user)


def test_evidence_needs_a_published_questionnaire(db, partnership, user):
    vote = make_vote(partnership, user, DRAFT, titles=[])
    with pytest.raises(PanelError, match="no published questionnaire"):
        evidence.options_from_evidence(vote, "improve", ResultFilter(), 3, user)


def test_answers_are_chosen_one_by_one(db, partnership, survey, user):
    vote = make_vote(partnership, user, DRAFT, titles=[])
    added = evidence.options_from_answers(vote, "improve", ResultFilter(), ["litter"], user)
    assert [(o.title, o.evidence_shown) for o in added] == [("Less litter", "<10")]
    with pytest.raises(PanelError, match="Choose at least one answer"):
        evidence.options_from_answers(vote, "improve", ResultFilter(), [], user)
    with pytest.raises(PanelError, match="Choose answers from the list"):
        evidence.options_from_answers(vote, "improve", ResultFilter(), ["none"], user)
    assert [o.title for o in vote.active_options] == ["Less litter"]


def test_picking_two_of_five_candidates_adds_exactly_those_two(db, demo_questionnaire):
    partnership = demo_questionnaire.partnership
    user = facilitator(partnership)
    vote = make_vote(partnership, user, DRAFT, titles=[])
    offered = evidence.candidates(vote, "area_improve", ResultFilter()).answers
    assert len(offered) >= 5
    second, fourth = offered[1], offered[3]
    chosen = [fourth.code, second.code]
    added = evidence.options_from_answers(vote, "area_improve", ResultFilter(), chosen, user)
    db.session.commit()
    # In the candidates' order (most chosen first), whatever order they were ticked in.
    assert [o.title for o in added] == [second.label, fourth.label]
    assert [o.title for o in vote.active_options] == [second.label, fourth.label]
    assert all(o.evidence_question == "area_improve" for o in added)


def test_questions_about_who_residents_are_are_not_offered(db, demo_questionnaire):
    partnership = demo_questionnaire.partnership
    offered = {i.code for i in evidence.evidence_questions(partnership)}
    assert {"area_improve", "safe_after_dark", "help_wanted"} <= offered
    assert not offered & {"age_band", "gender", "ethnic_group", "disability", "tenure", "caring"}
    user = facilitator(partnership)
    vote = make_vote(partnership, user, DRAFT, titles=[])
    with pytest.raises(PanelError, match="Choose a single- or multiple-choice question"):
        evidence.options_from_answers(vote, "ethnic_group", ResultFilter(), ["white"], user)


@pytest.mark.parametrize(
    ("code", "wording", "section"),
    [
        ("q7", "What is your sex?", "Your details"),
        ("q8", "Which religion, if any, do you belong to?", ""),
        ("q9", "Which of these best describes your sexual orientation?", ""),
        ("q10", "Is your gender the same as the sex you were registered at birth?", ""),
        ("dob", "When were you born?", ""),
        ("q11", "What is your ethnicity?", ""),
        ("q12", "Which languages do you speak at home?", "About you"),
        ("q13", "Are you disabled?", ""),
    ],
)
def test_demographic_questions_are_recognised(code, wording, section):
    assert demographics.is_demographic(code, wording, section)


@pytest.mark.parametrize(
    ("code", "wording"),
    [
        ("improve", "What would most improve your area?"),
        ("manage_waste", "How should the council manage waste collections?"),
        ("gp_access", "How easy is it to see a GP when you need to?"),
        ("volunteer_types", "What kind of group did you help?"),
    ],
)
def test_questions_about_the_area_are_not_taken_for_demographics(code, wording):
    assert not demographics.is_demographic(code, wording, "Your area")


def test_the_editors_mark_decides_what_is_offered(db, demo_questionnaire):
    partnership = demo_questionnaire.partnership
    db.session.execute(
        sa.update(Question)
        .where(Question.code.in_(["area_improve", "tenure"]))
        .values(about_respondent=sa.case((Question.code == "tenure", False), else_=True))
    )
    db.session.expire_all()
    offered = {i.code for i in evidence.evidence_questions(partnership)}
    assert "tenure" in offered  # the admin says it is not about who people are
    assert "area_improve" not in offered
