"""A digest of a panel's discussion over some days, for a facilitator to print or email.

Nothing is sent from here: the digest is a page and a text file. It names members by
their pseudonyms only, facilitators by their role, and leaves out hidden comments and
the replies under them, as members' pages do. Days are whole days in the
partnership's time zone, both ends included.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from engage.accounts.models import ROLE_LABELS, User
from engage.extensions import db
from engage.localtime import local, to_utc
from engage.panels.errors import PanelError
from engage.panels.models import DRAFT, STANCES, OptionComment, Panel, VoteOption
from engage.panels.process.answers import ANSWERING, answerable
from engage.panels.rules import aware, note, require_manager
from engage.timeutil import utcnow

DEFAULT_DAYS = 7
COMMENT, REPLY, ANSWER, UNANSWERED = "comment", "reply", "answer", "unanswered"


@dataclass(frozen=True)
class Entry:
    """One line of the digest: who, when, what, and what it is about."""

    author: str
    at: datetime
    text: str
    # "For", "Against", "Question"; a reply's "to Amber Fox"; an answer's question.
    about: str = ""
    changed: bool = False


@dataclass
class OptionDigest:
    title: str
    comments: list[Entry] = field(default_factory=list)
    replies: list[Entry] = field(default_factory=list)
    answers: list[Entry] = field(default_factory=list)
    unanswered: list[Entry] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.comments or self.replies or self.answers or self.unanswered)


@dataclass
class VoteDigest:
    title: str
    phase: str
    options: list[OptionDigest]


@dataclass
class Digest:
    panel: str
    since: date
    until: date
    votes: list[VoteDigest]

    def count(self, kind: str) -> int:
        """How many comments, replies, answers or unanswered questions the digest lists."""
        lists = {COMMENT: "comments", REPLY: "replies", ANSWER: "answers", UNANSWERED: "unanswered"}
        return sum(
            len(getattr(option, lists[kind])) for vote in self.votes for option in vote.options
        )


def default_period(panel: Panel, today: date | None = None) -> tuple[date, date]:
    """From the day after the last digest sent (else the last 7 days) up to today."""
    today = today or local(utcnow()).date()
    if panel.digest_through is not None:
        return min(panel.digest_through + timedelta(days=1), today), today
    return today - timedelta(days=DEFAULT_DAYS), today


def _handle(comment: OptionComment) -> str:
    """A member's pseudonym, or the role of the staff member: never a name or address."""
    if comment.voter_code is not None:
        return comment.voter_code.pseudonym
    return _role(comment.user)


def _role(user: User | None) -> str:
    return ROLE_LABELS.get(user.role, "Facilitator") if user is not None else "Facilitator"


def _option_digest(option: VoteOption, start: datetime, end: datetime, open_: bool) -> OptionDigest:
    def within(moment: datetime) -> bool:
        return start <= aware(moment) < end

    found = OptionDigest(option.title)
    for comment in option.comments:
        if comment.parent_id is not None or comment.hidden:
            continue
        stance = STANCES.get(comment.stance, comment.stance)
        if within(comment.created_at):
            found.comments.append(Entry(_handle(comment), comment.created_at, comment.text, stance))
        for reply in comment.replies:
            if not reply.hidden and within(reply.created_at):
                about = f"to {_handle(comment)}"
                found.replies.append(Entry(_handle(reply), reply.created_at, reply.text, about))
        answer = comment.answer
        if answer is not None and within(answer.changed_at):
            found.answers.append(
                Entry(
                    _role(answer.user),
                    answer.changed_at,
                    answer.text,
                    comment.text,
                    changed=answer.edited_at is not None,
                )
            )
        elif answer is None and open_ and answerable(comment):
            found.unanswered.append(Entry(_handle(comment), comment.created_at, comment.text))
    return found


def build_digest(panel: Panel, since: date, until: date) -> Digest:
    """The panel's discussion from the start of ``since`` to the end of ``until``."""
    if until < since:
        raise PanelError("The last day must be the same as or after the first day.")
    start, end = to_utc(since, time()), to_utc(until + timedelta(days=1), time())
    votes = []
    for vote in panel.votes:
        if vote.phase == DRAFT:
            continue
        open_ = vote.phase in ANSWERING
        options = [_option_digest(o, start, end, open_) for o in vote.options]
        votes.append(VoteDigest(vote.title, vote.phase_label, [o for o in options if o]))
    return Digest(panel.name, since, until, votes)


def mark_sent(panel: Panel, through: date, user: User | None) -> None:
    """Remember that the digest up to ``through`` went out, so the next one starts after."""
    require_manager(user)
    if through > local(utcnow()).date():
        raise PanelError("A digest can be marked as sent only up to today.")
    panel.digest_through = through
    db.session.flush()
    target = f"Panel {panel.id} ‘{panel.name}’"
    note("digest.sent", user, None, f"through {through.isoformat()}", target=target)
