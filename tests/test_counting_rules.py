"""Ballot rules: blank ranks, overvotes and repeated candidates read as RCTab reads them."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.counting.errors import BallotFileError, CountingError
from engage.counting.marked import OVERVOTE, SKIPPED, MarkedBallots
from engage.counting.rules import (
    OVERVOTES,
    RAN_OUT,
    REPEATED_RANKINGS,
    SKIPPED_RANKINGS,
    STRICT,
    BallotRules,
    apply_rules,
)

_ = SKIPPED
X = OVERVOTE
NAMES = ["A", "B", "C", "D"]
A, B, C, D = range(4)


def marked(rows, weights=None, candidates=NAMES, **extra) -> MarkedBallots:
    width = max((len(row) for row in rows), default=0)
    marks = np.full((len(rows), width), SKIPPED, dtype=np.int16)
    for i, row in enumerate(rows):
        marks[i, : len(row)] = row
    weights = np.ones(len(rows)) if weights is None else weights
    weights = np.array(weights, dtype=np.int64)
    return MarkedBallots(list(candidates), marks, weights, **extra)


def rankings(ruled) -> list[list[int]]:
    return [[int(i) for i in row if i >= 0] for row in ruled.election.table.rankings]


def walk(row, rules: BallotRules) -> tuple[list[int], int]:
    """The rules applied to one ballot, rank by rank, as RCTab's tabulator walks it."""
    ranking: list[int] = []
    seen: set[int] = set()
    blanks = 0
    for mark in row:
        if mark == SKIPPED:
            blanks += 1
            continue
        if rules.skipped is not None and blanks > rules.skipped:
            return ranking, SKIPPED_RANKINGS
        blanks = 0
        if mark == OVERVOTE:
            if rules.overvote == "exhaust":
                return ranking, OVERVOTES
            continue
        if mark in seen:
            if rules.repeated == "exhaust":
                return ranking, REPEATED_RANKINGS
            continue
        seen.add(mark)
        ranking.append(mark)
    return ranking, RAN_OUT


ALL_RULES = [
    BallotRules(overvote, skipped, repeated)
    for overvote, skipped, repeated in itertools.product(
        ("exhaust", "skip"), (None, 0, 1, 2), ("skip", "exhaust")
    )
]


def check_against_walk(ballots: MarkedBallots, rules: BallotRules) -> None:
    ruled = apply_rules(ballots, rules)
    table = ruled.election.table
    assert table.total() == ballots.total()  # every paper kept: counted, or empty
    assert len(table) == len(ballots)
    assert np.array_equal(table.weights, ballots.weights)
    got = rankings(ruled)
    for i, row in enumerate(ballots.marks.tolist()):
        expected, reason = walk(row, rules)
        assert got[i] == expected, (row, rules)
        assert ruled.ends[i] == reason, (row, rules)
        assert ruled.undervote[i] == all(mark == SKIPPED for mark in row)
    r = table.rankings
    assert r.min(initial=-1) >= -1  # no blank or overvote is left in a ranking
    if r.shape[1]:
        assert not ((r[:, 1:] >= 0) & (r[:, :-1] < 0)).any()  # no gaps
        ordered = np.sort(r, axis=1)
        assert not ((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)).any()


# --- each rule on hand-made ballots ---------------------------------------------------


def test_overvote_exhausts_or_is_passed_over():
    ballots = marked([[A, X, C], [X, B]])
    ruled = apply_rules(ballots, BallotRules(overvote="exhaust"))
    assert rankings(ruled) == [[A], []]
    assert ruled.ends.tolist() == [OVERVOTES, OVERVOTES]
    assert ruled.undervote.tolist() == [False, False]  # inactive, not an undervote
    ruled = apply_rules(ballots, BallotRules(overvote="skip"))
    assert rankings(ruled) == [[A, C], [B]]
    assert ruled.ends.tolist() == [RAN_OUT, RAN_OUT]


def test_skipped_ranks_up_to_the_limit_are_passed_over():
    ballots = marked([[A, _, B], [A, _, _, B], [_, A], [A, _, _], [_, _, _, C]])
    unlimited = apply_rules(ballots, BallotRules(skipped=None))
    assert rankings(unlimited) == [[A, B], [A, B], [A], [A], [C]]
    assert set(unlimited.ends.tolist()) == {RAN_OUT}
    none = apply_rules(ballots, BallotRules(skipped=0))
    assert rankings(none) == [[A], [A], [], [A], []]
    # Trailing blanks never count as skipped: that ballot simply ends.
    assert none.ends.tolist() == [
        SKIPPED_RANKINGS,
        SKIPPED_RANKINGS,
        SKIPPED_RANKINGS,
        RAN_OUT,
        SKIPPED_RANKINGS,
    ]
    one = apply_rules(ballots, BallotRules(skipped=1))
    assert rankings(one) == [[A, B], [A], [A], [A], []]
    assert one.ends.tolist() == [RAN_OUT, SKIPPED_RANKINGS, RAN_OUT, RAN_OUT, SKIPPED_RANKINGS]
    assert rankings(apply_rules(ballots, BallotRules(skipped=3))) == rankings(unlimited)


def test_an_overvote_or_repeat_is_a_mark_for_the_skipped_rank_limit():
    ballots = marked([[A, _, X, _, B]])
    assert rankings(apply_rules(ballots, BallotRules(overvote="skip", skipped=1))) == [[A, B]]
    ruled = apply_rules(ballots, BallotRules(overvote="skip", skipped=0))
    assert rankings(ruled) == [[A]] and ruled.ends.tolist() == [SKIPPED_RANKINGS]


def test_repeated_candidate_is_passed_over_or_exhausts():
    ballots = marked([[A, A, B], [C, B, C, D]])
    ruled = apply_rules(ballots, BallotRules(repeated="skip"))
    assert rankings(ruled) == [[A, B], [C, B, D]]
    assert ruled.ends.tolist() == [RAN_OUT, RAN_OUT]
    ruled = apply_rules(ballots, BallotRules(repeated="exhaust"))
    assert rankings(ruled) == [[A], [C, B]]
    assert ruled.ends.tolist() == [REPEATED_RANKINGS, REPEATED_RANKINGS]


def test_the_skipped_rank_limit_is_checked_before_the_repeat():
    ruled = apply_rules(marked([[A, _, A]]), BallotRules(skipped=0, repeated="exhaust"))
    assert ruled.ends.tolist() == [SKIPPED_RANKINGS]


def test_a_ballot_with_no_mark_is_an_undervote():
    ruled = apply_rules(marked([[_, _, _], [A], []]), BallotRules(skipped=0))
    assert rankings(ruled) == [[], [A], []]
    assert ruled.undervote.tolist() == [True, False, True]
    assert ruled.ends.tolist() == [RAN_OUT, RAN_OUT, RAN_OUT]
    assert ruled.election.table.total() == 3
    assert ruled.ends_by_reason() == {
        "exhaustedChoices": 1,
        "overvotes": 0,
        "skippedRankings": 0,
        "repeatedRankings": 0,
        "undervotes": 2,
    }


def test_the_election_keeps_weights_seats_withdrawn_title_and_write_ins():
    ballots = marked(
        [[A, B], [C]],
        weights=[3, 5],
        seats=2,
        title="Ward 1",
        withdrawn=("D",),
        undeclared_write_ins=("C",),
        notes=["read from a test"],
    )
    ruled = apply_rules(ballots, BallotRules())
    election = ruled.election
    assert election.candidates == tuple(NAMES)
    assert (election.seats, election.title, election.withdrawn) == (2, "Ward 1", ("D",))
    assert election.table.weights.tolist() == [3, 5]
    assert ruled.undeclared_write_ins == ("C",)
    assert ruled.notes == ("read from a test",)
    assert election.table.rankings.dtype == np.int8
    assert [ballot.ranking for ballot in election.ballots] == [("A", "B"), ("C",)]


def test_seats_default_to_one_and_bad_marks_or_weights_are_refused():
    assert apply_rules(marked([[A]]), BallotRules()).election.seats == 1
    with pytest.raises(CountingError, match="does not exist"):
        apply_rules(marked([[4]]), BallotRules())
    with pytest.raises(CountingError, match="does not exist"):
        apply_rules(marked([[-3]]), BallotRules())
    with pytest.raises(BallotFileError, match="weight"):
        apply_rules(marked([[A]], weights=[0]), BallotRules())
    with pytest.raises(BallotFileError, match="add up"):
        apply_rules(marked([[A], [B]], weights=[10**8, 1]), BallotRules())


def test_no_ballots_and_no_ranks():
    ruled = apply_rules(marked([]), BallotRules())
    assert len(ruled.election.table) == 0 and ruled.ends.shape == (0,)
    empty = MarkedBallots(NAMES, np.zeros((2, 0), dtype=np.int8), np.ones(2, dtype=np.int64))
    ruled = apply_rules(empty, BallotRules(skipped=0))
    assert rankings(ruled) == [[], []] and ruled.undervote.tolist() == [True, True]


# --- the rules against a ballot-by-ballot walk ------------------------------------------


@pytest.mark.parametrize("candidates", [4, 70, 300])  # one bit word, two words, no bits
@pytest.mark.parametrize("seed", range(3))
def test_random_marked_ballots_match_a_ballot_by_ballot_walk(candidates, seed):
    rng = np.random.default_rng(seed)
    n, width = 400, 7
    choices = np.concatenate([np.arange(min(candidates, 6)), [SKIPPED] * 3, [OVERVOTE]])
    if candidates > 6:  # some high indices too, to cross the 64-bit words
        choices = np.concatenate([choices, [candidates - 1, 64, 65, 63]])
    marks = rng.choice(choices, size=(n, width)).astype(np.int16)
    marks[rng.random(n) < 0.1] = SKIPPED  # some undervotes
    names = [f"c{i}" for i in range(candidates)]
    ballots = MarkedBallots(names, marks, rng.integers(1, 5, size=n).astype(np.int64))
    for rules in ALL_RULES:
        check_against_walk(ballots, rules)


mark = st.sampled_from([A, B, C, D, SKIPPED, SKIPPED, OVERVOTE])


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.lists(mark, max_size=6), max_size=12),
    rules=st.sampled_from(ALL_RULES),
    data=st.data(),
)
def test_property_weight_is_conserved_and_rankings_are_clean(rows, rules, data):
    weights = data.draw(st.lists(st.integers(1, 1000), min_size=len(rows), max_size=len(rows)))
    check_against_walk(marked(rows, weights), rules)


# --- STRICT: Engage's own ballots -------------------------------------------------------


def test_strict_accepts_clean_ballots_trailing_blanks_and_empty_ones():
    ruled = apply_rules(marked([[A, B, _], [_, _], [C]]), STRICT)
    assert rankings(ruled) == [[A, B], [], [C]]
    assert ruled.undervote.tolist() == [False, True, False]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([[A, B], [A, _, C]], "ballot 2: rank_2 is blank but a later rank is not"),
        ([[_, A]], "ballot 1: rank_1 is blank but a later rank is not"),
        ([[A, X]], "ballot 1: rank_2 has two or more options marked"),
        ([[A], [B], [C, A, C]], "ballot 3: 'C' is ranked twice"),
    ],
)
def test_strict_refuses_blank_ranks_overvotes_and_repeats(rows, message):
    with pytest.raises(BallotFileError) as caught:
        apply_rules(marked(rows, source="ballots.csv"), STRICT)
    assert str(caught.value) == f"ballots.csv: {message}"


# --- the rules themselves ---------------------------------------------------------------


def test_rules_round_trip_through_a_dict():
    for rules in [*ALL_RULES, STRICT]:
        assert BallotRules.from_dict(rules.to_dict()) == rules
    assert BallotRules().to_dict() == {
        "overvote": "exhaust",
        "skipped": None,
        "repeated": "skip",
        "strict": False,
    }


@pytest.mark.parametrize(
    "data",
    [
        {"overvote": "ignore"},
        {"repeated": "count"},
        {"skipped": -1},
        {"skipped": "2"},
        {"skipped": True},
        {"strict": "yes"},
        {"overvotes": "skip"},
    ],
)
def test_bad_rules_are_refused(data):
    with pytest.raises(CountingError):
        BallotRules.from_dict(data)


def test_describe_gives_one_plain_sentence_per_rule():
    text = BallotRules().describe()
    assert "An overvote (two or more candidates at one rank) exhausts the ballot." in text
    assert "Blank ranks are passed over" in text
    assert "passed over (the higher ranking counts)" in text
    text = BallotRules(overvote="skip", skipped=1, repeated="exhaust").describe()
    assert "goes on to its next rank" in text
    assert "Up to 1 blank rank in a row is passed over" in text
    assert "exhausts the ballot at the repeat" in text
    assert "A blank rank followed by a marked one exhausts" in BallotRules(skipped=0).describe()
    assert "refused" in STRICT.describe()
    for rules in ALL_RULES:
        sentences = rules.describe().split(". ")
        assert len(sentences) == 4 and rules.describe().endswith(".")


def test_rules_from_an_rctab_configuration():
    rules = BallotRules.from_rctab(
        {
            "overvoteRule": "alwaysSkipToNextRank",
            "maxSkippedRanksAllowed": "1",
            "exhaustOnDuplicateCandidate": True,
        }
    )
    assert rules == BallotRules(overvote="skip", skipped=1, repeated="exhaust")
    rules = BallotRules.from_rctab(
        {"overvoteRule": "exhaustImmediately", "maxSkippedRanksAllowed": "unlimited"}
    )
    assert rules == BallotRules(overvote="exhaust", skipped=None, repeated="skip")
    with pytest.raises(CountingError, match="not supported"):
        BallotRules.from_rctab({"overvoteRule": "exhaustIfMultipleContinuing"})
    with pytest.raises(CountingError, match="not a number"):
        BallotRules.from_rctab(
            {"overvoteRule": "exhaustImmediately", "maxSkippedRanksAllowed": "x"}
        )
