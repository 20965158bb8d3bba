"""The weighting page: admins load population targets and compute the weights; staff
see each scheme's targets and convergence report."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from engage.accounts.models import ADMIN, ANALYST, FACILITATOR
from engage.accounts.permissions import role_required
from engage.audit import services as audit
from engage.extensions import db
from engage.forms import upload_name
from engage.partnership.services import current_partnership
from engage.questionnaire.models import Questionnaire
from engage.questionnaire.services import questionnaire_for
from engage.results import weight_jobs, weights
from engage.results.filters import ResultFilter
from engage.results.weights_forms import TargetsForm
from engage.weighting import services as stored
from engage.weighting import targets as target_files

bp = Blueprint("weighting", __name__, url_prefix="/results/weighting")


def _questionnaire() -> Questionnaire:
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    if questionnaire is None:
        abort(404)
    return questionnaire


def _page(form: TargetsForm, problems: list[str], status: int = 200):
    questionnaire = _questionnaire()
    schemes = [(s, weights.stale(s, questionnaire)) for s in stored.schemes(questionnaire)]
    return render_template(
        "weighting/index.html",
        form=form,
        problems=problems,
        schemes=schemes,
        variables=sorted(weights.variables(questionnaire)),
        filters=ResultFilter(),
    ), status


@bp.get("/")
@role_required(ANALYST, FACILITATOR, ADMIN)
def index():
    return _page(TargetsForm(), [])


@bp.post("/targets")
@role_required(ADMIN)
def load():
    """Check a targets file whole and store it, then compute the weights as a job."""
    questionnaire = _questionnaire()
    form = TargetsForm()
    if not form.validate_on_submit():
        return _page(form, [], 400)
    upload = form.targets.data
    name = upload_name(upload.filename, "targets.csv")
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return _page(form, [f"{name} is not UTF-8 text: save it as ‘CSV UTF-8’."], 400)
    cap = float(form.cap.data) if form.cap.data is not None else None
    try:
        target_set = weights.load_targets(
            questionnaire,
            target_files.read(text),
            form.scheme.data,
            form.describes.data,
            name,
            current_user,
            cap,
        )
    except target_files.TargetsError as refused:
        db.session.rollback()
        return _page(form, [f"{name}: nothing was loaded."] + refused.problems, 400)
    job = weight_jobs.request_compute(target_set.scheme, current_user)
    audit.record(
        audit.RESULTS,
        "weights.targets",
        current_user,
        detail=f"{target_set.scheme.name}: {name}, describing {target_set.describes}",
    )
    db.session.commit()
    weight_jobs.weights_job(job.id)
    flash(
        f"Loaded the targets of ‘{target_set.scheme.name}’ from {name}. The weights are "
        f"being computed (job {job.id}).",
        "success",
    )
    return redirect(url_for(".index"))


@bp.post("/<name>/compute")
@role_required(ADMIN)
def compute(name: str):
    scheme = stored.scheme_named(_questionnaire(), name)
    if scheme is None:
        abort(404)
    if weight_jobs.pending(scheme):
        flash(f"The weights of ‘{name}’ are already being computed.")
        return redirect(url_for(".index"))
    job = weight_jobs.request_compute(scheme, current_user)
    db.session.commit()
    weight_jobs.weights_job(job.id)
    flash(f"The weights of ‘{name}’ are being computed (job {job.id}).", "success")
    return redirect(url_for(".index"))
