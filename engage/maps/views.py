"""Staff map pages: admins load the wards' boundaries; staff see results as a ward map."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.accounts.models import ADMIN, ANALYST, FACILITATOR
from engage.accounts.permissions import role_required
from engage.audit import services as audit
from engage.extensions import db
from engage.forms import upload_name
from engage.maps import choropleth, services
from engage.maps.checking import BoundaryError
from engage.maps.drawing import draw_map
from engage.maps.forms import BoundaryForm
from engage.maps.words import map_words, outline_words
from engage.partnership.services import areas, current_partnership
from engage.questionnaire.services import questionnaire_for
from engage.results import aggregates, weights
from engage.results.catalogue import catalogue
from engage.results.reading import checked_filters
from engage.results.services import filter_choices

bp = Blueprint("maps", __name__)
STAFF = (ANALYST, FACILITATOR, ADMIN)


@bp.route("/partnership/boundaries", methods=["GET", "POST"])
@role_required(ADMIN)
def boundaries():
    """Upload the wards' boundaries: checked whole, stored whole, or refused saying why."""
    partnership = current_partnership()
    if partnership is None:
        abort(404)
    form = BoundaryForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.boundaries.data
        name = upload_name(upload.filename, "boundaries.geojson")
        try:
            checked = services.load_file(partnership, upload.read(), name, current_user)
        except BoundaryError as error:
            db.session.rollback()
            problems = [f"{name}: nothing was loaded."] + error.problems
        else:
            detail = f"{name}: {len(checked.shapes)} wards ({checked.system})"
            audit.record(audit.RESULTS, "maps.boundaries", current_user, detail=detail)
            db.session.commit()
            flash(
                f"Loaded the boundaries of {len(checked.shapes)} wards from {name} "
                f"({checked.system}, wards named by {checked.code_property}): "
                f"{checked.points_before:,} points simplified to {checked.points_after:,}.",
                "success",
            )
            if checked.missing:
                flash("No boundary for " + ", ".join(checked.missing) + ": the map leaves it out.")
            return redirect(url_for(".boundaries"))
    found = services.boundaries(partnership)
    preview = None
    if found.wards:
        preview = draw_map(found.wards, {}, outline_words(), prefix="boundary-map")
    failed = bool(problems or form.errors)
    return render_template(
        "maps/boundaries.html",
        form=form,
        problems=problems,
        found=found,
        preview=preview,
        areas=areas(partnership),
    ), (400 if failed else 200)


@bp.route("/results/map")
@role_required(*STAFF)
def results_map():
    """One answer's share per ward as a map, with the same figures as a table, for the
    dashboard's filters: weighted (by default once a scheme has weights) or as answered."""
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    if partnership is None or questionnaire is None:
        abort(404)
    filters, errors = checked_filters(
        questionnaire,
        request.args,
        page=("question", "option", "weights"),
        min_base=current_app.config["ENGAGE_MIN_FILTERED_BASE"],
    )
    weighting, wrong = weights.choice(questionnaire, request.args.get("weights"))
    errors |= wrong
    k = aggregates.configured_k()
    small_base = aggregates.small_base_threshold()
    questions = choropleth.mappable(catalogue(questionnaire, filters, current_user.agency_id))
    code = request.args.get("question") or (questions[0].code if questions else "")
    if code and code not in {info.code for info in questions}:
        errors["question"] = "Choose a question from the list: that one cannot be mapped."
    found = services.boundaries(partnership)
    shown = None
    table = None
    if not errors and code:
        table = choropleth.staff_table(questionnaire, code, filters, k, weighting.weighting)
    left_out = None
    if table is not None and weighting.weighting is not None:
        left_out = aggregates.rule(k).show(
            weights.left_out(questionnaire, filters, weighting.weighting)
        )
    if table is not None:
        shown = choropleth.page(
            table,
            request.args.get("option", ""),
            found,
            lambda question, answer: map_words(question, answer, k, small_base),
            small_base,
        )
    html = render_template(
        "maps/results_map.html",
        filters=filters,
        filter_errors=errors,
        refused=bool(errors),
        choices=filter_choices(partnership, questionnaire),
        k=k,
        questions=questions,
        code=code,
        page=shown,
        found=found,
        weighting=weighting,
        left_out=left_out,
        weights_stale=weighting.scheme is not None
        and weights.stale(weighting.scheme, questionnaire),
    )
    return html, (400 if errors else 200)
