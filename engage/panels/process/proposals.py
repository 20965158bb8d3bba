"""Options on the ballot: added by facilitators, proposed and supported by members,
then edited, merged or rejected by facilitators until deliberation fixes them.

Titles are unique within a vote (ignoring case), since paper ballots name
options by title.
"""

from engage.accounts.models import User
from engage.extensions import db
from engage.panels.errors import PanelError
from engage.panels.models import (
    ACTIVE,
    DRAFT,
    FROM_FACILITATOR,
    FROM_MEMBER,
    MERGED,
    PROPOSALS,
    REJECTED,
    PriorityVote,
    VoteOption,
    VoterCode,
)
from engage.panels.rules import clean, note, require_manager, require_phase, title_key

EDITABLE = (DRAFT, PROPOSALS)


def _check_title(vote: PriorityVote, title: str, option: VoteOption | None = None) -> str:
    title = " ".join(clean(title, "a title for the option", 200).split())
    for other in vote.active_options:
        if other is not option and title_key(other.title) == title_key(title):
            raise PanelError(f"There is already an option called ‘{other.title}’.")
    return title


def _add(vote: PriorityVote, title: str, description: str, **fields) -> VoteOption:
    option = VoteOption(
        vote=vote,
        title=_check_title(vote, title),
        description=clean(description, "a description", 2000, required=False),
        position=max((o.position for o in vote.options), default=0) + 1,
        status=ACTIVE,
        **fields,
    )
    db.session.add(option)
    db.session.flush()
    return option


def add_option(
    vote: PriorityVote, title: str, description: str, user: User | None, **fields
) -> VoteOption:
    """A facilitator's option, in draft or while proposals are open."""
    require_manager(user)
    require_phase(vote, EDITABLE, "Options can be added")
    fields.setdefault("origin", FROM_FACILITATOR)
    option = _add(vote, title, description, **fields)
    note("option.add", user, vote, f"‘{option.title}’")
    return option


def propose_option(
    vote: PriorityVote, member: VoterCode, title: str, description: str = ""
) -> VoteOption:
    """A member's proposal; it shows under their pseudonym, and they support it."""
    _require_member(vote, member)
    require_phase(vote, [PROPOSALS], "Options can be proposed")
    option = _add(vote, title, description, origin=FROM_MEMBER, proposed_by=member)
    option.supporters.append(member)
    db.session.flush()
    note("member.propose", None, vote, f"‘{option.title}’")  # which member: not recorded
    return option


def support_option(option: VoteOption, member: VoterCode) -> bool:
    """Add a member's support; False if they already support it."""
    _require_member(option.vote, member)
    require_phase(option.vote, [PROPOSALS], "Proposals can be supported")
    _require_active(option)
    if member in option.supporters:
        return False
    option.supporters.append(member)
    db.session.flush()
    note("member.support", None, option.vote, f"‘{option.title}’")
    return True


def edit_option(option: VoteOption, title: str, description: str, user: User | None) -> None:
    """Reword an option (a facilitator tidying a member's proposal, say)."""
    require_manager(user)
    require_phase(option.vote, EDITABLE, "Options can be edited")
    _require_active(option)
    before = option.title
    title = _check_title(option.vote, title, option)
    option.description = clean(description, "a description", 2000, required=False)
    option.title = title
    db.session.flush()
    note("option.edit", user, option.vote, f"‘{before}’ now ‘{option.title}’")


def merge_options(source: VoteOption, target: VoteOption, user: User | None) -> None:
    """Fold ``source`` into ``target``: its comments and supporters move across, and it
    stays on record as "Merged into ‘target’"."""
    require_manager(user)
    require_phase(source.vote, EDITABLE, "Options can be merged")
    if source.vote_id != target.vote_id or source is target:
        raise PanelError("Choose a different option of the same vote to merge into.")
    _require_active(source)
    _require_active(target)
    for member in source.supporters:
        if member not in target.supporters:
            target.supporters.append(member)
    source.supporters.clear()
    for comment in list(source.comments):
        comment.option = target
    source.status = MERGED
    source.merged_into = target
    source.note = f"Merged into ‘{target.title}’"
    db.session.flush()
    note("option.merge", user, source.vote, f"‘{source.title}’ into ‘{target.title}’")


def reject_option(option: VoteOption, reason: str, user: User | None) -> None:
    """Take an option off the ballot, keeping it on record with the reason."""
    require_manager(user)
    require_phase(option.vote, EDITABLE, "Options can be rejected")
    _require_active(option)
    reason = clean(reason, "the reason for rejecting it", 500)
    option.status, option.note = REJECTED, reason
    db.session.flush()
    note("option.reject", user, option.vote, f"‘{option.title}’: {option.note}")


def _require_active(option: VoteOption) -> None:
    if option.status != ACTIVE:
        raise PanelError(
            f"‘{option.title}’ is no longer an option ({option.note or option.status})."
        )


def _require_member(vote: PriorityVote, member: VoterCode) -> None:
    if member.vote_id != vote.id or member.voided:
        raise PanelError("That code cannot take part in this vote.")
