"""The audit trail for admins: who downloaded or pulled what, with which filters, and when."""

from flask import Blueprint, Response, render_template, request, stream_with_context, url_for
from flask_login import current_user

from engage.accounts.models import ADMIN
from engage.accounts.permissions import role_required
from engage.audit import queries
from engage.audit.services import DOWNLOAD, record
from engage.extensions import db
from engage.streaming import started

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

PER_PAGE = 50


def _filters() -> tuple[str | None, int | None]:
    """The kind and user asked for; unknown values are ignored rather than refused."""
    kind = request.args.get("kind") or None
    user = request.args.get("user", "")
    return (kind if kind in queries.KINDS else None), (int(user) if user.isdigit() else None)


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
    """Entries newest first, 50 to a page, filtered by kind and user."""
    kind, user_id = _filters()
    page = db.paginate(
        queries.entries(kind, user_id), per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False
    )
    query = {k: v for k, v in (("kind", kind), ("user", user_id)) if v}
    return render_template(
        "audit/index.html",
        page=page,
        kind=kind,
        user_id=user_id,
        kinds=queries.KINDS,
        users=queries.users_in_trail(),
        query=query,
        pagination_items=_pagination_items(page, query),
        export_url=url_for(".export", **query),
        aware=queries.aware,
    )


@bp.route("/export.csv")
@role_required(ADMIN)
def export():
    """The filtered trail as CSV, streamed; the export is itself recorded first."""
    kind, user_id = _filters()
    filters = {k: v for k, v in (("kind", kind), ("user", user_id)) if v}
    entry = record(DOWNLOAD, "audit.csv", current_user, filters=filters)
    last_id = entry.id
    entry.rows = queries.count(kind, user_id, last_id)
    db.session.commit()
    # Entries added while the file streams are left out, so it matches its recorded count.
    lines = started(queries.csv_lines(kind, user_id, last_id))
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="engage-audit-trail.csv"',
            "Cache-Control": "no-store",
        },
    )
