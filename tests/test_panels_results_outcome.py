"""Reading a stored count for the results pages: figures, marks and the recount's verdict."""

import pytest

from engage.counting import Ballot, Election, count
from engage.panels.ballot_box.reading import AnonymisedBallot
from engage.panels.outcome.report import ballots_blt, read_outcome, recount_message, shown, units
from tests.test_panels_charts import small_stv


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.00000", "12"),
        ("12.34567", "12.34567"),
        ("0.50000", "0.50000"),
        ("1913.00000", "1,913"),
        ("-2.00000", "−2"),
        ("0.00000", "0"),
    ],
)
def test_votes_show_whole_numbers_plainly_and_fractions_to_five_places(text, expected):
    assert shown(units(text)) == expected


def test_rows_list_the_chosen_first_then_the_excluded_last_out_first():
    outcome = read_outcome(small_stv())
    assert outcome.order == ["Parks", "Potholes", "Street lighting", "Less litter"]
    parks, potholes, lighting, litter = outcome.rows
    assert parks.note == "Chosen 1st at stage 1" and potholes.note == "Chosen 2nd at stage 4"
    assert litter.note == "Excluded at stage 3"
    assert [c.status for c in litter.cells] == ["", "", "excluded", "out"]
    assert [c.status for c in parks.cells] == ["elected", "chosen", "chosen", "chosen"]
    assert [(c.text, c.change) for c in potholes.cells[:2]] == [("2", ""), ("3", "+1")]
    assert [c.heading for c in outcome.columns] == [
        "First preferences",
        "Surplus of Parks",
        "Less litter excluded",
        "Street lighting excluded",
    ]
    assert outcome.quota_text == "4"


def _irv(recount):
    result = count(Election(["Parks", "Bins"], [Ballot(("Parks",))] * 2), "irv", "1").to_dict()
    return {**result, "recount": recount}


@pytest.mark.parametrize(
    ("recount", "words", "agrees"),
    [
        (
            {"by": "pyrankvote", "winner": "Parks", "agrees": True, "comparable": True},
            "Checked independently with pyrankvote: it agrees (winner Parks).",
            True,
        ),
        (
            {"by": "pyrankvote", "winner": "Bins", "agrees": False, "comparable": True},
            "Checked independently with pyrankvote: it does not agree (its winner: Bins).",
            False,
        ),
        (
            {"by": "pyrankvote", "winner": None, "agrees": False, "problem": "pyrankvote failed"},
            "Checked independently with pyrankvote: it could not finish (pyrankvote failed).",
            None,
        ),
    ],
)
def test_the_recount_verdict_is_put_in_words(recount, words, agrees):
    message, agreed = recount_message(_irv(recount))
    assert message.startswith(words) and agreed is agrees


def test_an_stv_count_has_no_recount_verdict():
    assert recount_message(small_stv()) == (None, None)


def test_the_blt_file_keeps_receipts_and_marks_paper_ballots():
    text = ballots_blt(
        ["Parks", 'The "Hub"'],
        1,
        "Fix it",
        [
            AnonymisedBallot("AAAAA-BBBBB", False, ('The "Hub"', "Parks")),
            AnonymisedBallot("CCCCC-DDDDD", True, ("Parks",)),
        ],
    )
    assert "(AAAAA-BBBBB) 1 2 1 0\n" in text
    assert "(CCCCC-DDDDD) 1 1 0  # paper\n" in text
    assert text.endswith('"Parks"\n"The \\"Hub\\""\n"Fix it"\n')


def test_pages_number_stages_from_one_in_the_counts_own_tie_sentence():
    from engage.panels.outcome.report import tie_break_words

    tie = {
        "purpose": "exclusion",
        "tied": ["B", "C"],
        "chosen": "C",
        "resolved_by": "earlier stage 0 totals",
        "stage": 0,
        "seed": None,
        "explanation": "B and C were tied on 4 votes. At the end of stage 0, C had the "
        "fewest votes (3), so C is excluded.",
    }

    assert "At the end of stage 1, C had the fewest votes (3)" in tie_break_words(tie)
