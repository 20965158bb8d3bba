"""flask --app engage seed-demo: the demo partnership, questionnaire and logins."""

import json
import re

import pytest
import sqlalchemy as sa

from engage.demo import content
from engage.partnership.models import Partnership
from engage.questionnaire import types
from engage.questionnaire.models import PUBLISHED, QuestionnaireVersion
from engage.questionnaire.validation import publish_problems, valid_code

ABOUT_YOU = "About you"


def seed(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output


def stats(runner):
    result = runner.invoke(args=["stats", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def row_counts(db):
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def printed_logins(output):
    """(email, role, password) for each login line the command printed."""
    logins = []
    for line in output.splitlines():
        if "@demo.engage.test" in line:
            cells = re.split(r"\s{2,}", line.strip())
            logins.append((cells[0], cells[1], cells[-1]))
    return logins


@pytest.fixture
def version(runner, db):
    """The published version the seed creates."""
    seed(runner)
    return db.session.scalar(sa.select(QuestionnaireVersion))


def test_second_seed_changes_no_stats_and_no_rows(runner, db):
    first_output = seed(runner)
    first_stats, first_counts = stats(runner), row_counts(db)
    second_output = seed(runner)
    assert stats(runner) == first_stats
    assert row_counts(db) == first_counts
    assert first_stats["partnership"] == content.PARTNERSHIP["name"]
    assert first_stats["agencies"] == 6
    assert first_stats["version"] == 1
    assert first_counts["questionnaire_version"] == 1
    assert first_counts["user"] == 3
    assert "already present: nothing" in first_output
    assert "Created nothing;" in second_output


def test_logins_are_printed_on_every_run(runner):
    first, second = printed_logins(seed(runner)), printed_logins(seed(runner))
    assert first == second
    assert sorted(role for _email, role, _password in first) == ["admin", "analyst", "facilitator"]


def test_printed_demo_logins_sign_in(app, runner):
    logins = printed_logins(seed(runner))
    assert len(logins) == 3
    for email, _role, password in logins:
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, (email, response.status_code)


def test_seed_leaves_existing_rows_alone(runner, db):
    seed(runner)
    partnership = db.session.scalar(sa.select(Partnership))
    partnership.agencies[0].name = "Renamed by an admin"
    db.session.commit()
    seed(runner)
    names = [a.name for a in partnership.agencies]
    assert "Renamed by an admin" in names
    assert len(names) == 6


def test_partnership_has_six_agencies_and_six_wards(version, db):
    partnership = db.session.scalar(sa.select(Partnership))
    assert {a.slug for a in partnership.agencies} == {
        "council",
        "police",
        "housing",
        "fire",
        "health",
        "vcs",
    }
    assert all(a.name and a.short_name for a in partnership.agencies)
    assert len(partnership.areas) == 6


def test_questionnaire_is_published_and_passes_publish_checks(version):
    assert version.number == 1
    assert version.status == PUBLISHED
    assert 6 <= len(version.sections) <= 8
    assert 25 <= len(version.questions) <= 40
    assert all(section.questions for section in version.sections)
    assert publish_problems(version) == []


def test_ward_is_the_first_and_only_required_question(version):
    first = version.questions[0]
    assert first.type == types.AREA
    assert first.required
    assert [q.code for q in version.questions if q.required] == [first.code]


def test_every_question_type_is_used(version):
    assert {q.type for q in version.questions} == set(types.TYPES)
    multiple = [q for q in version.questions if q.type == types.MULTIPLE]
    assert any(q.max_choices for q in multiple)
    numbers = [q for q in version.questions if q.type == types.NUMBER]
    assert all(q.min_value is not None and q.max_value is not None for q in numbers)


def test_about_you_questions_are_optional_with_prefer_not_to_say(version):
    section = next(s for s in version.sections if s.title == ABOUT_YOU)
    assert section.questions
    for question in section.questions:
        assert not question.required, question.code
        assert question.type in (types.SINGLE, types.MULTIPLE), question.code
        prefer = question.option_by_code("prefer_not_to_say")
        assert prefer is not None, question.code
        assert prefer.label == "Prefer not to say"
        assert prefer.exclusive


def test_every_question_is_tagged_and_many_are_shared(version):
    counts = {q.code: len(q.agencies) for q in version.questions}
    assert all(n >= 1 for n in counts.values()), counts
    assert sum(n >= 2 for n in counts.values()) >= 8
    assert any(n == 1 for n in counts.values())


def test_conditional_questions_follow_their_controlling_question(version):
    questions = version.questions
    position = {q.code: i for i, q in enumerate(questions)}
    conditional = [q for q in questions if q.condition_code]
    assert len(conditional) >= 2
    for question in conditional:
        assert position[question.condition_code] < position[question.code]
        assert question.condition_options
    unsafe = next(q for q in questions if q.code == "unsafe_reasons")
    assert unsafe.condition_code == "safe_after_dark"


def test_codes_are_snake_case_and_option_values_count_from_one(version):
    for question in version.questions:
        assert valid_code(question.code), question.code
        assert [o.value for o in question.options] == list(range(1, len(question.options) + 1))
        for option in question.options:
            assert valid_code(option.code), (question.code, option.code)


def test_seeded_survey_starts_at_its_first_section_of_all(client, version):
    page = client.get("/survey/").get_data(as_text=True)
    assert version.sections[0].title in page
    assert f"Section 1 of {len(version.sections)}" in page
    assert "Castle" in page


def test_seed_refuses_to_run_in_production(app_config, request):
    app_config["ENGAGE_ENV"] = "production"
    app = request.getfixturevalue("app")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "production" in result.output
