"""Members' pages: enter a voter code, propose, discuss and rank the options.

The code from the card is the member's only credential. It is typed (or brought
by the card's QR code) once; the session keeps only a random handle for it, and it is never
left in an address. Pages are in the member's language (?lang=, kept in links
and form actions) and are not cached, as members often use shared devices.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engage.extensions import db
from engage.panels.errors import PanelError
from engage.panels.members import (
    ballot_views,  # noqa: F401  # registers the ballot pages
)
from engage.panels.members.base import (
    active_option,
    bp,
    lang_args,
    signed_in,
    to_enter,
    to_home,
)
from engage.panels.members.forms import (
    CodeForm,
    CommentForm,
    ProposeForm,
    ReplyForm,
    comment_form,
    reply_form,
)
from engage.panels.members.pages import closing_time, find_member, option_views
from engage.panels.members.session import forget_member, remember_member
from engage.panels.models import VOTING, OptionComment, PriorityVote, VoterCode
from engage.panels.process import proposals
from engage.panels.process.deliberation import add_comment, add_reply
from engage.panels.rules import check_window
from engage.partnership.services import current_partnership


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
    return redirect(url_for(".home", vote_id=member.vote_id, **lang_args()), code=303)


def _code_to_fragment(code: str):
    fragment = "#" + urlencode({"code": code.strip()[:64]}) if code.strip() else ""
    response = redirect(url_for(".enter", **lang_args()) + fragment, code=303)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _enter_page(form: CodeForm):
    html = render_template("panels/member/enter.html", form=form, error_count=len(form.errors))
    return html, 400 if form.errors else 200


@bp.route("/<int:vote_id>")
def home(vote_id: int):
    """The vote, the member's pseudonym, and what they can do in this phase."""
    vote, member = signed_in(vote_id)
    if member is None:
        return to_enter()
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
    vote, member = signed_in(vote_id)
    if member is None:
        return to_enter()
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
            return to_home(vote, f"#option-{option.id}")
    return _home_page(vote, member, propose_form=form, status=400)


@bp.post("/<int:vote_id>/options/<int:vote_option_id>/support")
def support(vote_id: int, vote_option_id: int):
    vote, member = signed_in(vote_id)
    if member is None:
        return to_enter()
    option = active_option(vote, vote_option_id)
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
    return to_home(vote, f"#option-{option.id}")


@bp.post("/<int:vote_id>/options/<int:vote_option_id>/comments")
def comment(vote_id: int, vote_option_id: int):
    vote, member = signed_in(vote_id)
    if member is None:
        return to_enter()
    option = active_option(vote, vote_option_id)
    form = comment_form(option.id, submitted=True)
    if _written(
        form,
        lambda: add_comment(option, form.stance.data or "", form.text.data or "", member=member),
    ):
        flash(_("Your comment on ‘%(title)s’ has been added.", title=option.title), "success")
        return to_home(vote, f"#option-{option.id}")
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
    vote, member = signed_in(vote_id)
    if member is None:
        return to_enter()
    comment = db.session.get(OptionComment, comment_id)
    if comment is None:
        abort(404)
    option = active_option(vote, comment.option_id)
    form = reply_form(comment.id, submitted=True)
    if _written(form, lambda: add_reply(comment, form.text.data or "", member=member)):
        flash(_("Your reply on ‘%(title)s’ has been added.", title=option.title), "success")
        return to_home(vote, f"#comment-{comment.parent_id or comment.id}")
    if comment.parent_id is None and not comment.hidden:
        return _home_page(vote, member, failed_reply=(comment.id, form), status=400)
    # No reply box is shown under a reply or a hidden comment: point at the thread instead.
    problem = (form.text.errors[0], f"#comment-{comment.parent_id or comment.id}")
    return _home_page(vote, member, error=problem, status=400)


@bp.post("/<int:vote_id>/sign-out")
def sign_out(vote_id: int):
    """Forget the code on this browser (a shared computer, say); the card still works."""
    vote, _member = signed_in(vote_id)
    forget_member(vote)
    flash(_("You have left this vote on this device. Enter your code again to come back."))
    return redirect(url_for(".enter", **lang_args()), code=303)
