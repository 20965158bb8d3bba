"""A vote's options on the web: add, edit, merge, reject, hide comments, take from the survey."""

import re

import pytest
import sqlalchemy as sa

from engage.panels.models import (
    ACTIVE,
    DELIBERATION,
    DRAFT,
    FROM_EVIDENCE,
    MERGED,
    PROPOSALS,
    REJECTED,
    OptionComment,
    VoteOption,
)
from engage.panels.process import deliberation
from engage.survey.answers import check_answers
from engage.survey.services import new_key, store_response
from tests.panel_factories import make_vote, member, option


@pytest.fixture
def user(facilitator_client):
    return facilitator_client.user


def vote_in(db, partnership, user, phase=PROPOSALS, **fields):
    vote = make_vote(partnership, user, phase, **fields)
    db.session.commit()
    return vote


def text(response) -> str:
    return response.get_data(as_text=True)


def options_of(db, vote) -> dict[str, VoteOption]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(VoteOption).where(VoteOption.vote_id == vote.id))
    return {o.title: o for o in rows}


def answer(db, version, n, **values):
    """Store ``n`` survey responses with these answers."""
    areas = {a.code: a for a in version.questionnaire.partnership.areas}
    for _ in range(n):
        checked = check_answers(version.questions, values, areas)
        store_response(version, checked.answers, new_key(), areas)
    db.session.commit()


# Adding, editing, merging, rejecting


def test_a_facilitator_adds_an_option(db, facilitator_client, partnership, user):
    vote = vote_in(db, partnership, user, DRAFT, titles=[])
    response = facilitator_client.post(
        f"/panels/votes/{vote.id}/options/new",
        data={"title": "A new bus shelter", "description": "On Mill Lane"},
        follow_redirects=True,
    )
    page = text(response)
    assert "Option ‘A new bus shelter’ added." in page
    assert "Added by a facilitator" in page and "On Mill Lane" in page
    assert options_of(db, vote)["A new bus shelter"].status == ACTIVE


def test_an_option_with_the_same_title_is_refused(db, facilitator_client, partnership, user):
    vote = vote_in(db, partnership, user)
    response = facilitator_client.post(
        f"/panels/votes/{vote.id}/options/new", data={"title": "parks"}
    )
    assert response.status_code == 400
    assert "There is already an option called ‘Parks’." in text(response)
    assert 'value="parks"' in text(response)
    assert len(options_of(db, vote)) == 3


def test_an_option_is_reworded(db, facilitator_client, partnership, user):
    vote = vote_in(db, partnership, user)
    parks = option(vote, "Parks")
    url = f"/panels/votes/{vote.id}/options/{parks.id}/edit"
    assert 'value="Parks"' in text(facilitator_client.get(url))
    facilitator_client.post(url, data={"title": "Better parks", "description": ""})
    assert "Better parks" in options_of(db, vote)


def test_an_option_is_merged_into_another(db, facilitator_client, partnership, user):
    vote = vote_in(db, partnership, user)
    parks, litter = option(vote, "Parks"), option(vote, "Less litter")
    url = f"/panels/votes/{vote.id}/options/{litter.id}/merge"
    assert "Street lighting" in text(facilitator_client.get(url))
    response = facilitator_client.post(url, data={"target": parks.id}, follow_redirects=True)
    assert "‘Less litter’ was merged into ‘Parks’." in text(response)
    assert "Merged into ‘Parks’" in text(response)
    assert options_of(db, vote)["Less litter"].status == MERGED


def test_an_option_is_rejected_with_a_reason(db, facilitator_client, partnership, user):
    vote = vote_in(db, partnership, user)
    litter = option(vote, "Less litter")
    url = f"/panels/votes/{vote.id}/options/{litter.id}/reject"
    refused = facilitator_client.post(url, data={"reason": ""})
    assert refused.status_code == 400
    assert "Enter the reason for rejecting the option" in text(refused)
    response = facilitator_client.post(
        url, data={"reason": "The council cannot act on it"}, follow_redirects=True
    )
    assert "The council cannot act on it" in text(response)
    assert options_of(db, vote)["Less litter"].status == REJECTED


def test_options_are_fixed_once_deliberation_starts(db, facilitator_client, partnership, user):
    vote = vote_in(db, partnership, user, DELIBERATION)
    page = text(facilitator_client.get(f"/panels/votes/{vote.id}/options"))
    assert "The options are fixed" in page and "Add an option" not in page
    response = facilitator_client.post(
        f"/panels/votes/{vote.id}/options/new", data={"title": "Late idea"}
    )
    assert response.status_code == 400
    assert "Options can be added only while the vote is in draft or taking proposals" in text(
        response
    )


def test_an_option_of_another_vote_is_not_found(db, facilitator_client, partnership, user):
    vote, other = vote_in(db, partnership, user), vote_in(db, partnership, user)
    url = f"/panels/votes/{vote.id}/options/{option(other, 'Parks').id}/edit"
    assert facilitator_client.get(url).status_code == 404


# Comments


def test_a_hidden_comment_shows_as_hidden(db, facilitator_client, partnership, user):
    vote = vote_in(db, partnership, user)
    parks = option(vote, "Parks")
    comment = deliberation.add_comment(parks, "against", "Rude words here", member(vote, user))
    db.session.commit()
    assert "Rude words here" in text(facilitator_client.get(f"/panels/votes/{vote.id}/options"))
    response = facilitator_client.post(
        f"/panels/votes/{vote.id}/comments/{comment.id}/hide", follow_redirects=True
    )
    page = text(response)
    assert "is hidden" in page
    assert "Rude words here" not in page
    assert 'govuk-hint">hidden</p>' in page
    db.session.expire_all()
    assert db.session.get(OptionComment, comment.id).hidden


# Options from survey evidence


@pytest.fixture
def survey(db, questionnaire):
    """Street lighting 32, parks 20, litter 9 (shown "<10"), "none of these" 11."""
    answer(db, questionnaire, 20, ward=["north"], safe_dark=["very"], improve=["parks", "lighting"])
    answer(db, questionnaire, 12, ward=["south"], safe_dark=["very"], improve=["lighting"])
    answer(db, questionnaire, 9, ward=["east"], safe_dark=["very"], improve=["litter"])
    answer(db, questionnaire, 11, ward=["north"], safe_dark=["very"], improve=["none"])
    return questionnaire


def test_the_answers_are_shown_as_checkboxes_with_suppressed_figures(
    db, facilitator_client, partnership, user, survey
):
    vote = vote_in(db, partnership, user, DRAFT, titles=[])
    url = f"/panels/votes/{vote.id}/evidence"
    assert "What would most improve your area?" in text(facilitator_client.get(url))
    page = text(facilitator_client.get(url, query_string={"question": "improve"}))
    assert "Answers to ‘What would most improve your area?’" in page
    boxes = re.findall(
        r'<input class="govuk-checkboxes__input" id="[^"]+" name="answers" '
        r'type="checkbox" value="(\w+)"',
        page,
    )
    assert boxes == ["lighting", "parks", "litter"]
    assert "32 respondents, 61.5%" in page
    assert "&lt;10 respondents" in page
    assert "None of these" not in page
    assert options_of(db, vote) == {}


def test_the_ticked_answers_become_options_with_their_evidence(
    db, facilitator_client, partnership, user, survey
):
    vote = vote_in(db, partnership, user, DRAFT, titles=[])
    response = facilitator_client.post(
        f"/panels/votes/{vote.id}/evidence",
        data={
            "question": "improve",
            "ward": "",
            "since": "",
            "until": "",
            "answers": ["lighting", "litter"],
        },
        follow_redirects=True,
    )
    assert "2 options added from the survey." in text(response)
    assert "Chosen by 32 respondents (61.5%) in the survey; All responses." in text(response)
    added = options_of(db, vote)
    assert set(added) == {"Street lighting", "Less litter"}
    assert added["Less litter"].origin == FROM_EVIDENCE
    assert added["Less litter"].evidence_shown == "<10"


def test_nothing_ticked_adds_nothing_and_says_so(db, facilitator_client, partnership, user, survey):
    vote = vote_in(db, partnership, user, DRAFT, titles=[])
    response = facilitator_client.post(
        f"/panels/votes/{vote.id}/evidence", data={"question": "improve", "ward": "south"}
    )
    assert response.status_code == 400
    page = text(response)
    assert "Choose at least one answer to add as an option." in page
    assert 'href="#answers"' in page
    assert 'name="answers"' in page  # the answers are shown again to tick
    assert options_of(db, vote) == {}


def test_an_answer_already_an_option_cannot_be_ticked(
    db, facilitator_client, partnership, user, survey
):
    vote = vote_in(db, partnership, user, DRAFT, titles=["Parks"])
    page = text(facilitator_client.get(f"/panels/votes/{vote.id}/evidence?question=improve"))
    assert re.search(r'value="parks"[^>]*disabled', page)
    assert "Already an option of this vote." in page


def test_evidence_can_be_filtered_by_ward(db, facilitator_client, partnership, user, survey):
    vote = vote_in(db, partnership, user, DRAFT, titles=[])
    facilitator_client.post(
        f"/panels/votes/{vote.id}/evidence",
        data={"question": "improve", "ward": "south", "answers": ["lighting"]},
    )
    [lighting] = options_of(db, vote).values()
    assert (lighting.title, lighting.evidence_filter) == ("Street lighting", "South Ward")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"question": "ward", "answers": "parks"}, "Choose a survey question"),
        ({"question": "improve", "answers": "cctv"}, "Choose answers from the list"),
        (
            {
                "question": "improve",
                "answers": "parks",
                "since": ["1", "5", "2026"],
                "until": ["1", "4", "2026"],
            },
            "Answered on or before must be the same day as or after answered on or after",
        ),
        (
            {"question": "improve", "answers": "parks", "since": ["31", "4", "2026"]},
            "Answered on or after must be a real date, for example 27 6 2026",
        ),
    ],
)
def test_bad_evidence_choices_are_explained(
    db, facilitator_client, partnership, user, survey, values, message
):
    vote = vote_in(db, partnership, user, DRAFT, titles=[])
    response = facilitator_client.post(f"/panels/votes/{vote.id}/evidence", data=values)
    assert response.status_code == 400
    assert message in text(response)
    assert options_of(db, vote) == {}


def test_evidence_dates_are_typed_in_boxes_and_carried_to_the_answers_form(
    db, facilitator_client, partnership, user, survey
):
    vote = vote_in(db, partnership, user, DRAFT, titles=[])
    url = f"/panels/votes/{vote.id}/evidence?question=improve&since=1&since=5&since=2000"
    page = text(facilitator_client.get(url))
    assert 'type="date"' not in page
    # The day, month and year travel with the ticked answers, as three boxes would send them.
    posted = page.split('name="answers"')[0].split('action="/panels/votes/')[-1]
    assert re.findall(r'name="since" value="(\d+)"', posted) == ["1", "5", "2000"]
