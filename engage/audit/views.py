"""The audit trail for admins: who did, downloaded or pulled what, when, and in words."""

from flask import Blueprint, Response, render_template, request, stream_with_context, url_for
from flask_login import current_user

from engage.accounts.models import ADMIN, ROLE_LABELS
from engage.accounts.permissions import role_required
from engage.audit import queries
from engage.audit.services import DOWNLOAD, record
from engage.audit.wording import KINDS
from engage.extensions import db
from engage.streaming import started

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

PER_PAGE = 50


def _pagination_items(page, query: dict) -> list[dict]:
    """Page links for the GOV.UK pagination component, with gaps as ellipses."""
    return [
        {"number": n, "href": url_for(".index", page=n, **query), "current": n == page.page}
        if n
        else {"ellipsis": True}
        for n in page.iter_pages(left_edge=1, left_current=2, right_current=2, right_edge=1)
    ]


@bp.route("/")
@role_required(ADMIN)
def index():
    """Entries newest first, 50 to a page, filtered by kind, user, agency and dates."""
    trail, errors = queries.parse_filter(request.args)
    page = db.paginate(
        queries.entries(trail), per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False
    )
    query = trail.query_args()
    html = render_template(
        "audit/index.html",
        page=page,
        trail=trail,
        asked=request.args,
        errors=errors,
        error_count=len(errors),
        kinds=KINDS,
        role_labels=ROLE_LABELS,
        users=queries.users_in_trail(),
        agencies=queries.agencies_in_trail(),
        query=query,
        pagination_items=_pagination_items(page, query),
        export_url=url_for(".export", **query),
        aware=queries.aware,
    )
    return html, 400 if errors else 200


@bp.route("/export.csv")
@role_required(ADMIN)
def export():
    """The filtered trail as CSV, streamed; the export is itself recorded first."""
    trail, _errors = queries.parse_filter(request.args)
    entry = record(DOWNLOAD, "audit.csv", current_user, filters=trail.query_args())
    last_id = entry.id
    entry.rows = queries.count(trail, last_id)
    db.session.commit()
    # Entries added while the file streams are left out, so it matches its recorded count.
    lines = started(queries.csv_lines(trail, last_id))
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="engage-audit-trail.csv"',
            "Cache-Control": "no-store",
        },
    )
