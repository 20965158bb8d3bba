"""The ballot box: lock it with a passphrase to start voting; open it with the passphrase
to count. The passphrase is read from the form and handed to the services; it is never
kept, logged or shown again."""

import logging

from flask import flash, redirect, url_for
from flask_login import current_user

from engage.accounts.permissions import role_required
from engage.counting.errors import CountingError
from engage.extensions import db
from engage.panels.ballot_box import opening
from engage.panels.ballot_box.scrub import ScrubError
from engage.panels.errors import PanelError
from engage.panels.models import CLOSED, DELIBERATION
from engage.panels.outcome import tally
from engage.panels.process import phases
from engage.panels.staff.ballot_box_forms import CountForm, LockForm, OpenForm
from engage.panels.staff.base import STAFF, bp, page, vote_or_404

log = logging.getLogger(__name__)


@bp.route("/votes/<int:vote_id>/start-voting", methods=["GET", "POST"])
@role_required(*STAFF)
def start_voting(vote_id: int):
    """Choose the ballot box's passphrase and start voting."""
    vote = vote_or_404(vote_id)
    if vote.phase != DELIBERATION:
        flash("Voting can start only while the vote is in deliberation.", "problem")
        return redirect(url_for(".vote", vote_id=vote.id))
    form = LockForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            phases.start_voting(vote, current_user, form.passphrase.data or "")
        except PanelError as error:
            db.session.rollback()
            problems.append(str(error))
        else:
            db.session.commit()
            flash(
                "Voting has started. Keep the passphrase safe: you need it to count the votes.",
                "success",
            )
            return redirect(url_for(".vote", vote_id=vote.id))
    return page("panels/manage/start_voting.html", form, problems, vote=vote)


@bp.route("/votes/<int:vote_id>/count", methods=["GET", "POST"])
@role_required(*STAFF)
def count(vote_id: int):
    """Open the ballot box with the passphrase (if anything is sealed) and count."""
    vote = vote_or_404(vote_id)
    if vote.phase != CLOSED:
        flash(
            "The votes can be counted once voting has closed, until they are published.", "problem"
        )
        return redirect(url_for(".vote", vote_id=vote.id))
    sealed = opening.needs_passphrase(vote)
    form = OpenForm() if sealed else CountForm()
    problems: list[str] = []
    if form.validate_on_submit():
        passphrase = form.passphrase.data if isinstance(form, OpenForm) else None
        try:
            tally.run_count(vote, current_user, passphrase)
        except (PanelError, CountingError) as error:
            db.session.rollback()
            problems.append(str(error))
        else:
            db.session.commit()
            _scrub()
            flash(
                "The votes have been counted. Check the results before publishing them.", "success"
            )
            return redirect(url_for(".vote", vote_id=vote.id))
    return page("panels/manage/count.html", form, problems, vote=vote, sealed=sealed)


def _scrub() -> None:
    try:
        opening.scrub_opened()
    except ScrubError as error:
        log.warning("ballot storage not yet rewritten: %s", error)
        flash(str(error), "problem")
