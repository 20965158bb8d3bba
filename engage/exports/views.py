"""Row-level downloads for analysts and admins, honouring the results filters.

Each download is recorded in the audit trail before its first byte is sent.
CSV, JSON Lines and the codebook stream as they are read; the XLSX, SPSS and
data-package files are written to a temporary file first, then streamed.
"""

import os
import tempfile
from collections.abc import Iterator

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_login import current_user

from engage.accounts.models import ADMIN, ANALYST
from engage.accounts.permissions import role_required
from engage.events.models import Event
from engage.exports import services
from engage.exports.rows import CHANNEL_LABELS
from engage.extensions import db
from engage.partnership.services import areas, current_partnership
from engage.questionnaire.models import Questionnaire
from engage.questionnaire.services import questionnaire_for
from engage.results.filters import parse_filters
from engage.survey.models import CHANNELS

bp = Blueprint("exports", __name__, url_prefix="/exports")
CHUNK = 64 * 1024


def _questionnaire() -> Questionnaire | None:
    partnership = current_partnership()
    return questionnaire_for(partnership) if partnership else None


def _prepare(questionnaire: Questionnaire):
    filters, errors = parse_filters(request.args)
    download = services.prepare(
        questionnaire, filters, current_user.free_text_access, current_user.agency_id
    )
    return download, errors


@bp.route("/")
@role_required(ADMIN, ANALYST)
def index():
    """The filters, how many responses match, and a link per format."""
    questionnaire = _questionnaire()
    if questionnaire is None:
        return render_template("exports/index.html", download=None, errors={})
    download, errors = _prepare(questionnaire)
    html = render_template(
        "exports/index.html",
        download=download,
        errors=errors,
        formats=services.FORMATS.values(),
        choices=_choices(questionnaire),
        args=download.filters.query_args(),
    )
    return html, (400 if errors else 200)


def _choices(questionnaire: Questionnaire) -> dict[str, list[tuple]]:
    """(value, label) pairs for each filter's checkboxes."""
    partnership = questionnaire.partnership
    events = db.session.scalars(
        sa.select(Event).where(Event.partnership_id == partnership.id).order_by(Event.starts_on)
    )
    return {
        "wards": [(a.code, a.name) for a in areas(partnership)],
        "events": [(e.id, e.name) for e in events],
        "channels": [(c, CHANNEL_LABELS.get(c, c)) for c in CHANNELS],
        "versions": [
            (v.number, f"Version {v.number}") for v in questionnaire.versions if not v.is_draft
        ],
    }


def _file_chunks(download: services.Download, fmt: services.Format) -> Iterator[bytes]:
    """Write the file to a temporary path, stream it, and remove it, even if cut short."""
    handle, path = tempfile.mkstemp(
        prefix="engage-export-", suffix=os.path.splitext(fmt.filename)[1]
    )
    os.close(handle)
    try:
        services.write_file(download, fmt, path)
        with open(path, "rb") as data:
            while chunk := data.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)


def _text_chunks(download, fmt, labelled: bool) -> Iterator[bytes]:
    for chunk in services.text_chunks(download, fmt, labelled):
        yield chunk.encode("utf-8")


@bp.route("/<filename>")
@role_required(ADMIN, ANALYST)
def download(filename: str):
    fmt = services.BY_FILENAME.get(filename)
    questionnaire = _questionnaire()
    if fmt is None or questionnaire is None:
        abort(404)
    download, errors = _prepare(questionnaire)
    if errors:
        abort(400, description=" ".join(errors.values()))
    labelled = fmt.key == "csv" and request.args.get("labels") in ("1", "true", "yes", "on")
    services.record_download(download, fmt, current_user, labelled)
    db.session.commit()
    body = _text_chunks(download, fmt, labelled) if fmt.text else _file_chunks(download, fmt)
    response = Response(stream_with_context(body), content_type=fmt.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{fmt.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
