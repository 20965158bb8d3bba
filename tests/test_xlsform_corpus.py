"""Every question type and every parameter pyxform accepts, imported through the real path.

The corpus (tests/xlsform_corpus.py) holds one small form for each. pyxform must
convert every form, as .xlsx and as .xls, so the corpus is of valid forms; then
each is read and mapped, imported by the service the upload page uses, and
uploaded through the page itself: no form may raise, or answer with a 500, and
the row a form is about is either imported or reported as not supported, by
name and row, with the reason.
"""

import io
import re

import pytest
import sqlalchemy as sa
from pyxform.xls2xform import convert

from engage.xlsform import importing
from engage.xlsform.mapping import plan_form
from engage.xlsform.models import FormImport
from engage.xlsform.plan import FormPlan, PlannedQuestion, Unsupported
from engage.xlsform.reading import read_form
from tests import factories
from tests.xlsform_corpus import CorpusForm, corpus

FORMS = corpus()
IDS = [form.key for form in FORMS]


def outcome(plan: FormPlan, form: CorpusForm) -> str:
    """What became of the form's row: "question", "unsupported", "text" (a note) or
    "section" (a group); fails if the row went missing."""
    item = next((item for item in plan.items if item.name == form.name), None)
    if isinstance(item, PlannedQuestion):
        assert item.type, form.key
        return "question"
    if isinstance(item, Unsupported):
        assert item.reason and item.row == 2 + form.survey.index(
            next(row for row in form.survey if row.get("name") == form.name)
        )
        return "unsupported"
    label = next(row.get("label", "") for row in form.survey if row.get("name") == form.name)
    if label and label in plan.intro:
        return "text"
    assert any(section.name == form.name for section in plan.sections), form.key
    return "section"


@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_every_corpus_form_is_valid_for_pyxform_as_xlsx_and_as_xls(form):
    for data, file_type in ((form.xlsx(), ".xlsx"), (form.xls(), ".xls")):
        assert convert(xlsform=data, file_type=file_type).xform, (form.key, file_type)


@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_every_corpus_form_is_read_and_its_row_imported_or_reported(form):
    plan = plan_form(read_form(form.xlsx()))
    from_xls = plan_form(read_form(form.xls()))

    assert outcome(plan, form) in ("question", "unsupported", "text", "section")
    assert from_xls == plan


def test_the_corpus_has_a_form_for_each_kind_of_parameter():
    keys = " ".join(IDS)
    for parameter in (
        "max-pixels",
        "app",
        "quality",
        "capture-accuracy",
        "warning-accuracy",
        "allow-mock-accuracy",
        "incremental",
        "reference-geometry",
        "rows",
        "randomize",
        "seed",
        "placeholder",
        "tick_interval",
        "tick_labelset",
        "identify-user",
        "track-changes",
        "location",
    ):
        assert parameter in keys or any(
            parameter in row.get("parameters", "") for form in FORMS for row in form.survey
        ), parameter
    assert "type:image" in IDS and "parameters:image max-pixels" in IDS


def report_row(form_import: FormImport, form: CorpusForm) -> dict | None:
    return next((row for row in form_import.rows if row["name"] == form.name), None)


def test_the_import_service_takes_every_corpus_form(app, db, partnership):
    agency = partnership.agencies[0]
    for form in FORMS:
        for data, filename in ((form.xlsx(), "form.xlsx"), (form.xls(), "form.xls")):
            form_import = importing.start_import(agency, None, filename, data, 60)
            row = report_row(form_import, form)
            if row is not None:
                assert row["outcome"] in (importing.NEW, importing.UNSUPPORTED), form.key
                assert row["outcome"] == importing.NEW or row["reason"], form.key
    db.session.rollback()


def test_the_upload_page_takes_every_corpus_form_without_an_error(app, db, analyst_client):
    for index, form in enumerate(FORMS):
        # .xlsx and .xls in turn, so that both go through the page.
        data, filename = (form.xlsx(), "form.xlsx") if index % 2 else (form.xls(), "form.xls")
        response = analyst_client.post(
            "/bank/imports/new",
            data={"workbook": (io.BytesIO(data), filename), "agency": "council"},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302, (form.key, response.get_data(as_text=True)[:300])
        page = analyst_client.get(response.location)
        assert page.status_code == 200, form.key
        form_import = db.session.get(
            FormImport, int(re.search(r"/(\d+)$", response.location).group(1))
        )
        row = report_row(form_import, form)
        if row is not None:
            html = page.get_data(as_text=True)
            assert f"<code>{form.name}</code>" in html, form.key
            if row["outcome"] == importing.UNSUPPORTED:
                assert f"Not supported: {row['written_type']} (row {row['row']})" in html
    assert db.session.scalar(sa.select(sa.func.count(FormImport.id))) == len(FORMS)


def test_the_draft_upload_takes_every_corpus_form_or_says_why_not(app, db, questionnaire):
    admin = factories.make_user(questionnaire.questionnaire.partnership, "admin", "council")
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": admin.email, "password": factories.PASSWORD})
    for form in FORMS:
        response = client.post(
            "/bank/imports/new",
            data={
                "workbook": (io.BytesIO(form.xlsx()), "form.xlsx"),
                "agency": "council",
                "purpose": "replace",
            },
            content_type="multipart/form-data",
        )
        assert response.status_code in (302, 400), form.key
        if response.status_code == 400:
            assert "govuk-error-summary" in response.get_data(as_text=True), form.key
