"""The admin's questionnaire editor, driven through HTTP."""

import re

import pytest
import sqlalchemy as sa

from engage.questionnaire import services, types
from engage.questionnaire.immutability import PublishedVersionError
from engage.questionnaire.models import (
    BankQuestion,
    Option,
    Question,
    QuestionnaireVersion,
    Section,
)
from engage.survey.models import Response
from tests import factories

BASE = "/admin/questionnaire"


class Editor:
    """The admin's client, with paths relative to the editor.

    Each request runs in its own app context and database session, so the test's
    session is expired afterwards to see what the request committed.
    """

    def __init__(self, client, session):
        self.client, self.session = client, session

    def get(self, path: str):
        response = self.client.get(BASE + path)
        self.session.expire_all()
        return response

    def post(self, path: str, data: dict | None = None):
        response = self.client.post(BASE + path, data=data or {})
        self.session.expire_all()
        return response


@pytest.fixture
def editor(db, admin_client):
    return Editor(admin_client, db.session)


@pytest.fixture
def draft(db, editor, questionnaire):
    """Draft version 2, started through the editor as a copy of the published version 1."""
    response = editor.post("/draft/start")
    assert response.status_code == 302
    return services.draft_version(questionnaire.questionnaire)


def question(version: QuestionnaireVersion, code: str) -> Question:
    return next(q for q in version.questions if q.code == code)


def question_data(**fields) -> dict:
    """A complete question form post, with any field overridden."""
    data = {
        "code": "bins",
        "text": "How often are your bins collected?",
        "hint": "",
        "type": types.SINGLE,
        "condition_code": "",
        "condition_options": "",
    }
    data.update(fields)
    return data


def codes(version: QuestionnaireVersion) -> list[str]:
    return [q.code for q in version.questions]


def stored(db, model, item_id: int) -> bool:
    """Whether the row is in the database (the test session may still hold the object)."""
    return bool(db.session.scalar(sa.select(sa.func.count()).where(model.id == item_id)))


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# Versions and the draft


def test_overview_lists_versions_with_status_published_date_and_responses(editor, draft):
    page = editor.get("/").get_data(as_text=True)
    assert "Version 1" in page and "Version 2" in page
    assert "Current" in page and "Draft" in page
    assert "Continue editing draft v2" in page
    assert "Start a new draft" not in page


def test_overview_offers_to_start_a_draft_when_there_is_none(editor, questionnaire):
    page = editor.get("/").get_data(as_text=True)
    assert "Start a new draft" in page
    assert f'href="{BASE}/versions/1"' in page


def test_starting_a_draft_copies_the_current_version(editor, draft, questionnaire):
    assert draft.number == 2 and draft.is_draft
    assert codes(draft) == codes(questionnaire)
    copied, original = question(draft, "improve"), question(questionnaire, "improve")
    assert copied is not original and copied.bank_question is original.bank_question
    page = editor.get("/draft").get_data(as_text=True)
    assert "Draft version 2" in page and "safe_dark" in page


def test_starting_a_draft_twice_keeps_the_one_draft(db, editor, draft):
    editor.post("/draft/start")
    drafts = db.session.scalars(
        sa.select(QuestionnaireVersion).where(QuestionnaireVersion.status == "draft")
    ).all()
    assert drafts == [draft]


def test_first_draft_creates_the_questionnaire(db, editor, partnership):
    response = editor.post("/draft/start")
    assert response.status_code == 302
    questionnaire = services.questionnaire_for(partnership)
    assert services.draft_version(questionnaire).number == 1


def test_draft_page_without_a_draft_sends_the_admin_to_the_overview(editor, questionnaire):
    response = editor.get("/draft")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{BASE}/")


def test_version_page_shows_a_published_version_read_only(editor, questionnaire):
    page = editor.get("/versions/1").get_data(as_text=True)
    assert "Version 1" in page and "cannot be changed" in page
    assert "Shown only if ‘safe_dark’ is unsafe" in page
    assert "Move up" not in page and "/move" not in page


def test_changing_the_title_and_introduction(editor, draft):
    response = editor.post(
        "/draft/details", data={"title": "Living in Riverside", "intro": "Ten minutes."}
    )
    assert response.status_code == 302
    assert (draft.title, draft.intro) == ("Living in Riverside", "Ten minutes.")


# Sections


def test_adding_a_section_puts_it_at_the_end(editor, draft):
    response = editor.post(
        "/draft/sections/new", data={"title": "Your home", "intro": "About housing."}
    )
    assert response.status_code == 302
    assert [s.title for s in draft.sections][-1] == "Your home"
    assert [s.position for s in draft.sections] == [0, 1, 2, 3]


def test_a_section_without_a_title_is_refused_with_an_error_summary(db, editor, draft):
    response = editor.post("/draft/sections/new", data={"title": " ", "intro": "x"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "govuk-error-summary" in page and "Enter a title" in page
    assert ">x</textarea>" in page
    assert len(draft.sections) == 3


def test_editing_a_section_changes_its_title(editor, draft):
    section = draft.sections[0]
    response = editor.post(
        f"/draft/sections/{section.id}", data={"title": "Where you live", "intro": ""}
    )
    assert response.status_code == 302
    assert section.title == "Where you live"


def test_moving_a_section_down_swaps_it_with_the_next(editor, draft):
    first = draft.sections[0]
    editor.post(f"/draft/sections/{first.id}/move", data={"direction": "down"})
    assert [s.title for s in draft.sections] == ["Feeling safe", "Your area", "About you"]
    assert [s.position for s in draft.sections] == [0, 1, 2]


def test_moving_the_first_section_up_changes_nothing(editor, draft):
    first = draft.sections[0]
    response = editor.post(f"/draft/sections/{first.id}/move", data={"direction": "up"})
    assert response.status_code == 302
    assert draft.sections[0] is first


def test_a_move_without_a_direction_is_a_bad_request(editor, draft):
    section = draft.sections[0]
    response = editor.post(f"/draft/sections/{section.id}/move", data={})
    assert response.status_code == 400


def test_deleting_a_section_asks_first_then_removes_its_questions(db, editor, draft):
    section = draft.sections[2]
    section_id = section.id
    confirm = editor.get(f"/draft/sections/{section.id}/delete")
    assert "Delete section ‘About you’?" in confirm.get_data(as_text=True)
    assert "smoke_alarm" in confirm.get_data(as_text=True)
    response = editor.post(f"/draft/sections/{section_id}/delete")
    assert response.status_code == 302
    assert [s.title for s in draft.sections] == ["Your area", "Feeling safe"]
    assert "smoke_alarm" not in codes(draft)
    assert not stored(db, Section, section_id)


# Questions


def test_adding_a_choice_question_then_its_options(db, editor, draft, partnership):
    section = draft.sections[0]
    housing = factories.agency(partnership, "housing")
    response = editor.post(
        f"/draft/sections/{section.id}/questions/new",
        data=question_data(required="y", agencies=[str(housing.id)]),
    )
    assert response.status_code == 302
    added = question(draft, "bins")
    assert response.headers["Location"].endswith(f"/draft/questions/{added.id}#options")
    assert added.section is section and added.position == len(section.questions) - 1
    assert added.required and added.type == types.SINGLE and added.options == []
    assert added.agencies == [housing]

    for code, label in [("weekly", "Every week"), ("fortnightly", "Every two weeks")]:
        response = editor.post(
            f"/draft/questions/{added.id}/options/new", data={"code": code, "label": label}
        )
        assert response.status_code == 302
    assert [(o.code, o.label, o.value) for o in added.options] == [
        ("weekly", "Every week", 1),
        ("fortnightly", "Every two weeks", 2),
    ]


def test_adding_an_agreement_question_creates_the_fixed_options(editor, draft):
    section = draft.sections[1]
    response = editor.post(
        f"/draft/sections/{section.id}/questions/new",
        data=question_data(code="council_listens", type=types.AGREEMENT),
    )
    assert response.status_code == 302
    added = question(draft, "council_listens")
    assert [o.code for o in added.options] == [c for c, _ in types.FIXED_OPTIONS[types.AGREEMENT]]


def test_changing_a_choice_question_to_yes_no_replaces_its_options(editor, draft):
    changed = question(draft, "safe_dark")
    response = editor.post(
        f"/draft/questions/{changed.id}",
        data=question_data(code="safe_dark", text=changed.text, type=types.YES_NO),
    )
    assert response.status_code == 302
    assert changed.type == types.YES_NO
    assert [o.code for o in changed.options] == ["yes", "no"]


def test_changing_a_question_to_a_number_keeps_only_number_limits(editor, draft):
    changed = question(draft, "street")
    response = editor.post(
        f"/draft/questions/{changed.id}",
        data=question_data(
            code="street",
            type=types.NUMBER,
            min_value="0",
            max_value="9",
            max_length="30",
            max_choices="2",
        ),
    )
    assert response.status_code == 302
    assert (changed.min_value, changed.max_value) == (0, 9)
    assert changed.max_length is None and changed.max_choices is None


def test_the_options_of_a_fixed_type_cannot_be_edited(editor, draft):
    fixed = question(draft, "police_agree")
    response = editor.post(
        f"/draft/questions/{fixed.id}/options/new", data={"code": "maybe", "label": "Maybe"}
    )
    assert response.status_code == 409
    option = fixed.options[0]
    response = editor.post(f"/draft/options/{option.id}", data={"code": "yes_very", "label": "Yes"})
    assert response.status_code == 409
    assert len(fixed.options) == 6 and fixed.options[0].code == "strongly_agree"


def test_bad_question_input_rerenders_with_errors_keeps_input_and_stores_nothing(db, editor, draft):
    section = draft.sections[0]
    before = count(db, Question)
    response = editor.post(
        f"/draft/sections/{section.id}/questions/new",
        data=question_data(
            code="Bad Code",
            text="Typed by the admin",
            type=types.NUMBER,
            min_value="ten",
        ),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "govuk-error-summary" in page
    assert "Code must start with a lower-case letter" in page
    assert "Smallest number must be a whole number" in page
    assert 'value="Bad Code"' in page and 'value="Typed by the admin"' in page
    assert 'value="ten"' in page
    assert count(db, Question) == before


def test_a_number_question_whose_largest_is_below_its_smallest_is_refused(editor, draft):
    changed = question(draft, "household")
    response = editor.post(
        f"/draft/questions/{changed.id}",
        data=question_data(code="household", type=types.NUMBER, min_value="5", max_value="2"),
    )
    assert response.status_code == 400
    assert "Largest number must be the same as or more than" in response.get_data(as_text=True)
    assert (changed.min_value, changed.max_value) == (1, 20)


def test_a_code_already_used_in_the_draft_is_refused_on_the_form(db, editor, draft):
    section = draft.sections[0]
    response = editor.post(
        f"/draft/sections/{section.id}/questions/new", data=question_data(code="ward")
    )
    assert response.status_code == 400
    assert "The code ‘ward’ is already used by" in response.get_data(as_text=True)
    assert codes(draft).count("ward") == 1


def test_a_condition_on_a_later_question_is_refused_on_the_form(editor, draft):
    changed = question(draft, "improve")
    response = editor.post(
        f"/draft/questions/{changed.id}",
        data=question_data(
            code="improve",
            type=types.MULTIPLE,
            condition_code="safe_dark",
            condition_options="unsafe",
        ),
    )
    assert response.status_code == 400
    assert "‘safe_dark’ comes after it" in response.get_data(as_text=True)
    assert changed.condition_code is None


def test_a_condition_naming_an_option_the_question_lacks_is_refused(editor, draft):
    changed = question(draft, "police_agree")
    response = editor.post(
        f"/draft/questions/{changed.id}",
        data=question_data(
            code="police_agree",
            type=types.AGREEMENT,
            condition_code="safe_dark",
            condition_options="unsafe, terrified",
        ),
    )
    assert response.status_code == 400
    assert "‘safe_dark’ has no option ‘terrified’" in response.get_data(as_text=True)


def test_setting_a_condition_on_an_earlier_question(editor, draft):
    changed = question(draft, "police_agree")
    response = editor.post(
        f"/draft/questions/{changed.id}",
        data=question_data(
            code="police_agree",
            type=types.AGREEMENT,
            condition_code="safe_dark",
            condition_options="fairly, unsafe",
        ),
    )
    assert response.status_code == 302
    assert (changed.condition_code, changed.condition_options) == (
        "safe_dark",
        ["fairly", "unsafe"],
    )


def test_renaming_a_question_code_renames_it_in_conditions(db, editor, draft, partnership):
    controller = question(draft, "safe_dark")
    response = editor.post(
        f"/draft/questions/{controller.id}",
        data=question_data(code="safe_after_dark", text=controller.text, type=types.SINGLE),
    )
    assert response.status_code == 302
    assert controller.code == "safe_after_dark"
    assert controller.bank_question.code == "safe_after_dark"
    assert question(draft, "why_unsafe").condition_code == "safe_after_dark"


def test_agency_tags_live_on_the_bank_question_and_are_shared_by_versions(
    db, editor, draft, questionnaire, partnership
):
    tagged = question(draft, "household")
    fire, health = factories.agency(partnership, "fire"), factories.agency(partnership, "health")
    response = editor.post(
        f"/draft/questions/{tagged.id}",
        data=question_data(
            code="household",
            text=tagged.text,
            type=types.NUMBER,
            min_value="1",
            agencies=[str(fire.id), str(health.id)],
        ),
    )
    assert response.status_code == 302
    entry = db.session.scalar(sa.select(BankQuestion).where(BankQuestion.code == "household"))
    assert entry.agencies == [fire, health]
    assert question(questionnaire, "household").agencies == [fire, health]


def test_untagging_every_agency_clears_the_tags(editor, draft):
    tagged = question(draft, "police_agree")
    response = editor.post(
        f"/draft/questions/{tagged.id}",
        data=question_data(code="police_agree", type=types.AGREEMENT),
    )
    assert response.status_code == 302
    assert tagged.agencies == []


def test_moving_a_question_within_its_section(editor, draft):
    moved = question(draft, "satisfied")
    editor.post(f"/draft/questions/{moved.id}/move", data={"direction": "up"})
    assert [q.code for q in draft.sections[0].questions] == ["ward", "satisfied", "improve"]
    assert [q.position for q in draft.sections[0].questions] == [0, 1, 2]


def test_moving_a_question_up_from_the_top_of_a_section_ends_the_section_before(db, editor, draft):
    moved = question(draft, "safe_dark")
    editor.post(f"/draft/questions/{moved.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert [q.code for q in draft.sections[0].questions] == [
        "ward",
        "improve",
        "satisfied",
        "safe_dark",
    ]
    assert [q.code for q in draft.sections[1].questions] == ["why_unsafe", "police_agree"]
    assert [q.position for q in draft.sections[0].questions] == [0, 1, 2, 3]


def test_deleting_a_question_warns_about_questions_that_depend_on_it(db, editor, draft):
    controller_id = question(draft, "safe_dark").id
    confirm = editor.get(f"/draft/questions/{controller_id}/delete")
    assert "why_unsafe" in confirm.get_data(as_text=True)
    editor.post(f"/draft/questions/{controller_id}/delete")
    assert "safe_dark" not in codes(draft)
    assert not stored(db, Question, controller_id)


# Options


def test_editing_moving_and_deleting_options(db, editor, draft):
    choice = question(draft, "improve")
    litter = choice.option_by_code("litter")
    response = editor.post(
        f"/draft/options/{litter.id}",
        data={"code": "litter", "label": "Less litter and fly-tipping"},
    )
    assert response.status_code == 302
    assert litter.label == "Less litter and fly-tipping" and not litter.exclusive

    editor.post(f"/draft/options/{litter.id}/move", data={"direction": "up"})
    assert [o.code for o in choice.options] == ["parks", "litter", "lighting", "none"]
    assert [o.position for o in choice.options] == [0, 1, 2, 3]

    parks_id = choice.option_by_code("parks").id
    editor.post(f"/draft/options/{parks_id}/delete")
    assert [o.code for o in choice.options] == ["litter", "lighting", "none"]
    assert not stored(db, Option, parks_id)


def test_an_option_can_be_marked_exclusive(editor, draft):
    choice = question(draft, "improve")
    response = editor.post(
        f"/draft/questions/{choice.id}/options/new",
        data={"code": "dont_know", "label": "Don’t know", "exclusive": "y"},
    )
    assert response.status_code == 302
    assert choice.option_by_code("dont_know").exclusive


def test_a_repeated_option_code_is_refused(editor, draft):
    choice = question(draft, "improve")
    response = editor.post(
        f"/draft/questions/{choice.id}/options/new", data={"code": "parks", "label": "Parks"}
    )
    assert response.status_code == 400
    assert "already has an option with the code ‘parks’" in response.get_data(as_text=True)
    assert len(choice.options) == 4


def test_renaming_an_option_code_renames_it_in_conditions(editor, draft):
    unsafe = question(draft, "safe_dark").option_by_code("unsafe")
    editor.post(f"/draft/options/{unsafe.id}", data={"code": "not_safe", "label": "Unsafe"})
    assert question(draft, "why_unsafe").condition_options == ["not_safe"]


# The published version stays as it was


@pytest.mark.parametrize(
    "method, path, data",
    [
        ("post", "/draft/sections/{section}", {"title": "Changed", "intro": ""}),
        ("post", "/draft/sections/{section}/move", {"direction": "down"}),
        ("post", "/draft/sections/{section}/delete", {}),
        ("post", "/draft/sections/{section}/questions/new", question_data()),
        ("get", "/draft/questions/{question}", {}),
        ("post", "/draft/questions/{question}", question_data(code="safe_dark", text="Changed")),
        ("post", "/draft/questions/{question}/move", {"direction": "up"}),
        ("post", "/draft/questions/{question}/delete", {}),
        ("post", "/draft/questions/{question}/options/new", {"code": "x", "label": "X"}),
        ("post", "/draft/options/{option}", {"code": "unsafe", "label": "Changed"}),
        ("post", "/draft/options/{option}/move", {"direction": "up"}),
        ("post", "/draft/options/{option}/delete", {}),
    ],
)
def test_editor_routes_refuse_to_change_a_published_version(
    db, editor, draft, questionnaire, method, path, data
):
    published = question(questionnaire, "safe_dark")
    path = path.format(
        section=published.section.id, question=published.id, option=published.options[2].id
    )
    response = editor.get(path) if method == "get" else editor.post(path, data)
    assert response.status_code == 409
    assert "Version 1 is published and cannot be changed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [s.title for s in questionnaire.sections] == ["Your area", "Feeling safe", "About you"]
    assert published.text == "How safe do you feel outside after dark?"
    assert [o.label for o in published.options] == ["Very safe", "Fairly safe", "Unsafe"]


def test_the_orm_refuses_to_flush_a_change_to_a_published_version(db, questionnaire):
    question(questionnaire, "safe_dark").text = "Changed behind the editor's back"
    with pytest.raises(PublishedVersionError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(question(questionnaire, "improve").options[0])
    with pytest.raises(PublishedVersionError):
        db.session.flush()
    db.session.rollback()
    questionnaire.sections.append(Section(title="Sneaked in", position=3))
    with pytest.raises(PublishedVersionError):
        db.session.flush()
    db.session.rollback()


# Preview


def test_preview_shows_the_draft_as_residents_will_see_it(editor, draft):
    editor.post("/draft/details", data={"title": "Draft survey title", "intro": ""})
    response = editor.get("/draft/preview")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview of draft version 2" in page and "Draft survey title" in page
    assert f'action="{BASE}/draft/preview"' in page


def test_preview_with_problems_shows_errors_and_stores_nothing(db, editor, draft):
    response = editor.post("/draft/preview", data={"q-household": "99"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "govuk-error-summary" in page and "Select the area you live in" in page
    assert "nothing was saved" not in page
    assert count(db, Response) == 0


def test_preview_with_valid_answers_says_nothing_was_saved(db, editor, draft):
    response = editor.post(
        "/draft/preview",
        data={"q-ward": "north", "q-safe_dark": "unsafe", "q-why_unsafe": "Dark alleys"},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "These answers are valid; nothing was saved." in page
    assert "Dark alleys" in page
    assert count(db, Response) == 0


# Who may use the editor


def editor_requests(app, draft):
    """Every editor route, as (method, url), with ids from the draft filled in."""
    ids = {
        "number": 1,
        "section_id": draft.sections[0].id,
        "question_id": draft.questions[0].id,
        "option_id": question(draft, "improve").options[0].id,
        "item_id": draft.sections[0].id,
        "kind": "sections",
    }
    requests = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("questionnaire."):
            continue
        values = {arg: ids[arg] for arg in rule.arguments}
        if rule.endpoint == "questionnaire.comparable":  # judges questions and options
            values |= {"kind": "questions", "item_id": draft.questions[0].id}
        url = rule.build(values)[1]
        requests.extend((method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return requests


@pytest.mark.parametrize("role_client", ["analyst_client", "facilitator_client"])
def test_analysts_and_facilitators_are_forbidden_every_editor_route(
    request, app, db, draft, role_client
):
    client = request.getfixturevalue(role_client)
    requests = editor_requests(app, draft)
    assert len(requests) >= 20
    for method, url in requests:
        response = getattr(client, method.lower())(url)
        assert response.status_code == 403, (method, url)
    assert len(draft.sections) == 3


def test_anonymous_users_are_sent_to_sign_in_from_every_editor_route(app, client, draft):
    for method, url in editor_requests(app, draft):
        response = getattr(client, method.lower())(url)
        assert response.status_code == 302, (method, url)
        assert "/login" in response.headers["Location"], (method, url)


@pytest.fixture
def csrf_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def test_every_editor_form_carries_a_csrf_token_that_is_accepted(
    csrf_config, app, db, partnership, questionnaire
):
    user = factories.make_user(partnership, "admin")
    db.session.commit()
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post(
        "/login", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token}
    )
    overview = client.get(f"{BASE}/").get_data(as_text=True)
    started = client.post(f"{BASE}/draft/start", data={"csrf_token": csrf_token(overview)})
    assert started.status_code == 302
    draft = services.draft_version(questionnaire.questionnaire)
    improve = question(draft, "improve")
    paths = [
        "/",
        "/draft",
        "/draft/details",
        "/draft/sections/new",
        f"/draft/sections/{draft.sections[0].id}",
        f"/draft/sections/{draft.sections[0].id}/delete",
        f"/draft/sections/{draft.sections[0].id}/questions/new",
        f"/draft/questions/{improve.id}",
        f"/draft/questions/{improve.id}/options/new",
        f"/draft/options/{improve.options[0].id}",
        "/draft/preview",
    ]
    for path in paths:
        page = client.get(BASE + path).get_data(as_text=True)
        forms = re.findall(r"<form\b.*?</form>", page, re.S)
        assert forms, path
        assert all('name="csrf_token"' in form for form in forms), path
    page = client.get(f"{BASE}/draft").get_data(as_text=True)
    response = client.post(
        f"{BASE}/draft/sections/{draft.sections[0].id}/move",
        data={"direction": "down", "csrf_token": csrf_token(page)},
    )
    assert response.status_code == 302


def test_a_single_choice_question_can_be_marked_as_an_ordered_scale(db, editor, draft):
    """Statistics downloads call such a question ordinal; only single choice may say so
    (agreement and rating questions always are; an unordered list never is)."""
    section = draft.sections[0]
    editor.post(
        f"/draft/sections/{section.id}/questions/new",
        data=question_data(code="bins", ordered="y"),
    )
    assert question(draft, "bins").ordered is True
    editor.post(
        f"/draft/sections/{section.id}/questions/new",
        data=question_data(code="council_listens", type=types.AGREEMENT, ordered="y"),
    )
    assert question(draft, "council_listens").ordered is False
    page = editor.get(f"/draft/questions/{question(draft, 'bins').id}").get_data(as_text=True)
    assert "The options are a scale, in order" in page
    assert re.search(r'<input[^>]*name="ordered"[^>]*checked', page)


def test_the_editor_marks_which_options_are_missing_codes(editor, draft):
    choice = (
        question(draft, "safe_dark")
        if any(q.code == "safe_dark" for q in draft.questions)
        else next(q for q in draft.questions if q.type == "single")
    )
    editor.post(
        f"/draft/questions/{choice.id}/options/new",
        data={"code": "no_opinion", "label": "No opinion", "missing": "y"},
    )
    editor.post(
        f"/draft/questions/{choice.id}/options/new",
        data={"code": "dont_know", "label": "Don’t know"},
    )
    marked, usual = choice.option_by_code("no_opinion"), choice.option_by_code("dont_know")
    assert marked.missing and usual.missing  # unticked: the usual code starts marked
    page = editor.get(f"/draft/questions/{choice.id}").get_data(as_text=True)
    assert page.count("Missing code") == 2

    editor.post(f"/draft/options/{usual.id}", data={"code": "dont_know", "label": "Don’t know"})

    assert not usual.missing


def test_the_editor_marks_questions_about_the_respondent(db, editor, draft):
    """Panels never draw priorities from a question marked as describing the respondent;
    the admin sets the mark, and a new draft keeps it."""
    section = draft.sections[0]
    editor.post(
        f"/draft/sections/{section.id}/questions/new",
        data=question_data(code="tenure_type", about_respondent="y"),
    )
    editor.post(f"/draft/sections/{section.id}/questions/new", data=question_data(code="bins"))
    assert question(draft, "tenure_type").about_respondent is True
    assert question(draft, "bins").about_respondent is False
    page = editor.get("/draft").get_data(as_text=True)
    assert page.count("About the respondent") == 1
    form = editor.get(f"/draft/questions/{question(draft, 'tenure_type').id}")
    assert re.search(r'<input[^>]*name="about_respondent"[^>]*checked', form.get_data(as_text=True))


def test_the_mark_is_carried_into_the_next_draft(db, questionnaire):
    db.session.execute(
        sa.update(Question).where(Question.code == "household").values(about_respondent=True)
    )
    db.session.expire_all()
    following = services.start_draft(questionnaire.questionnaire)
    marked = {q.code for q in following.questions if q.about_respondent}
    assert marked == {"household"}


def test_a_question_stored_without_the_mark_starts_marked_by_its_wording(db, draft):
    section = draft.sections[0]
    age = factories.add_question(section, "q1", types.SINGLE, "How old are you?")
    parks = factories.add_question(section, "q2", types.SINGLE, "How often do you visit parks?")
    db.session.flush()
    assert (age.about_respondent, parks.about_respondent) == (True, False)
