"""Publishing a draft: what makes it current, and what stops it."""

import pytest
import sqlalchemy as sa

from engage.questionnaire import services, types
from engage.questionnaire.immutability import PublishedVersionError
from engage.questionnaire.models import Question, QuestionnaireVersion
from engage.survey.answers import Answer as Parsed
from engage.survey.models import Answer, Response
from engage.survey.services import new_key, store_response
from tests import factories

BASE = "/admin/questionnaire"


@pytest.fixture
def draft(db, questionnaire):
    """Draft version 2, a copy of the published version 1."""
    version = services.start_draft(questionnaire.questionnaire)
    db.session.commit()
    return version


def question(version: QuestionnaireVersion, code: str) -> Question:
    return next(q for q in version.questions if q.code == code)


def answer(db, version: QuestionnaireVersion, **parsed: Parsed) -> Response:
    """Store one resident's response to ``version``."""
    areas = {a.code: a for a in version.questionnaire.partnership.areas}
    response, _created = store_response(version, parsed, new_key(), areas)
    db.session.commit()
    return response


def publish(db, admin_client):
    """Press ‘Publish’, then let the test's session see what the request committed."""
    response = admin_client.post(f"{BASE}/draft/publish")
    db.session.expire_all()
    return response


def assert_refused(response, *messages: str) -> None:
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "govuk-error-summary" in page
    assert "The draft cannot be published yet" in page
    for message in messages:
        assert message in page


def test_publishing_makes_the_draft_current(db, admin_client, questionnaire, draft):
    response = publish(db, admin_client)
    assert response.status_code == 302
    assert draft.status == "published" and draft.published_at is not None
    assert services.current_version(questionnaire.questionnaire) == draft
    assert services.draft_version(questionnaire.questionnaire) is None
    overview = admin_client.get(f"{BASE}/").get_data(as_text=True)
    assert "Version 2 is published" in overview and "Start a new draft" in overview


def test_responses_stay_pinned_to_the_version_they_answered(
    db, admin_client, client, questionnaire, draft
):
    earlier = answer(db, questionnaire, ward=Parsed(area_code="north"))
    assert publish(db, admin_client).status_code == 302
    assert earlier.version_id == questionnaire.id
    later = answer(db, draft, ward=Parsed(area_code="south"))
    assert later.version_id == draft.id
    page = client.get("/survey/").get_data(as_text=True)
    assert f'name="_version" value="{draft.id}"' in page


def test_the_published_draft_can_no_longer_be_changed(db, admin_client, draft):
    assert publish(db, admin_client).status_code == 302
    section = draft.sections[0]
    response = admin_client.post(
        f"{BASE}/draft/sections/{section.id}", data={"title": "Too late", "intro": ""}
    )
    assert response.status_code == 409
    db.session.expire_all()
    assert section.title == "Your area"
    section.title = "Too late"
    with pytest.raises(PublishedVersionError):
        db.session.flush()
    db.session.rollback()


def test_publishing_is_refused_when_codes_are_not_unique(db, admin_client, draft):
    factories.add_question(draft.sections[2], "ward", types.SHORT_TEXT, "Your ward, again")
    db.session.commit()
    response = publish(db, admin_client)
    assert_refused(response, "The code ‘ward’ is used by 2 questions; codes must be unique.")
    assert draft.is_draft


def test_publishing_is_refused_when_a_condition_refers_to_a_later_question(db, admin_client, draft):
    dependant = question(draft, "why_unsafe")
    for _ in range(2):  # to the top of its section, then into the section before
        admin_client.post(f"{BASE}/draft/questions/{dependant.id}/move", data={"direction": "up"})
    response = publish(db, admin_client)
    assert_refused(
        response,
        "Question ‘why_unsafe’ depends on the answer to ‘safe_dark’, but ‘safe_dark’ comes "
        "after it; a question can only depend on an earlier one.",
    )
    assert draft.is_draft


def test_publishing_is_refused_when_a_condition_refers_to_a_missing_question(
    db, admin_client, draft
):
    controller = question(draft, "safe_dark")
    admin_client.post(f"{BASE}/draft/questions/{controller.id}/delete")
    response = publish(db, admin_client)
    assert_refused(
        response,
        "Question ‘why_unsafe’ depends on the answer to ‘safe_dark’, but there is no question "
        "with the code ‘safe_dark’.",
    )
    assert draft.is_draft


def test_publishing_is_refused_when_an_option_that_stored_answers_use_is_removed(
    db, admin_client, questionnaire, draft
):
    answer(db, questionnaire, improve=Parsed(option_codes=["litter", "parks"]))
    litter = question(draft, "improve").option_by_code("litter")
    admin_client.post(f"{BASE}/draft/options/{litter.id}/delete")
    response = publish(db, admin_client)
    assert_refused(
        response,
        "Question ‘improve’ no longer has option ‘litter’, which published results use.",
    )
    assert "option ‘parks’" not in response.get_data(as_text=True)
    assert draft.is_draft


def test_an_option_no_stored_answer_uses_can_be_removed(db, admin_client, questionnaire, draft):
    answer(db, questionnaire, improve=Parsed(option_codes=["parks"]))
    lighting = question(draft, "improve").option_by_code("lighting")
    admin_client.post(f"{BASE}/draft/options/{lighting.id}/delete")
    assert publish(db, admin_client).status_code == 302
    assert not draft.is_draft


def test_stored_answers_counted_by_option_row_not_by_code_alone(db, questionnaire, draft):
    """An answer to another question with the same option code does not protect this one."""
    answer(db, questionnaire, safe_dark=Parsed(option_codes=["unsafe"]))
    stored = db.session.scalars(sa.select(Answer)).all()
    assert len(stored) == 1
    improve = question(draft, "improve")
    improve.options.remove(improve.option_by_code("none"))
    db.session.flush()
    assert services.publish(draft) is draft


def test_refused_publish_lists_every_problem(db, draft):
    factories.add_question(draft.sections[0], "satisfied", types.RATING)
    question(draft, "police_agree").condition_code = "no_such_question"
    question(draft, "police_agree").condition_options = ["yes"]
    db.session.flush()
    with pytest.raises(services.PublishRefused) as refused:
        services.publish(draft)
    assert len(refused.value.problems) == 2
    assert draft.is_draft


def test_a_published_version_cannot_be_published_again(db, questionnaire):
    with pytest.raises(services.QuestionnaireError, match="already published"):
        services.publish(questionnaire)


def test_publish_without_a_draft_is_not_found(admin_client, questionnaire):
    assert admin_client.post(f"{BASE}/draft/publish").status_code == 404
