"""Paper ballots, typed in by a facilitator one at a time or imported from a CSV file.

The file has one row per ballot and columns ``rank_1, rank_2, ...`` holding
option titles (matched ignoring case and surrounding spaces); other columns are
ignored. A file is imported whole or not at all: every bad line is reported by
its number, and then nothing is stored.

Paper is marked by hand, so a vote may say how a marked ballot is read
(``PriorityVote.paper_rules``, ``engage.counting.rules.BallotRules``): a blank rank
before a marked one, two options at one rank (written ``Parks = Library`` in the
cell) and an option ranked twice are then passed over or end the ballot there, as
RCTab and election offices do, and the ballot is stored as it will be counted. Without
rules, such a ballot is refused, as before. Paper ballots get receipts too, for the
facilitator to write on the paper, and are marked ``paper`` (which links them to
no one).

Paper ballots use no code. A member who votes on paper hands in their card, and
the facilitator cancels its serial (``codes.void_codes``) so it cannot vote online.
"""

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa

from engage.accounts.models import User
from engage.counting.errors import CountingError
from engage.counting.marked import OVERVOTE, SKIPPED, MarkedBallots
from engage.counting.rules import BallotRules, apply_rules
from engage.extensions import db
from engage.panels.ballot_box.ballots import check_ranking, store_ballot
from engage.panels.errors import LineProblem, PanelError, PaperImportError
from engage.panels.models import (
    CLOSED,
    DELIBERATION,
    DRAFT,
    PROPOSALS,
    VOTING,
    Ballot,
    PriorityVote,
)
from engage.panels.rules import note, require_manager, require_phase, title_key

# What separates two options marked at one rank in a cell: "Parks = Library".
OVERVOTE_MARK = "="
# ASCII digits, a few of them: int() cannot read "rank_" and 5,000 digits, nor "rank_²".
RANK_COLUMN = re.compile(r"rank_([0-9]{1,4})")


@dataclass(frozen=True)
class PaperReceipt:
    """The receipt to write on the paper ballot from this line of the file."""

    line: int
    receipt: str


def _accepting(vote: PriorityVote, user: User | None) -> None:
    require_manager(user)
    require_phase(vote, (VOTING, CLOSED), "Paper ballots can be entered")


def _stored(vote: PriorityVote) -> None:
    # New ballots make any saved count out of date; it must be run again.
    if vote.phase == CLOSED:
        vote.result = None


def enter_paper_ballot(vote: PriorityVote, ranking: Sequence[int], user: User | None) -> str:
    """One paper ballot (option ids in order of preference); returns its receipt."""
    _accepting(vote, user)
    ballot = store_ballot(vote, check_ranking(vote, ranking), paper=True)
    _stored(vote)
    note("paper.enter", user, vote, "1 paper ballot")
    return ballot.receipt


def _rank_columns(header: list[str]) -> list[int]:
    """The positions of rank_1, rank_2, ... in the header, or a problem on line 1."""
    found: dict[int, int] = {}
    for position, name in enumerate(header):
        match = RANK_COLUMN.fullmatch(name.strip().lower())
        if match:
            number = int(match.group(1))
            if number in found:
                raise PaperImportError([LineProblem(1, f"rank_{number} appears twice.")])
            found[number] = position
    if not found or sorted(found) != list(range(1, len(found) + 1)):
        raise PaperImportError(
            [LineProblem(1, "The first line must name the rank columns rank_1, rank_2, and so on.")]
        )
    return [found[n] for n in sorted(found)]


def _row_problems(cells: list[str], titles: dict[str, int]) -> tuple[list[int], list[str]]:
    """A row's ranking (option ids) and what is wrong with it."""
    problems: list[str] = []
    filled = [(n, cell) for n, cell in enumerate(cells, 1) if cell]
    if not filled:
        return [], ["no option is ranked (the row is empty)"]
    last = filled[-1][0]
    gaps = [f"rank_{n}" for n, cell in enumerate(cells[:last], 1) if not cell]
    if gaps:
        verb = "is" if len(gaps) == 1 else "are"
        problems.append(f"{', '.join(gaps)} {verb} blank but a later rank is filled")
    ranking: list[int] = []
    seen: set[str] = set()
    for n, cell in filled:
        key = title_key(cell)
        if key not in titles:
            problems.append(f"‘{cell}’ in rank_{n} is not an option on this vote")
        elif key in seen:
            problems.append(f"‘{cell}’ is ranked more than once")
        else:
            ranking.append(titles[key])
        seen.add(key)
    return ranking, problems


def rules_of(vote: PriorityVote) -> BallotRules | None:
    """The vote's rules for marked paper ballots, or None: such ballots are refused."""
    return BallotRules.from_dict(vote.paper_rules) if vote.paper_rules else None


def set_rules(vote: PriorityVote, rules: BallotRules | None, user: User | None) -> None:
    """Choose how marked paper ballots are read; only before the first is stored."""
    require_manager(user)
    require_phase(vote, (DRAFT, PROPOSALS, DELIBERATION, VOTING, CLOSED), "Ballot rules can change")
    stored = db.session.scalar(
        sa.select(sa.func.count()).where(Ballot.vote_id == vote.id, Ballot.paper.is_(True))
    )
    if stored:
        raise PanelError(
            "Paper ballots have been stored under the present rules, so they cannot change now."
        )
    vote.paper_rules = rules.to_dict() if rules is not None else None
    note("paper.rules", user, vote, rules.describe() if rules else "marked ballots refused")


def _marks(
    cells: list[str], titles: dict[str, int], order: dict[int, int]
) -> tuple[list[int], list[str]]:
    """A row as marks (option positions, SKIPPED, OVERVOTE) and what cannot be read."""
    marks: list[int] = []
    problems: list[str] = []
    for n, cell in enumerate(cells, 1):
        names = [part.strip() for part in cell.split(OVERVOTE_MARK)] if cell else []
        names = [name for name in names if name]
        unknown = [name for name in names if title_key(name) not in titles]
        for name in unknown:
            problems.append(f"‘{name}’ in rank_{n} is not an option on this vote")
        if not names:
            marks.append(SKIPPED)
        elif len({title_key(name) for name in names}) > 1:
            marks.append(OVERVOTE)
        elif not unknown:
            marks.append(order[titles[title_key(names[0])]])
    if not any(mark != SKIPPED for mark in marks) and not problems:
        problems.append("no option is ranked (the row is empty)")
    return marks, problems


def _ruled(
    vote: PriorityVote, rows: list[tuple[int, list[int]]], rules: BallotRules
) -> list[tuple[int, list[int]]]:
    """Rows of marks read by the rules: each as the ranking it will be counted with."""
    options = vote.active_options
    width = max((len(marks) for _, marks in rows), default=0)
    table = np.full((len(rows), max(width, 1)), SKIPPED, dtype=np.int16)
    for i, (_, marks) in enumerate(rows):
        table[i, : len(marks)] = marks
    marked = MarkedBallots(
        candidates=[o.title for o in options],
        marks=table,
        weights=np.ones(len(rows), dtype=np.int64),
        seats=vote.seats,
        title=vote.title,
    )
    try:
        ruled = apply_rules(marked, rules)
    except CountingError as error:  # pragma: no cover - the rows were checked above
        raise PaperImportError([LineProblem(1, str(error))]) from None
    rankings = ruled.election.table.rankings
    return [
        (line, [options[int(c)].id for c in rankings[i] if c >= 0])
        for i, (line, _) in enumerate(rows)
    ]


def parse_paper_csv(vote: PriorityVote, data: str | bytes) -> list[tuple[int, list[int]]]:
    """Each ballot in the file as (line number, option ids); PaperImportError if any is bad."""
    try:
        return _parse_paper_csv(vote, data)
    except csv.Error as error:  # a cell over csv's size limit, say
        raise PaperImportError(
            [LineProblem(1, f"The file cannot be read as CSV ({error}). Check it is a CSV file.")]
        ) from None


def _parse_paper_csv(vote: PriorityVote, data: str | bytes) -> list[tuple[int, list[int]]]:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PaperImportError(
                [LineProblem(1, "The file is not UTF-8 text. Save it as ‘CSV UTF-8’ and retry.")]
            ) from None
    reader = csv.reader(io.StringIO(data.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None:
        raise PaperImportError([LineProblem(1, "The file is empty.")])
    columns = _rank_columns(header)
    titles = {title_key(o.title): o.id for o in vote.active_options}
    order = {o.id: position for position, o in enumerate(vote.active_options)}
    rules = rules_of(vote)
    ballots: list[tuple[int, list[int]]] = []
    problems: list[LineProblem] = []
    for row in reader:
        cells = [row[i].strip() if i < len(row) else "" for i in columns]
        if rules is None:
            ranking, wrong = _row_problems(cells, titles)
        else:
            ranking, wrong = _marks(cells, titles, order)
        if wrong:
            problems.append(LineProblem(reader.line_num, "; ".join(wrong) + "."))
        else:
            ballots.append((reader.line_num, ranking))
    if problems:
        raise PaperImportError(problems)
    if not ballots:
        raise PaperImportError([LineProblem(2, "There are no ballots after the header line.")])
    return _ruled(vote, ballots, rules) if rules is not None else ballots


def import_paper_ballots(
    vote: PriorityVote, data: str | bytes, user: User | None
) -> list[PaperReceipt]:
    """Store every ballot in the file, or none; returns a receipt for each line."""
    _accepting(vote, user)
    ballots = parse_paper_csv(vote, data)
    receipts = [
        PaperReceipt(line, store_ballot(vote, ranking, paper=True).receipt)
        for line, ranking in ballots
    ]
    _stored(vote)
    note("paper.import", user, vote, f"{len(receipts)} paper ballots")
    return receipts
