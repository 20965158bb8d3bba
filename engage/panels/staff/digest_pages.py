"""The digest of a panel's discussion: a page that prints cleanly, and the same as text.

Both are GETs that change nothing. Marking a digest as sent is a POST, and only moves
the start of the next digest's default period; nothing is ever sent from Engage.
"""

from datetime import date

from flask import Response, flash, redirect, request, url_for
from flask_login import current_user

from engage import localtime
from engage.accounts.permissions import role_required
from engage.extensions import db
from engage.panels.errors import PanelError
from engage.panels.models import Panel
from engage.panels.process import digest
from engage.panels.process.digest_text import digest_text
from engage.panels.staff.base import STAFF, bp, page, panel_or_404
from engage.panels.staff.discussion_forms import DigestForm
from engage.timeutil import utcnow


def _period(panel: Panel) -> tuple[DigestForm, tuple[date, date] | None]:
    """The form as asked (or the default period), and the period if it is a good one."""
    form = DigestForm(request.args, meta={"csrf": False})
    if "since" not in request.args and "until" not in request.args:
        period = digest.default_period(panel)
        for field, day in zip((form.since, form.until), period, strict=True):
            field.data, field.raw_data = day, [str(day.day), str(day.month), str(day.year)]
        return form, period
    if not form.validate():
        return form, None
    today = localtime.local(utcnow()).date()
    return form, (form.since.data or form.until.data or today, form.until.data or today)


@bp.route("/<int:panel_id>/digest")
@role_required(*STAFF)
def digest_page(panel_id: int):
    """The panel's comments, replies and answers over a few days, option by option."""
    panel = panel_or_404(panel_id)
    form, period = _period(panel)
    found = digest.build_digest(panel, *period) if period else None
    query = request.query_string.decode()
    return page(
        "panels/manage/digest.html",
        form,
        panel=panel,
        digest=found,
        text_url=url_for(".digest_download", panel_id=panel.id) + (f"?{query}" if query else ""),
    )


@bp.route("/<int:panel_id>/digest.txt")
@role_required(*STAFF)
def digest_download(panel_id: int):
    """The same digest as plain text, to paste into an email."""
    panel = panel_or_404(panel_id)
    form, period = _period(panel)
    if period is None:
        problems = "; ".join(e for errors in form.errors.values() for e in errors)
        return Response(f"{problems}\n", 400, mimetype="text/plain")
    found = digest.build_digest(panel, *period)
    name = f"digest-{period[0].isoformat()}-to-{period[1].isoformat()}.txt"
    return Response(
        digest_text(found, localtime.when, localtime.day),
        mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/<int:panel_id>/digest/sent")
@role_required(*STAFF)
def digest_sent(panel_id: int):
    """Remember the digest went out up to a day, so the next one starts the day after."""
    panel = panel_or_404(panel_id)
    try:
        through = date.fromisoformat(request.form.get("through", ""))
        digest.mark_sent(panel, through, current_user)
    except ValueError as error:
        db.session.rollback()
        message = str(error) if isinstance(error, PanelError) else "Choose the digest’s days again."
        flash(message, "problem")
    else:
        db.session.commit()
        shown = localtime.day(through)
        flash(f"Marked as sent up to {shown}. The next digest starts the day after.", "success")
    return redirect(url_for(".digest_page", panel_id=panel.id))
