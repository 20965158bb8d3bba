"""Facilitators answer back: a reply to a comment, and an official answer to a question."""

from flask import flash, redirect, url_for
from flask_login import current_user

from engage.accounts.permissions import role_required
from engage.extensions import db
from engage.panels.errors import PanelError
from engage.panels.models import OptionComment
from engage.panels.process import answers, deliberation
from engage.panels.staff.base import STAFF, bp, comment_or_404, page, vote_or_404
from engage.panels.staff.discussion_forms import AnswerForm, StaffReplyForm


def _to_thread(comment: OptionComment):
    top = comment.parent_id or comment.id
    return redirect(url_for(".options", vote_id=comment.option.vote_id, _anchor=f"comment-{top}"))


@bp.route("/votes/<int:vote_id>/comments/<int:comment_id>/reply", methods=["GET", "POST"])
@role_required(*STAFF)
def reply_comment(vote_id: int, comment_id: int):
    """Reply to a member's comment; members see it under the comment, from 'Facilitator'."""
    vote = vote_or_404(vote_id)
    comment = comment_or_404(vote, comment_id)
    thread = deliberation.shown_comment(comment.parent or comment)
    form = StaffReplyForm()
    problems = []
    if form.validate_on_submit():
        try:
            deliberation.add_reply(comment, form.text.data or "", user=current_user)
        except PanelError as error:
            db.session.rollback()
            problems.append(str(error))
        else:
            db.session.commit()
            flash(f"Your reply to {thread.author} has been added.", "success")
            return _to_thread(comment)
    return page(
        "panels/manage/reply.html", form, problems, vote=vote, option=comment.option, thread=thread
    )


@bp.route("/votes/<int:vote_id>/comments/<int:comment_id>/answer", methods=["GET", "POST"])
@role_required(*STAFF)
def answer_question(vote_id: int, comment_id: int):
    """Give, or reword, the official answer to a member's question."""
    vote = vote_or_404(vote_id)
    comment = comment_or_404(vote, comment_id)
    existing = comment.answer
    form = AnswerForm(data={"text": existing.text if existing else ""})
    problems = []
    if form.validate_on_submit():
        try:
            answers.answer_question(comment, form.text.data or "", current_user)
        except PanelError as error:
            db.session.rollback()
            problems.append(str(error))
        else:
            db.session.commit()
            verb = "changed" if existing else "saved"
            flash(f"The official answer to {comment.author}’s question is {verb}.", "success")
            return _to_thread(comment)
    return page(
        "panels/manage/answer.html",
        form,
        problems,
        vote=vote,
        option=comment.option,
        question=deliberation.shown_comment(comment),
        answerable=answers.answerable(comment),
        editing=existing is not None,
    )
