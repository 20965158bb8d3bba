"""The resident survey at /survey: checking, keeping answers, storing exactly once."""

import re

import pytest
import sqlalchemy as sa

from engage.survey.models import Answer, Response
from tests.survey_walk import SurveyPage, post_page_of, submit, walk

VALID = {
    "q-ward": "north",
    "q-improve": ["parks", "litter"],
    "q-satisfied": "7",
    "q-safe_dark": "unsafe",
    "q-why_unsafe": "Broken street lights on Mill Lane.",
    "q-police_agree": "agree",
    "q-smoke_alarm": "yes",
    "q-household": "3",
    "q-street": "Mill Lane",
}


def form_fields(client):
    """GET /survey and return the hidden fields a browser would send back."""
    page = client.get("/survey/").get_data(as_text=True)
    key = re.search(r'name="_key" value="([0-9a-f]{32})"', page).group(1)
    version = re.search(r'name="_version" value="(\d+)"', page).group(1)
    return {"_key": key, "_version": version}


def post(client, answers, fields=None):
    data = dict(fields or form_fields(client))
    data.update(answers)
    return client.post("/survey/", data=data)


def count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_survey_goes_a_section_at_a_time_and_asks_only_what_applies(client, db, questionnaire):
    pages = walk(client, VALID)
    assert [(p.caption, p.heading) for p in pages[:-1]] == [
        ("Section 1 of 3", "Your area"),
        ("Section 2 of 3", "Feeling safe"),
        # The reason is asked once the answer it depends on is known.
        ("Section 2 of 3", "Feeling safe – (continued)"),
        ("Section 3 of 3", "About you"),
    ]
    assert pages[0].codes == ["ward", "improve", "satisfied"]
    assert pages[2].codes == ["why_unsafe", "police_agree"]
    assert pages[-1].heading == "Check your answers before sending them"
    # Nothing is stored before the resident submits.
    assert count(db, Response) == 0


def test_a_question_that_does_not_apply_is_never_shown(client, db, questionnaire):
    pages = walk(client, {**VALID, "q-safe_dark": "very"})
    assert all("why_unsafe" not in p.codes for p in pages)
    check = pages[-1]
    assert ("q-why_unsafe", VALID["q-why_unsafe"]) not in check.hidden
    assert "How safe do you feel outside after dark?" in check.html
    assert "Very safe" in check.html
    assert submit(client, check).status_code == 303
    stored = db.session.scalar(sa.select(Response))
    assert {a.question.code for a in stored.answers} >= {"safe_dark", "police_agree"}
    assert "why_unsafe" not in {a.question.code for a in stored.answers}


def test_valid_answers_are_stored_and_thank_you_page_shown(client, db, questionnaire):
    response = post(client, VALID)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/survey/thanks")
    assert "Thank you" in client.get("/survey/thanks").get_data(as_text=True)
    stored = db.session.scalar(sa.select(Response))
    assert stored.version_id == questionnaire.id
    assert stored.channel == "online"
    assert stored.area.code == "north"
    assert stored.submitted_at is not None
    by_code = {}
    for answer in stored.answers:
        by_code.setdefault(answer.question.code, []).append(answer)
    assert sorted(a.option.code for a in by_code["improve"]) == ["litter", "parks"]
    assert by_code["satisfied"][0].number_value == 7
    assert by_code["household"][0].number_value == 3
    assert by_code["why_unsafe"][0].text_value == "Broken street lights on Mill Lane."
    assert by_code["smoke_alarm"][0].option.code == "yes"
    assert by_code["ward"][0].area.code == "north"


def test_response_records_no_ip_address_or_user_agent(client, db, questionnaire):
    post(client, VALID)
    columns = {c.name for c in Response.__table__.columns} | {
        c.name for c in Answer.__table__.columns
    }
    assert not {"ip", "ip_address", "remote_addr", "user_agent"} & columns
    stored = db.session.scalar(sa.select(Response))
    values = [getattr(stored, c) for c in ("channel", "idempotency_key")]
    assert "127.0.0.1" not in values


def test_second_submit_with_same_key_stores_one_response(client, db, questionnaire):
    fields = form_fields(client)
    first = post(client, VALID, fields)
    second = post(client, VALID, fields)
    assert first.status_code == second.status_code == 303
    assert count(db, Response) == 1
    assert count(db, Answer) == 10


def test_each_rendered_form_gets_its_own_key(client, db, questionnaire):
    post(client, VALID)
    post(client, VALID)
    assert count(db, Response) == 2


def test_only_required_questions_are_needed(client, db, questionnaire):
    response = post(client, {"q-ward": "south", "q-safe_dark": "very"})
    assert response.status_code == 303
    assert count(db, Answer) == 2


BAD_INPUT = [
    ("q-ward", None, "Select the area you live in"),
    ("q-ward", "atlantis", "Select one of the areas shown"),
    ("q-safe_dark", None, "Select an option"),
    ("q-safe_dark", "terrified", "Select from the options shown"),
    ("q-safe_dark", ["very", "unsafe"], "Select only one option"),
    ("q-improve", ["parks", "lighting", "litter"], "Select no more than 2 options"),
    ("q-improve", ["parks", "none"], "‘None of these’ cannot be combined with other options"),
    ("q-improve", ["parks", "moon"], "Select from the options shown"),
    ("q-satisfied", "11", "Select a number from 0 to 10"),
    ("q-satisfied", "seven", "Select a number from 0 to 10"),
    ("q-police_agree", "maybe", "Select from the options shown"),
    ("q-smoke_alarm", "perhaps", "Select from the options shown"),
    ("q-household", "0", "Enter a whole number from 1 to 20"),
    ("q-household", "21", "Enter a whole number from 1 to 20"),
    ("q-household", "2.5", "Enter a whole number from 1 to 20"),
    ("q-street", "x" * 51, "Your answer must be 50 characters or fewer (it has 51)"),
    ("q-why_unsafe", "y" * 2001, "Your answer must be 2000 characters or fewer (it has 2001)"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
def test_bad_answer_is_refused_with_message_and_nothing_stored(
    client, db, questionnaire, field, value, message
):
    answers = dict(VALID)
    if value is None:
        del answers[field]
    else:
        answers[field] = value
    response = post_page_of(client, answers, field)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert message in page
    assert f'href="#{field}"' in page
    assert f'id="{field}"' in page
    assert count(db, Response) == 0
    assert count(db, Answer) == 0


def test_answers_already_given_are_kept_after_an_error(client, questionnaire):
    answers = dict(VALID, **{"q-household": "many"})
    response = post_page_of(client, answers, "q-household")
    assert response.status_code == 400
    page = SurveyPage(response.get_data(as_text=True))
    assert page.heading == "About you"
    assert 'value="many"' in page.html
    assert 'value="Mill Lane"' in page.html
    # The answers from earlier pages travel with the form, unchanged.
    assert ("q-ward", "north") in page.hidden
    assert ("q-improve", "litter") in page.hidden
    assert ("q-why_unsafe", "Broken street lights on Mill Lane.") in page.hidden


def test_a_form_sent_whole_is_checked_whole_and_listed_on_the_check_page(client, db, questionnaire):
    response = post(client, dict(VALID, **{"q-household": "many"}))
    assert response.status_code == 400
    page = SurveyPage(response.get_data(as_text=True))
    assert page.is_check
    assert "Enter a whole number from 1 to 20" in page.html
    assert count(db, Response) == 0


def test_every_problem_is_listed_at_once(client, questionnaire):
    answers = dict(VALID, **{"q-household": "99", "q-satisfied": "12"})
    del answers["q-ward"]
    page = post(client, answers).get_data(as_text=True)
    summary = page.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert (
        summary.index("#answer-ward")
        < summary.index("#answer-satisfied")
        < summary.index("#answer-household")
    )
    assert 'id="answer-household"' in page


def test_hidden_conditional_answer_is_discarded(client, db, questionnaire):
    answers = dict(VALID, **{"q-safe_dark": "very"})
    assert post(client, answers).status_code == 303
    texts = db.session.scalars(sa.select(Answer.text_value).where(Answer.text_value.is_not(None)))
    assert list(texts) == ["Mill Lane"]


def test_markup_in_text_answers_is_stored_as_text_and_shown_inert(client, db, questionnaire):
    answers = dict(VALID, **{"q-street": "<script>alert(1)</script>", "q-household": "x"})
    page = post(client, answers).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_control_characters_are_removed_from_text(client, db, questionnaire):
    answers = dict(VALID, **{"q-street": "Mill\x00 Lane\x07"})
    assert post(client, answers).status_code == 303
    assert (
        db.session.scalar(sa.select(Answer.text_value).where(Answer.text_value.like("Mill%Lane")))
        == "Mill Lane"
    )


def test_missing_or_forged_key_is_refused_and_answers_kept(client, db, questionnaire):
    fields = form_fields(client)
    response = post(client, VALID, {"_version": fields["_version"], "_key": "not-a-key"})
    assert response.status_code == 400
    assert "Mill Lane" in response.get_data(as_text=True)
    assert count(db, Response) == 0


def test_unknown_version_is_refused(client, db, questionnaire):
    response = post(client, VALID, {"_version": "999", "_key": "a" * 32})
    assert response.status_code == 400
    assert count(db, Response) == 0


def test_survey_pages_are_not_cached(client, questionnaire):
    assert client.get("/survey/").headers["Cache-Control"] == "no-store"


def test_survey_without_published_version_says_it_is_not_open(client, db, partnership):
    from tests import factories

    factories.make_questionnaire(partnership, publish=False)
    db.session.commit()
    response = client.get("/survey/")
    assert response.status_code == 503
    assert "not open yet" in response.get_data(as_text=True)


@pytest.fixture
def csrf_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_expired_form_is_shown_again_with_answers_kept(csrf_config, client, db, questionnaire):
    response = post(client, dict(VALID, csrf_token="expired"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "press the button again" in page
    assert "Broken street lights on Mill Lane." in page
    assert count(db, Response) == 0
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    key = re.search(r'name="_key" value="([0-9a-f]{32})"', page).group(1)
    retry = post(
        client, dict(VALID, csrf_token=token), {"_key": key, "_version": str(questionnaire.id)}
    )
    assert retry.status_code == 303
    assert count(db, Response) == 1


def test_check_your_answers_shows_each_answer_in_words_with_a_change_button(client, questionnaire):
    answers = {k: v for k, v in VALID.items() if k != "q-street"}
    check = walk(client, answers)[-1]
    html = check.html
    for words in ("North Ward", "Parks", "Less litter", "Unsafe", "Broken street lights"):
        assert words in html
    assert "Not answered" in html  # the street was left blank
    changes = [value for name, value in check.buttons if value.startswith("goto:")]
    assert len(changes) == 9  # one per question that applies
    assert ("_action", "submit") in check.buttons


def test_change_opens_the_page_and_continue_comes_back_to_check(client, db, questionnaire):
    check = walk(client, VALID)[-1]
    about_you = [v for _, v in check.buttons if v.startswith("goto:")][-1]
    response = client.post("/survey/", data=check.form({}, about_you))
    page = SurveyPage(response.get_data(as_text=True))
    assert page.heading == "About you"
    assert 'value="3"' in page.html  # the household as answered
    back = client.post("/survey/", data=page.form({**VALID, "q-household": "4"}, "next"))
    check = SurveyPage(back.get_data(as_text=True))
    assert check.is_check
    assert ("q-household", "4") in check.hidden
    assert submit(client, check).status_code == 303
    stored = db.session.scalar(sa.select(Response))
    numbers = {a.question.code: a.number_value for a in stored.answers if a.number_value}
    assert numbers["household"] == 4


def test_a_change_that_needs_a_new_required_answer_asks_for_it(client, db, questionnaire):
    # Changing the ward question's page leaves everything valid: straight back to check.
    check = walk(client, VALID)[-1]
    first = client.post("/survey/", data=check.form({}, "goto:0"))
    page = SurveyPage(first.get_data(as_text=True))
    # Clearing a required answer on the way is caught on that page, with the answers kept.
    response = client.post("/survey/", data=page.form({**VALID, "q-ward": None}, "next"))
    assert response.status_code == 400
    assert "Select the area you live in" in response.get_data(as_text=True)
    assert count(db, Response) == 0


def test_back_keeps_the_answers_on_both_pages(client, questionnaire):
    pages = walk(client, VALID)
    second = pages[1]
    response = client.post("/survey/", data=second.form({"q-safe_dark": "fairly"}, "back"))
    first = SurveyPage(response.get_data(as_text=True))
    assert first.heading == "Your area"
    assert re.search(r'value="north"\s+checked', first.html)
    assert ("q-safe_dark", "fairly") in first.hidden
    forward = client.post("/survey/", data=first.form(VALID, "next"))
    assert re.search(r'value="fairly"\s+checked', forward.get_data(as_text=True))


def test_forged_page_and_button_values_do_not_break_the_survey(client, db, questionnaire):
    page = walk(client, VALID)[1]
    forged = [("goto:999", "1"), ("goto:-1", "x"), ("next", "99999999999"), ("check", "-3")]
    for action, number in forged:
        data = page.form(VALID, action)
        data.setlist("_page", [number])
        assert client.post("/survey/", data=data).status_code in (200, 400)
    assert count(db, Response) == 0
