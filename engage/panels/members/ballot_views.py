"""The member's ballot: rank the options, confirm, cast; the receipt is shown once."""

from flask import render_template, request
from flask_babel import gettext as _

from engage.extensions import db
from engage.panels.ballot_box import ballots
from engage.panels.errors import BallotError, CodeError, PanelError
from engage.panels.members import ballot_form
from engage.panels.members.base import bp, signed_in, to_enter
from engage.panels.members.pages import voting_refusal
from engage.panels.models import PriorityVote


def _refused_page(vote: PriorityVote, refusal: tuple[str, str], status: int):
    heading, message = refusal
    html = render_template(
        "panels/member/refused.html", vote=vote, heading=heading, message=message
    )
    return html, status


@bp.route("/<int:vote_id>/ballot", methods=["GET", "POST"])
def ballot(vote_id: int):
    """Rank the options; a POST is checked and shown back for confirmation, not stored."""
    vote, member = signed_in(vote_id)
    if member is None:
        return to_enter()
    refusal = voting_refusal(vote, member)
    if refusal:
        return _refused_page(vote, refusal, 400 if request.method == "POST" else 200)
    ranks = ballot_form.submitted_ranks(vote, request.form)
    if request.method == "GET" or "change" in request.form:
        return _ballot_page(vote, ranks)
    try:
        checked = ballots.check_ranks(vote, ranks)
    except BallotError as refused:
        return _ballot_page(vote, ranks, str(refused))
    ranked, unranked = ballot_form.confirmation(vote, checked.ranking)
    return render_template(
        "panels/member/confirm.html",
        vote=vote,
        ranked=ranked,
        unranked=unranked,
        closed_up=bool(checked.warnings),
    )


def _ballot_page(vote: PriorityVote, ranks: dict[int, str], error: str | None = None):
    problems = ballot_form.problem_options(vote, ranks) if error else []
    html = render_template(
        "panels/member/ballot.html",
        vote=vote,
        selects=ballot_form.select_params(vote, ranks, problems),
        error=error,
        error_href=f"#rank-{problems[0]}" if problems else None,
        places=ballot_form.places_json(vote),
        error_count=1 if error else 0,
    )
    return html, 400 if error else 200


@bp.post("/<int:vote_id>/cast")
def cast(vote_id: int):
    """Cast the confirmed ranking: the code is used and the ballot stored in one commit."""
    vote, member = signed_in(vote_id)
    if member is None:
        return to_enter()
    refusal = voting_refusal(vote, member)
    if refusal:
        return _refused_page(vote, refusal, 400)
    ranks = ballot_form.submitted_ranks(vote, request.form)
    try:
        receipt = ballots.cast_ballot(vote, member, ballots.check_ranks(vote, ranks).ranking)
    except BallotError as refused:
        db.session.rollback()
        return _ballot_page(vote, ranks, str(refused))
    except PanelError as refused:
        db.session.rollback()
        # The services' messages are in English: "This code has already been used to vote."
        used = isinstance(refused, CodeError) and "already" in str(refused)
        heading = _("You have already voted") if used else _("You cannot vote now")
        return _refused_page(vote, (heading, str(refused)), 400)
    db.session.commit()
    # Shown once, in this response only: nothing links the receipt to the code.
    return render_template("panels/member/receipt.html", vote=vote, receipt=receipt)
