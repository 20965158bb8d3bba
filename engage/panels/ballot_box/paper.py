"""Paper ballots, typed in by a facilitator one at a time or imported from a CSV file.

The file has one row per ballot and columns ``rank_1, rank_2, ...`` holding
option titles (matched ignoring case and surrounding spaces); other columns are
ignored. A file is imported whole or not at all: every bad line is reported by
its number, and then nothing is stored. Paper ballots get receipts too, for the
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

from engage.accounts.models import User
from engage.panels.ballot_box.ballots import check_ranking, store_ballot
from engage.panels.errors import LineProblem, PaperImportError
from engage.panels.models import CLOSED, VOTING, PriorityVote
from engage.panels.rules import note, require_manager, require_phase, title_key

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
    ballots: list[tuple[int, list[int]]] = []
    problems: list[LineProblem] = []
    for row in reader:
        cells = [row[i].strip() if i < len(row) else "" for i in columns]
        ranking, wrong = _row_problems(cells, titles)
        if wrong:
            problems.append(LineProblem(reader.line_num, "; ".join(wrong) + "."))
        else:
            ballots.append((reader.line_num, ranking))
    if problems:
        raise PaperImportError(problems)
    if not ballots:
        raise PaperImportError([LineProblem(2, "There are no ballots after the header line.")])
    return ballots


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
