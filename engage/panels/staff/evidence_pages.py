"""Options from survey evidence: preview a closed question's top answers, then add them.

The preview is a GET (nothing changes, and the address can be shared); adding
is a POST of the same choices. Both show only suppressed figures.
"""

from typing import Any

from flask import flash, redirect, request, url_for
from flask_login import current_user

from engage.accounts.permissions import role_required
from engage.extensions import db
from engage.panels.errors import PanelError
from engage.panels.models import PriorityVote
from engage.panels.process import evidence
from engage.panels.rules import title_key
from engage.panels.staff.base import STAFF, bp, page, partnership_or_404, vote_or_404
from engage.panels.staff.option_forms import EvidenceForm
from engage.partnership.models import Partnership
from engage.partnership.services import areas
from engage.questionnaire import services as questionnaire_services
from engage.results import aggregates
from engage.results.catalogue import QuestionInfo
from engage.results.filters import ResultFilter


def _filters(form: EvidenceForm) -> ResultFilter:
    return ResultFilter(
        since=form.since.data,
        until=form.until.data,
        wards=(form.ward.data,) if form.ward.data else (),
    )


def preview(
    vote: PriorityVote, partnership: Partnership, info: QuestionInfo, form: EvidenceForm
) -> dict[str, Any]:
    """The answers ``options_from_evidence`` would add, with their shown figures."""
    questionnaire = questionnaire_services.questionnaire_for(partnership)
    assert questionnaire is not None  # evidence_questions found one
    filters = _filters(form)
    k = aggregates.configured_k()
    result = aggregates.question_results(questionnaire, info.code, filters, k)
    assert result is not None
    taken = {title_key(o.title) for o in vote.active_options}
    # The same ranking the service uses, so the preview is what will be added.
    ranked = evidence._ranked(result, info)[: form.count.data]  # noqa: SLF001
    return {
        "question": info.text(),
        "respondents": result["respondents"],
        "k": k,
        "where": evidence.describe_filter(partnership, filters),
        "rows": [
            {
                "label": answer["label"],
                "count": answer["count"],
                "percent": answer["percent"],
                "taken": title_key(answer["label"]) in taken,
            }
            for answer in ranked
        ],
    }


@bp.route("/votes/<int:vote_id>/evidence", methods=["GET", "POST"])
@role_required(*STAFF)
def evidence_options(vote_id: int):
    """Choose a question and filters, preview the top answers, then add them as options."""
    vote = vote_or_404(vote_id)
    partnership = partnership_or_404()
    try:
        questions = evidence.evidence_questions(partnership)
    except PanelError as error:
        return page("panels/manage/evidence.html", problems=[str(error)], vote=vote, shown=None)
    posted = request.method == "POST"
    form = EvidenceForm() if posted else EvidenceForm(request.args, meta={"csrf": False})
    form.offer([(i.code, i.text()) for i in questions], areas(partnership))
    shown, problems = None, []
    asked = posted or "question" in request.args
    if asked and form.validate():
        info = next(i for i in questions if i.code == form.question.data)
        if posted:
            try:
                added = evidence.options_from_evidence(
                    vote, info.code, _filters(form), form.count.data, current_user
                )
            except PanelError as error:
                db.session.rollback()
                problems.append(str(error))
            else:
                db.session.commit()
                flash(_added_message(len(added)), "success")
                return redirect(url_for(".options", vote_id=vote.id))
        shown = preview(vote, partnership, info, form)
    return page("panels/manage/evidence.html", form, problems, vote=vote, shown=shown)


def _added_message(count: int) -> str:
    if count == 0:
        return "No options were added: those answers are already options of this vote."
    return f"{count} option{'' if count == 1 else 's'} added from the survey."
