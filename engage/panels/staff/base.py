"""The facilitators' blueprint and what its page modules share.

The pages are spread over several ``*_pages`` modules of this package that all add routes
to this one blueprint, ``panels``; ``vote_pages`` imports them so they register.
Everything is scoped to the installation's partnership: a panel, vote, option
or comment of another partnership is a 404.
"""

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from werkzeug.routing import BuildError

from engage.extensions import db
from engage.panels.models import OptionComment, Panel, PriorityVote, VoteOption
from engage.panels.process import votes
from engage.panels.rules import MANAGERS
from engage.partnership.models import Partnership
from engage.partnership.services import current_partnership

bp = Blueprint("panels", __name__, url_prefix="/panels")
STAFF = MANAGERS


def partnership_or_404() -> Partnership:
    partnership = current_partnership()
    if partnership is None:
        abort(404)
    return partnership


def panel_or_404(panel_id: int) -> Panel:
    panel = votes.get_panel(partnership_or_404(), panel_id)
    if panel is None:
        abort(404)
    return panel


def vote_or_404(vote_id: int) -> PriorityVote:
    vote = votes.get_vote(partnership_or_404(), vote_id)
    if vote is None:
        abort(404)
    return vote


def option_or_404(vote: PriorityVote, vote_option_id: int) -> VoteOption:
    option = db.session.get(VoteOption, vote_option_id)
    if option is None or option.vote_id != vote.id:
        abort(404)
    return option


def comment_or_404(vote: PriorityVote, comment_id: int) -> OptionComment:
    comment = db.session.get(OptionComment, comment_id)
    if comment is None or comment.option.vote_id != vote.id:
        abort(404)
    return comment


def page(template: str, form: Any = None, problems: list[str] | None = None, **context):
    """A form page; 400 when it shows errors (nothing was stored), else 200."""
    problems = list(problems or [])
    errors = len(form.errors) if form is not None else 0
    html = render_template(
        template, form=form, problems=problems, error_count=errors + len(problems), **context
    )
    return html, 400 if errors or problems else 200


def link(endpoint: str, fallback: str, **values: Any) -> str:
    """A URL for another engineer's endpoint, or its known path while it is not there."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return fallback


def results_url(vote: PriorityVote) -> str:
    return link("priorities.manage_results", f"/panels/votes/{vote.id}/results", vote_id=vote.id)


def public_url(vote: PriorityVote) -> str | None:
    """The published results' address, in full, to share."""
    if not vote.public_token:
        return None
    try:
        return url_for("priorities.public", public_token=vote.public_token, _external=True)
    except BuildError:  # the results pages are not registered in this build
        return f"{request.url_root}priorities/{vote.public_token}"
