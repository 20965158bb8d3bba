"""Scottish STV on small elections whose right answers can be worked out by hand."""

import pytest

from engage.counting import UNIT, Ballot, CountingError, Election, NothingToCount, count


def ballots(*groups):
    """ballots((10, "EFG"), (2, "FH")): weight, then one letter per candidate."""
    return [Ballot(tuple(letters), weight) for weight, letters in groups]


def votes(text):
    return round(float(text) * UNIT)


def test_gregory_transfers_carry_the_ballot_value_and_elect_e_and_h():
    # pyrankvote moves E's whole ballots on, ignoring their reduced value, and elects G.
    election = Election("EFGH", ballots((10, "EFG"), (2, "FH"), (6, "H"), (5, "G")), seats=2)
    result = count(election, "stv", seed=1)

    assert result.quota == 8 * UNIT  # 23 // 3 + 1
    assert result.elected == ["E", "H"]
    surplus, exclusion = result.stages[1], result.stages[2]
    assert (surplus.action, surplus.source) == ("surplus", "E")
    assert surplus.transfers == {"F": 2 * UNIT}  # 10 papers at 2/10 = 0.2 each
    assert surplus.tally == {"E": 8 * UNIT, "F": 4 * UNIT, "G": 5 * UNIT, "H": 6 * UNIT}
    assert (exclusion.action, exclusion.excluded) == ("exclusion", ["F"])
    assert exclusion.transfers == {"G": 2 * UNIT, "H": 2 * UNIT}
    assert exclusion.elected == ["H"]


def test_transfer_value_is_truncated_to_five_places_per_paper():
    # Surplus 1 over 3 papers: each moves at 0.33333, and 0.00001 is lost to rounding.
    election = Election("ABC", ballots((3, "AB"), (1, "C"), (1, "B")), seats=1)
    result = count(election, "stv", seed=1)

    assert result.quota == 3 * UNIT  # 5 // 2 + 1
    assert result.stages[0].elected == ["A"]
    assert result.elected == ["A"]
    three_seats = count(Election("ABCD", ballots((7, "AB"), (2, "C"), (1, "D")), 3), "stv")
    surplus = three_seats.stages[1]
    assert three_seats.quota == 3 * UNIT  # 10 // 4 + 1
    assert surplus.transfers == {"B": 7 * 57142}  # 4/7 = 0.571428... -> 0.57142
    assert surplus.rounding_loss == 4 * UNIT - 7 * 57142


def test_largest_surplus_is_transferred_first():
    election = Election(
        "ABCDE", ballots((30, "AC"), (40, "BD"), (5, "C"), (5, "D"), (20, "E")), seats=3
    )
    result = count(election, "stv", seed=1)

    assert result.stages[0].elected == ["B", "A"]
    assert [stage.source for stage in result.stages[1:3]] == ["B", "A"]


def test_a_candidate_reaching_quota_during_a_transfer_gets_no_more_votes():
    election = Election(
        "ABCD", ballots((12, "ABC"), (5, "B"), (4, "C"), (3, "D")), seats=2
    )  # quota 9; A's surplus 3 takes B to 5 + 3 = 8, short; then D goes.
    result = count(election, "stv", seed=1)

    assert result.quota == 9 * UNIT
    assert result.elected[0] == "A"
    for stage in result.stages:
        for name in stage.elected:
            later = result.stages[stage.number + 1 :]
            assert all(name not in s.transfers for s in later)


def test_seats_equal_to_or_more_than_candidates_elect_everyone_without_a_transfer():
    for seats in (3, 5):
        election = Election("ABC", ballots((4, "AB"), (1, "C")), seats=seats)
        result = count(election, "stv", seed=1)
        assert sorted(result.elected) == ["A", "B", "C"]
        assert len(result.stages) == 1


def test_last_vacancies_are_filled_without_transferring_a_waiting_surplus():
    # A has a surplus, but B and C are the only continuing candidates for the two seats left.
    election = Election("ABC", ballots((10, "AB"), (3, "B"), (2, "C")), seats=3)
    result = count(election, "stv", seed=1)

    assert result.elected == ["A", "B", "C"]
    assert len(result.stages) == 1


def test_withdrawn_candidates_are_skipped_and_left_out_of_the_tallies():
    election = Election(
        "ABCD", ballots((4, "DA"), (3, "B"), (2, "C"), (1, "D")), seats=1, withdrawn=["D"]
    )
    result = count(election, "irv", seed=1)

    assert result.stages[0].tally == {"A": 4 * UNIT, "B": 3 * UNIT, "C": 2 * UNIT}
    assert result.withdrawn == ("D",)
    assert result.empty == 1  # the ballot that ranks only D
    assert result.ballots == 9


def test_empty_ballots_are_reported_but_do_not_count_towards_the_quota():
    election = Election("AB", ballots((5, "A"), (4, "B"), (3, "")), seats=1)
    result = count(election, "stv", seed=1)

    assert (result.ballots, result.empty) == (9, 3)
    assert result.quota == 5 * UNIT
    assert result.elected == ["A"]


def test_exhausted_ballots_are_counted_as_papers_and_as_votes():
    election = Election("ABC", ballots((6, "A"), (4, "B"), (2, "C"), (1, "CB")), seats=1)
    result = count(election, "stv", seed=1)

    exclusion = result.stages[1]
    assert exclusion.excluded == ["C"]
    assert (exclusion.exhausted, exclusion.non_transferable) == (2, 2 * UNIT)
    assert result.stages[2].excluded == ["B"]
    assert result.elected == ["A"]
    assert result.exhausted == 7


def test_weight_counts_as_that_many_identical_ballots():
    heavy = Election("ABC", ballots((3, "AB"), (2, "BC"), (2, "CA")), seats=2)
    spread = Election("ABC", ballots(*([(1, "AB")] * 3 + [(1, "BC")] * 2 + [(1, "CA")] * 2)), 2)

    assert count(heavy, "stv", seed=1).to_dict() == count(spread, "stv", seed=1).to_dict()


def test_no_ballots_at_all_elects_nobody_not_even_by_lot():
    with pytest.raises(NothingToCount, match="No ballots: nobody elected"):
        count(Election("ABC", [], seats=2), "stv", seed="s")


def test_only_empty_ballots_elect_nobody():
    election = Election("ABC", ballots((2, ""), (1, "C")), seats=1, withdrawn=["C"])

    with pytest.raises(NothingToCount, match=r"No valid ballots \(3 ballot papers"):
        count(election, "stv", seed="s")


def test_fewer_candidates_than_seats_leaves_the_rest_unfilled():
    result = count(Election("ABC", ballots((3, "A"), (2, "B")), seats=4), "stv", seed="s")

    assert sorted(result.elected) == ["A", "B", "C"]
    assert result.unfilled == 1
    assert result.to_dict()["unfilled_seats"] == 1


def test_one_exclusion_per_stage_with_its_transfers():
    election = Election(
        "ABCDE", ballots((9, "A"), (6, "B"), (3, "CD"), (2, "DB"), (1, "EC")), seats=2
    )
    result = count(election, "stv", seed=1)

    for before, stage in zip(result.stages, result.stages[1:], strict=False):
        if stage.action == "exclusion":
            assert len(stage.excluded) == 1
            moved = before.tally[stage.source]
            gained = sum(stage.transfers.values())
            assert gained + stage.non_transferable - before.non_transferable == moved
    assert [s.excluded for s in result.stages if s.excluded] == [["E"], ["D"]]
    assert result.elected == ["A", "B"]


def test_bad_elections_are_refused():
    with pytest.raises(CountingError, match="not a candidate"):
        Election("AB", [Ballot(("Z",))])
    with pytest.raises(CountingError, match="twice"):
        Election("AB", [Ballot(("A", "A"))])
    with pytest.raises(CountingError, match="seats"):
        Election("AB", [], seats=0)
    with pytest.raises(CountingError, match="weight"):
        Election("AB", [Ballot(("A",), 0)])
    with pytest.raises(CountingError, match="unknown counting method"):
        count(Election("AB", []), "borda")
