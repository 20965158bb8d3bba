"""Paper ballots: typed in one at a time or imported from CSV, all or nothing."""

import pytest
import sqlalchemy as sa

from engage.counting.rules import BallotRules
from engage.panels.ballot_box import paper, reading
from engage.panels.errors import BallotError, PanelError, PaperImportError, PhaseError
from engage.panels.models import DELIBERATION, PUBLISHED, VOTING, Ballot
from engage.panels.process import phases
from tests.panel_factories import PASSPHRASE, facilitator, ids, make_vote

TITLES = ("Parks", "Street lighting", "Less litter")


@pytest.fixture
def user(db, partnership):
    return facilitator(partnership)


@pytest.fixture
def vote(db, partnership, user):
    return make_vote(partnership, user, VOTING, titles=TITLES)


def stored(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Ballot))


GOOD = (
    "rank_1,rank_2,rank_3,notes\n"
    "Parks,Street lighting,,box 1\n"
    "  street LIGHTING ,parks,less litter,\n"
    "Less litter,,,\n"
)


def test_a_good_file_is_imported_with_a_receipt_per_line(db, vote, user):
    receipts = paper.import_paper_ballots(vote, GOOD, user)
    db.session.commit()
    assert [r.line for r in receipts] == [2, 3, 4]
    assert len({r.receipt for r in receipts}) == 3
    phases.close_voting(vote, user, early=True)
    listed = {b.receipt: b for b in reading.anonymised_ballots(vote)}
    by_line = {r.line: listed[r.receipt] for r in receipts}
    assert by_line[2].ranking == ("Parks", "Street lighting")
    assert by_line[3].ranking == ("Street lighting", "Parks", "Less litter")
    assert by_line[4].ranking == ("Less litter",)
    assert all(b.paper for b in listed.values())


def test_a_file_with_a_byte_order_mark_is_read(db, vote, user):
    data = ("\ufeff" + GOOD).encode("utf-8")
    assert len(paper.import_paper_ballots(vote, data, user)) == 3


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(db, vote, user):
    data = (
        "rank_1,rank_2,rank_3\n"
        "Parks,Street lighting,\n"  # line 2: fine
        "Parkz,,\n"  # line 3: unknown title
        "Parks,parks,\n"  # line 4: the same option twice
        "Parks,,Less litter\n"  # line 5: a gap
        ",,\n"  # line 6: empty
        "Less litter,Parks,Street lighting\n"  # line 7: fine
    )
    with pytest.raises(PaperImportError) as refused:
        paper.import_paper_ballots(vote, data, user)
    assert [str(p) for p in refused.value.problems] == [
        "Line 3: ‘Parkz’ in rank_1 is not an option on this vote.",
        "Line 4: ‘parks’ is ranked more than once.",
        "Line 5: rank_2 is blank but a later rank is filled.",
        "Line 6: no option is ranked (the row is empty).",
    ]
    assert str(refused.value) == (
        "4 lines have problems, so no ballots were imported. Correct the file and try again."
    )
    db.session.rollback()
    assert stored(db) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("", "Line 1: The file is empty."),
        ("first,second\nParks,\n", "Line 1: The first line must name the rank columns"),
        ("rank_1,rank_3\nParks,\n", "Line 1: The first line must name the rank columns"),
        ("rank_1,RANK_1\nParks,\n", "Line 1: rank_1 appears twice."),
        ("rank_1,rank_2\n", "Line 2: There are no ballots after the header line."),
        (b"rank_1\n\xffParks\n", "Line 1: The file is not UTF-8 text"),
    ],
)
def test_a_file_without_proper_rank_columns_is_refused(db, vote, user, data, message):
    with pytest.raises(PaperImportError) as refused:
        paper.import_paper_ballots(vote, data, user)
    assert str(refused.value.problems[0]).startswith(message)


def test_a_paper_ballot_is_entered_on_its_own(db, vote, user):
    receipt = paper.enter_paper_ballot(vote, ids(vote, "Less litter", "Parks"), user)
    db.session.commit()
    ballot = db.session.scalar(sa.select(Ballot))
    assert (ballot.receipt, ballot.paper) == (receipt, True)
    with pytest.raises(BallotError, match="‘Parks’ appears more than once"):
        paper.enter_paper_ballot(vote, ids(vote, "Parks", "Parks"), user)


def test_paper_ballots_entered_after_closing_make_the_saved_count_stale(db, vote, user):
    phases.close_voting(vote, user, early=True)
    phases.save_result(vote, {"elected": ["Parks"]}, user)
    paper.enter_paper_ballot(vote, ids(vote, "Parks"), user)
    assert vote.result is None
    with pytest.raises(PhaseError, match="Count the votes before publishing"):
        phases.publish_results(vote, user)


@pytest.mark.parametrize("phase", [DELIBERATION, PUBLISHED])
def test_paper_ballots_are_taken_only_while_voting_or_closed(db, partnership, user, phase):
    vote = make_vote(partnership, user, DELIBERATION if phase == DELIBERATION else VOTING)
    if phase == PUBLISHED:
        phases.close_voting(vote, user, early=True)
        phases.save_result(vote, {}, user)
        phases.publish_results(vote, user)
    with pytest.raises(PhaseError, match="Paper ballots can be entered only while the vote is"):
        paper.import_paper_ballots(vote, GOOD, user)


MARKED = (
    "rank_1,rank_2,rank_3\n"
    "Parks = Less litter,Street lighting,\n"  # line 2: an overvote at rank 1
    "Parks,,Less litter\n"  # line 3: a blank rank before a marked one
    "Parks,Parks,Street lighting\n"  # line 4: an option ranked twice
)


def _rankings(vote, user, receipts):
    phases.close_voting(vote, user, early=True)
    listed = {b.receipt: b.ranking for b in reading.anonymised_ballots(vote)}
    return {r.line: listed[r.receipt] for r in receipts}


def test_without_rules_marked_ballots_are_refused_by_line(db, vote, user):
    with pytest.raises(PaperImportError) as refused:
        paper.import_paper_ballots(vote, MARKED, user)
    lines = [problem.line for problem in refused.value.problems]
    assert lines == [2, 3, 4]
    assert stored(db) == 0


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            BallotRules(overvote="exhaust", skipped=None, repeated="skip"),
            {2: (), 3: ("Parks", "Less litter"), 4: ("Parks", "Street lighting")},
        ),
        (
            BallotRules(overvote="skip", skipped=0, repeated="exhaust"),
            {2: ("Street lighting",), 3: ("Parks",), 4: ("Parks",)},
        ),
    ],
)
def test_rules_read_marked_ballots_and_store_them_as_counted(db, vote, user, rules, expected):
    paper.set_rules(vote, rules, user)
    receipts = paper.import_paper_ballots(vote, MARKED, user)
    db.session.commit()
    assert _rankings(vote, user, receipts) == expected


def test_the_count_and_its_results_say_which_rules_read_the_paper(db, vote, user):
    from engage.panels.outcome import tally
    from engage.panels.outcome.report import read_outcome

    paper.set_rules(vote, BallotRules(overvote="exhaust", skipped=None, repeated="skip"), user)
    paper.import_paper_ballots(vote, MARKED, user)
    phases.close_voting(vote, user, early=True)
    data = tally.run_count(vote, user, PASSPHRASE)
    assert data["paper_rules"]["overvote"] == "exhaust"
    assert "exhausts the ballot" in data["paper_rules"]["description"]
    assert data["empty_ballots"] == 1  # line 2: overvoted at its first rank
    shown = read_outcome(data).paper_rules
    assert shown.startswith("Two or more options at one rank end the ballot.")


def test_rules_cannot_change_once_paper_ballots_are_stored(db, vote, user):
    paper.set_rules(vote, BallotRules(), user)
    paper.import_paper_ballots(vote, MARKED, user)
    with pytest.raises(PanelError, match="cannot change now"):
        paper.set_rules(vote, None, user)


def test_an_unknown_option_in_an_overvote_is_still_refused(db, vote, user):
    paper.set_rules(vote, BallotRules(), user)
    with pytest.raises(PaperImportError) as refused:
        paper.import_paper_ballots(vote, "rank_1\nParks = Parkz\n", user)
    assert "‘Parkz’ in rank_1 is not an option" in str(refused.value.problems[0])
