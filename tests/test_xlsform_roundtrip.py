"""Export, then import into an empty partnership: the same questionnaire comes back."""

import sqlalchemy as sa

from engage.demo.seed import seed_demo
from engage.partnership.models import Agency, Partnership
from engage.partnership.services import areas, current_partnership
from engage.questionnaire.models import Questionnaire
from engage.questionnaire.services import current_version, questionnaire_for
from engage.xlsform import building, exporting
from engage.xlsform.mapping import plan_form
from engage.xlsform.reading import read_form
from tests.test_xlsform_reading import every_type_workbook


def snapshot(version) -> dict:
    """Everything the round trip must keep, by code and position rather than row id."""
    return {
        "title": version.title,
        "intro": version.intro,
        "translations": version.translations,
        "sections": [
            {
                "title": section.title,
                "intro": section.intro,
                "translations": section.translations,
                "questions": [
                    {
                        "code": q.code,
                        "type": q.type,
                        "text": q.text,
                        "hint": q.hint,
                        "required": q.required,
                        "ordered": q.ordered,
                        "about_respondent": q.about_respondent,
                        "limits": (q.min_value, q.max_value, q.max_choices, q.max_length),
                        "condition": (q.condition_code, q.condition_options),
                        "translations": q.translations,
                        "options": [
                            (o.code, o.label, o.value, o.exclusive, o.missing, o.translations)
                            for o in q.options
                        ],
                    }
                    for q in section.questions
                ],
            }
            for section in version.sections
        ],
    }


def empty_partnership(db) -> Agency:
    """A second partnership with one agency and no wards or questionnaire."""
    partnership = Partnership(slug="elsewhere", name="Elsewhere Partnership")
    agency = Agency(
        partnership=partnership, slug="council", name="Elsewhere Council", short_name="Council"
    )
    db.session.add_all([partnership, agency])
    db.session.flush()
    return agency


def test_demo_round_trip_gives_back_codes_types_options_conditions_and_translations(app, db):
    seed_demo()
    demo = current_partnership()
    original = current_version(questionnaire_for(demo))
    agency = empty_partnership(db)

    plan = plan_form(read_form(exporting.export(original)))
    version, notes = building.build_questionnaire(plan, agency)
    db.session.commit()

    assert plan.unsupported == [] and plan.notes == []
    assert all(not q.notes for q in plan.questions)
    assert version.number == 1 and not version.is_draft
    assert snapshot(version) == snapshot(original)
    # The marks travel too: "tenure" is about the respondent only by its section's title.
    marked = {q.code for q in version.questions if q.about_respondent}
    assert {"age_band", "tenure"} <= marked and "safe_after_dark" not in marked
    assert next(q for q in version.questions if q.code == "safe_after_dark").ordered
    assert [(a.code, a.name) for a in areas(agency.partnership)] == [
        (a.code, a.name) for a in areas(demo)
    ]
    assert notes == ["Added 6 areas from the choices of ‘ward’."]
    assert {tuple(a.slug for a in q.agencies) for q in version.questions} == {("council",)}


def test_as_questionnaire_publishes_a_form_into_an_empty_partnership_once(
    app, db, runner, partnership, tmp_path
):
    path = tmp_path / "housing.xlsx"
    path.write_bytes(every_type_workbook())
    command = ["xlsform", "import", str(path), "--agency", "housing", "--as-questionnaire"]

    first = runner.invoke(args=command)
    second = runner.invoke(args=command)

    assert first.exit_code == 0, first.output
    assert "Published version 1 with 2 sections and 12 questions" in first.output
    assert "Not imported: row 16, geopoint: Engage does not record locations." in first.output
    version = current_version(questionnaire_for(partnership))
    problems = next(q for q in version.questions if q.code == "problems")
    assert (problems.condition_code, problems.condition_options) == ("tenure", ["rent", "other"])
    assert problems.options[2].translations == {"pl": {"label": "Żadne"}}
    assert version.sections[0].translations["pl"]["title"] == "Twój dom"
    assert second.exit_code == 1
    assert "already has a questionnaire" in second.output
    assert db.session.scalar(sa.select(sa.func.count(Questionnaire.id))) == 1
