"""Readers of cast vote records: long CSV, NIST CDF JSON, ES&S xlsx and wide CSV."""

import json
from pathlib import Path

import numpy as np
import pytest

from engage.counting import UNIT, count
from engage.counting.cvr import read_cdf, read_ess_xlsx, read_long_csv, read_wide_csv
from engage.counting.cvr.cdf import UNDECLARED_WRITE_IN
from engage.counting.errors import BallotFileError
from engage.counting.marked import OVERVOTE, SKIPPED, MarkedBallots
from engage.counting.rules import BallotRules, apply_rules

_ = SKIPPED
X = OVERVOTE
CONFORMANCE = Path(__file__).resolve().parents[1] / ".." / "shared" / "conformance"
BURLINGTON = CONFORMANCE / "irv" / "us_vt_btv_2009_03_mayor.normalized.csv"
RCTAB = CONFORMANCE / "rctab"
needs_conformance = pytest.mark.skipif(
    not CONFORMANCE.is_dir(), reason="../shared/conformance is absent (the reference data)"
)


def named(ballots: MarkedBallots) -> list[list[str]]:
    """Each ballot's marks by name: '_' blank, 'X' overvote, trailing blanks dropped."""
    rows = []
    for row in ballots.marks.tolist():
        while row and row[-1] == SKIPPED:
            row.pop()
        rows.append(
            ["_" if m == SKIPPED else "X" if m == OVERVOTE else ballots.candidates[m] for m in row]
        )
    return rows


def one_line_error(call, *args, **kwargs) -> str:
    with pytest.raises(BallotFileError) as caught:
        call(*args, **kwargs)
    message = str(caught.value)
    assert "\n" not in message
    return message


# --- long CSV ---------------------------------------------------------------------------

LONG = """ballot_id,rank,choice
b1,2,Bob
b1,1,Alice
b2,1,$OVERVOTE
b2,2,$UNDERVOTE
b2,3,Carol
b3,1,Alice
b3,1,Bob
b3,2,Write-in
b4,1,$UNDERVOTE
"""


def test_long_csv_keeps_every_mark_in_first_appearance_order():
    ballots = read_long_csv(LONG, source="small.csv")
    assert ballots.candidates == ["Bob", "Alice", "Carol", "Write-in"]
    assert named(ballots) == [["Alice", "Bob"], ["X", "_", "Carol"], ["X", "Write-in"], []]
    assert ballots.weights.tolist() == [1, 1, 1, 1]
    assert ballots.source == "small.csv"
    assert any("'Write-in' is counted as a candidate" in note for note in ballots.notes)
    assert any(
        "2 ballots have an overvote" in note and "2 of them at rank 1" in note
        for note in ballots.notes
    )
    assert any("1 ballot has no mark at all" in note for note in ballots.notes)


def test_long_csv_reads_a_path_and_takes_a_candidate_order(tmp_path):
    path = tmp_path / "votes.csv"
    path.write_text(LONG, encoding="utf-8")
    ballots = read_long_csv(path, candidates=["Alice", "Bob", "Carol", "Write-in", "Dan"])
    assert ballots.candidates == ["Alice", "Bob", "Carol", "Write-in", "Dan"]
    assert ballots.source == "votes.csv"
    assert named(ballots)[0] == ["Alice", "Bob"]
    assert read_long_csv(str(path)).candidates == ["Bob", "Alice", "Carol", "Write-in"]


def test_long_csv_the_same_choice_twice_at_one_rank_is_one_mark():
    ballots = read_long_csv("ballot_id,rank,choice\nb1,1,Alice\nb1,1,Alice\nb1,3,Bob\n")
    assert named(ballots) == [["Alice", "_", "Bob"]]


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        ("id,rank,choice\n", "line 1", "header should read ballot_id,rank,choice"),
        ("ballot_id,rank,choice\nb1,1,A\nb1,x,B\n", "line 3", "rank 'x' is not a whole number"),
        ("ballot_id,rank,choice\nb1,0,A\n", "line 2", "from 1 to 1000"),
        ("ballot_id,rank,choice\nb1,1,A\n\nb2,1,\n", "line 4", "write $UNDERVOTE"),
        ("ballot_id,rank,choice\nb1,1,A,extra\n", "line 2", "4 cells; expected 3"),
        ("ballot_id,rank,choice\n,1,A\n", "line 2", "the ballot_id is blank"),
    ],
)
def test_long_csv_refuses_malformed_lines(text, where, problem):
    message = one_line_error(read_long_csv, text, source="bad.csv")
    assert message.startswith(f"bad.csv, {where}: ")
    assert problem in message


def test_long_csv_with_a_candidate_list_refuses_strangers():
    message = one_line_error(
        read_long_csv, "ballot_id,rank,choice\nb1,1,A\nb1,2,Z\n", "x.csv", candidates=["A"]
    )
    assert message == "x.csv, line 3: 'Z' is not one of the candidates"


def test_long_csv_empty_file():
    assert one_line_error(read_long_csv, "", "e.csv") == "e.csv: the file is empty"


@needs_conformance
def test_burlington_2009_first_preferences_as_published():
    ballots = read_long_csv(BURLINGTON)
    assert len(ballots) == 8980
    first = ballots.marks[:, 0]
    counts = {name: int((first == i).sum()) for i, name in enumerate(ballots.candidates)}
    assert counts == {
        "Bob Kiss": 2585,
        "Kurt Wright": 2951,
        "Andy Montroll": 2063,
        "Dan Smith": 1306,
        "James Simpson": 35,
        "Write-in": 36,
    }
    assert int((first == OVERVOTE).sum()) == 4
    assert any("4 of them at rank 1" in note for note in ballots.notes)


@needs_conformance
def test_burlington_2009_counted_under_overvote_exhaust_gives_the_published_final_round():
    ruled = apply_rules(read_long_csv(BURLINGTON), BallotRules(overvote="exhaust"))
    result = count(ruled.election, method="irv", seed="burlington")
    assert result.elected == ["Bob Kiss"]
    final = result.stages[-1].tally
    assert final["Bob Kiss"] == 4313 * UNIT
    assert final["Kurt Wright"] == 4060 * UNIT


# --- NIST CDF JSON ----------------------------------------------------------------------


def cdf_report(cvrs, *, contests=None, write_in=False) -> dict:
    selections = [
        {"@id": f"cs-{key}", "@type": "CandidateSelection", "CandidateIds": [f"cand-{key}"]}
        for key in "abc"
    ]
    if write_in:
        selections.append({"@id": "cs-wi", "@type": "CandidateSelection", "IsWriteIn": True})
    return {
        "@type": "CVR.CastVoteRecordReport",
        "Election": [
            {
                "@id": "election-1",
                "Candidate": [
                    {"@id": f"cand-{key}", "Name": f"Candidate {key.upper()}"} for key in "abc"
                ],
                "Contest": contests
                or [{"@id": "contest-1", "Name": "Mayor", "ContestSelection": selections}],
            }
        ],
        "GpUnit": [],
        "CVR": cvrs,
    }


def cvr(number, selections, contest="contest-1"):
    return {
        "BallotPrePrintedId": str(number),
        "CurrentSnapshotId": f"s{number}",
        "CVRSnapshot": [
            {
                "@id": f"s{number}",
                "CVRContest": [{"ContestId": contest, "CVRContestSelection": selections}],
            }
        ],
    }


def sel(key, *ranks, **position):
    return {
        "ContestSelectionId": f"cs-{key}",
        "SelectionPosition": [
            {"HasIndication": "yes", "IsAllocable": "unknown", "Rank": rank, **position}
            for rank in ranks
        ],
    }


def write(tmp_path, data, name="cvr.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_cdf_reads_blanks_overvotes_repeats_and_write_ins(tmp_path):
    report = cdf_report(
        [
            cvr(1, [sel("a", 1), sel("b", 1), sel("c", 3)]),
            cvr(2, [sel("b", 2, 3)]),
            cvr(3, [sel("c", 1), sel("a", 2, HasIndication="no"), sel("b", 3, IsAllocable="no")]),
            cvr(4, [sel("wi", 2), sel("a", 1)]),
            cvr(5, [sel("a", 1, CVRWriteIn={"Text": "Zed"})]),
            cvr(6, []),
            cvr(7, [sel("a", 1)], contest="another"),
            cvr(8, [{**sel("b", 1), "Status": "needs-adjudication"}, sel("c", 2)]),
        ],
        write_in=True,
    )
    ballots = read_cdf(write(tmp_path, report))
    assert ballots.candidates == ["Candidate A", "Candidate B", "Candidate C", UNDECLARED_WRITE_IN]
    assert ballots.undeclared_write_ins == (UNDECLARED_WRITE_IN,)
    assert ballots.title == "Mayor"
    assert named(ballots) == [
        ["X", "_", "Candidate C"],
        ["_", "Candidate B", "Candidate B"],
        ["Candidate C"],
        ["Candidate A", UNDECLARED_WRITE_IN],
        [UNDECLARED_WRITE_IN],
        [],
        ["_", "Candidate C"],
    ]
    assert any("1 CVR" in note or "1 CVRs" in note for note in ballots.notes)
    assert any("adjudication" in note for note in ballots.notes)


def test_cdf_chooses_a_contest_by_name_or_id(tmp_path):
    contests = [
        {
            "@id": "c1",
            "Name": "Mayor",
            "ContestSelection": [{"@id": "cs-a", "CandidateIds": ["cand-a"]}],
        },
        {
            "@id": "c2",
            "Name": "Council",
            "ContestSelection": [{"@id": "cs-b", "CandidateIds": ["cand-b"]}],
            "NumberElected": 3,
        },
    ]
    path = write(tmp_path, cdf_report([cvr(1, [sel("b", 1)], contest="c2")], contests=contests))
    message = one_line_error(read_cdf, path)
    assert "several contests ('Mayor', 'Council')" in message
    council = read_cdf(path, contest="Council")
    assert named(council) == [["Candidate B"]] and council.seats == 3
    assert len(read_cdf(path, contest="c1")) == 0
    assert "no contest 'Senate'" in one_line_error(read_cdf, path, contest="Senate")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            cdf_report([cvr(1, [sel("a", 1)]), cvr(2, [sel("z", 1)])]),
            "CVR[1] (BallotPrePrintedId 2).CVRContestSelection[0]: ContestSelectionId 'cs-z'",
        ),
        (
            cdf_report([cvr(1, [sel("a", "first")])]),
            "CVR[0] (BallotPrePrintedId 1).CVRContestSelection[0].SelectionPosition[0]: Rank "
            "'first' is not a whole number",
        ),
        (cdf_report([cvr(1, [sel("a", None)])]), "SelectionPosition[0] has no Rank"),
        (
            cdf_report([{**cvr(1, []), "CurrentSnapshotId": "gone"}]),
            "no CVRSnapshot has the CurrentSnapshotId 'gone'",
        ),
        ({"Election": []}, "no CVR list"),
        ([1, 2], "the file should be an object"),
    ],
)
def test_cdf_refuses_malformed_records_naming_the_cvr(tmp_path, data, problem):
    message = one_line_error(read_cdf, write(tmp_path, data))
    assert message.startswith("cvr.json: ")
    assert problem in message


def test_cdf_refuses_broken_json_naming_the_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "CVR": [\n    {,\n  ]\n}\n', encoding="utf-8")
    message = one_line_error(read_cdf, path)
    assert message.startswith("broken.json, line 3: not valid JSON")


# --- ES&S xlsx --------------------------------------------------------------------------


def workbook(tmp_path, rows, name="ess.xlsx") -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def test_ess_xlsx_reads_overvote_undervote_and_blank_cells(tmp_path):
    path = workbook(
        tmp_path,
        [
            [
                "Cast Vote Record",
                "Precinct",
                "Ballot Style",
                "1st Choice",
                "2nd Choice",
                " 3rd Choice",
            ],
            [1, "P1", "S1", "A", "overvote", "B"],
            [2, "P1", "S1", "undervote", None, "A"],
            [3, "P2", "S1", "B", "B", None],
            [None, None, None, None, None, None],
            [4, "P2", "S1", None, None, None],
        ],
    )
    ballots = read_ess_xlsx(path)
    assert ballots.candidates == ["A", "B"]
    assert named(ballots) == [["A", "X", "B"], ["_", "_", "A"], ["B", "B"], []]
    assert read_ess_xlsx(path, candidates=["B", "A"]).candidates == ["B", "A"]


def test_ess_xlsx_first_vote_column_and_errors(tmp_path):
    path = workbook(tmp_path, [["id", "a", "b"], [1, "A", "B"]])
    assert "no rank columns" in one_line_error(read_ess_xlsx, path)
    assert named(read_ess_xlsx(path, first_vote_column=2)) == [["A", "B"]]
    assert "no column 9" in one_line_error(read_ess_xlsx, path, first_vote_column=9)
    path = workbook(tmp_path, [["id", "1st", "2nd"], [1, "A", "B"], [2, "A", "Z"]], "two.xlsx")
    message = one_line_error(read_ess_xlsx, path, candidates=["A", "B"])
    assert message == "two.xlsx, line 3: 'Z' is not one of the candidates"
    path = workbook(tmp_path, [["id", "1st"], [1, "A", "B"]], "wide.xlsx")
    assert one_line_error(read_ess_xlsx, path).startswith("wide.xlsx, line 2: a cell beyond")
    text = tmp_path / "not.xlsx"
    text.write_text("hello", encoding="utf-8")
    assert one_line_error(read_ess_xlsx, text).startswith("not.xlsx: not an .xlsx workbook")


# --- the RCTab reference cases: the CDF and the spreadsheet hold the same marks ---------


def rctab_files(kind: str) -> list[Path]:
    return sorted(RCTAB.glob(f"*/*_cvr.{kind}")) if RCTAB.is_dir() else []


@needs_conformance
@pytest.mark.parametrize("path", rctab_files("xlsx"), ids=lambda path: path.parent.name)
def test_rctab_spreadsheet_and_cdf_give_the_same_marks(path):
    sheet = read_ess_xlsx(path)
    cdf_path = path.with_suffix(".json")
    if not cdf_path.exists():
        pytest.skip("this case has only the spreadsheet")
    cdf = read_cdf(cdf_path)
    # The CDF says "Candidate A Name" where the spreadsheet says "A".
    short = [[name.split()[1] if len(name) > 1 else name for name in row] for row in named(cdf)]
    assert named(sheet) == short
    assert len(cdf) == 15


@needs_conformance
def test_rctab_cases_read_as_expected():
    ballots = read_cdf(
        RCTAB / "test_set_1_exhaust_at_overvote" / "test_set_1_exhaust_at_overvote_cvr.json"
    )
    assert ballots.title == "test set 1"
    assert named(ballots)[0] == ["X", "_", "Candidate C Name", "Candidate D Name"]
    path = RCTAB / "continue_until_two_with_batch_elimination_test"
    sheet = read_ess_xlsx(path / "continue_until_two_with_batch_elimination_test_cvr.xlsx")
    assert len(sheet) == 100
    assert sheet.candidates == ["A", "B", "C", "D", "E", "F", "G"]
    assert int((sheet.marks[:, 0] == 0).sum()) == 60
    for cdf in rctab_files("json"):
        assert len(read_cdf(cdf)) in (15, 30)


# --- wide CSV ---------------------------------------------------------------------------


def wide(tmp_path, text, name="wide.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_wide_csv_reads_rank_columns_in_number_order(tmp_path):
    path = wide(
        tmp_path,
        "id,rank 2,rank 1,rank 10,weight\n"
        "1,Bob,Alice,,2\n"
        "2,undervote,Alice=Bob,Carol,\n"
        "3,SKIPPED,overvote,Alice=Alice,1\n"
        "\n"
        "4,,,,7\n",
    )
    ballots = read_wide_csv(path, weight_column="weight", id_column="id")
    assert ballots.candidates == ["Alice", "Bob", "Carol"]
    assert named(ballots) == [["Alice", "Bob"], ["X", "_", "Carol"], ["X", "_", "Alice"], []]
    assert ballots.weights.tolist() == [2, 1, 1, 7]
    assert ballots.total() == 11


def test_wide_csv_named_rank_columns_and_labels(tmp_path):
    path = wide(tmp_path, "first,second,third\nA,--,B\nOV,A,\n")
    ballots = read_wide_csv(
        path, rank_columns=["First", "second", "third"], overvote="OV", blank=("--",)
    )
    assert named(ballots) == [["A", "_", "B"], ["X", "A"]]


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        ("id,choice\n1,A\n", {}, "wide.csv, line 1: no rank columns"),
        (
            "rank1\nA\n",
            {"weight_column": "weight"},
            "wide.csv, line 1: there is no column 'weight'",
        ),
        ("rank1,weight\nA,1\nB,0\n", {"weight_column": "weight"}, "wide.csv, line 3: weight '0'"),
        ("rank1,weight\nA,1\nB,x\n", {"weight_column": "weight"}, "wide.csv, line 3: weight 'x'"),
        (
            "id,rank1\n1,A\n1,B\n",
            {"id_column": "id"},
            "wide.csv, line 3: ballot '1' appears again (first on line 2)",
        ),
        ("id,rank1\n,A\n", {"id_column": "id"}, "wide.csv, line 2: the 'id' cell is blank"),
        ("rank1\nA,B\n", {}, "wide.csv, line 2: 2 cells but the header has 1 columns"),
        ("rank1,rank1\nA,B\n", {}, "wide.csv, line 1: two rank columns have the same number"),
        (
            "rank1\nA=Z\n",
            {"candidates": ["A", "B"]},
            "wide.csv, line 2: 'Z' is not one of the candidates",
        ),
        ("", {}, "wide.csv: the file is empty"),
    ],
)
def test_wide_csv_refuses_malformed_rows_naming_the_line(tmp_path, text, kwargs, message):
    got = one_line_error(read_wide_csv, wide(tmp_path, text), **kwargs)
    assert got.startswith(message)


def test_wide_csv_refuses_weights_past_the_limit(tmp_path):
    path = wide(tmp_path, "rank1,weight\nA,100000000\nB,1\n")
    message = one_line_error(read_wide_csv, path, weight_column="weight")
    assert message.startswith("wide.csv, line 3: the ballots add up to 100,000,001")


def test_unreadable_files(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("rank1\nJos\xe9\n".encode("latin-1"))
    assert one_line_error(read_wide_csv, path).startswith("latin1.csv: not UTF-8 text")
    assert "cannot be read" in one_line_error(read_cdf, tmp_path / "missing.json")


def test_readers_feed_the_rules(tmp_path):
    path = wide(tmp_path, "rank1,rank2,rank3\nA,A=B,B\n,A,\n")
    ruled = apply_rules(read_wide_csv(path), BallotRules(overvote="skip", skipped=0))
    assert [b.ranking for b in ruled.election.ballots] == [("A", "B"), ()]
    assert ruled.ends.tolist() == [0, 2]
    assert np.array_equal(ruled.undervote, [False, False])
