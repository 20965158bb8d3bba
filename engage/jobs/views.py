"""The jobs page for admins: recounts and imports, how far each has got, how it ended."""

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from engage.accounts.models import ADMIN
from engage.accounts.permissions import role_required
from engage.extensions import db
from engage.jobs import progress, services
from engage.jobs.models import Job
from engage.results import jobs as result_jobs

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


@bp.route("/")
@role_required(ADMIN)
def index():
    rows = services.recent()
    return render_template(
        "jobs/index.html",
        jobs=rows,
        seen={job.id: services.seen(job) for job in rows},
        stalled=progress.stalled,
    )


@bp.route("/recount", methods=["POST"])
@role_required(ADMIN)
def recount():
    """Queue a recount of every response's results row against its stored answers."""
    job = result_jobs.request_recount(current_user)
    if job is None:
        abort(404)
    db.session.commit()
    result_jobs.recount_job(job.id)
    return redirect(url_for(".show", job_id=job.id), code=303)


@bp.route("/<int:job_id>")
@role_required(ADMIN)
def show(job_id: int):
    """A job's progress (rows done, time left), then its outcome."""
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    return render_template(
        "jobs/show.html",
        job=job,
        seen=services.seen(job),
        working=services.working(job),
        stalled=progress.stalled(job),
        stall_minutes=progress.STALL_MINUTES,
    )
