"""Members' pages: enter a voter code, propose, discuss and rank the options.

The code from the card is the member's only credential. It is typed (or brought
by the card's QR code) once; the session keeps only a random handle for it, and it is never
left in an address. Pages are in the member's language (?lang=, kept in links
and form actions) and are not cached, as members often use shared devices.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engage.extensions import db
from engage.i18n import DEFAULT_LANGUAGE, requested_language, use_language
from engage.panels.ballot_box import ballots
from engage.panels.errors import BallotError, CodeError, PanelError
from engage.panels.members import ballot_form
from engage.panels.members.forms import (
    CodeForm,
    CommentForm,
    ProposeForm,
    ReplyForm,
    comment_form,
    reply_form,
)
from engage.panels.members.pages import closing_time, find_member, option_views, voting_refusal
from engage.panels.members.session import current_member, forget_member, remember_member
from engage.panels.models import VOTING, OptionComment, PriorityVote, VoteOption, VoterCode
from engage.panels.process import proposals, votes
from engage.panels.process.deliberation import add_comment, add_reply
from engage.panels.rules import check_window
from engage.partnership.services import current_partnership

bp = Blueprint("vote", __name__, url_prefix="/vote")


@bp.before_request
def choose_language() -> None:
    use_language(requested_language())


@bp.after_request
def no_store(response):
    # A member's pages show their pseudonym and choices: keep them out of shared caches.
    response.headers["Cache-Control"] = "no-store"
    return response


def _lang() -> dict[str, Any]:
    """The language of this request as url_for arguments (none for English)."""
    return {} if g.lang == DEFAULT_LANGUAGE else {"lang": g.lang}


def _signed_in(vote_id: int) -> tuple[PriorityVote, VoterCode | None]:
    partnership = current_partnership()
    vote = votes.get_vote(partnership, vote_id) if partnership else None
    if vote is None:
        abort(404)
    return vote, current_member(vote)


def _to_enter():
    return redirect(url_for(".enter", **_lang()))


def _to_home(vote: PriorityVote, anchor: str = ""):
    return redirect(url_for(".home", vote_id=vote.id, **_lang()) + anchor, code=303)


def _option(vote: PriorityVote, vote_option_id: int) -> VoteOption:
    option = next((o for o in vote.active_options if o.id == vote_option_id), None)
    if option is None:
        abort(404)
    return option


@bp.route("/enter", methods=["GET", "POST"])
def enter():
    """Type the code from the card, or arrive with it from the card's QR code.

    The QR code carries the code after ``#``, which browsers never send: enter.js puts
    it in the form. An address with ``?code=`` (an older card) is sent back here with
    the code moved after ``#``, so it is in no later request's address or referrer."""
    form = CodeForm()
    if request.method == "GET":
        if "code" in request.args:
            return _code_to_fragment(request.args.get("code", ""))
        return _enter_page(form)
    if not form.validate_on_submit():
        return _enter_page(form)
    code = form.code.data
    partnership = current_partnership()
    member = find_member(partnership, code) if partnership else None
    if member is None or member.voided:
        form.code.errors = [
            _("That code is not recognised. Check it against your card and try again.")
            if member is None
            else _("That code has been cancelled. Ask the facilitator for a new card.")
        ]
        return _enter_page(form)
    remember_member(member)
    # Redirect, so the code does not stay in the address bar or the history.
    return redirect(url_for(".home", vote_id=member.vote_id, **_lang()), code=303)


def _code_to_fragment(code: str):
    fragment = "#" + urlencode({"code": code.strip()[:64]}) if code.strip() else ""
    response = redirect(url_for(".enter", **_lang()) + fragment, code=303)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _enter_page(form: CodeForm):
    html = render_template("panels/member/enter.html", form=form, error_count=len(form.errors))
    return html, 400 if form.errors else 200


@bp.route("/<int:vote_id>")
def home(vote_id: int):
    """The vote, the member's pseudonym, and what they can do in this phase."""
    vote, member = _signed_in(vote_id)
    if member is None:
        return _to_enter()
    return _home_page(vote, member)


def _home_page(
    vote: PriorityVote,
    member: VoterCode,
    propose_form: ProposeForm | None = None,
    failed_comment: tuple[int, CommentForm] | None = None,
    error: tuple[str, str] | None = None,
    status: int = 200,
    failed_reply: tuple[int, ReplyForm] | None = None,
):
    """The home page; a refused form is passed in to show its errors and what was typed."""
    propose_form = propose_form or ProposeForm(formdata=None)
    options = option_views(vote, member)
    comment_forms = {view.option.id: comment_form(view.option.id) for view in options}
    reply_forms = {
        thread.id: reply_form(thread.id)
        for view in options
        for thread in view.threads
        if not thread.hidden
    }
    errors = list(propose_form.errors.values())
    for failed, forms in ((failed_comment, comment_forms), (failed_reply, reply_forms)):
        if failed is not None:
            forms[failed[0]] = failed[1]
            errors.append(failed[1].errors)
    window = None
    if vote.phase == VOTING and not member.used:
        try:
            check_window(vote)
        except PanelError as refusal:
            window = str(refusal)
    html = render_template(
        "panels/member/home.html",
        vote=vote,
        member=member,
        options=options,
        propose_form=propose_form,
        comment_forms=comment_forms,
        failed_comment=failed_comment,
        reply_forms=reply_forms,
        failed_reply=failed_reply,
        error=error,
        window=window,
        closes=closing_time(vote),
        error_count=len(errors) + (1 if error else 0),
    )
    return html, status


@bp.post("/<int:vote_id>/propose")
def propose(vote_id: int):
    vote, member = _signed_in(vote_id)
    if member is None:
        return _to_enter()
    form = ProposeForm()
    if form.validate_on_submit():
        try:
            option = proposals.propose_option(
                vote, member, form.title.data or "", form.description.data or ""
            )
        except PanelError as refusal:
            db.session.rollback()
            about_description = str(refusal).startswith("A description")
            (form.description if about_description else form.title).errors = [str(refusal)]
        else:
            db.session.commit()
            flash(_("Your proposal ‘%(title)s’ has been added.", title=option.title), "success")
            return _to_home(vote, f"#option-{option.id}")
    return _home_page(vote, member, propose_form=form, status=400)


@bp.post("/<int:vote_id>/options/<int:vote_option_id>/support")
def support(vote_id: int, vote_option_id: int):
    vote, member = _signed_in(vote_id)
    if member is None:
        return _to_enter()
    option = _option(vote, vote_option_id)
    try:
        added = proposals.support_option(option, member)
    except PanelError as refusal:
        db.session.rollback()
        return _home_page(vote, member, error=(str(refusal), f"#option-{option.id}"), status=400)
    db.session.commit()
    if added:
        flash(_("You now support ‘%(title)s’.", title=option.title), "success")
    else:
        flash(_("You already support ‘%(title)s’.", title=option.title), "success")
    return _to_home(vote, f"#option-{option.id}")


@bp.post("/<int:vote_id>/options/<int:vote_option_id>/comments")
def comment(vote_id: int, vote_option_id: int):
    vote, member = _signed_in(vote_id)
    if member is None:
        return _to_enter()
    option = _option(vote, vote_option_id)
    form = comment_form(option.id, submitted=True)
    if _written(
        form,
        lambda: add_comment(option, form.stance.data or "", form.text.data or "", member=member),
    ):
        flash(_("Your comment on ‘%(title)s’ has been added.", title=option.title), "success")
        return _to_home(vote, f"#option-{option.id}")
    return _home_page(vote, member, failed_comment=(option.id, form), status=400)


def _written(form: CommentForm | ReplyForm, write: Callable[[], object]) -> bool:
    """Check the form and call the service; True once committed, else the refusal is
    put on the form's text field and nothing is stored."""
    if not form.validate_on_submit():
        return False
    try:
        write()
    except PanelError as refusal:
        db.session.rollback()
        form.text.errors = [str(refusal)]
        return False
    db.session.commit()
    return True


@bp.post("/<int:vote_id>/comments/<int:comment_id>/replies")
def reply(vote_id: int, comment_id: int):
    """Reply to a comment; a reply to a reply joins the thread of the comment above it."""
    vote, member = _signed_in(vote_id)
    if member is None:
        return _to_enter()
    comment = db.session.get(OptionComment, comment_id)
    if comment is None:
        abort(404)
    option = _option(vote, comment.option_id)
    form = reply_form(comment.id, submitted=True)
    if _written(form, lambda: add_reply(comment, form.text.data or "", member=member)):
        flash(_("Your reply on ‘%(title)s’ has been added.", title=option.title), "success")
        return _to_home(vote, f"#comment-{comment.parent_id or comment.id}")
    if comment.parent_id is None and not comment.hidden:
        return _home_page(vote, member, failed_reply=(comment.id, form), status=400)
    # No reply box is shown under a reply or a hidden comment: point at the thread instead.
    problem = (form.text.errors[0], f"#comment-{comment.parent_id or comment.id}")
    return _home_page(vote, member, error=problem, status=400)


@bp.post("/<int:vote_id>/sign-out")
def sign_out(vote_id: int):
    """Forget the code on this browser (a shared computer, say); the card still works."""
    vote, _member = _signed_in(vote_id)
    forget_member(vote)
    flash(_("You have left this vote on this device. Enter your code again to come back."))
    return redirect(url_for(".enter", **_lang()), code=303)


def _refused_page(vote: PriorityVote, refusal: tuple[str, str], status: int):
    heading, message = refusal
    html = render_template(
        "panels/member/refused.html", vote=vote, heading=heading, message=message
    )
    return html, status


@bp.route("/<int:vote_id>/ballot", methods=["GET", "POST"])
def ballot(vote_id: int):
    """Rank the options; a POST is checked and shown back for confirmation, not stored."""
    vote, member = _signed_in(vote_id)
    if member is None:
        return _to_enter()
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
    vote, member = _signed_in(vote_id)
    if member is None:
        return _to_enter()
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
