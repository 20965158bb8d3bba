"""Counting options: invariants over many random elections, and small counts checked by hand."""

import itertools
import random

import numpy as np
import pytest

from engage.counting import (
    UNIT,
    Ballot,
    BallotTable,
    CountingError,
    CountOptions,
    Election,
    count,
    format_report,
)
from engage.counting.tally import INACTIVE_REASONS, Tally

ALL_OPTIONS = [
    CountOptions(
        batch_elimination=batch,
        continue_until_two=until_two,
        threshold=threshold,
        decimals=decimals,
        tie_break=tie_break,
        exclude_undeclared_write_ins=write_ins,
        surplus_transfer=surplus,
    )
    for batch, until_two, threshold, decimals, tie_break, write_ins, surplus in itertools.product(
        (False, True),
        (False, True),
        ("whole", "fractional"),
        (5, 2, 0),
        ("previous-rounds-then-lot", "lot", "candidate-order"),
        (True, False),
        ("scottish", "rctab"),
    )
]


def random_election(seed: int) -> tuple[Election, np.ndarray, tuple[str, ...]]:
    """Up to 7 candidates, some ballots empty, weights 1 to 5, and a reason per ballot."""
    rng = random.Random(seed)  # noqa: S311 (made-up elections)
    names = [f"C{i}" for i in range(rng.randint(2, 7))]
    rows = []
    for _ in range(rng.randint(1, 40)):
        ranking = rng.sample(names, rng.randint(0, len(names)))
        rows.append(Ballot(tuple(ranking), rng.randint(1, 5)))
    if all(not b.ranking for b in rows):
        rows.append(Ballot((names[0],)))
    withdrawn = [names[-1]] if len(names) > 3 and rng.random() < 0.3 else []
    undeclared = (names[1],) if rng.random() < 0.3 else ()
    seats = rng.randint(1, min(3, len(names)))
    election = Election(names, rows, seats, withdrawn)
    ends = np.array([rng.randint(0, 3) for _ in rows], dtype=np.int8)
    return election, ends, undeclared


def check_invariants(election: Election, result, options: CountOptions, ends) -> None:
    total = result.ballots * UNIT
    step = options.step
    standing = set(election.standing)
    inactive_at_start = 0
    if ends is not None:
        for ballot, end in zip(election.ballots, ends.tolist(), strict=True):
            if not set(ballot.ranking) & standing and (ballot.ranking or end):
                inactive_at_start += ballot.weight * UNIT
    for stage in result.stages:
        assert sum(stage.tally.values()) + stage.non_transferable + stage.rounding_loss == total
        assert stage.rounding_loss >= 0 and stage.non_transferable >= 0
        assert all(units % step == 0 and units >= 0 for units in stage.tally.values())
        if ends is not None:
            assert stage.inactive is not None
            assert set(stage.inactive) == set(INACTIVE_REASONS)
            # Inactive votes are the non-transferable ones plus the ballots with no
            # standing candidate that are not undervotes (blank, and simply ran out).
            assert sum(stage.inactive.values()) == stage.non_transferable + inactive_at_start
        else:
            assert stage.inactive is None
    assert len(set(result.elected)) == len(result.elected)
    assert set(result.elected) <= standing
    assert len(result.elected) <= (1 if result.method == "irv" else election.seats)
    assert not set(result.elected) & set(result.excluded)
    data = result.to_dict()
    assert data["options"] == options.to_dict()


@pytest.mark.parametrize("seed", range(12))
def test_every_option_conserves_votes_and_elects_standing_candidates(seed: int) -> None:
    election, ends, undeclared = random_election(seed)
    for options, with_ends, method in itertools.product(ALL_OPTIONS, (None, ends), ("irv", "stv")):
        if method == "irv" and options.surplus_transfer == "rctab":
            continue  # IRV transfers no surplus: the same count as "scottish"
        try:
            result = count(
                election, method, seed=seed, options=options, ends=with_ends, undeclared=undeclared
            )
        except CountingError:
            assert election.table.total() == 0 or all(
                not b.ranking or set(b.ranking) <= set(election.withdrawn) for b in election.ballots
            )
            continue
        check_invariants(election, result, options, with_ends)
        if options.exclude_undeclared_write_ins and undeclared and len(result.candidates) > 1:
            assert undeclared[0] not in result.elected or undeclared[0] in election.withdrawn
        if method == "irv" and options.continue_until_two:
            still_in = set(result.candidates) - set(result.excluded)
            assert len(still_in) <= 2
        if method == "irv" and result.elected:
            last = result.stages[-1].tally
            assert last[result.elected[0]] == max(last.values())
        format_report(result)  # every option can be printed


def test_defaults_are_todays_count() -> None:
    election, _, _ = random_election(3)
    for method in ("irv", "stv"):
        before = count(election, method, seed=1).to_dict()
        after = count(election, method, seed=1, options=CountOptions()).to_dict()
        assert before == after
        assert before["options"] == CountOptions().to_dict()


def votes(*pairs: tuple[tuple[str, ...], int]) -> list[Ballot]:
    return [Ballot(ranking, weight) for ranking, weight in pairs]


def test_batch_elimination_excludes_every_hopeless_candidate_together() -> None:
    ballots = votes((("A",), 8), (("B",), 7), (("C", "B"), 3), (("D", "C"), 1), (("E", "A"), 1))
    election = Election("ABCDE", ballots)
    one_by_one = count(election, "irv", seed=1)
    assert [s.excluded for s in one_by_one.stages[1:]] == [["E"], ["D"], ["C"]]
    batch = count(election, "irv", seed=1, options=CountOptions(batch_elimination=True))
    # D + E (2) < C (3); D + E + C (5) < B (7); adding B (12) is not < A (8).
    assert sorted(batch.excluded) == ["C", "D", "E"]
    assert all(sorted(s.batch) == ["C", "D", "E"] for s in batch.stages[1:4])
    # D's paper went nowhere: C was excluded with D, so it passes over C to nobody.
    assert batch.stages[3].tally == {"A": 9 * UNIT, "B": 10 * UNIT, "C": 0, "D": 0, "E": 0}
    assert batch.elected == ["B"]
    assert "batch elimination: " in format_report(batch)


def test_continue_until_two_keeps_excluding_after_the_majority() -> None:
    ballots = votes((("A",), 6), (("B", "A"), 3), (("C", "B"), 2))
    election = Election("ABC", ballots)
    plain = count(election, "irv", seed=1)
    assert len(plain.stages) == 1 and plain.elected == ["A"]
    until_two = count(election, "irv", seed=1, options=CountOptions(continue_until_two=True))
    assert until_two.elected == ["A"]
    assert until_two.stages[0].elected == ["A"]
    assert until_two.excluded == ["C"]
    assert until_two.stages[-1].tally == {"A": 6 * UNIT, "B": 5 * UNIT, "C": 0}
    # With batch elimination it still stops at two, never leaving the winner alone.
    both = CountOptions(continue_until_two=True, batch_elimination=True)
    assert count(election, "irv", seed=1, options=both).excluded == ["C"]


def test_the_winner_still_receives_transfers_until_two_remain() -> None:
    ballots = votes((("A",), 6), (("B",), 3), (("C", "A"), 2))
    result = count(Election("ABC", ballots), "irv", options=CountOptions(continue_until_two=True))
    assert result.stages[-1].tally["A"] == 8 * UNIT


def test_fractional_threshold() -> None:
    election = Election("ABC", votes((("A",), 5), (("B",), 3), (("C",), 2)), seats=2)
    assert count(election, "stv", seed=1).quota == 4 * UNIT
    fractional = CountOptions(threshold="fractional")
    assert count(election, "stv", seed=1, options=fractional).quota == 333_334  # 3.33334
    two_places = CountOptions(threshold="fractional", decimals=2)
    assert count(election, "stv", seed=1, options=two_places).quota == 334_000  # 3.34
    irv = count(Election("AB", votes((("A",), 5), (("B",), 4))), "irv", options=two_places)
    assert irv.stages[0].majority == 450_000 + 1_000  # 9 / 2 + 0.01


def test_decimals_truncate_transfer_values() -> None:
    ballots = votes((("A", "B"), 7), (("B",), 1), (("C",), 2))
    election = Election("ABC", ballots, seats=2)
    # Quota floor(10 / 3) + 1 = 4; A's surplus 3 of 7 votes: 3/7 = 0.428571...
    five = count(election, "stv", seed=1)
    assert five.stages[1].transfers == {"B": 7 * 42_857}
    two = count(election, "stv", seed=1, options=CountOptions(decimals=2))
    assert two.stages[1].transfers == {"B": 7 * 42_000}
    assert two.stages[1].rounding_loss == 3 * UNIT - 7 * 42_000
    none = count(election, "stv", seed=1, options=CountOptions(decimals=0))
    assert none.stages[1].transfers == {}
    assert none.stages[1].rounding_loss == 3 * UNIT


def test_rctab_truncates_the_fraction_before_multiplying() -> None:
    # A paper worth 0.9999 in a surplus of 0.50009 of 1 vote, kept to 4 places:
    # Scottish: trunc(0.9999 * 0.50009) = trunc(0.500040) = 0.5000;
    # RCTab: trunc(0.9999 * trunc(0.50009)) = trunc(0.9999 * 0.5000) = 0.4999.
    table = BallotTable(np.array([[0, 1]], dtype=np.int8), np.array([1], dtype=np.int64))
    moved = {}
    for rctab in (False, True):
        tally = Tally(table, [True, True])
        tally.value[:] = 99_990
        tally.votes[0] = 100_000
        moved[rctab] = tally.move(0, 50_009, step=10, truncate_fraction=rctab).gained[1]
    assert moved == {False: 50_000, True: 49_990}


def test_rctab_transfers_every_surplus_of_a_stage_before_electing_anyone() -> None:
    # A and B reach the quota (8) together; A's surplus lifts C to it. The Scottish
    # rules elect C then, which fills the seats; RCTab moves B's surplus first, to C.
    ballots = votes((("A", "C"), 10), (("B", "C", "D"), 9), (("C",), 6), (("D",), 4), (("E",), 2))
    election = Election("ABCDE", ballots, seats=3)
    scottish = count(election, "stv", seed=1)
    rctab = count(election, "stv", seed=1, options=CountOptions(surplus_transfer="rctab"))
    assert scottish.quota == rctab.quota == 8 * UNIT
    assert len(scottish.stages) == 2 and scottish.stages[1].elected == ["C"]
    assert [(s.action, s.source) for s in rctab.stages[1:]] == [
        ("surplus", "A"),
        ("surplus", "B"),
        ("surplus", "C"),  # the last winner's surplus, after the last seat is filled
    ]
    assert rctab.stages[1].elected == [] and rctab.stages[2].elected == ["C"]
    assert rctab.stages[2].tally["C"] == 8 * UNIT + 9 * 11_111
    assert rctab.stages[3].note == "transferred after the last seat was filled"
    assert sorted(rctab.elected) == sorted(scottish.elected) == ["A", "B", "C"]


def test_candidate_order_and_lot_tie_breaks() -> None:
    ballots = votes((("A",), 2), (("B", "A"), 1), (("C", "A"), 1))
    election = Election("ABC", ballots)
    ordered = count(election, "irv", seed=1, options=CountOptions(tie_break="candidate-order"))
    assert ordered.excluded[0] == "C"  # listed last
    assert ordered.tie_breaks[0].resolved_by == "candidate order"
    lot = count(election, "irv", seed=1, options=CountOptions(tie_break="lot"))
    assert lot.tie_breaks[0].resolved_by == "lot with seed 1"
    # A tie an earlier stage would settle is still a lot in "lot" mode.
    ballots = votes(
        (("A",), 5), (("B",), 3), (("C",), 2), (("D", "C"), 1), (("E", "B"), 1), (("E", "C"), 1)
    )
    election = Election("ABCDE", ballots)
    looked_back = count(election, "irv", seed=1)
    assert looked_back.tie_breaks[-1].resolved_by.startswith("earlier stage")
    lots = count(election, "irv", seed=1, options=CountOptions(tie_break="lot"))
    assert all(t.resolved_by.startswith("lot") for t in lots.tie_breaks)


def test_undeclared_write_ins_are_excluded_first() -> None:
    ballots = votes((("Write-in", "B"), 5), (("A",), 4), (("B",), 2))
    election = Election(["A", "B", "Write-in"], ballots)
    result = count(election, "irv", seed=1, undeclared=["Write-in"])
    assert result.stages[1].excluded == ["Write-in"]
    assert result.stages[1].note == "undeclared write-in"
    assert result.elected == ["B"]
    kept = CountOptions(exclude_undeclared_write_ins=False)
    assert count(election, "irv", seed=1, options=kept, undeclared=["Write-in"]).elected == [
        "Write-in"
    ]
    with pytest.raises(CountingError, match="not a candidate"):
        count(election, "irv", undeclared=["Nobody"])


def test_inactive_votes_by_reason() -> None:
    rankings = np.array([[0, 1], [1, -1], [-1, -1], [-1, -1], [2, -1]], dtype=np.int8)
    weights = np.array([3, 2, 1, 4, 1], dtype=np.int64)
    election = Election("ABC", BallotTable(rankings, weights))
    # Row 2 stopped at an overvote at rank 1; row 3 is blank (an undervote); row 4
    # (C) stopped at a repeated ranking; row 1 (B) ran out.
    ends = np.array([0, 0, 1, 0, 3], dtype=np.int8)
    result = count(election, "irv", seed=1, ends=ends)
    first = result.stages[0].inactive
    assert first == {
        "exhausted_choices": 0,
        "overvotes": UNIT,
        "skipped_rankings": 0,
        "repeated_rankings": 0,
    }
    after_c = result.stages[1]
    assert after_c.excluded == ["C"]
    assert after_c.inactive is not None and after_c.inactive["repeated_rankings"] == UNIT
    assert "inactive" in result.to_dict()["stages"][1]
    marked_blank = np.array([False, False, False, False, False])
    all_counted = count(election, "irv", seed=1, ends=ends, undervote=marked_blank)
    assert all_counted.stages[0].inactive is not None
    assert all_counted.stages[0].inactive["exhausted_choices"] == 4 * UNIT
    with pytest.raises(CountingError):
        count(election, "irv", ends=np.zeros(2, dtype=np.int8))


def test_options_are_checked_and_described() -> None:
    with pytest.raises(CountingError):
        CountOptions(decimals=6)
    with pytest.raises(CountingError):
        CountOptions(threshold="droop")
    with pytest.raises(CountingError):
        CountOptions(tie_break="coin")
    with pytest.raises(CountingError):
        CountOptions.from_dict({"batch": True})
    options = CountOptions(batch_elimination=True, decimals=2)
    assert CountOptions.from_dict(options.to_dict()) == options
    assert any("Batch elimination" in line for line in options.describe())
    election = Election("AB", votes((("A",), 2), (("B",), 1)))
    text = format_report(count(election, "irv", seed=1, options=options))
    assert "Batch elimination" in text and "2 decimal places" in text
