"""The admin's questionnaire editor: versions, the draft, preview and publishing.

Views parse, call a service in ``editing`` or ``services``, then commit and
redirect, or render the form again with its errors.
"""

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.accounts.models import ADMIN
from engage.accounts.permissions import role_required
from engage.audit import services as audit
from engage.extensions import db
from engage.i18n import use_language
from engage.main.errors import render_error
from engage.partnership.services import agencies as partnership_agencies
from engage.partnership.services import areas as partnership_areas
from engage.questionnaire import comparability, editing, lookups, services, types
from engage.questionnaire.editing import EditRefused
from engage.questionnaire.forms import DetailsForm, OptionForm, question_form
from engage.questionnaire.models import Option, Question, QuestionnaireVersion, Section
from engage.questionnaire.services import PublishRefused, QuestionnaireError
from engage.survey import pages as survey_pages
from engage.survey.rendering import submitted_values

bp = Blueprint("questionnaire", __name__, url_prefix="/admin/questionnaire")

PREVIEW_VALID = "These answers are valid; nothing was saved."
KINDS = "<any(sections, questions, options):kind>"
# What the generic move and delete routes act on, by the kind named in the URL.
ITEMS: dict[str, tuple[type, Callable[..., object], Callable[..., object]]] = {
    "sections": (Section, editing.move_section, editing.delete_section),
    "questions": (Question, editing.move_question, editing.delete_question),
    "options": (Option, editing.move_option, editing.delete_option),
}


@bp.errorhandler(QuestionnaireError)
def refused(error: QuestionnaireError):
    """A refused change with no form to show it on, such as one to a published version."""
    db.session.rollback()
    return render_error(409, str(error))


@bp.context_processor
def type_names() -> dict:
    return {"type_labels": types.TYPE_LABELS, "editable_types": types.EDITABLE_OPTIONS}


def _page(template: str, form, **context):
    """A form page: 400 when it shows errors, so nothing was stored."""
    html = render_template(template, form=form, error_count=len(form.errors), **context)
    return html, 400 if form.errors else 200


def _refused(form, error: EditRefused) -> None:
    db.session.rollback()
    getattr(form, error.field or "code", form.code).errors.append(str(error))


def _back_to(item) -> str:
    if isinstance(item, Option):
        return url_for(".edit_question", question_id=item.question_id, _anchor="options")
    prefix = "section" if isinstance(item, Section) else "question"
    return url_for(".draft", _anchor=f"{prefix}-{item.id}")


def _saved(action: str, target: str, detail: str = "") -> None:
    """Record a change to the draft in the audit trail, then commit both together."""
    audit.record(
        audit.QUESTIONNAIRE, f"questionnaire.{action}", current_user, target=target, detail=detail
    )
    db.session.commit()


def _describe(item) -> str:
    if isinstance(item, Section):
        return f"Section ‘{item.title}’"
    if isinstance(item, Question):
        return f"Question ‘{item.code}’"
    return f"Option ‘{item.label}’"


@bp.route("/")
@role_required(ADMIN)
def overview():
    """Every version with its status and responses, and the way into the draft."""
    questionnaire = services.questionnaire_for(lookups.partnership())
    versions = questionnaire.versions if questionnaire else []
    return render_template(
        "questionnaire/overview.html",
        versions=versions,
        counts=services.response_counts(questionnaire) if questionnaire else {},
        current=services.current_version(questionnaire) if questionnaire else None,
        draft=next((v for v in versions if v.is_draft), None),
    )


@bp.route("/draft/start", methods=["POST"])
@role_required(ADMIN)
def start_draft():
    """Open a draft copied from the current version (or carry on with the open one)."""
    draft = services.start_draft_for(lookups.partnership())
    _saved("start_draft", f"Version {draft.number}")
    flash(f"Draft version {draft.number} is ready to edit.", "success")
    return redirect(url_for(".draft"))


@bp.route("/versions/<int:number>")
@role_required(ADMIN)
def version(number: int):
    """Any version, read-only."""
    found = services.version_by_number(lookups.questionnaire(), number) or abort(404)
    return render_template("questionnaire/version.html", version=found)


def _draft_page(version: QuestionnaireVersion, problems: list[str] | None = None, status=200):
    items = [{"text": problem} for problem in problems or []]
    html = render_template(
        "questionnaire/draft.html",
        version=version,
        problems=items,
        error_count=len(items),
        changes=comparability.changes(version),
    )
    return html, status


@bp.route("/draft")
@role_required(ADMIN)
def draft():
    """The draft's sections and questions, with everything the admin can do to them."""
    version = lookups.draft()
    if version is None:
        flash("There is no draft. Start a new draft to make changes.")
        return redirect(url_for(".overview"))
    return _draft_page(version)


@bp.route("/draft/publish", methods=["POST"])
@role_required(ADMIN)
def publish():
    """Make the draft current, or list every problem that stops it."""
    version = lookups.draft_or_404()
    try:
        services.publish(version)
    except PublishRefused as refusal:
        db.session.rollback()
        return _draft_page(version, refusal.problems, 409)
    audit.record(
        audit.ADMIN, "questionnaire.publish", current_user, detail=f"Version {version.number}"
    )
    db.session.commit()
    flash(f"Version {version.number} is published. Residents now answer it.", "success")
    return redirect(url_for(".overview"))


@bp.route("/draft/preview", methods=["GET", "POST"])
@role_required(ADMIN)
def preview_draft():
    """The draft exactly as residents will see it, in any language; nothing is stored."""
    use_language(request.args.get("lang") or request.form.get("_lang"))
    version = lookups.draft()
    if version is None:
        return redirect(url_for(".overview"))
    if request.method == "GET":
        return survey_pages.first_page(version, preview=True)
    areas = [a.code for a in partnership_areas(lookups.partnership())]
    decision, page = survey_pages.answer(version, request.form, areas, preview=True)
    if page is not None:
        return page
    values = submitted_values(version, request.form)
    return survey_pages.render_check(
        version,
        values,
        decision.checked.shown,
        key=request.form.get("_key"),
        preview=True,
        notice=str(PREVIEW_VALID),
    )


@bp.route("/draft/details", methods=["GET", "POST"])
@role_required(ADMIN)
def details():
    version = lookups.draft_or_404()
    form = DetailsForm(data={"title": version.title, "intro": version.intro})
    if form.validate_on_submit():
        editing.update_details(version, form.title.data, form.intro.data or "")
        _saved("details", f"Version {version.number}")
        flash("Title and introduction saved.", "success")
        return redirect(url_for(".draft"))
    return _page("questionnaire/details_form.html", form, heading="Title and introduction")


@bp.route("/draft/sections/new", methods=["GET", "POST"])
@role_required(ADMIN)
def add_section():
    version = lookups.draft_or_404()
    form = DetailsForm()
    if form.validate_on_submit():
        section = editing.add_section(version, form.title.data, form.intro.data or "")
        _saved("add_section", _describe(section))
        flash(f"Section ‘{section.title}’ added.", "success")
        return redirect(_back_to(section))
    return _page("questionnaire/details_form.html", form, heading="Add a section")


@bp.route("/draft/sections/<int:section_id>", methods=["GET", "POST"])
@role_required(ADMIN)
def edit_section(section_id: int):
    section = lookups.editable(Section, section_id)
    form = DetailsForm(data={"title": section.title, "intro": section.intro})
    if form.validate_on_submit():
        editing.update_section(section, form.title.data, form.intro.data or "")
        _saved("edit_section", _describe(section))
        flash(f"Section ‘{section.title}’ saved.", "success")
        return redirect(_back_to(section))
    return _page("questionnaire/details_form.html", form, heading="Change a section")


@bp.route("/draft/sections/<int:section_id>/questions/new", methods=["GET", "POST"])
@role_required(ADMIN)
def add_question(section_id: int):
    section = lookups.editable(Section, section_id)
    agencies = partnership_agencies(lookups.partnership())
    form = question_form(agencies, services.earlier_questions(section))
    if form.validate_on_submit():
        try:
            question = editing.add_question(section, form.fields(agencies))
        except EditRefused as error:
            _refused(form, error)
        else:
            _saved("add_question", _describe(question))
            flash(f"Question ‘{question.code}’ added.", "success")
            if question.type in types.EDITABLE_OPTIONS:  # it needs options next
                return redirect(
                    url_for(".edit_question", question_id=question.id, _anchor="options")
                )
            return redirect(_back_to(question))
    return _page("questionnaire/question_form.html", form, section=section, question=None)


@bp.route("/draft/questions/<int:question_id>", methods=["GET", "POST"])
@role_required(ADMIN)
def edit_question(question_id: int):
    """The question's form, and below it the question's options."""
    question = lookups.editable(Question, question_id)
    agencies = partnership_agencies(lookups.partnership())
    form = question_form(agencies, services.earlier_questions(question.section, question), question)
    if form.validate_on_submit():
        try:
            editing.update_question(question, form.fields(agencies))
        except EditRefused as error:
            _refused(form, error)
        else:
            _saved("edit_question", _describe(question))
            flash(f"Question ‘{question.code}’ saved.", "success")
            return redirect(_back_to(question))
    return _page(
        "questionnaire/question_form.html", form, section=question.section, question=question
    )


@bp.route("/draft/questions/<int:question_id>/options/new", methods=["GET", "POST"])
@role_required(ADMIN)
def add_option(question_id: int):
    question = lookups.editable(Question, question_id)
    editing.require_editable_options(question)
    form = OptionForm()
    if form.validate_on_submit():
        try:
            option = editing.add_option(
                question,
                form.code.data,
                form.label.data,
                bool(form.exclusive.data),
                # Unticked: a missing code if its code is a usual one (dont_know ...).
                True if form.missing.data else None,
            )
        except EditRefused as error:
            _refused(form, error)
        else:
            _saved("add_option", _describe(option), f"of question ‘{question.code}’")
            flash(f"Option ‘{option.label}’ added.", "success")
            return redirect(_back_to(option))
    return _page("questionnaire/option_form.html", form, question=question, option=None)


@bp.route("/draft/options/<int:option_id>", methods=["GET", "POST"])
@role_required(ADMIN)
def edit_option(option_id: int):
    option = lookups.editable(Option, option_id)
    form = OptionForm(
        data={
            "code": option.code,
            "label": option.label,
            "exclusive": option.exclusive,
            "missing": option.missing,
        }
    )
    if form.validate_on_submit():
        try:
            editing.update_option(
                option,
                form.code.data,
                form.label.data,
                bool(form.exclusive.data),
                bool(form.missing.data),
            )
        except EditRefused as error:
            _refused(form, error)
        else:
            _saved("edit_option", _describe(option), f"of question ‘{option.question.code}’")
            flash(f"Option ‘{option.label}’ saved.", "success")
            return redirect(_back_to(option))
    return _page("questionnaire/option_form.html", form, question=option.question, option=option)


@bp.route("/draft/<any(questions, options):kind>/<int:item_id>/comparable", methods=["POST"])
@role_required(ADMIN)
def comparable(kind: str, item_id: int):
    """Say whether a reworded question or relabelled option keeps results comparable."""
    version = lookups.draft_or_404()
    answer = request.form.get("comparable")
    if answer not in ("yes", "no"):
        abort(400)
    try:
        change = comparability.decide(version, kind, item_id, answer == "yes")
    except LookupError:
        abort(404)
    outcome = "comparable" if answer == "yes" else "a new series (not pooled)"
    _saved("comparable", change.describe(), f"results marked {outcome}")
    flash(f"{change.describe()}: results marked {outcome}.", "success")
    return redirect(url_for(".draft", _anchor="comparability"))


@bp.route(f"/draft/{KINDS}/<int:item_id>/move", methods=["POST"])
@role_required(ADMIN)
def move(kind: str, item_id: int):
    """Move a section, question or option one place up or down."""
    model, move_item, _delete_item = ITEMS[kind]
    item = lookups.editable(model, item_id)
    direction = request.form.get("direction")
    if direction not in (editing.UP, editing.DOWN):
        abort(400)
    move_item(item, direction)
    _saved("move", _describe(item), direction)
    return redirect(_back_to(item))


@bp.route(f"/draft/{KINDS}/<int:item_id>/delete", methods=["GET", "POST"])
@role_required(ADMIN)
def delete(kind: str, item_id: int):
    """Ask first, then delete a section (with its questions), a question or an option."""
    model, _move_item, delete_item = ITEMS[kind]
    item = lookups.editable(model, item_id)
    if request.method == "GET":
        return render_template(
            "questionnaire/confirm_delete.html",
            kind=kind,
            item=item,
            dependants=services.dependants(item),
        )
    back = _back_to(item) if isinstance(item, Option) else url_for(".draft")
    deleted = _describe(item)
    delete_item(item)
    _saved("delete", deleted)
    flash(f"{deleted} deleted.", "success")
    return redirect(back)
