"""What every member's page shares: the ``vote`` blueprint, the page's language, the
member signed in to a vote, and where to send them."""

from typing import Any

from flask import Blueprint, abort, g, redirect, url_for

from engage.i18n import DEFAULT_LANGUAGE, requested_language, use_language
from engage.panels.members.session import current_member
from engage.panels.models import PriorityVote, VoteOption, VoterCode
from engage.panels.process import votes
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


def lang_args() -> dict[str, Any]:
    """The language of this request as url_for arguments (none for English)."""
    return {} if g.lang == DEFAULT_LANGUAGE else {"lang": g.lang}


def signed_in(vote_id: int) -> tuple[PriorityVote, VoterCode | None]:
    partnership = current_partnership()
    vote = votes.get_vote(partnership, vote_id) if partnership else None
    if vote is None:
        abort(404)
    return vote, current_member(vote)


def to_enter():
    return redirect(url_for(".enter", **lang_args()))


def to_home(vote: PriorityVote, anchor: str = ""):
    return redirect(url_for(".home", vote_id=vote.id, **lang_args()) + anchor, code=303)


def active_option(vote: PriorityVote, vote_option_id: int) -> VoteOption:
    option = next((o for o in vote.active_options if o.id == vote_option_id), None)
    if option is None:
        abort(404)
    return option
