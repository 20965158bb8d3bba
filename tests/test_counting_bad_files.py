"""flask count on the files a careless user makes: one line saying what to fix, exit 1.

Each of these once counted silently to a wrong answer (weights wrapping past 2**63,
a negative weight read as a withdrawal, nobody voting yet someone elected by lot) or
ended in a traceback.
"""

import json

import pytest

from engage import create_app
from engage.counting import MAX_BALLOTS

NAMES = '"Ada"\n"Bo"\n"Cy"\n'
HUGE = str(2**63 + 1)
TOO_MANY = f"more than {MAX_BALLOTS:,}, the most ballot papers one count can hold"


@pytest.fixture
def runner():
    """An app whose database cannot be reached: the count must not need it."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:9/unreachable",
        }
    )
    return app.test_cli_runner()


@pytest.fixture
def count_file(runner, tmp_path):
    """Write the file, run ``flask count`` on it, return click's result."""

    def run(name, text, *options):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return runner.invoke(args=["count", str(path), "--seed", "s", *options])

    return run


def refusal(result):
    """Exit 1, nothing on stdout and one line on stderr, click's "Error: ..." (no traceback);
    returns what follows "Error: "."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert result.stderr.endswith("\n")
    assert result.stderr.count("\n") == 1
    return result.stderr[len("Error: ") : -1]


@pytest.mark.parametrize(
    ("ballots", "line", "problem"),
    [
        # Two weights past 2**63 together: each is refused before anything is summed.
        (
            f"{2**62} 1 0\n{2**62} 2 0\n",
            2,
            f"weight '{2**62}' is {TOO_MANY}",
        ),
        (f"{HUGE} 1 0\n", 2, f"weight '{HUGE}' is {TOO_MANY}"),
        ("9" * 5000 + " 1 0\n", 2, f"weight '99999999999999999999...' is {TOO_MANY}"),
        # Each weight is allowed, but together they pass the maximum, at line 3.
        (
            "60000000 1 0\n60000000 2 0\n",
            3,
            f"the ballot weights add up to 120,000,000 by this line, {TOO_MANY}",
        ),
        ("1.5 1 0\n", 2, "expected a ballot weight (a whole number from 1 to 100,000,000)"),
        ("1e3 1 0\n", 2, "found '1e3'"),
        ("+- 1 0\n", 2, "found '+-'"),
        ("+2 1 0\n", 2, "found '+2'"),
        ("\u0663 1 0\n", 2, "found '\u0663'"),  # an Arabic-Indic 3
        ("0 1 2 0\n", 2, "a ballot weight must be a whole number from 1 to 100,000,000"),
        # A negative weight on the first ballot line is not a withdrawal of candidate 1.
        (
            "-1 2 0\n",
            2,
            "'-1' is not a ballot weight (a whole number from 1 to 100,000,000); "
            "withdrawn candidates (negative numbers) go on their own line directly after "
            "the candidates and seats",
        ),
        ("1 1 0\n-2\n", 3, "'-2' is not a ballot weight"),
        ("1 1 -2 0\n", 2, "expected a candidate number or 0, found '-2'"),
        ("1 1 " + "9" * 5000 + " 0\n", 2, "candidate '99999999999999999999...' does not exist"),
    ],
)
def test_a_bad_blt_ballot_line_is_refused_naming_the_line(count_file, ballots, line, problem):
    message = refusal(count_file("ward.blt", f"3 1\n{ballots}0\n{NAMES}"))

    assert message.startswith(f"ward.blt, line {line}: ")
    assert problem in message


def test_a_negative_number_on_the_header_line_is_not_a_withdrawal(count_file):
    message = refusal(count_file("ward.blt", f"3 1 -1\n1 2 0\n0\n{NAMES}"))

    assert message.startswith("ward.blt, line 1: '-1' is not a ballot weight")


def test_withdrawals_on_their_own_line_after_the_header_still_count(count_file):
    result = count_file("ward.blt", f"3 1\n-1 -3\n2 1 2 0\n1 3 0\n0\n{NAMES}", "--format", "json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["withdrawn"] == ["Ada", "Cy"]
    assert (data["elected"], data["ballots"], data["empty_ballots"]) == (["Bo"], 2, 1)


@pytest.mark.parametrize(
    ("weight", "problem"),
    [
        (str(2**62), f"weight '{2**62}' is {TOO_MANY}"),
        (HUGE, f"weight '{HUGE}' is {TOO_MANY}"),
        ("9" * 5000, f"weight '99999999999999999999...' is {TOO_MANY}"),
        ("1.5", "weight '1.5' is not a whole number from 1 to 100,000,000 (digits only)"),
        ("1e3", "weight '1e3' is not a whole number from 1 to 100,000,000 (digits only)"),
        ("+-", "weight '+-' is not a whole number from 1 to 100,000,000 (digits only)"),
        ("-1", "weight '-1' is not a whole number from 1 to 100,000,000 (digits only)"),
        ("0", "weight '0' is not a whole number from 1 to 100,000,000; leave the ballot out"),
    ],
)
def test_a_bad_csv_weight_is_refused_naming_the_line(count_file, weight, problem):
    message = refusal(count_file("votes.csv", f"rank_1,weight\nAda,2\nBo,{weight}\n"))

    assert message.startswith("votes.csv, line 3: ")
    assert problem in message


def test_csv_weights_that_add_up_past_the_maximum_are_refused(count_file):
    result = count_file("votes.csv", "rank_1,weight\nAda,60000000\nBo,60000000\n")

    assert refusal(result) == (
        f"votes.csv, line 3: the ballot weights add up to 120,000,000 by this row, {TOO_MANY}"
    )


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("ward.blt", f"3 1\n0\n{NAMES}", "No ballots: nobody elected."),
        ("votes.csv", "receipt,rank_1,rank_2\n", "No ballots: nobody elected."),
        (
            "ward.blt",
            f"3 1\n-2\n4 0\n1 2 0\n0\n{NAMES}",
            "No valid ballots (5 ballot papers, none ranking a standing candidate): "
            "nobody elected.",
        ),
        (
            "votes.csv",
            "receipt,rank_1\nK1,\nK2,\n",
            "No valid ballots (2 ballot papers, none ranking a standing candidate): "
            "nobody elected.",
        ),
    ],
)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_an_empty_count_elects_nobody_rather_than_by_lot(count_file, name, text, message, fmt):
    result = count_file(name, text, "--format", fmt)

    assert refusal(result) == message
    assert "Tie" not in result.output


def test_an_unfilled_seat_is_reported_and_exits_1(count_file):
    result = count_file("ward.blt", f"3 3\n-3\n2 1 0\n1 2 0\n0\n{NAMES}")

    assert result.exit_code == 1
    assert "\nElected: Ada, Bo\n1 seat left unfilled: only 2 candidates standing for 3 seats\n" in (
        result.stdout
    )
    assert result.stderr == "Error: 1 seat left unfilled: only 2 candidates standing for 3 seats.\n"


def test_an_unfilled_seat_is_in_the_json_too(count_file):
    result = count_file("votes.csv", "rank_1\nAda\nBo\n", "--seats", "4", "--format", "json")

    data = json.loads(result.stdout)
    assert (data["elected"], data["seats"], data["unfilled_seats"]) == (["Ada", "Bo"], 4, 2)
    assert result.stderr == (
        "Error: 2 seats left unfilled: only 2 candidates standing for 4 seats.\n"
    )
    assert result.exit_code == 1


CONFORMING = """4 2
-4
3 1 2 0
(b2) 2 2 4 3 0
1 3 0
0
"Ada"
"Bo"
"Cy"
"Di"
"Orchard ward"
"""


def test_a_conforming_file_counts_as_before(count_file):
    result = count_file("orchard.blt", CONFORMING, "--format", "json")

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert (data["quota"], data["ballots"], data["elected"]) == ("3.00000", 6, ["Ada", "Bo"])
    assert data["unfilled_seats"] == 0
    assert [stage["tally"] for stage in data["stages"]][0] == {
        "Ada": "3.00000",
        "Bo": "2.00000",
        "Cy": "1.00000",
    }


def test_the_largest_weight_allowed_is_counted_exactly(count_file):
    weights = f"{MAX_BALLOTS - 1} 1 0\n1 2 0\n"
    result = count_file("big.blt", f"3 1\n{weights}0\n{NAMES}", "--format", "json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["ballots"], data["elected"]) == (MAX_BALLOTS, ["Ada"])
    assert data["stages"][0]["tally"]["Ada"] == f"{MAX_BALLOTS - 1}.00000"
