"""Voter codes: make a batch and print its cards at once; cancel lost cards by serial.

The cards page is the response to the POST that made the codes, sent with
``Cache-Control: no-store``: Engage keeps only hashes, so it cannot be shown again.
"""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from engage.accounts.permissions import role_required
from engage.extensions import db
from engage.panels.ballot_box import codes
from engage.panels.errors import PanelError
from engage.panels.models import CLOSED, PUBLISHED
from engage.panels.staff import cards
from engage.panels.staff.base import STAFF, bp, page, vote_or_404
from engage.panels.staff.code_forms import CodesForm, VoidForm

NO_STORE = {"Cache-Control": "no-store"}


@bp.route("/votes/<int:vote_id>/codes", methods=["GET", "POST"])
@role_required(*STAFF)
def voter_codes(vote_id: int):
    """How many codes there are; make more, answered directly with their cards to print."""
    vote = vote_or_404(vote_id)
    form = CodesForm()
    problems = []
    if form.validate_on_submit():
        try:
            issued = codes.generate_codes(vote, form.count.data, current_user)
        except PanelError as error:
            db.session.rollback()
            problems.append(str(error))
        else:
            db.session.commit()
            html = render_template(
                "panels/manage/cards.html",
                vote=vote,
                count=len(issued),
                sheets=cards.sheets(cards.make_cards(issued)),
                entry_url=cards.entry_url(),
                csv_href=cards.csv_href(vote, issued),
                csv_filename=cards.csv_filename(vote, issued),
            )
            return html, 200, NO_STORE
    html, status = page(
        "panels/manage/codes.html",
        form,
        problems,
        vote=vote,
        counts=codes.code_counts(vote),
        closed=vote.phase in (CLOSED, PUBLISHED),
    )
    return html, status, NO_STORE


@bp.route("/votes/<int:vote_id>/codes/cancel", methods=["GET", "POST"])
@role_required(*STAFF)
def void_codes(vote_id: int):
    """Cancel lost cards, or the cards of members who voted on paper."""
    vote = vote_or_404(vote_id)
    form = VoidForm()
    problems = []
    if form.validate_on_submit():
        try:
            cancelled = codes.void_codes(vote, form.numbers, current_user)
        except PanelError as error:
            db.session.rollback()
            problems.append(str(error))
        else:
            db.session.commit()
            flash(
                f"{cancelled} card{'' if cancelled == 1 else 's'} cancelled: "
                f"{'its code' if cancelled == 1 else 'their codes'} can no longer be used.",
                "success",
            )
            return redirect(url_for(".voter_codes", vote_id=vote.id))
    return page("panels/manage/void.html", form, problems, vote=vote)
