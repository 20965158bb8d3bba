"""Facilitators' pages for a vote's options: add, edit, merge, reject; hide comments.

Replies and official answers have their own pages (``discussion_pages``)."""

from flask import flash, redirect, url_for
from flask_login import current_user

from engage.accounts.permissions import role_required
from engage.extensions import db
from engage.panels.errors import PanelError
from engage.panels.models import FROM_EVIDENCE, FROM_FACILITATOR, FROM_MEMBER
from engage.panels.process import answers, deliberation, evidence, proposals
from engage.panels.rules import STATES
from engage.panels.staff.base import STAFF, bp, comment_or_404, option_or_404, page, vote_or_404
from engage.panels.staff.option_forms import MergeForm, OptionForm, RejectOptionForm

ORIGINS = {
    FROM_FACILITATOR: "Added by a facilitator",
    FROM_MEMBER: "Proposed by a member",
    FROM_EVIDENCE: "From the survey",
}


def _back(vote_id: int):
    return redirect(url_for(".options", vote_id=vote_id))


@bp.route("/votes/<int:vote_id>/options")
@role_required(*STAFF)
def options(vote_id: int):
    """Every option, with where it came from, its support, evidence, status and comments."""
    vote = vote_or_404(vote_id)
    rows = [
        {
            "option": option,
            "origin": ORIGINS.get(option.origin, option.origin),
            "evidence": evidence.evidence_text(option),
            "comments": deliberation.shown_comments(option),
        }
        for option in vote.options
    ]
    return page(
        "panels/manage/options.html",
        vote=vote,
        rows=rows,
        editable=vote.phase in proposals.EDITABLE,
        state=STATES[vote.phase],
        discussing=vote.phase in deliberation.DISCUSSING,
        answering=vote.phase in answers.ANSWERING,
        unanswered=answers.unanswered_questions(vote) if vote.phase in answers.ANSWERING else [],
    )


@bp.route("/votes/<int:vote_id>/options/new", methods=["GET", "POST"])
@role_required(*STAFF)
def add_option(vote_id: int):
    vote = vote_or_404(vote_id)
    form = OptionForm()
    problems = []
    if form.validate_on_submit():
        try:
            option = proposals.add_option(
                vote, form.title.data, form.description.data or "", current_user
            )
        except PanelError as error:
            db.session.rollback()
            problems.append(str(error))
        else:
            db.session.commit()
            flash(f"Option ‘{option.title}’ added.", "success")
            return _back(vote.id)
    return page("panels/manage/option_form.html", form, problems, vote=vote, option=None)


@bp.route("/votes/<int:vote_id>/options/<int:vote_option_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_option(vote_id: int, vote_option_id: int):
    vote = vote_or_404(vote_id)
    option = option_or_404(vote, vote_option_id)
    form = OptionForm(data={"title": option.title, "description": option.description})
    problems = []
    if form.validate_on_submit():
        try:
            proposals.edit_option(
                option, form.title.data, form.description.data or "", current_user
            )
        except PanelError as error:
            db.session.rollback()
            problems.append(str(error))
        else:
            db.session.commit()
            flash(f"Option ‘{option.title}’ saved.", "success")
            return _back(vote.id)
    return page("panels/manage/option_form.html", form, problems, vote=vote, option=option)


@bp.route("/votes/<int:vote_id>/options/<int:vote_option_id>/merge", methods=["GET", "POST"])
@role_required(*STAFF)
def merge_option(vote_id: int, vote_option_id: int):
    """Fold an option into another that says the same thing."""
    vote = vote_or_404(vote_id)
    option = option_or_404(vote, vote_option_id)
    form = MergeForm()
    form.offer_targets([o for o in vote.active_options if o.id != option.id])
    problems = []
    if form.validate_on_submit():
        target = option_or_404(vote, form.target.data)
        try:
            proposals.merge_options(option, target, current_user)
        except PanelError as error:
            db.session.rollback()
            problems.append(str(error))
        else:
            db.session.commit()
            flash(f"‘{option.title}’ was merged into ‘{target.title}’.", "success")
            return _back(vote.id)
    return page("panels/manage/merge.html", form, problems, vote=vote, option=option)


@bp.route("/votes/<int:vote_id>/options/<int:vote_option_id>/reject", methods=["GET", "POST"])
@role_required(*STAFF)
def reject_option(vote_id: int, vote_option_id: int):
    vote = vote_or_404(vote_id)
    option = option_or_404(vote, vote_option_id)
    form = RejectOptionForm()
    problems = []
    if form.validate_on_submit():
        try:
            proposals.reject_option(option, form.reason.data, current_user)
        except PanelError as error:
            db.session.rollback()
            problems.append(str(error))
        else:
            db.session.commit()
            flash(f"‘{option.title}’ was rejected and taken off the ballot.", "success")
            return _back(vote.id)
    return page("panels/manage/reject.html", form, problems, vote=vote, option=option)


@bp.route("/votes/<int:vote_id>/comments/<int:comment_id>/hide", methods=["POST"])
@role_required(*STAFF)
def hide_comment(vote_id: int, comment_id: int):
    """Hide a comment: everyone then sees "hidden" in its place."""
    vote = vote_or_404(vote_id)
    comment = comment_or_404(vote, comment_id)
    try:
        deliberation.hide_comment(comment, current_user)
    except PanelError as error:
        db.session.rollback()
        flash(str(error), "problem")
    else:
        db.session.commit()
        flash(f"The comment by {comment.author} is hidden.", "success")
    return _back(vote.id)
