"""A questionnaire exported to Excel, edited and brought back becomes the next draft.

Question and option codes match, so results keep joining; publishing is a separate
command with the web button's checks, and it says every problem when it refuses.
"""

import io

import openpyxl
import sqlalchemy as sa

from engage.audit.models import AuditEntry
from engage.questionnaire import comparability
from engage.questionnaire.models import Questionnaire
from engage.questionnaire.services import current_version, draft_version
from engage.xlsform import exporting
from tests.test_aggregates import many


def edited(version, tmp_path, changes) -> str:
    """The version exported, changed by ``changes(survey, choices)``, saved to a file."""
    workbook = openpyxl.load_workbook(io.BytesIO(exporting.export(version)))
    changes(workbook["survey"], workbook["choices"])
    path = tmp_path / "edited.xlsx"
    workbook.save(path)
    return str(path)


def row_of(sheet, name: str) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 2).value == name)


def reword_and_add_cctv(survey, choices):
    survey.cell(row_of(survey, "safe_dark"), 3).value = "After dark, how safe do you feel here?"
    # A new option typed in by hand: no engage_value, and the list's "none" still last.
    choices.append(["improve", "cctv", "CCTV", "CCTV", "CCTV", None, None])


def import_draft(runner, path, *extra):
    return runner.invoke(
        args=["xlsform", "import", path, "--agency", "police", "--as-draft", *extra]
    )


def test_an_edited_export_becomes_the_next_draft_and_publishes(db, runner, questionnaire, tmp_path):
    qn = questionnaire.questionnaire
    path = edited(questionnaire, tmp_path, reword_and_add_cctv)

    result = import_draft(runner, path)
    assert result.exit_code == 0, result.output
    assert "Version 2 is now a draft" in result.output
    assert "Question ‘safe_dark’ is reworded." in result.output
    assert "Question ‘improve’ has a new option ‘cctv’." in result.output
    db.session.expire_all()
    draft = draft_version(qn)
    assert draft.number == 2 and current_version(qn).number == 1
    old = {q.code: q for q in questionnaire.questions}
    new = {q.code: q for q in draft.questions}
    assert list(new) == list(old)
    assert new["safe_dark"].text == "After dark, how safe do you feel here?"
    # Codes, values and bank entries carry over: results and statistics files join.
    values = {o.code: o.value for o in new["improve"].options}
    assert values == {"parks": 1, "lighting": 2, "litter": 3, "none": 4, "cctv": 5}
    assert all(new[c].bank_question_id == old[c].bank_question_id for c in old)
    assert [a.slug for a in new["improve"].agencies] == [a.slug for a in old["improve"].agencies]

    # The rewording waits for an admin to say whether results stay comparable.
    refused = runner.invoke(args=["questionnaire", "publish"])
    assert refused.exit_code == 1
    assert "Question ‘safe_dark’ is reworded: say on the draft page" in refused.output
    comparability.decide(draft, comparability.QUESTION, new["safe_dark"].id, True)
    db.session.commit()
    published = runner.invoke(args=["questionnaire", "publish"])
    assert published.exit_code == 0, published.output
    assert "Version 2 is published" in published.output
    db.session.expire_all()
    assert current_version(qn).number == 2 and draft_version(qn) is None
    details = db.session.scalars(sa.select(AuditEntry.detail)).all()
    assert "Version 2 (command line)" in details


def test_an_open_draft_is_only_replaced_when_asked(db, runner, questionnaire, tmp_path):
    path = edited(questionnaire, tmp_path, reword_and_add_cctv)
    assert import_draft(runner, path).exit_code == 0
    again = import_draft(runner, path)
    assert again.exit_code == 1
    assert "Version 2 is already a draft" in again.output
    replaced = import_draft(runner, path, "--replace-draft")
    assert replaced.exit_code == 0, replaced.output
    db.session.expire_all()
    draft = draft_version(questionnaire.questionnaire)
    assert draft.number == 2 and len(draft.questions) == len(questionnaire.questions)


def test_publish_refuses_with_every_problem_and_keeps_the_draft(
    db, runner, questionnaire, tmp_path
):
    many(db, questionnaire, 1, ward=["north"], safe_dark=["very"], improve=["litter"])
    db.session.commit()

    def break_two_things(survey, choices):
        survey.cell(row_of(survey, "household"), 1).value = "text"  # was a number
        litter = next(
            r for r in range(1, choices.max_row + 1) if choices.cell(r, 2).value == "litter"
        )
        choices.delete_rows(litter)  # a stored answer chose it

    assert import_draft(runner, edited(questionnaire, tmp_path, break_two_things)).exit_code == 0
    refused = runner.invoke(args=["questionnaire", "publish"])
    assert refused.exit_code == 1
    assert "Version 2 was not published" in refused.output
    assert "Question ‘household’ was published as" in refused.output
    assert "Question ‘improve’ no longer has option ‘litter’" in refused.output
    db.session.expire_all()
    assert current_version(questionnaire.questionnaire).number == 1
    assert draft_version(questionnaire.questionnaire).number == 2


def test_as_draft_needs_a_questionnaire_and_publish_needs_a_draft(db, runner, partnership):
    assert db.session.scalar(sa.select(sa.func.count(Questionnaire.id))) == 0
    nothing = runner.invoke(args=["questionnaire", "publish"])
    assert nothing.exit_code == 1 and "There is no questionnaire yet." in nothing.output


def post_workbook(client, path, purpose=None, agency="council"):
    with open(path, "rb") as handle:
        workbook = io.BytesIO(handle.read())
    data = {"workbook": (workbook, "edited.xlsx"), "agency": agency}
    if purpose:
        data["purpose"] = purpose
    return client.post("/bank/imports/new", data=data, content_type="multipart/form-data")


def test_an_admin_imports_the_edited_export_as_the_draft_from_the_web(
    db, admin_client, analyst_client, questionnaire, tmp_path
):
    path = edited(questionnaire, tmp_path, reword_and_add_cctv)
    # Analysts only check forms against the bank: they are not offered the choice.
    assert "next draft" not in analyst_client.get("/bank/imports/new").get_data(as_text=True)
    assert "next draft" in admin_client.get("/bank/imports/new").get_data(as_text=True)

    response = post_workbook(admin_client, path, "draft")
    assert response.status_code == 302 and response.headers["Location"].endswith("/draft")
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Version 2 is now a draft from the workbook" in page
    assert "Question ‘improve’ has a new option ‘cctv’." in page
    assert draft_version(questionnaire.questionnaire).number == 2

    again = post_workbook(admin_client, path, "draft")
    assert again.status_code == 400
    assert "Version 2 is already a draft" in again.get_data(as_text=True)
    assert post_workbook(admin_client, path, "replace").status_code == 302
    # An analyst's post naming the draft is only checked against the bank.
    checked = post_workbook(analyst_client, path, "draft")
    assert checked.status_code == 302 and "/bank/imports/" in checked.headers["Location"]
