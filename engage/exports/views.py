"""Row-level downloads for analysts and admins, honouring the results filters.

Each download is recorded in the audit trail before its first byte is sent. CSV,
JSON Lines and the codebook stream as they are read, so the first bytes leave at
once whatever the size. The Excel, SPSS and data-package files are prepared as
background jobs (``jobs``): a POST asks for one, its page shows the progress, and
the finished file is downloaded from there or from the list on the downloads page.
"""

from collections.abc import Iterator

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from engage.accounts.models import ADMIN, ANALYST
from engage.accounts.permissions import role_required
from engage.api.downloads import by_token
from engage.exports import jobs, services, values
from engage.exports import rows as row_source
from engage.exports.models import QUEUED, RUNNING
from engage.extensions import db
from engage.i18n import DEFAULT_LANGUAGE, LANGUAGES
from engage.jobs import progress
from engage.partnership.services import current_partnership
from engage.questionnaire.models import Questionnaire
from engage.questionnaire.services import questionnaire_for
from engage.results.reading import checked_filters
from engage.results.services import filter_choices
from engage.streaming import started

bp = Blueprint("exports", __name__, url_prefix="/exports")
CHUNK = 64 * 1024
RETRY_SECONDS = 5


def _questionnaire() -> Questionnaire | None:
    partnership = current_partnership()
    return questionnaire_for(partnership) if partnership else None


def _asked(questionnaire: Questionnaire, args, page: tuple[str, ...]):
    """The filters, option-answer convention and label language asked for in the query
    or the form, with a message for each that is wrong."""
    filters, errors = checked_filters(questionnaire, args, page=(*page, "values", "lang"))
    style, wrong = values.parse(args)
    if wrong:
        errors["values"] = wrong
    lang, wrong_language = services.language(args)
    if wrong_language:
        errors["lang"] = wrong_language
    return filters, errors, style, lang


def _prepare(questionnaire: Questionnaire, fmt: services.Format | None = None):
    """The download as asked for, its errors, and the option-answer convention asked."""
    filters, errors, style, lang = _asked(questionnaire, request.args, ("labels",))
    download = services.prepare(
        questionnaire,
        filters,
        current_user.free_text_access,
        current_user.agency_id,
        services.style_for(fmt, style) if fmt else values.NUMBERS,
        lang,
    )
    return download, errors, style, lang


@bp.route("/")
@role_required(ADMIN, ANALYST)
def index():
    """The filters, how many responses match, and a link per format."""
    questionnaire = _questionnaire()
    if questionnaire is None:
        return render_template("exports/index.html", download=None, errors={})
    download, errors, style, lang = _prepare(questionnaire)
    chosen = ({"values": style} if style != values.DEFAULT else {}) | (
        {"lang": lang} if lang != DEFAULT_LANGUAGE else {}
    )
    html = render_template(
        "exports/index.html",
        download=download,
        errors=errors,
        formats=services.FORMATS.values(),
        choices=filter_choices(questionnaire.partnership, questionnaire),
        args=download.filters.query_args() | chosen,
        style=style,
        lang=lang,
        languages=LANGUAGES,
        styles=values.DESCRIPTIONS,
        chooses_values=services.CHOOSES_VALUES,
        jobs=jobs.recent(current_user),
        job_stalled=progress.stalled,
    )
    db.session.commit()  # expired files deleted while listing
    return html, (400 if errors else 200)


def _text_chunks(download, fmt, style: str) -> Iterator[bytes]:
    # The rows' query runs here, in the view: a failure gets an error page, not a cut file.
    rows = started(row_source.iter_rows(download.plan))
    for chunk in services.text_chunks(download, fmt, style, rows):
        yield chunk.encode("utf-8")


@bp.route("/<filename>")
@role_required(ADMIN, ANALYST)
def download(filename: str):
    fmt = services.BY_FILENAME.get(filename)
    questionnaire = _questionnaire()
    if fmt is None or questionnaire is None:
        abort(404)
    download, errors, style, lang = _prepare(questionnaire, fmt)
    if errors:
        abort(400, description=" ".join(errors.values()))
    if not fmt.text and by_token():
        return _prepared_for_token(questionnaire, download, fmt, style, lang)
    if not fmt.text:
        flash(f"{fmt.description} files are prepared in the background: use its button below.")
        return redirect(url_for(".index", **download.filters.query_args()), code=303)
    services.record_download(download, fmt, current_user, style)
    db.session.commit()
    body = started(_text_chunks(download, fmt, style))
    response = Response(stream_with_context(body), content_type=fmt.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{fmt.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def _prepared_for_token(questionnaire: Questionnaire, download, fmt, style: str, lang: str):
    """An Excel, SPSS or Stata file for a token: prepared as a job, sent if it is done
    within ENGAGE_API_DOWNLOAD_WAIT seconds, otherwise a 202 that says where to fetch it."""
    job = jobs.request_export(questionnaire, download.filters, fmt, current_user, style, lang)
    db.session.commit()
    jobs.start(job)
    jobs.wait(job, float(current_app.config.get("ENGAGE_API_DOWNLOAD_WAIT", 30)))
    return _job_file_response(job)


def _not_ready(job) -> Response:
    where = url_for(".job_file", job_id=job.id, _external=True)
    response = Response(
        f"The file is being prepared. Fetch {where} again in a few seconds.\n",
        status=202,
        mimetype="text/plain",
    )
    response.headers["Location"] = where
    response.headers["Retry-After"] = str(RETRY_SECONDS)
    return response


def _job_file_response(job) -> Response:
    """The finished file (each download audited); 202 while it is being written."""
    path = jobs.file_of(job)
    if path is None:
        if job.status in (QUEUED, RUNNING):
            return _not_ready(job)
        abort(404)
    fmt = services.FORMATS[job.format]
    jobs.record_download(job, current_user)
    db.session.commit()
    response = send_file(
        path, mimetype=fmt.mimetype, as_attachment=True, download_name=fmt.filename
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/jobs", methods=["POST"])
@role_required(ADMIN, ANALYST)
def request_job():
    """Ask for a file to be prepared in the background; then watch it on its own page."""
    fmt = services.FORMATS.get(request.form.get("format", ""))
    questionnaire = _questionnaire()
    if fmt is None or fmt.text or questionnaire is None:
        abort(404)
    filters, errors, style, lang = _asked(questionnaire, request.form, ("format",))
    if errors:
        flash("Fix the filters first: " + " ".join(errors.values()))
        return redirect(url_for(".index"), code=303)
    job = jobs.request_export(questionnaire, filters, fmt, current_user, style, lang)
    db.session.commit()
    jobs.start(job)
    return redirect(url_for(".job", job_id=job.id), code=303)


def _own_job(job_id: int):
    job = jobs.job_for(current_user, job_id)
    if job is None:
        abort(404)
    return job


@bp.route("/jobs/<int:job_id>")
@role_required(ADMIN, ANALYST)
def job(job_id: int):
    """A job's progress: rows done and time left; the file once it is ready."""
    job = _own_job(job_id)
    return render_template(
        "exports/job.html",
        job=job,
        fmt=services.FORMATS[job.format],
        time_left=jobs.time_left(job),
        working=job.status in (QUEUED, RUNNING),
        ready=jobs.file_of(job) is not None,
        stalled=progress.stalled(job),
        stall_minutes=progress.STALL_MINUTES,
    )


@bp.route("/jobs/<int:job_id>/file")
@role_required(ADMIN, ANALYST)
def job_file(job_id: int):
    """The finished file (each download is recorded in the audit trail); while it is
    still being written, a 202 with Retry-After, which scripts fetching it wait on."""
    return _job_file_response(_own_job(job_id))
