"""Ballot files: BLT and Engage CSV, read and written, with errors that name the line."""

import io
import random

import pytest

from engage.counting import (
    Ballot,
    BallotFileError,
    Election,
    parse_ballots,
    parse_blt,
    parse_csv,
    write_blt,
    write_csv,
)

BLT = """\
# A comment line, then candidates and seats
4 2
-4
3 1 2 0          # weight 3
(b-17) 1 1 3 0
2 2 4 3 0
1 0
0
"Ada Lovelace"
"Bo \\"The Boss\\" Diddley"
"Cy"
"Di"
"Orchard ward, 2025"
"""


def test_blt_reads_weights_withdrawn_quoted_names_ids_comments_and_title():
    election = parse_blt(BLT)

    assert election.candidates == ("Ada Lovelace", 'Bo "The Boss" Diddley', "Cy", "Di")
    assert election.seats == 2
    assert election.withdrawn == ("Di",)
    assert election.title == "Orchard ward, 2025"
    assert election.ballots == (
        Ballot(("Ada Lovelace", 'Bo "The Boss" Diddley'), 3),
        Ballot(("Ada Lovelace", "Cy")),
        Ballot(('Bo "The Boss" Diddley', "Di", "Cy"), 2),
        Ballot((), 1),
    )


def test_blt_title_is_optional_and_block_comments_are_skipped():
    election = parse_blt('2 1 /* two\ncandidates */\n1 1 0\n0\n"A" "B"\n')

    assert election.title == ""
    assert election.candidates == ("A", "B")


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("x 1\n", 1, "expected the number of candidates, found 'x'"),
        ("2 1\n1 1 0\n1 3 0\n0\n", 3, "candidate 3 does not exist (2 candidates)"),
        ("2 1\n1 1 1 0\n0\n", 2, "candidate 1 appears twice"),
        ("2 1\n1.5 1 0\n0\n", 2, "a ballot weight (a whole number from 1 to 100,000,000), found"),
        ("2 1\n1 1=2 0\n0\n", 2, "equal preferences are not supported"),
        ('2 1\n1 1 0\n"A"\n"B"\n', 3, "is the lone 0 that ends the ballots missing?"),
        ('2 1\n1 1 0\n0\n"A"\n', 4, "the file ends where the quoted name of candidate 2"),
        ('2 1\n1 1 0\n0\n"A\n"B"\n', 4, "a quoted name with no closing quote"),
        ('2 1\n0\n"A"\n"B"\n"T"\n"extra"\n', 6, "unexpected '\"extra\"' after the title"),
        ("2 1\n-3\n0\n", 2, "withdrawn candidate 3 does not exist"),
    ],
)
def test_blt_errors_name_the_line_and_the_problem(text, line, problem):
    with pytest.raises(BallotFileError) as caught:
        parse_blt(text, source="ward.blt")

    assert caught.value.line == line
    assert problem in str(caught.value)
    assert str(caught.value).startswith(f"ward.blt, line {line}: ")


CSV = """\ufeffreceipt,rank_1,rank_2,rank_3,weight
K7Q2,Skate park,Library hours,,
P3MM,Library hours,,,2
Z9XX,,,,
"""


def test_csv_reads_receipts_ranks_weights_and_empty_ballots():
    election = parse_csv(CSV, seats=1, title="Priorities")

    assert election.candidates == ("Skate park", "Library hours")
    assert election.title == "Priorities"
    assert election.ballots == (
        Ballot(("Skate park", "Library hours"), 1, "K7Q2"),
        Ballot(("Library hours",), 2, "P3MM"),
        Ballot((), 1, "Z9XX"),
    )


def test_csv_needs_no_receipt_and_takes_rank_columns_in_rank_order():
    election = parse_csv("rank_2,rank_1\nB,A\n,C\n", candidates=["A", "B", "C", "D"])

    assert election.candidates == ("A", "B", "C", "D")
    assert [b.ranking for b in election.ballots] == [("A", "B"), ("C",)]


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("receipt,first,second\n", 1, "unexpected column 'first'"),
        ("receipt\nX\n", 1, "no rank columns"),
        ("rank_1,rank_2,rank_3\nA,B,C\nA,,C\n", 3, "rank_2 is blank but a later rank is not"),
        ("rank_1,rank_2\nA,B\nB,B\n", 3, "'B' is ranked twice"),
        ("rank_1,weight\nA,1\nB,two\n", 3, "weight 'two' is not a whole number from 1 to"),
        ("rank_1,weight\nA,0\n", 2, "weight '0'"),
        ("", None, "the file is empty"),
    ],
)
def test_csv_errors_name_the_line_and_the_problem(text, line, problem):
    with pytest.raises(BallotFileError) as caught:
        parse_csv(text, source="votes.csv")

    assert caught.value.line == line
    assert problem in str(caught.value)


def test_csv_refuses_an_option_outside_the_given_list():
    with pytest.raises(BallotFileError, match="line 2: 'Z' is not one of the options"):
        parse_csv("rank_1\nZ\n", candidates=["A"])


def _random_ballots(rng, names, receipts):
    result = []
    for number in range(200):
        ranking = tuple(rng.sample(names, rng.randint(0, len(names))))
        receipt = f"R{number:04d}" if receipts else None
        result.append(Ballot(ranking, rng.choice((1, 1, 2, 7)), receipt))
    return result


NAMES = ["Skate park", "=cmd|' /C calc'!A0", "'Twas brillig", 'Bus, "stop" shelter', "-", "@x"]


@pytest.mark.parametrize("receipts", [True, False])
def test_csv_round_trip_gives_the_same_ballots(receipts):
    rng = random.Random(7)  # noqa: S311 (test data, not secrets)
    election = Election(NAMES, _random_ballots(rng, NAMES, receipts), seats=2)
    out = io.StringIO()
    write_csv(election, out, bom=True)
    text = out.getvalue()

    assert "\n=cmd" not in text and ",=cmd" not in text  # a spreadsheet will not run it
    again = parse_csv(text, seats=2, candidates=NAMES)
    assert again.ballots == election.ballots


def test_blt_round_trip_gives_the_same_ballots_names_seats_and_withdrawn():
    rng = random.Random(8)  # noqa: S311 (test data, not secrets)
    ballots = [Ballot(b.ranking, b.weight) for b in _random_ballots(rng, NAMES, False)]
    election = Election(NAMES, ballots, seats=3, withdrawn=["-"], title='The "big" one')
    out = io.StringIO()
    write_blt(election, out)
    again = parse_blt(out.getvalue())

    assert again.ballots == election.ballots
    assert (again.candidates, again.seats, again.withdrawn, again.title) == (
        election.candidates,
        3,
        ("-",),
        'The "big" one',
    )


def test_format_is_told_by_extension_or_by_content():
    assert parse_ballots(BLT, "upload.txt").seats == 2
    assert parse_ballots("rank_1\nA\n", "upload.txt").candidates == ("A",)
    assert parse_ballots(BLT, "ward.blt", seats=1).seats == 1
    assert parse_ballots("rank_1\nA\n", "ward-priorities.csv", seats=1).title == "ward-priorities"


def test_blt_ballots_may_share_a_line_or_span_several():
    election = parse_blt('3 1\n1 1 0 2 2\n3 0\n1\n3 0 0\n"A" "B" "C"\n')

    assert election.ballots == (Ballot(("A",)), Ballot(("B", "C"), 2), Ballot(("C",)))
