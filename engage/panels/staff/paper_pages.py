"""Paper ballots: import a CSV file of them, or enter one at a time, each with a receipt.

Paper ballots are taken while voting is open and after it closes (before
publishing). Receipts are shown once, on the page that stored them, so the
facilitator can write each one on its paper.
"""

import csv
import io

from flask import flash, redirect, request, url_for
from flask_login import current_user

from engage.accounts.permissions import role_required
from engage.counting.errors import CountingError
from engage.counting.rules import BallotRules
from engage.exports.cells import neutralise
from engage.extensions import db
from engage.panels.ballot_box import ballots, paper
from engage.panels.errors import PanelError, PaperImportError
from engage.panels.models import CLOSED, VOTING
from engage.panels.rules import STATES
from engage.panels.staff.base import STAFF, bp, page, vote_or_404
from engage.panels.staff.code_forms import PaperImportForm, paper_ballot_form


@bp.route("/votes/<int:vote_id>/paper", methods=["GET", "POST"])
@role_required(*STAFF)
def paper_import(vote_id: int):
    """Import a file of paper ballots, all or nothing; list a receipt for each line."""
    vote = vote_or_404(vote_id)
    form = PaperImportForm()
    problems: list[str] = []
    receipts: list[paper.PaperReceipt] = []
    if form.validate_on_submit():
        try:
            receipts = paper.import_paper_ballots(vote, form.ballots_file.data.read(), current_user)
        except PanelError as error:
            db.session.rollback()
            # The summary links each line's problem to the file field, which says why.
            form.ballots_file.errors.append(str(error))
            if isinstance(error, PaperImportError):
                problems = [str(problem) for problem in error.problems]
        else:
            db.session.commit()
    return page(
        "panels/manage/paper.html",
        form,
        problems,
        vote=vote,
        receipts=receipts,
        accepting=vote.phase in (VOTING, CLOSED),
        state=STATES[vote.phase],
        rules=paper.rules_of(vote),
    )


@bp.post("/votes/<int:vote_id>/paper/rules")
@role_required(*STAFF)
def paper_rules(vote_id: int):
    """Choose how imported paper ballots with blank ranks, overvotes or repeats are read."""
    vote = vote_or_404(vote_id)
    form = request.form
    try:
        if form.get("mode") == "read":
            skipped = form.get("skipped", "any")
            rules: BallotRules | None = BallotRules(
                overvote=form.get("overvote", "exhaust"),
                skipped=None if skipped == "any" else int(skipped),
                repeated=form.get("repeated", "skip"),
            )
        else:
            rules = None
        paper.set_rules(vote, rules, current_user)
    except (PanelError, CountingError, ValueError) as error:
        db.session.rollback()
        flash(f"The rules were not changed: {error}", "error")
        return redirect(url_for(".paper_import", vote_id=vote.id))
    db.session.commit()
    flash("Saved how marked paper ballots are read.", "success")
    return redirect(url_for(".paper_import", vote_id=vote.id))


@bp.route("/votes/<int:vote_id>/paper/template.csv")
@role_required(*STAFF)
def paper_template(vote_id: int):
    """A CSV to fill in: the rank columns, and one example ballot ranking every option."""
    vote = vote_or_404(vote_id)
    titles = [neutralise(o.title) for o in vote.active_options]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f"rank_{n}" for n in range(1, len(titles) + 1)] or ["rank_1"])
    writer.writerow(titles)
    headers = {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="paper-ballots-{vote.id}.csv"',
    }
    return "\ufeff" + out.getvalue(), 200, headers


@bp.route("/votes/<int:vote_id>/paper/enter", methods=["GET", "POST"])
@role_required(*STAFF)
def paper_entry(vote_id: int):
    """Type in one paper ballot; a ballot whose ranks skip a number is shown to confirm first."""
    vote = vote_or_404(vote_id)
    options = vote.active_options
    form = paper_ballot_form(options)
    problems: list[str] = []
    warnings: list[str] = []
    ranking_key = ""
    if form.validate_on_submit():
        ranks = {o.id: form[f"rank_{o.id}"].data for o in options}
        try:
            check = ballots.check_ranks(vote, ranks)
            ranking_key = ",".join(map(str, check.ranking))
            if check.warnings and request.form.get("confirmed") != ranking_key:
                warnings = check.warnings
            else:
                receipt = paper.enter_paper_ballot(vote, check.ranking, current_user)
        except PanelError as error:
            db.session.rollback()
            problems.append(str(error))
        else:
            if not warnings:
                db.session.commit()
                flash(f"Paper ballot entered. Write its receipt on the paper: {receipt}", "success")
                return redirect(url_for(".paper_entry", vote_id=vote.id))
    return page(
        "panels/manage/paper_entry.html",
        form,
        problems,
        vote=vote,
        options=options,
        warnings=warnings,
        ranking_key=ranking_key,
        accepting=vote.phase in (VOTING, CLOSED),
        state=STATES[vote.phase],
    )
