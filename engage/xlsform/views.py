"""XLSForm pages: analysts import an agency's form into the bank; admins download the
questionnaire as an XLSForm."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from engage.accounts.agencies import acts_for
from engage.accounts.models import ADMIN, ANALYST
from engage.accounts.permissions import role_required
from engage.extensions import db
from engage.forms import upload_name
from engage.partnership.services import agencies, current_partnership
from engage.questionnaire import types
from engage.questionnaire.services import questionnaire_for, version_by_number
from engage.xlsform import building, exporting, importing
from engage.xlsform.errors import FormError
from engage.xlsform.forms import BANK, REPLACE, ImportForm
from engage.xlsform.models import FormImport

bp = Blueprint("xlsform", __name__)


def _partnership():
    partnership = current_partnership()
    if partnership is None:
        abort(404)
    return partnership


def _form_import(import_id: int) -> FormImport:
    """The import, if it is this partnership's and the user may read it: another
    agency's report is not found for an analyst, as if it did not exist."""
    form_import = db.session.get(FormImport, import_id)
    if form_import is None or form_import.partnership_id != _partnership().id:
        abort(404)
    if not acts_for(current_user, form_import.agency_id):
        abort(404)
    return form_import


@bp.route("/bank/imports/new", methods=["GET", "POST"])
@role_required(ADMIN, ANALYST)
def upload():
    """Upload an agency's XLSForm; its report opens once it is read."""
    partnership = _partnership()
    form = ImportForm()
    # An analyst imports for their own agency only; an administrator for any.
    members = {a.slug: a for a in agencies(partnership)}
    form.agency.choices = [
        SelectChoice(a.slug, a.name) for a in members.values() if acts_for(current_user, a.id)
    ]
    # A crafted post naming another agency is refused by the import itself, which says why.
    form.agency.validate_choice = False
    if current_user.role != ADMIN:
        del form.purpose
    if request.method == "GET":
        form.agency.data = current_user.agency.slug
    problem: FormError | None = None
    problems: list[str] = []
    if form.validate_on_submit():
        # Looked up among the partnership's agencies, never with the raw text in a query.
        agency = members.get(form.agency.data or "")
        if agency is None:
            abort(400, description="Choose the agency whose form it is.")
        upload = form.workbook.data
        purpose = form.purpose.data if "purpose" in form else BANK
        threshold = int(current_app.config.get("ENGAGE_MATCH_THRESHOLD", 60))
        try:
            if purpose == BANK:
                form_import = importing.start_import(
                    agency,
                    current_user,
                    upload_name(upload.filename, "form.xlsx"),
                    upload.read(),
                    threshold,
                )
            else:
                draft, notes = building.draft_from_workbook(
                    upload.read(), agency, current_user, replace_draft=purpose == REPLACE
                )
        except FormError as error:
            db.session.rollback()
            problem = error
        except importing.ImportRefused as refused:
            db.session.rollback()
            problems = [str(refused)]
        except building.BuildRefused as refused:
            db.session.rollback()
            problems = refused.problems
        else:
            db.session.commit()
            if purpose == BANK:
                return redirect(url_for(".report", import_id=form_import.id))
            flash(
                f"Version {draft.number} is now a draft from the workbook. Check it, then "
                "publish it. " + " ".join(notes or ["No change against the current version."]),
                "success",
            )
            return redirect(url_for("questionnaire.draft"))
    failed = problem is not None or bool(problems)
    html = render_template(
        "xlsform/upload.html",
        form=form,
        problem=problem,
        problems=problems,
        imports=importing.imports_for(partnership, current_user),
        error_count=len(form.errors) + failed,
    )
    return html, 400 if form.errors or failed else 200


@bp.route("/bank/imports/<int:import_id>")
@role_required(ADMIN, ANALYST)
def report(import_id: int):
    """Each row of the form: already asked (tag), new (propose), or not supported (why)."""
    form_import = _form_import(import_id)
    return render_template(
        "xlsform/report.html",
        form_import=form_import,
        rows=list(enumerate(form_import.rows)),
        counts=importing.counts(form_import),
        outcome_text=importing.outcome_text,
        type_labels=types.TYPE_LABELS,
    )


def _back(form_import: FormImport, index: int):
    return redirect(url_for(".report", import_id=form_import.id, _anchor=f"row-{index}"))


@bp.route("/bank/imports/<int:import_id>/rows/<int:index>/tag", methods=["POST"])
@role_required(ADMIN, ANALYST)
def tag(import_id: int, index: int):
    """Tag the form's agency onto the question the row is already asked as."""
    form_import = _form_import(import_id)
    try:
        code = importing.tag(form_import, index, current_user)
    except importing.ImportRefused as refused:
        db.session.rollback()
        flash(str(refused), "problem")
        return _back(form_import, index)
    db.session.commit()
    row = form_import.rows[index]
    if row["done"] == importing.ALREADY:
        flash(f"{form_import.agency.name} already uses ‘{code}’.", "success")
    else:
        flash(f"{form_import.agency.name} now uses ‘{code}’.", "success")
    return _back(form_import, index)


@bp.route("/bank/imports/<int:import_id>/rows/<int:index>/propose", methods=["POST"])
@role_required(ADMIN, ANALYST)
def propose(import_id: int, index: int):
    """Propose the row's question to the admins, from the form's agency."""
    form_import = _form_import(import_id)
    try:
        proposal = importing.propose(form_import, index, current_user)
    except importing.ImportRefused as refused:
        db.session.rollback()
        flash(str(refused), "problem")
        return _back(form_import, index)
    db.session.commit()
    flash(f"‘{proposal.text}’ is proposed. An administrator will decide on it.", "success")
    return _back(form_import, index)


@bp.route("/admin/questionnaire/versions/<int:number>/xlsform")
@role_required(ADMIN)
def download(number: int):
    """A published version as an XLSForm, for partners who collect with ODK or KoboToolbox."""
    questionnaire = questionnaire_for(_partnership())
    version = version_by_number(questionnaire, number) if questionnaire else None
    if version is None or version.is_draft:
        abort(404)
    response = Response(exporting.export(version), content_type=exporting.MIMETYPE)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{exporting.filename(version)}"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
