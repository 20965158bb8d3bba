"""Counting ranked-choice priority votes: IRV for one winner, Scottish STV for several.

Pure Python and numpy, no Flask and no database, so a count can be tested,
benchmarked and rerun anywhere (``flask --app engage count FILE`` does just that).

    from engage.counting import Ballot, Election, count

    election = Election(
        candidates=["Skate park", "Library hours", "Bus shelter"],
        ballots=[Ballot(("Skate park", "Bus shelter")), Ballot(("Library hours",), weight=3)],
        seats=1,
        withdrawn=(),
        title="Priorities 2025",
    )
    result = count(election, method="irv", seed="published-seed")  # or "stv"; None: by seats
    result.elected                 # ["Library hours"]
    result.to_json()               # the JSON below, as text; result.to_dict() as a dict

API
- ``Ballot(ranking: tuple[str, ...], weight: int = 1, receipt: str | None = None)``;
  a weight is 1 to ``MAX_BALLOTS`` (10**8), and all weights together at most that too
  (the count's int64 arithmetic stays exact up to it); both are checked before numpy
  sums anything, in files line by line.
- ``Election(candidates, ballots=(), seats=1, withdrawn=(), title="")``; ``ballots`` may
  also be a ``BallotTable(rankings, weights)`` of numpy arrays (indices, -1 padded) for
  millions of ballots. ``election.ballots`` gives them back; ``with_seats(n)`` a copy.
- ``count(election, method=None, seed=None) -> CountResult``; method "irv" or "stv",
  default stv if seats > 1 else irv. No seed: one is made up; it is always recorded.
  With no valid ballot it raises ``NothingToCount`` (a ``CountingError``): "No ballots:
  nobody elected." rather than electing someone by lot.
- ``CountResult``: ``elected``, ``excluded``, ``stages`` (``Stage``), ``quota``, ``ballots``,
  ``empty``, ``exhausted``, ``tie_breaks``, ``seed``, ``unfilled`` (seats nobody filled:
  STV elects every continuing candidate when fewer stand than seats); ``to_dict()``,
  ``to_json()``.
- ``parse_blt(text, source=None)``, ``write_blt(election, out)``,
  ``parse_csv(text, seats=1, title="", candidates=None, source=None)``,
  ``write_csv(election, out, bom=False)``, ``load_ballot_file(path, seats=None)``,
  ``parse_ballots(text, name, seats=None)``: bad files raise ``BallotFileError`` (a
  ``CountingError``, itself a ``ValueError``) naming the line and the problem.
- ``format_report(result) -> str``: the plain-text stage-by-stage report, ending "1 seat
  left unfilled: ..." when one was.
- ``recount.recount_irv(election, result) -> Recount``: pyrankvote's IRV winner and
  whether it agrees (imported separately, as it loads pyrankvote).

Result JSON (votes are decimal strings with five places)::

    {"method": "stv", "title": "...", "seats": 4, "quota": "1913.00000",
     "ballots": 9561, "empty_ballots": 0, "exhausted": 1234, "seed": "...",
     "candidates": [...], "withdrawn": [...], "elected": ["names in order of election"],
     "unfilled_seats": 0,
     "stages": [{"stage": 0, "action": "first preferences", "from": null,
                 "tally": {"name": "1371.00000", ...}, "non_transferable": "0.00000",
                 "exhausted": 0, "rounding_loss": "0.00000",
                 "elected": [...], "excluded": [...], "transfers": {"name": "41.45570"},
                 "tie_break": null or {"purpose", "tied", "chosen", "resolved_by",
                                        "stage", "seed", "explanation"}}, ...]}

- ``stages[0]`` is the first preferences; each later stage is one transfer: a
  surplus ("action": "surplus") or an exclusion ("exclusion"), "from" whom.
- ``tally`` covers every standing candidate (withdrawn ones are listed apart);
  ``transfers`` lists the recipients that gained votes in that stage.
- ``non_transferable`` (votes), ``exhausted`` (ballot papers) and ``rounding_loss``
  (votes lost to truncating transfer values) are running totals, so for every stage
  sum(tally) + non_transferable + rounding_loss == ballots.
- ``elected`` in a stage: candidates who reached the quota at its end, or who filled
  the last seats (rule 52) when the count ended there.
- ``ballots`` counts valid ballot papers: those ranking at least one standing candidate.
  Empty ones (``empty_ballots``) are left out of the count and of the quota.
- IRV: ``quota`` is null, because the winning line moves as ballots exhaust; each stage
  carries ``majority``, the votes needed to win at that stage (more than half of those
  still in the count).
- Ties (``tie_break``): resolved by the totals at the latest earlier stage where the
  tied candidates differed, else by lot: ``random.Random(seed).choice`` over the tied
  names sorted, one draw per lot in the order the count needs them.
"""

from engage.counting.ballots import MAX_BALLOTS, UNIT, Ballot, BallotTable, Election
from engage.counting.blt import parse_blt, write_blt
from engage.counting.csvfile import parse_csv, write_csv
from engage.counting.errors import BallotFileError, CountingError, NothingToCount
from engage.counting.files import load_ballot_file, parse_ballots
from engage.counting.methods import METHODS, count, default_method
from engage.counting.options import CountOptions
from engage.counting.report import format_report
from engage.counting.result import CountResult, Stage
from engage.counting.ties import TieBreak, votes_text

__all__ = [
    "MAX_BALLOTS",
    "METHODS",
    "UNIT",
    "Ballot",
    "BallotFileError",
    "BallotTable",
    "CountOptions",
    "CountResult",
    "CountingError",
    "Election",
    "NothingToCount",
    "Stage",
    "TieBreak",
    "count",
    "default_method",
    "format_report",
    "load_ballot_file",
    "parse_ballots",
    "parse_blt",
    "parse_csv",
    "votes_text",
    "write_blt",
    "write_csv",
]
