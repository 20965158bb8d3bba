"""IRV: one exclusion per stage until a majority, and agreement with pyrankvote."""

import random

from engage.counting import UNIT, Ballot, Election, NothingToCount, count
from engage.counting.recount import pyrankvote_irv_winner, recount_irv


def ballots(*groups):
    return [Ballot(tuple(letters), weight) for weight, letters in groups]


def test_a_first_preference_majority_wins_at_once():
    result = count(Election("ABC", ballots((6, "A"), (3, "B"), (2, "C"))), "irv", seed=1)

    assert result.elected == ["A"]
    assert len(result.stages) == 1
    assert result.quota is None
    assert result.stages[0].majority == 6 * UNIT
    assert result.to_dict()["quota"] is None
    assert result.to_dict()["stages"][0]["majority"] == "6.00000"


def test_exclusions_go_one_per_stage_and_the_majority_counts_only_live_ballots():
    election = Election("ABCD", ballots((5, "A"), (4, "BA"), (3, "C"), (2, "D")))
    result = count(election, "irv", seed=1)

    assert [s.excluded for s in result.stages[1:]] == [["D"], ["C"]]
    assert result.stages[1].transfers == {}  # D's ballots exhaust
    assert result.stages[1].majority == 7 * UNIT  # more than half of the 12 still live
    assert result.stages[2].majority == 5 * UNIT  # more than half of 9
    assert result.stages[2].exhausted == 5
    assert result.elected == ["A"]
    assert result.stages[-1].elected == ["A"]


def test_an_exclusion_records_where_each_ballot_went():
    election = Election("ABCD", ballots((5, "A"), (4, "BA"), (3, "CB"), (2, "DC")))
    result = count(election, "irv", seed=1)

    assert result.stages[1].transfers == {"C": 2 * UNIT}
    assert result.stages[2].excluded == ["B"]
    assert result.stages[2].transfers == {"A": 4 * UNIT}
    assert result.elected == ["A"]


def test_the_last_candidate_standing_wins_even_without_a_majority():
    election = Election("AB", ballots((2, "A"), (1, "B"), (3, "")))
    result = count(election, "irv", seed=1)

    assert result.elected == ["A"]
    assert result.empty == 3


def test_recount_agrees_with_our_count():
    election = Election("ABCD", ballots((5, "A"), (4, "BA"), (3, "CB"), (2, "DC")))
    result = count(election, "irv", seed=1)
    recount = recount_irv(election, result)

    assert recount.winner == result.elected[0] == "A"
    assert recount.agrees and recount.comparable


def _random_election(rng):
    size = rng.randint(2, 7)
    names = [f"C{i}" for i in range(size)]
    appeal = [0.2 + rng.random() for _ in names]  # some options are more popular
    papers = []
    for _ in range(rng.randint(1, 60)):
        pool, weights, ranking = list(names), list(appeal), []
        for _ in range(rng.randint(0, size)):
            pick = rng.choices(range(len(pool)), weights=weights)[0]
            ranking.append(pool.pop(pick))
            weights.pop(pick)
        papers.append(Ballot(tuple(ranking), rng.choice((1, 1, 1, 2))))
    return Election(names, papers)


def test_thousands_of_untied_elections_have_the_same_winner_as_pyrankvote():
    rng = random.Random(20250101)  # noqa: S311 (test data, not secrets)
    compared = runoffs = 0
    for _ in range(10000):
        election = _random_election(rng)
        try:
            result = count(election, "irv", seed="property")
        except NothingToCount:
            continue  # no valid ballots: nobody is elected, not even by lot
        if result.tie_breaks:
            continue  # pyrankvote breaks ties its own way (and at random)
        assert pyrankvote_irv_winner(election) == result.elected[0], election.ballots
        compared += 1
        runoffs += len(result.stages) > 1
    assert compared > 5000
    assert runoffs > 2500
