"""Importing an agency's XLSForm into the question bank: the report, tagging and proposing."""

import io

import sqlalchemy as sa

from engage.bank.models import JOINED, PENDING, Proposal
from engage.demo.seed import seed_demo
from engage.partnership.services import current_partnership
from engage.questionnaire.models import BankQuestion
from engage.xlsform.models import FormImport
from tests import factories
from tests.test_xlsform_reading import every_type_workbook, make_workbook
from tests.xlsform_corpus import xls_workbook

# The fire service's own survey: four demo questions in other words, one new, one location.
FIRE_SURVEY = [
    {"type": "begin group", "name": "about", "label": "About you"},
    {
        "type": "select_one safe",
        "name": "dark",
        "label": "After dark, how safe do you feel when you walk alone around your area?",
    },
    {
        "type": "select_one yn",
        "name": "alarm",
        "label": "Is there a smoke alarm in your home that works?",
    },
    {
        "type": "integer",
        "name": "years",
        "label": "How many years have you been living in this area?",
    },
    {
        "type": "select_one often",
        "name": "lonely",
        "label": "How often do you feel lonely these days?",
    },
    {
        "type": "select_one yn",
        "name": "escape",
        "label": "Have you planned how to get out if there is a fire?",
    },
    {"type": "geopoint", "name": "home", "label": "Where is your home?"},
    {"type": "end group"},
]
FIRE_CHOICES = [
    {"list_name": "safe", "name": "very", "label": "Very safe"},
    {"list_name": "safe", "name": "fairly", "label": "Fairly safe"},
    {"list_name": "safe", "name": "bit", "label": "A bit unsafe"},
    {"list_name": "safe", "name": "unsafe", "label": "Very unsafe"},
    {"list_name": "yn", "name": "yes", "label": "Yes"},
    {"list_name": "yn", "name": "no", "label": "No"},
    {"list_name": "often", "name": "often", "label": "Often or always"},
    {"list_name": "often", "name": "sometimes", "label": "Some of the time"},
    {"list_name": "often", "name": "never", "label": "Never"},
]
FIRE_SETTINGS = [{"form_title": "Fire and Rescue home safety survey", "form_id": "fire_home"}]


def fire_workbook() -> bytes:
    return make_workbook(FIRE_SURVEY, FIRE_CHOICES, FIRE_SETTINGS)


def fire_xls() -> bytes:
    return xls_workbook({"survey": FIRE_SURVEY, "choices": FIRE_CHOICES, "settings": FIRE_SETTINGS})


def demo_analyst(app, db, agency="fire"):
    """The demo partnership, and a client signed in as an analyst of one of its agencies
    (fire, whose form the tests import: an analyst imports only their own agency's)."""
    seed_demo()
    partnership = current_partnership()
    user = factories.make_user(partnership, "analyst", agency)
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    return partnership, client


def upload(client, data: bytes, agency="fire", filename="fire.xlsx"):
    return client.post(
        "/bank/imports/new",
        data={"workbook": (io.BytesIO(data), filename), "agency": agency},
        content_type="multipart/form-data",
    )


def agencies_of(db, code):
    entry = db.session.scalar(sa.select(BankQuestion).where(BankQuestion.code == code))
    return {agency.slug for agency in entry.agencies}


def test_form_repeating_demo_questions_reports_them_already_asked_with_codes(app, db):
    _partnership, client = demo_analyst(app, db)

    response = upload(client, fire_workbook())

    assert response.status_code == 302
    form_import = db.session.scalar(sa.select(FormImport))
    outcomes = {row["name"]: row for row in form_import.rows}
    assert {name: (row.get("match") or {}).get("code") for name, row in outcomes.items()} == {
        "dark": "safe_after_dark",
        "alarm": "smoke_alarm",
        "years": "years_in_area",
        "lonely": "lonely",
        "escape": None,
        "home": None,
    }
    assert outcomes["escape"]["outcome"] == "new"
    assert outcomes["home"]["outcome"] == "unsupported"
    html = client.get(response.location).get_data(as_text=True)
    assert "Already asked as safe_after_dark (" in html
    assert "% match)" in html
    assert "Tag Fire and Rescue onto this question" in html
    assert "Not supported: geopoint (row 8)" in html
    assert "Fire and Rescue home safety survey" in html


def test_tagging_adds_the_agency_to_the_matched_questions(app, db):
    _partnership, client = demo_analyst(app, db)
    upload(client, fire_workbook())
    form_import = db.session.scalar(sa.select(FormImport))
    assert "fire" not in agencies_of(db, "safe_after_dark")

    for index, row in enumerate(form_import.rows):
        if row["outcome"] == "asked":
            response = client.post(f"/bank/imports/{form_import.id}/rows/{index}/tag")
            assert response.status_code == 302

    db.session.expire_all()
    for code in ("safe_after_dark", "years_in_area", "lonely", "smoke_alarm"):
        assert "fire" in agencies_of(db, code)
    joined = db.session.scalars(sa.select(Proposal).where(Proposal.status == JOINED)).all()
    # The fire service already used smoke_alarm, so three new tags are recorded.
    assert sorted(p.bank_question.code for p in joined) == [
        "lonely",
        "safe_after_dark",
        "years_in_area",
    ]
    assert all(p.agency.slug == "fire" and "row" in p.reason for p in joined)
    rows = db.session.get(FormImport, form_import.id).rows
    assert {row["done"] for row in rows if row["outcome"] == "asked"} == {"tagged", "already"}


def test_propose_makes_a_pending_proposal_from_the_forms_agency_once(app, db):
    _partnership, client = demo_analyst(app, db)
    upload(client, fire_workbook())
    form_import = db.session.scalar(sa.select(FormImport))
    index = next(i for i, row in enumerate(form_import.rows) if row["name"] == "escape")

    first = client.post(f"/bank/imports/{form_import.id}/rows/{index}/propose")
    again = client.post(
        f"/bank/imports/{form_import.id}/rows/{index}/propose", follow_redirects=True
    )

    assert first.status_code == 302
    [proposal] = db.session.scalars(sa.select(Proposal)).all()
    assert (proposal.status, proposal.agency.slug, proposal.type) == (PENDING, "fire", "yes_no")
    assert proposal.text == "Have you planned how to get out if there is a fire?"
    assert "has been dealt with already" in again.get_data(as_text=True)


def test_a_broken_workbook_imports_nothing_and_says_why(app, db, analyst_client):
    data = make_workbook([{"type": "select_one colours", "name": "a", "label": "A"}])

    response = upload(analyst_client, data, agency="council")

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was imported" in html
    assert "no ‘choices’ sheet" in html
    assert db.session.scalar(sa.select(sa.func.count(FormImport.id))) == 0


def test_upload_refuses_a_file_that_is_not_xlsx(app, db, analyst_client):
    response = upload(analyst_client, b"a,b\n", agency="council", filename="form.csv")
    assert response.status_code == 400
    assert "must be an .xlsx or .xls file" in response.get_data(as_text=True)


def test_cli_import_reports_every_row_and_can_propose_the_new_ones(
    app, db, runner, questionnaire, tmp_path
):
    path = tmp_path / "housing.xlsx"
    path.write_bytes(every_type_workbook())
    user = factories.make_user(questionnaire.questionnaire.partnership, "analyst", "housing")
    db.session.commit()

    result = runner.invoke(
        args=["xlsform", "import", str(path), "--agency", "housing"]
        + ["--user", user.email, "--propose-new"]
    )

    assert result.exit_code == 0, result.output
    assert "Row 16   where" in result.output
    assert "Not supported: geopoint (row 16)" in result.output
    assert "Not supported: begin repeat (row 20)" in result.output
    assert "already asked" in result.output
    proposals = db.session.scalars(sa.select(Proposal)).all()
    assert proposals and {p.agency.slug for p in proposals} == {"housing"}
    assert "/bank/imports/1" in result.output


def test_cli_import_of_a_broken_workbook_fails_and_imports_nothing(
    app, db, runner, partnership, tmp_path
):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(make_workbook([{"type": "text", "name": "a"}, {"type": "end group"}]))

    result = runner.invoke(args=["xlsform", "import", str(path), "--agency", "police"])

    assert result.exit_code == 1
    assert "Nothing was imported" in result.output
    assert db.session.scalar(sa.select(sa.func.count(FormImport.id))) == 0


def test_bank_page_links_to_the_upload_form_which_offers_the_users_agency_first(
    app, db, analyst_client
):
    bank = analyst_client.get("/bank/").get_data(as_text=True)
    assert "/bank/imports/new" in bank and "Import an XLSForm" in bank

    html = analyst_client.get("/bank/imports/new").get_data(as_text=True)

    assert '<option value="council" selected>' in html
    assert 'type="file"' in html


def test_facilitators_cannot_import(app, facilitator_client):
    assert facilitator_client.get("/bank/imports/new").status_code == 403


def matches(form_import) -> dict:
    return {row["name"]: (row.get("match") or {}).get("code") for row in form_import.rows}


def test_a_legacy_xls_form_is_imported_like_the_same_xlsx(app, db):
    _partnership, client = demo_analyst(app, db)

    response = upload(client, fire_xls(), filename="fire.xls")

    assert response.status_code == 302
    form_import = db.session.scalar(sa.select(FormImport))
    assert form_import.filename == "fire.xls"
    assert matches(form_import)["dark"] == "safe_after_dark"
    assert client.get(response.location).status_code == 200
    # The file's first bytes decide, whatever its name says.
    assert upload(client, fire_xls(), filename="fire.xlsx").status_code == 302
    assert upload(client, fire_workbook(), filename="fire.xls").status_code == 302


def test_cli_imports_a_legacy_xls_form(app, db, runner, questionnaire, tmp_path):
    path = tmp_path / "fire.xls"
    path.write_bytes(fire_xls())

    result = runner.invoke(args=["xlsform", "import", str(path), "--agency", "fire"])

    assert result.exit_code == 0, result.output
    assert "Not supported: geopoint (row 8)" in result.output


def test_a_photo_limited_by_max_pixels_is_reported_not_an_error(app, db, analyst_client):
    data = make_workbook(
        [
            {"type": "text", "name": "street", "label": "Which street?"},
            {"type": "image", "name": "damp", "label": "A photo", "parameters": "max-pixels=1024"},
        ]
    )

    response = upload(analyst_client, data, agency="council")

    assert response.status_code == 302
    html = analyst_client.get(response.location).get_data(as_text=True)
    assert "Not supported: image (row 3). Engage does not take photos" in html


def test_a_number_or_an_acknowledgement_is_never_matched_to_a_choice_question(app, db):
    _partnership, client = demo_analyst(app, db)
    survey = [
        {"type": "integer", "name": "age", "label": "How old are you?"},
        {"type": "acknowledge", "name": "ok", "label": "I agree: Brackenford Homes may contact me"},
        {"type": "select_one yn", "name": "tenant", "label": "Do you rent from Brackenford Homes?"},
        {"type": "select_one ages", "name": "band", "label": "How old are you?"},
    ]
    ages = ["16 to 24", "25 to 34", "35 to 44", "45 to 54", "55 to 64", "65 to 74", "75 or over"]
    choices = FIRE_CHOICES + [
        {"list_name": "ages", "name": f"a{i}", "label": label} for i, label in enumerate(ages)
    ]

    upload(client, make_workbook(survey, choices))

    form_import = db.session.scalar(sa.select(FormImport))
    assert matches(form_import) == {
        "age": None,
        "ok": None,
        "tenant": "housing_tenant",
        "band": "age_band",
    }
