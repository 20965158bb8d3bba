"""RCTab's reference cases, counted by Engage and compared round by round.

Each case in ``../shared/conformance/rctab/<case>/`` (see its README) holds RCTab's
configuration, the cast vote records and RCTab's detailed report. The test reads the
configuration's ``rules`` into ``BallotRules`` (``BallotRules.from_rctab``) and
``CountOptions`` (``CountOptions.from_rctab``), reads the CVRs into ``MarkedBallots``
(``read_cdf``, or ``read_ess_xlsx`` for the case that only has a spreadsheet),
applies the rules, counts with the reasons each ranking ends, and compares.

How RCTab's rounds map onto Engage's stages
-------------------------------------------
Engage records one transfer per stage; an RCTab round is one tally, after which that
round's decisions (its ``tallyResults``) take effect together in the next round's
tally. So, walking RCTab's rounds in order, starting at Engage's stage 0 (first
preferences) for round 1:

- round r's ``tally`` is the tally of the Engage stage reached so far;
- each ``eliminated`` in round r's ``tallyResults`` is one Engage exclusion stage of
  that candidate: a batch elimination (several eliminated in one round) is several
  Engage stages, one per candidate, all stopped before any moves, so the last of them
  has RCTab's next tally;
- each ``elected`` in round r is recorded in that Engage stage's ``elected``. In a
  multi-winner count a winner with a surplus is then one Engage surplus stage (every
  winner of a round transfers before anyone else is elected: ``surplus_transfer=
  "rctab"``), including the extra round RCTab tabulates after the last seat is filled;
  in a single-winner count (no surplus), and for a winner exactly on the threshold,
  there is no Engage stage: RCTab's next round repeats the tally (with
  ``continue_until_two`` the round after the winner's is such a repeat).

Compared in every round: the tally of every candidate RCTab lists, to the
configuration's decimal places (candidates RCTab no longer lists must be on 0 in
Engage); who was elected and in which round; the inactive ballots by reason (Engage's
``inactive`` running totals, in votes). Compared where it applies: the threshold (STV:
the quota; IRV: the stage's ``majority``). Two documented differences in what RCTab
reports, not in the count:

- after a single winner is found with ``continue_until_two``, RCTab's report keeps the
  threshold of the winning round; Engage's majority follows the votes still in the
  count, so the threshold is compared only up to the winner's round;
- in the extra multi-winner round after the last seat is filled, RCTab reports the
  surplus votes that found no continuing candidate as ``finalRoundSurplus`` rather than
  among the inactive ballots; Engage counts them inactive by reason, so in that round
  the total inactive is compared with RCTab's inactive plus ``finalRoundSurplus``.
"""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engage.counting import CountOptions, count, votes_text
from engage.counting.cvr import read_cdf, read_ess_xlsx
from engage.counting.marked import MarkedBallots
from engage.counting.rules import BallotRules, apply_rules

ROOT = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "rctab"
CASES = [
    "test_set_1_exhaust_at_overvote",
    "test_set_2_overvote_skip_to_next",
    "test_set_3_skipped_choice_exhaust",
    "test_set_4_skipped_choice_next",
    "test_set_6_duplicate_exhaust",
    "continue_until_two_with_batch_elimination_test",
    "test_set_multi_winner_fractional_threshold",
]
REASONS = {
    "exhausted_choices": "exhaustedChoices",
    "overvotes": "overvotes",
    "skipped_rankings": "skippedRankings",
    "repeated_rankings": "repeatedRankings",
}


def _in_config_order(marked: MarkedBallots, names: list[str]) -> MarkedBallots:
    """The same marks with the candidates in the configuration's order (RCTab's, which
    its candidate-order tie-break follows); any others the file names come after."""
    order = names + [name for name in marked.candidates if name not in names]
    where = np.array([order.index(name) for name in marked.candidates], dtype=np.int64)
    marks = marked.marks.astype(np.int64)
    marks = np.where(marks >= 0, where[np.clip(marks, 0, None)], marks)
    marked.marks = marks.astype(np.int16)
    marked.candidates = order
    return marked


def _units(text: str) -> int:
    return int(Decimal(text) * 100_000)


def _case(name: str) -> tuple[dict[str, Any], dict[str, Any], MarkedBallots]:
    folder = ROOT / name
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent: RCTab's reference cases are not on this machine")
    config = json.loads((folder / f"{name}_config.json").read_text())
    report = json.loads((folder / f"{name}_expected_detailed_report.json").read_text())
    names = [c["name"] for c in config["candidates"] if not c.get("excluded")]
    source = folder / config["cvrFileSources"][0]["filePath"]
    if source.suffix == ".json":
        marked = _in_config_order(read_cdf(source), names)
    else:
        pytest.importorskip("openpyxl")
        marked = _in_config_order(read_ess_xlsx(source, candidates=names), names)
    marked.seats = int(config["rules"]["numberOfWinners"])
    return config, report, marked


def _count(name: str) -> tuple[dict[str, Any], dict[str, Any], Any, CountOptions]:
    config, report, marked = _case(name)
    rules = BallotRules.from_rctab(config["rules"])
    options = CountOptions.from_rctab(config["rules"])
    ruled = apply_rules(marked, rules)
    result = count(
        ruled.election,
        seed=config["rules"].get("randomSeed") or "rctab",
        options=options,
        ends=ruled.ends,
        undervote=ruled.undervote,
        undeclared=ruled.undeclared_write_ins,
    )
    return config, report, result, options


@pytest.mark.parametrize("name", CASES)
def test_rctab_case_matches_round_by_round(name: str) -> None:
    config, report, result, options = _count(name)
    step = options.step
    rounds = report["results"]
    multi = int(config["rules"]["numberOfWinners"]) > 1
    stages = result.stages
    at = 0  # the Engage stage whose tally RCTab's current round shows
    shown = -1  # the Engage stage of the round before
    winner_round: int | None = None
    rctab_elected: list[str] = []
    for rnd in rounds:
        number = rnd["round"]
        stage = stages[at]
        where = f"{name}, round {number} (Engage stage {at})"
        # Tally: every candidate RCTab lists, to the configured places; the rest on 0.
        expected = {who: _units(votes) for who, votes in rnd["tally"].items()}
        for who, units in stage.tally.items():
            want = expected.get(who, 0)
            assert units == want, f"{where}: {who} {votes_text(units)} != {votes_text(want)}"
            assert units % step == 0, f"{where}: {who} has more than the configured places"
        assert set(expected) <= set(stage.tally), where
        # Threshold.
        threshold = _units(rnd["threshold"])
        if multi:
            assert result.quota == threshold, where
        elif winner_round is None:
            assert stage.majority == threshold, where
        # Inactive ballots by reason.
        inactive = rnd["inactiveBallots"]
        assert stage.inactive is not None, where
        final_surplus = inactive.get("finalRoundSurplus")
        if final_surplus is None:
            for ours, theirs in REASONS.items():
                assert stage.inactive[ours] == _units(inactive[theirs]), f"{where}: {theirs}"
        else:
            theirs_total = sum(_units(inactive[t]) for t in REASONS.values())
            assert sum(stage.inactive.values()) == theirs_total + _units(final_surplus), where
        # What happens at the end of this round.
        elected_here = [r["elected"] for r in rnd["tallyResults"] if "elected" in r]
        if at == shown:  # a repeated tally (the round after a single winner's)
            assert not elected_here, where
        else:
            assert sorted(stage.elected) == sorted(elected_here), where
        shown = at
        rctab_elected.extend(elected_here)
        if elected_here and winner_round is None:
            winner_round = number
        eliminated = [r["eliminated"] for r in rnd["tallyResults"] if "eliminated" in r]
        if eliminated:  # one exclusion stage each, in any order within the round
            moved = stages[at + 1 : at + 1 + len(eliminated)]
            at += len(eliminated)
            assert all(s.action == "exclusion" for s in moved), where
            assert sorted(s.source or "" for s in moved) == sorted(eliminated), where
            if len(eliminated) > 1:
                assert all(sorted(s.batch) == sorted(eliminated) for s in moved), where
        surpluses = [w for w in elected_here if multi and expected[w] > threshold]
        if surpluses:  # one surplus stage each, all before anyone else is elected
            moved = stages[at + 1 : at + 1 + len(surpluses)]
            at += len(surpluses)
            assert all(s.action == "surplus" and not s.elected for s in moved), where
            assert sorted(s.source or "" for s in moved) == sorted(surpluses), where
    assert at == len(stages) - 1, f"{name}: Engage has stages RCTab has no round for"
    assert sorted(result.elected) == sorted(rctab_elected)
    assert result.to_dict()["options"] == options.to_dict()


def test_rctab_options_are_read_from_the_configuration() -> None:
    config, _, _ = _case("test_set_multi_winner_fractional_threshold")
    options = CountOptions.from_rctab(config["rules"])
    assert options == CountOptions(
        threshold="fractional", decimals=4, tie_break="candidate-order", surplus_transfer="rctab"
    )
    config, _, _ = _case("continue_until_two_with_batch_elimination_test")
    options = CountOptions.from_rctab(config["rules"])
    assert options.batch_elimination and options.continue_until_two
    assert options.decimals == 4 and options.threshold == "whole"
