"""Counting a closed vote with the counting engine, and rechecking it with pyrankvote.

The count runs once the facilitator asks for it, with the passphrase that opens the
ballot box (``ballot_box.opening``) and the seed fixed when voting closed, and its JSON
is kept on the vote: what is published is that snapshot, and anyone can recount the
published ballots with the published seed and get it again.
"""

from typing import Any

from engage.accounts.models import User
from engage.counting import Ballot, Election, count
from engage.counting.recount import recount_irv
from engage.panels.ballot_box.opening import open_box
from engage.panels.ballot_box.paper import rules_of
from engage.panels.ballot_box.reading import count_input
from engage.panels.errors import PhaseError
from engage.panels.models import IRV, PriorityVote
from engage.panels.process.phases import save_result
from engage.panels.rules import require_manager


def election_for(vote: PriorityVote) -> Election:
    """The vote's options and stored ballots as the engine takes them."""
    given = count_input(vote)
    return Election(
        candidates=given.candidates,
        ballots=[Ballot(ranking, weight, receipt) for ranking, weight, receipt in given.ballots],
        seats=given.seats,
        withdrawn=tuple(given.withdrawn),
        title=given.title,
    )


def run_count(
    vote: PriorityVote, user: User | None, passphrase: str | None = None
) -> dict[str, Any]:
    """Open the ballot box, count the closed vote, keep the result on it and return it.

    The caller commits, then scrubs the storage (``opening.scrub_opened``). A vote with
    sealed ballots needs the passphrase chosen when its voting started; a wrong one
    refuses, and the caller's rollback leaves everything as it was.

    For IRV the result carries ``recount``: pyrankvote's winner on the same ballots
    and whether it agrees. pyrankvote breaks ties its own way, so after a tie-break
    the two are not comparable, and the result says so.
    """
    require_manager(user)
    open_box(vote, passphrase)
    election = election_for(vote)
    if not election.ballots:
        # The engine would still name a winner, by lot; nobody chose anything.
        raise PhaseError("There are no ballots to count. Enter or import the paper ballots first.")
    result = count(election, vote.method, seed=str(vote.count_seed))
    data = result.to_dict()
    rules = rules_of(vote)
    if rules is not None:
        # How the imported paper ballots were read: they are stored as counted.
        data["paper_rules"] = {**rules.to_dict(), "description": rules.describe()}
    if vote.method == IRV:
        recount = recount_irv(election, result)
        data["recount"] = {
            "by": "pyrankvote",
            "winner": recount.winner,
            "agrees": recount.agrees,
            "comparable": recount.comparable,
            "problem": recount.problem,
        }
    save_result(vote, data, user)
    return data
