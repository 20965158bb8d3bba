"""flask count on any ballot file: the format recognised from the content, cast vote
records read by ballot rules given on the command line, counting options, and the
JSON saying how the file was read."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from engage.counting.cli import count_command
from engage.counting.sources import detect, read_source

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "conformance"
BURLINGTON = SHARED / "irv" / "us_vt_btv_2009_03_mayor.normalized.csv"
RCTAB = SHARED / "rctab"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(count_command, [*args], catch_exceptions=False)
    return result.exit_code, result.output


def needs(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared conformance data is not on this machine")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.txt", '3 1\n1 1 2 0\n0\n"A"\n"B"\n"C"\n"T"\n', "blt"),
        ("a.txt", "receipt,rank_1,rank_2\nR1,A,B\n", "csv"),
        ("a.txt", "ballot_id,rank,choice\n1,1,A\n", "long-csv"),
        ("a.txt", '{"CVR": []}', "cdf"),
        ("a.txt", "id,1st choice,2nd choice\n1,A,B\n", "wide-csv"),
        ("a.csv", "precinct,rank 1,rank 2\nX,A,B\n", "wide-csv"),
    ],
)
def test_the_format_is_recognised_from_the_content(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert detect(str(path)) == expected


def test_burlington_2009_is_read_directly_and_its_inactive_ballots_explained():
    needs(BURLINGTON)
    code, output = run(str(BURLINGTON), "--seed", "1", "--format", "json")
    assert code == 0, output
    data = json.loads(output)
    assert data["input_format"] == "long-csv"
    first, last = data["stages"][0]["tally"], data["stages"][-1]["tally"]
    assert {name: float(v) for name, v in first.items()} == {
        "Bob Kiss": 2585,
        "Kurt Wright": 2951,
        "Andy Montroll": 2063,
        "Dan Smith": 1306,
        "James Simpson": 35,
        "Write-in": 36,
    }
    assert float(last["Bob Kiss"]) == 4313 and float(last["Kurt Wright"]) == 4060
    assert data["elected"] == ["Bob Kiss"]
    # 607 not counted at the end: 4 overvoted at rank 1 (empty), 603 exhausted.
    assert data["empty_ballots"] == 4 and data["stages"][-1]["exhausted"] == 603
    assert data["ballot_rules"]["overvote"] == "exhaust"
    assert "exhausts the ballot" in data["ballot_rules"]["description"]
    assert data["inactive_by_reason"]["overvotes"] == 6
    code, text = run(str(BURLINGTON), "--seed", "1")
    assert "607 = 4 that ranked no standing candidate" in text
    assert "603 exhausted" in text


def test_passing_over_overvotes_changes_what_burlington_counts():
    needs(BURLINGTON)
    _, skipped = run(str(BURLINGTON), "--seed", "1", "--format", "json", "--overvote", "skip")
    data = json.loads(skipped)
    assert data["ballot_rules"]["overvote"] == "skip"
    assert data["inactive_by_reason"]["overvotes"] == 0
    assert all(float(v) == 0 for k, v in data["stages"][-1]["inactive"].items() if k == "overvotes")


@pytest.mark.parametrize(
    ("case", "args"),
    [
        # Each configuration's rules, as RCTab's settings say them.
        ("test_set_2_overvote_skip_to_next", ["--overvote", "skip", "--skipped-ranks", "0"]),
        ("test_set_3_skipped_choice_exhaust", ["--overvote", "skip", "--skipped-ranks", "0"]),
        (
            "test_set_6_duplicate_exhaust",
            ["--overvote", "skip", "--skipped-ranks", "4", "--repeated", "exhaust"],
        ),
    ],
)
def test_rctab_cases_counted_from_the_command_line_elect_rctabs_winner(case, args):
    folder = RCTAB / case
    needs(folder)
    config = json.loads((folder / f"{case}_config.json").read_text())
    report = json.loads((folder / f"{case}_expected_detailed_report.json").read_text())
    cvr = folder / f"{case}_cvr.json"
    code, output = run(str(cvr), "--format", "json", "--seed", "1", "--decimals", "1", *args)
    assert code == 0, output
    data = json.loads(output)
    assert data["input_format"] == "cdf"
    winners = [
        result["elected"]
        for round_ in report["results"]
        for result in round_["tallyResults"]
        if "elected" in result
    ]
    assert data["elected"] == winners
    assert int(config["rules"]["numberOfWinners"]) == data["seats"]
    first = {name: float(v) for name, v in report["results"][0]["tally"].items()}
    assert {n: float(v) for n, v in data["stages"][0]["tally"].items() if float(v)} == {
        n: v for n, v in first.items() if v
    }


def test_counting_options_are_named_in_the_json(tmp_path):
    path = tmp_path / "votes.csv"
    path.write_text(
        "receipt,rank_1,rank_2\n"
        + "".join(f"R{i},{'ABCD'[i % 4]},{'ABCD'[(i + 1) % 4]}\n" for i in range(40)),
        encoding="utf-8",
    )
    code, output = run(
        str(path),
        "--format",
        "json",
        "--batch-elimination",
        "--continue-until-two",
        "--tie-break",
        "lot",
        "--seed",
        "7",
    )
    assert code == 0, output
    options = json.loads(output)["options"]
    assert options["batch_elimination"] and options["continue_until_two"]
    assert options["tie_break"] == "lot"
    # A clean file's JSON is the count alone, as a published count stores it.
    assert "input_format" not in json.loads(output)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("ballot_id,rank,choice\n1,one,A\n", "line 2"),
        ('{"CVR": [', "not"),
    ],
)
def test_a_malformed_cast_vote_record_exits_1_with_one_line(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(count_command, [str(path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert message in result.output.lower()


def test_a_bad_skipped_rank_limit_says_what_to_give(tmp_path):
    path = tmp_path / "votes.csv"
    path.write_text("receipt,rank_1\nR1,A\n", encoding="utf-8")
    result = CliRunner().invoke(count_command, [str(path), "--skipped-ranks", "lots"])
    assert result.exit_code == 2
    assert "whole number of blank ranks, or 'any'" in result.output


def test_a_wide_csv_with_an_overvote_is_read_by_the_rules(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("id,rank 1,rank 2\n1,A,B\n2,A=B,C\n3,B,\n4,C,A\n5,A,\n", encoding="utf-8")
    source = read_source(str(path))
    assert source.format == "wide-csv"
    assert source.inactive["overvotes"] == 1
    code, output = run(str(path), "--format", "json", "--overvote", "skip", "--seed", "1")
    assert json.loads(output)["stages"][0]["tally"]["C"] == "2.00000"


def test_a_wide_csv_s_columns_can_be_named(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "BallotID,Precinct,First,Second,Copies\nb1,North,A,B,3\nb2,North,B,,2\nb3,South,C,A,1\n",
        encoding="utf-8",
    )
    code, output = run(
        str(path),
        "--rank-column",
        "First",
        "--rank-column",
        "Second",
        "--weight-column",
        "Copies",
        "--id-column",
        "BallotID",
        "--format",
        "json",
        "--seed",
        "1",
    )
    assert code == 0, output
    data = json.loads(output)
    assert data["input_format"] == "wide-csv"
    assert data["stages"][0]["tally"] == {"A": "3.00000", "B": "2.00000", "C": "1.00000"}
    assert data["ballots"] == 6
