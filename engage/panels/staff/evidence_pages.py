"""Options from survey evidence: show a closed question's answers, then add the ones ticked.

Showing the candidates is a GET (nothing changes, and the address can be shared); adding
is a POST of the same question and filters with the answers chosen. Both show only
suppressed figures.
"""

from flask import flash, redirect, request, url_for
from flask_login import current_user

from engage.accounts.permissions import role_required
from engage.extensions import db
from engage.panels.errors import PanelError
from engage.panels.process import evidence
from engage.panels.staff.base import STAFF, bp, page, partnership_or_404, vote_or_404
from engage.panels.staff.option_forms import EvidenceForm
from engage.partnership.services import areas
from engage.results.filters import ResultFilter


def _filters(form: EvidenceForm) -> ResultFilter:
    return ResultFilter(
        since=form.since.data,
        until=form.until.data,
        wards=(form.ward.data,) if form.ward.data else (),
    )


@bp.route("/votes/<int:vote_id>/evidence", methods=["GET", "POST"])
@role_required(*STAFF)
def evidence_options(vote_id: int):
    """Choose a question and filters, see its answers, then tick the ones to add as options."""
    vote = vote_or_404(vote_id)
    partnership = partnership_or_404()
    try:
        questions = evidence.evidence_questions(partnership)
    except PanelError as error:
        return page("panels/manage/evidence.html", problems=[str(error)], vote=vote, shown=None)
    posted = request.method == "POST"
    form = EvidenceForm() if posted else EvidenceForm(request.args, meta={"csrf": False})
    form.offer([(i.code, i.text()) for i in questions], areas(partnership))
    shown, chosen, answer_error = None, request.form.getlist("answers"), None
    asked = posted or "question" in request.args
    if asked and form.validate():
        if posted:
            try:
                added = evidence.options_from_answers(
                    vote, form.question.data, _filters(form), chosen, current_user
                )
            except PanelError as error:
                db.session.rollback()
                answer_error = str(error)
            else:
                db.session.commit()
                flash(_added_message(len(added)), "success")
                return redirect(url_for(".options", vote_id=vote.id))
        shown = evidence.candidates(vote, form.question.data, _filters(form))
    problems = [answer_error] if answer_error else []
    return page(
        "panels/manage/evidence.html",
        form,
        problems,
        vote=vote,
        shown=shown,
        chosen=chosen,
        answer_error=answer_error,
    )


def _added_message(count: int) -> str:
    if count == 0:
        return "No options were added: those answers are already options of this vote."
    return f"{count} option{'' if count == 1 else 's'} added from the survey."
