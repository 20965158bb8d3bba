"""The results dashboard for analysts, facilitators and admins, and the public opt-in."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from engage import localtime
from engage.accounts.models import ADMIN, ANALYST, FACILITATOR
from engage.accounts.permissions import role_required
from engage.audit import services as audit
from engage.extensions import db
from engage.partnership.models import Partnership
from engage.partnership.services import current_partnership
from engage.questionnaire.models import Questionnaire
from engage.questionnaire.services import questionnaire_for
from engage.results import aggregates, contents, crosstabs, services, weighted_pairs, weights
from engage.results.catalogue import BREAKDOWN_TYPES, CLOSED_TYPES, TREND_TYPES, catalogue
from engage.results.figures_csv import figures_csv
from engage.results.filters import parse_filters
from engage.results.reading import checked_filters
from engage.results.stacked_chart import stacked_chart
from engage.results.trend_chart import trend_chart
from engage.timeutil import utcnow

bp = Blueprint("results", __name__, url_prefix="/results")
STAFF = (ANALYST, FACILITATOR, ADMIN)


def _setting() -> tuple[Partnership, Questionnaire]:
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    if partnership is None or questionnaire is None:
        abort(404)
    return partnership, questionnaire


def _weighting(questionnaire: Questionnaire) -> tuple[weights.Choice, dict[str, str]]:
    """The page's weighting (``?weights=``), kept for this request."""
    if "results_weighting" not in g:
        g.results_weighting = weights.choice(questionnaire, request.args.get("weights"))
    return g.results_weighting


def _filtered(template: str, page: tuple[str, ...], figures, problems=None, **context):
    """Render a results page with its filters form. Filters that cannot be used are
    listed and nothing is counted (400): a page never shows figures for other filters
    than those asked for. ``figures(questionnaire, filters, k)`` gives the page's figures;
    ``problems`` are the page's own arguments that cannot be used, by name."""
    partnership, questionnaire = _setting()
    filters, errors = checked_filters(
        questionnaire,
        request.args,
        page=page,
        min_base=current_app.config["ENGAGE_MIN_FILTERED_BASE"],
    )
    errors |= problems or {}
    k = aggregates.configured_k()
    html = render_template(
        template,
        filters=filters,
        filter_errors=errors,
        refused=bool(errors),
        choices=services.filter_choices(partnership, questionnaire),
        k=k,
        **context,
        **({} if errors else figures(questionnaire, filters, k)),
    )
    return html, (400 if errors else 200)


def _chosen_questions(questionnaire: Questionnaire) -> tuple[list[str], dict[str, str]]:
    """The question codes picked (``question=``, repeatable), and a message if one is unknown."""
    chosen = list(dict.fromkeys(request.args.getlist("question")))
    wrong = contents.unknown_codes(chosen, catalogue(questionnaire))
    return chosen, ({"question": wrong} if wrong else {})


@bp.route("/")
@role_required(*STAFF)
def index():
    """Totals, breakdowns and the results of every closed question (or of those picked),
    for the chosen filters, with a contents list by section."""
    _partnership, questionnaire = _setting()
    infos = [
        i
        for i in catalogue(questionnaire, parse_filters(request.args)[0], current_user.agency_id)
        if i.type in CLOSED_TYPES
    ]
    section = {i.code: contents.section_of(i) for i in infos}
    chosen, problems = _chosen_questions(questionnaire)

    weighting, wrong = _weighting(questionnaire)

    def figures(questionnaire, filters, k):
        results = aggregates.dashboard_results(
            questionnaire, filters, k, current_user.agency_id, chosen, weighting.weighting
        )
        threshold = aggregates.small_base_threshold()
        for result in results:
            result["anchor"] = contents.anchor(result)
            result["small_base"] = contents.small_base(result["respondents"], threshold)
        return {
            "overview": aggregates.overview(questionnaire, filters, k),
            "sections": contents.grouped(results, section),
            "small_base": threshold,
            **_weighting_figures(questionnaire, filters, k, weighting),
        }

    return _filtered(
        "results/index.html",
        ("question", "weights"),
        figures,
        problems | wrong,
        picker=contents.grouped(infos, section),
        chosen=chosen,
        weighting=weighting,
    )


@bp.route("/figures.csv")
@role_required(*STAFF)
def figures_download():
    """The dashboard's figures for the same filters (and questions) as a CSV file: the
    same perturbed counts, hidden cells and percentages as the page, row by row."""
    _partnership, questionnaire = _setting()
    filters, errors = checked_filters(
        questionnaire,
        request.args,
        page=("question", "weights"),
        min_base=current_app.config["ENGAGE_MIN_FILTERED_BASE"],
    )
    chosen, problems = _chosen_questions(questionnaire)
    weighting, wrong = _weighting(questionnaire)
    errors |= problems | wrong
    if errors:
        abort(400, description=" ".join(errors.values()))
    k = aggregates.configured_k()
    overview = aggregates.overview(questionnaire, filters, k)
    results = aggregates.dashboard_results(
        questionnaire, filters, k, current_user.agency_id, chosen, weighting.weighting
    )
    audit.record(
        audit.DOWNLOAD,
        "results figures.csv",
        current_user,
        filters=filters.as_dict(),
        rows=sum(len(r["options"]) for r in results),
        detail=("Questions: " + ", ".join(chosen)) if chosen else "",
    )
    db.session.commit()
    response = Response(figures_csv(overview, results), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="results-figures.csv"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/crosstab")
@role_required(*STAFF)
def crosstab():
    """One closed question broken down by an area or "about you" question, weighted
    (by default once a scheme has weights) or as answered."""
    _partnership, questionnaire = _setting()
    infos = catalogue(questionnaire, parse_filters(request.args)[0], current_user.agency_id)
    row_code, col_code = request.args.get("row", ""), request.args.get("column", "")
    weighting, wrong = _weighting(questionnaire)

    def figures(questionnaire, filters, k):
        table = chart = None
        if row_code and col_code:
            table = crosstabs.crosstab(
                questionnaire, row_code, col_code, filters, k, weighting.weighting
            )
        if table:
            title = (
                f"Stacked bar chart: for each answer to “{table['row']['text']}”, how its "
                f"respondents split by “{table['column']['text']}”. The same figures are "
                "in the tables below."
            )
            chart = stacked_chart(
                weighted_pairs.along_rows(table), "crosstab-chart", title, localtime.percent
            )
        threshold = aggregates.small_base_threshold()
        low = table["weighting"]["columns"] if table and table.get("weighting") else []
        return {
            "table": table,
            "chart": chart,
            "small_columns": [
                col["label"]
                for col, n in zip(table["columns"], table["col_totals"], strict=True)
                if contents.small_base(n, threshold)
            ]
            if table
            else [],
            "low_columns": [
                col["label"]
                for col, base in zip(table["columns"], low, strict=True)
                if base["low_base"]
            ]
            if low
            else [],
            "small_base": threshold,
            "not_possible": bool(row_code and col_code and table is None),
            **_weighting_figures(questionnaire, filters, k, weighting),
        }

    return _filtered(
        "results/crosstab.html",
        ("row", "column", "weights"),
        figures,
        wrong,
        row_questions=[i for i in infos if i.type in crosstabs.ROW_TYPES],
        column_questions=[i for i in infos if i.type in BREAKDOWN_TYPES],
        row_code=row_code,
        col_code=col_code,
        weighting=weighting,
    )


def _weighting_figures(questionnaire, filters, k, weighting: weights.Choice) -> dict:
    """What a page's weighting note says: the matching responses left out of the weighted
    figures (as a count is shown), and whether the weights are out of date."""
    if weighting.weighting is None:
        return {"left_out": None, "weights_stale": False}
    return {
        "left_out": aggregates.rule(k).show(
            weights.left_out(questionnaire, filters, weighting.weighting)
        ),
        "weights_stale": weighting.scheme is not None
        and weights.stale(weighting.scheme, questionnaire),
    }


@bp.route("/trend")
@role_required(*STAFF)
def trend():
    """Mean rating or percentage agreeing per week or month."""
    _partnership, questionnaire = _setting()
    infos = [
        i
        for i in catalogue(questionnaire, parse_filters(request.args)[0], current_user.agency_id)
        if i.type in TREND_TYPES
    ]
    code = request.args.get("code") or (infos[0].code if infos else "")
    period = request.args.get("period", "month")
    if period not in crosstabs.TREND_PERIODS:
        period = "month"

    weighting, wrong = _weighting(questionnaire)

    def figures(questionnaire, filters, k):
        series = None
        if code:
            series = crosstabs.trend(questionnaire, code, filters, k, period, weighting.weighting)
        if not series:
            return {"series": series}
        mean = series["measure"] == "mean"
        chart = trend_chart(
            series,
            localtime.local(utcnow()).date(),
            "trend-chart",
            (lambda v: "–" if v is None else f"{v:.1f}") if mean else localtime.percent,
            (lambda v: f"{v:g}") if mean else (lambda v: f"{v:.0f}%"),
        )
        threshold = aggregates.small_base_threshold()
        small = [r.label for r in chart.rows if contents.small_base(r.respondents, threshold)]
        low = [
            r.label
            for r, point in zip(chart.rows, series["points"], strict=True)
            if point.get("low_base")
        ]
        return {
            "series": series,
            "chart": chart,
            "small_base": threshold,
            "small_periods": small,
            "low_periods": low,
            **_weighting_figures(questionnaire, filters, k, weighting),
        }

    return _filtered(
        "results/trend.html",
        ("code", "period", "weights"),
        figures,
        wrong,
        questions=infos,
        code=code,
        period=period,
        weighting=weighting,
    )


@bp.route("/public-questions", methods=["GET", "POST"])
@role_required(ADMIN)
def public_questions():
    """Choose the questions whose headline results appear on the public "you said" page."""
    _partnership, questionnaire = _setting()
    if request.method == "POST":
        chosen = services.set_public_questions(questionnaire, set(request.form.getlist("codes")))
        audit.record(
            audit.ADMIN,
            "public_results",
            current_user,
            detail="Public questions: " + (", ".join(chosen) or "none"),
        )
        db.session.commit()
        flash("The questions on the public ‘you said’ page have been saved.", "success")
        return redirect(url_for(".public_questions"))
    return render_template(
        "results/public_questions.html", candidates=services.public_candidates(questionnaire)
    )
