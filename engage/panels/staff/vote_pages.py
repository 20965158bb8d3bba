"""Facilitators' pages for panels and their priority votes: set up, move on, count, publish.

Options, evidence, voter codes and paper ballots have their own ``*_pages``
modules; importing them here adds their routes to the same ``panels`` blueprint.
"""

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.accounts.permissions import role_required
from engage.counting.errors import CountingError
from engage.extensions import db
from engage.panels.ballot_box import codes
from engage.panels.ballot_box.reading import ballot_count
from engage.panels.errors import PanelError
from engage.panels.models import (
    DELIBERATION,
    PHASE_LABELS,
    PHASES,
    PROPOSALS,
    VOTING,
    Panel,
    PriorityVote,
)
from engage.panels.process import phases, votes
from engage.panels.rules import aware, require_phase
from engage.panels.staff import (
    ballot_box_pages,
    code_pages,
    digest_pages,
    discussion_pages,
    evidence_pages,
    option_pages,
    paper_pages,
)
from engage.panels.staff.base import (
    STAFF,
    bp,
    page,
    panel_or_404,
    partnership_or_404,
    public_url,
    results_url,
    vote_or_404,
)
from engage.panels.staff.forms import PanelForm, VoteForm
from engage.partnership.services import areas
from engage.timeutil import utcnow

__all__ = ["bp"]
# Each of these adds its pages to ``bp`` when it is imported.
PAGE_MODULES = (
    ballot_box_pages,
    code_pages,
    digest_pages,
    discussion_pages,
    evidence_pages,
    option_pages,
    paper_pages,
)

# What happens in each phase, as the vote page explains it.
PHASE_HINTS = {
    "draft": "Write the question and add any options of your own. Members cannot see the vote.",
    "proposals": "Members with a code propose options and support each other’s. You can add, "
    "edit, merge and reject options.",
    "deliberation": "The options are fixed. Members discuss each one: for, against, or a "
    "question. You can hide comments.",
    "voting": "Members rank the options with their code between the opening and closing "
    "times. You can enter paper ballots.",
    "closed": "No more online votes. Enter any late paper ballots, then count the votes.",
    "published": "Anyone with the link can see the results and check their receipt.",
}
# The moves the vote page offers: form value → (service, message once done).
MOVES = {
    PROPOSALS: (phases.open_proposals, "Proposals are open: members can now propose options."),
    DELIBERATION: (phases.start_deliberation, "Deliberation has started: the options are fixed."),
}


@bp.route("/")
@role_required(*STAFF)
def index():
    """Every panel of the partnership with its votes and their phases."""
    return render_template(
        "panels/manage/index.html", panels=votes.panels_for(partnership_or_404())
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(*STAFF)
def create_panel():
    partnership = partnership_or_404()
    form = PanelForm()
    form.offer_areas(areas(partnership))
    problems = []
    if form.validate_on_submit():
        try:
            panel = votes.create_panel(partnership, form.fields(), current_user)
        except PanelError as error:
            db.session.rollback()
            problems.append(str(error))
        else:
            db.session.commit()
            flash(f"Panel ‘{panel.name}’ created. Now create its first vote.", "success")
            return redirect(url_for(".index"))
    return page("panels/manage/panel_form.html", form, problems, panel=None)


@bp.route("/<int:panel_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_panel(panel_id: int):
    panel = panel_or_404(panel_id)
    form = PanelForm(
        data={
            "name": panel.name,
            "description": panel.description,
            "area": str(panel.area_id or ""),
        }
    )
    form.offer_areas(areas(partnership_or_404()))
    problems = []
    if form.validate_on_submit():
        try:
            votes.update_panel(panel, form.fields(), current_user)
        except PanelError as error:
            db.session.rollback()
            problems.append(str(error))
        else:
            db.session.commit()
            flash(f"Panel ‘{panel.name}’ saved.", "success")
            return redirect(url_for(".index"))
    return page("panels/manage/panel_form.html", form, problems, panel=panel)


def _save_vote(
    form: VoteForm, vote: PriorityVote | None, panel: Panel
) -> tuple[PriorityVote | None, list[str]]:
    """Create or update the vote and its window in one go; nothing is kept on a refusal."""
    try:
        if vote is None:
            vote = votes.create_vote(panel, form.fields(), current_user)
        else:
            votes.update_vote(vote, form.fields(), current_user)
        window = form.window()
        if window is not None:
            votes.set_window(vote, *window, current_user)
    except PanelError as error:
        db.session.rollback()
        return None, [str(error)]
    db.session.commit()
    return vote, []


@bp.route("/<int:panel_id>/votes/new", methods=["GET", "POST"])
@role_required(*STAFF)
def create_vote(panel_id: int):
    panel = panel_or_404(panel_id)
    form = VoteForm()
    problems: list[str] = []
    if form.validate_on_submit():
        vote, problems = _save_vote(form, None, panel)
        if vote is not None:
            flash("Vote created. Add options, then open it for proposals.", "success")
            return redirect(url_for(".vote", vote_id=vote.id))
    return page("panels/manage/vote_form.html", form, problems, panel=panel, vote=None)


@bp.route("/votes/<int:vote_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_vote(vote_id: int):
    vote = vote_or_404(vote_id)
    if vote.phase not in votes.BEFORE_VOTING:
        flash("The vote cannot be changed once voting has started.", "problem")
        return redirect(url_for(".vote", vote_id=vote.id))
    form = VoteForm(
        data={
            "title": vote.title,
            "question": vote.question,
            "method": vote.method,
            "seats": str(vote.seats if vote.seats > 1 else 2),
        }
    )
    if not form.is_submitted():
        form.show_window(vote.opens_at, vote.closes_at)
    problems: list[str] = []
    if form.validate_on_submit():
        saved, problems = _save_vote(form, vote, vote.panel)
        if saved is not None:
            flash("Vote saved.", "success")
            return redirect(url_for(".vote", vote_id=vote.id))
    return page("panels/manage/vote_form.html", form, problems, panel=vote.panel, vote=vote)


def _vote_page(vote: PriorityVote, problems: list[str] | None = None):
    return page(
        "panels/manage/vote.html",
        problems=problems,
        vote=vote,
        phases=[(p, PHASE_LABELS[p], PHASE_HINTS[p]) for p in PHASES],
        current=PHASES.index(vote.phase),
        turnout=ballot_count(vote),
        code_counts=codes.code_counts(vote),
        closes_early=vote.phase == VOTING
        and vote.closes_at is not None
        and utcnow() < aware(vote.closes_at),
        results_url=results_url(vote),
        public_url=public_url(vote),
    )


@bp.route("/votes/<int:vote_id>")
@role_required(*STAFF)
def vote(vote_id: int):
    """The vote's phases, what happens in each, and the way on."""
    return _vote_page(vote_or_404(vote_id))


def _act(vote: PriorityVote, action: Callable[[], object], done: str):
    """Run a phase change: on success say so and go back; on refusal show why."""
    try:
        action()
    except (PanelError, CountingError) as error:
        db.session.rollback()
        return _vote_page(vote, [str(error)])
    db.session.commit()
    flash(done, "success")
    return redirect(url_for(".vote", vote_id=vote.id))


@bp.route("/votes/<int:vote_id>/phase", methods=["POST"])
@role_required(*STAFF)
def change_phase(vote_id: int):
    """Move on to the phase named in ``to`` (proposals, deliberation, voting) or go ``back``."""
    vote = vote_or_404(vote_id)
    to = request.form.get("to", "")
    if to == "back":
        before = PHASE_LABELS[PHASES[max(PHASES.index(vote.phase) - 1, 0)]]
        return _act(
            vote,
            lambda: phases.step_back(vote, current_user),
            f"The vote is back in its ‘{before}’ phase.",
        )
    if to == VOTING:  # voting starts once the ballot box has a passphrase
        try:
            require_phase(vote, [DELIBERATION], "Voting can start")
        except PanelError as error:
            return _vote_page(vote, [str(error)])
        return redirect(url_for(".start_voting", vote_id=vote.id), code=303)
    if to not in MOVES:
        return _vote_page(vote, ["Choose what to do next with the vote."])
    service, done = MOVES[to]
    return _act(vote, lambda: service(vote, current_user), done)


@bp.route("/votes/<int:vote_id>/close", methods=["GET", "POST"])
@role_required(*STAFF)
def close(vote_id: int):
    """Close voting; before the closing time, only once the facilitator confirms."""
    vote = vote_or_404(vote_id)
    early = vote.closes_at is not None and utcnow() < aware(vote.closes_at)
    problems: list[str] = []
    if request.method == "POST":
        confirmed = request.form.get("early") == "yes"
        try:
            phases.close_voting(vote, current_user, early=confirmed)
        except PanelError as error:
            db.session.rollback()
            problems.append(str(error))
        else:
            db.session.commit()
            flash(
                "Voting has closed. Enter any late paper ballots, then count the votes.", "success"
            )
            return redirect(url_for(".vote", vote_id=vote.id))
    return page(
        "panels/manage/close.html", problems=problems, vote=vote, early=early, phase=vote.phase
    )


@bp.route("/votes/<int:vote_id>/publish", methods=["POST"])
@role_required(*STAFF)
def publish(vote_id: int):
    vote = vote_or_404(vote_id)
    return _act(
        vote,
        lambda: phases.publish_results(vote, current_user),
        "The results are published. Share the link below with members and residents.",
    )
