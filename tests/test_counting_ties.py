"""Ties: broken by earlier stages where possible, else by a lot anyone can redraw from the seed."""

from engage.counting import Ballot, Election, count


def ballots(*groups):
    return [Ballot(tuple(letters), weight) for weight, letters in groups]


def test_a_tie_for_fewest_is_broken_by_the_latest_stage_where_they_differed():
    # Stage 0: A 6, B 4, C 3, D 1. D's ballot goes to C, so B and C tie on 4 at stage 1.
    election = Election("ABCD", ballots((6, "A"), (4, "B"), (3, "C"), (1, "DC")))
    result = count(election, "irv", seed="unused")

    tie = result.stages[2].tie_break
    assert result.stages[2].excluded == ["C"]
    assert tie.tied == ("B", "C")
    assert tie.chosen == "C"
    assert tie.resolved_by == "earlier stage 0 totals"
    assert tie.seed is None
    assert "At the end of stage 0, C had the fewest votes (3.00000)" in tie.explanation
    assert result.elected == ["A"]


def test_a_tie_at_every_stage_is_broken_by_lot_with_the_seed_recorded():
    election = Election("ABC", ballots((1, "A"), (1, "B"), (1, "C")))
    result = count(election, "irv", seed="town-hall-2025")

    tie = result.stages[1].tie_break
    assert tie.resolved_by == "lot with seed town-hall-2025"
    assert tie.seed == "town-hall-2025"
    assert tie.tied == ("A", "B", "C")
    assert "drawn with seed town-hall-2025" in tie.explanation
    assert result.seed == "town-hall-2025"
    assert result.to_dict()["stages"][1]["tie_break"]["chosen"] == tie.chosen


def test_the_same_seed_always_gives_the_same_result():
    election = Election("ABCD", ballots((2, "AB"), (2, "BA"), (2, "CD"), (2, "DC")), seats=2)
    first = count(election, "stv", seed=42).to_dict()

    assert count(election, "stv", seed=42).to_dict() == first
    assert count(election, "stv", seed="42").to_dict() == first  # the seed is used as text


def test_different_seeds_record_different_lots():
    election = Election("ABC", ballots((1, "A"), (1, "B"), (1, "C")))
    results = [count(election, "irv", seed=seed) for seed in range(30)]

    assert len({r.stages[1].tie_break.explanation for r in results}) == 30
    assert len({r.stages[1].tie_break.chosen for r in results}) > 1
    assert len({r.elected[0] for r in results}) > 1


def test_a_seed_is_made_up_and_recorded_when_none_is_given():
    election = Election("AB", ballots((1, "A"), (1, "B")))
    result = count(election, "irv")

    assert result.seed
    assert count(election, "irv", seed=result.seed).to_dict() == result.to_dict()


def test_equal_surpluses_go_in_the_order_of_an_earlier_stage_or_by_lot():
    # A and B both exceed the quota (6) with 8 each at stage 0: no earlier stage, so a lot.
    election = Election("ABCD", ballots((8, "AC"), (8, "BD"), (1, "C"), (1, "D")), seats=3)
    result = count(election, "stv", seed="s")

    tie = result.stages[1].tie_break
    assert tie.purpose == "surplus"
    assert tie.tied == ("A", "B")
    assert result.stages[1].source == tie.chosen
    assert "has its surplus transferred first" in tie.explanation


def test_the_lot_is_drawn_over_names_sorted_so_ballot_order_does_not_matter():
    forward = Election("ABC", ballots((1, "A"), (1, "B"), (1, "C")))
    backward = Election("CBA", ballots((1, "A"), (1, "B"), (1, "C")))

    assert count(forward, "irv", seed=9).elected == count(backward, "irv", seed=9).elected
