"""Agency boundaries, tried as a police analyst who wants to act for housing: importing
a form for housing, tagging housing onto a question, proposing for housing, reading
housing's import reports. Each is refused, and nothing is stored."""

import io

import sqlalchemy as sa

from engage.bank.models import Proposal
from engage.demo.seed import seed_demo
from engage.partnership.services import current_partnership
from engage.questionnaire.models import BankQuestion
from engage.xlsform import importing
from engage.xlsform.models import FormImport
from tests import factories
from tests.test_xlsform_import import fire_workbook


def _client(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def _setting(app, db):
    seed_demo()
    partnership = current_partnership()
    police = factories.make_user(partnership, "analyst", "police")
    housing = factories.make_user(partnership, "analyst", "housing")
    admin = factories.make_user(partnership, "admin", "council")
    db.session.commit()
    return partnership, police, housing, admin


def _upload(client, agency: str):
    return client.post(
        "/bank/imports/new",
        data={"workbook": (io.BytesIO(fire_workbook()), "housing.xlsx"), "agency": agency},
        content_type="multipart/form-data",
    )


def _counts(db) -> tuple[int, int, int]:
    tags = db.session.scalar(
        sa.select(sa.func.count()).select_from(BankQuestion.agencies.property.secondary)
    )
    return (
        db.session.scalar(sa.select(sa.func.count(FormImport.id))),
        db.session.scalar(sa.select(sa.func.count(Proposal.id))),
        tags,
    )


def test_a_police_analyst_cannot_import_for_housing(app, db):
    _partnership, police, _housing, _admin = _setting(app, db)
    client = _client(app, police)
    page = client.get("/bank/imports/new").get_data(as_text=True)
    assert 'value="police"' in page and 'value="housing"' not in page
    before = _counts(db)
    response = _upload(client, "housing")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "only for your own agency" in html and "Police" in html
    assert _counts(db) == before


def test_a_police_analyst_cannot_read_tag_or_propose_on_housings_import(app, db):
    _partnership, police, housing, _admin = _setting(app, db)
    housing_client = _client(app, housing)
    assert _upload(housing_client, "housing").status_code == 302
    form_import = db.session.scalar(sa.select(FormImport))
    asked = next(i for i, r in enumerate(form_import.rows) if r["outcome"] == "asked")
    new = next(i for i, r in enumerate(form_import.rows) if r["outcome"] == "new")
    before = _counts(db)

    police_client = _client(app, police)
    assert police_client.get(f"/bank/imports/{form_import.id}").status_code == 404
    listing = police_client.get("/bank/imports/new").get_data(as_text=True)
    assert f"/bank/imports/{form_import.id}" not in listing
    tag = police_client.post(f"/bank/imports/{form_import.id}/rows/{asked}/tag")
    propose = police_client.post(f"/bank/imports/{form_import.id}/rows/{new}/propose")
    assert tag.status_code == propose.status_code == 404
    assert _counts(db) == before
    # The service refuses too, whatever calls it.
    try:
        importing.tag(form_import, asked, police)
    except importing.ImportRefused as refused:
        assert "only for your own agency" in str(refused)
    else:
        raise AssertionError("the service tagged housing for a police analyst")
    db.session.rollback()

    # Housing's own analyst and an administrator can.
    assert housing_client.get(f"/bank/imports/{form_import.id}").status_code == 200
    admin_client = _client(app, _admin)
    assert admin_client.get(f"/bank/imports/{form_import.id}").status_code == 200


def test_an_administrator_imports_for_any_agency(app, db):
    _partnership, _police, _housing, admin = _setting(app, db)
    assert _upload(_client(app, admin), "housing").status_code == 302
    [form_import] = db.session.scalars(sa.select(FormImport)).all()
    assert form_import.agency.slug == "housing"


def test_the_command_line_refuses_an_analyst_acting_for_another_agency(app, db, runner, tmp_path):
    _partnership, police, _housing, _admin = _setting(app, db)
    path = tmp_path / "housing.xlsx"
    path.write_bytes(fire_workbook())
    result = runner.invoke(
        args=["xlsform", "import", str(path), "--agency", "housing", "--user", police.email]
    )
    assert result.exit_code != 0
    assert "only for your own agency" in result.output
    assert db.session.scalar(sa.select(sa.func.count(FormImport.id))) == 0


def test_every_panel_service_that_acts_for_a_user_checks_the_managers_rule():
    """Facilitators' and admins' rights over panels are one rule (``rules.MANAGERS``,
    written in README's role table and SECURITY.md), checked in the services, whatever
    calls them. Every function of the panel packages that takes the acting ``user`` must
    reach ``require_manager``, directly or through a helper of its module."""
    import ast
    import importlib
    import inspect
    import pkgutil

    import engage.panels as panels

    offenders = []
    for module_info in pkgutil.walk_packages(panels.__path__, "engage.panels."):
        name = module_info.name
        if any(part in name for part in (".staff", ".members", ".cli", ".rules")):
            continue  # pages and commands call the services; the rule lives in rules.py
        tree = ast.parse(inspect.getsource(importlib.import_module(name)))
        functions = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}

        def calls(function):
            return {
                node.func.id
                for node in ast.walk(function)
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            }

        checked = {n for n, f in functions.items() if "require_manager" in calls(f)}
        changed = True
        while changed:  # helpers of the module that reach the check count too
            grown = {n for n, f in functions.items() if calls(f) & checked} | checked
            changed, checked = grown != checked, grown
        for function_name, function in functions.items():
            takes_user = any(a.arg == "user" for a in function.args.args)
            if takes_user and not function_name.startswith("_") and function_name not in checked:
                offenders.append(f"{name}.{function_name}")
    assert offenders == [], "panel services acting for a user without the managers' check"


def test_an_agency_field_with_a_nul_byte_is_refused_not_a_500(app, db, analyst_client):
    """Found by the fuzz test on PostgreSQL, whose text cannot hold NUL: the slug is
    looked up among the partnership's agencies, never sent to the database."""
    response = analyst_client.post(
        "/bank/imports/new",
        data={"workbook": (io.BytesIO(fire_workbook()), "f.xlsx"), "agency": "\x00"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(FormImport.id))) == 0
