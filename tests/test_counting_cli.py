"""flask count: any ballot file, no database (the app here points at one that is not there)."""

import ast
import json
import os

import pytest

import engage.counting
from engage import create_app

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOVAN = os.path.join(ROOT, "..", "shared", "conformance", "scottish-stv", "Govan-2007.blt")


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
def ballot_file(tmp_path):
    def write(name, text):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


@pytest.mark.skipif(not os.path.exists(GOVAN), reason="the conformance data is not here")
def test_govan_json_gives_the_quota_and_the_four_councillors(runner):
    result = runner.invoke(args=["count", GOVAN, "--format", "json"])

    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["quota"] == "1913.00000"
    assert set(data["elected"]) == {
        "Allison Hunter",
        "Shaukat Butt",
        "Stephen Dornan",
        "John Flanagan",
    }
    assert {"method", "seats", "quota", "ballots", "seed", "elected", "stages"} <= set(data)
    assert (data["method"], data["seats"]) == ("stv", 4)
    for stage in data["stages"]:
        assert {
            "tally",
            "non_transferable",
            "elected",
            "excluded",
            "transfers",
            "tie_break",
        } <= set(stage)
    assert data["stages"][1]["tally"]["Allison Hunter"] == "1913.00000"


BLT = """4 2
-4
3 1 2 0
2 2 4 3 0
1 3 0
0
"Ada Lovelace"
"Bo \\"The Boss\\" Diddley"
"Cy"
"Di"
"Orchard ward"
"""


def test_text_report_shows_every_stage(runner, ballot_file):
    result = runner.invoke(args=["count", ballot_file("orchard.blt", BLT), "--seed", "s1"])

    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("Orchard ward\nSingle transferable vote")
    assert "Withdrawn: Di" in text
    assert "Quota: 3.00000" in text  # 6 valid ballots, 2 seats
    assert "Stage 0: first preferences" in text
    assert 'Bo "The Boss" Diddley' in text
    assert "Tie-break seed: s1" in text
    assert '\nElected: Ada Lovelace, Bo "The Boss" Diddley\n' in text


def test_seats_option_overrides_the_file_and_irv_is_the_default_for_one(runner, ballot_file):
    path = ballot_file("orchard.blt", BLT)
    data = json.loads(
        runner.invoke(args=["count", path, "--seats", "1", "--format", "json"]).output
    )

    assert (data["method"], data["seats"], data["quota"]) == ("irv", 1, None)
    assert data["stages"][0]["majority"] == "4.00000"


def test_our_csv_is_counted_with_the_seed_recorded(runner, ballot_file):
    path = ballot_file("priorities.csv", "receipt,rank_1,rank_2\nA1,Park,Bus\nA2,Bus,\nA3,Park,\n")
    result = runner.invoke(args=["count", path, "--format", "json", "--seed", "42"])

    data = json.loads(result.output)
    assert data["elected"] == ["Park"]
    assert (data["title"], data["seed"], data["ballots"]) == ("priorities", "42", 3)


def test_stv_can_be_asked_for_on_a_csv(runner, ballot_file):
    path = ballot_file("p.csv", "rank_1,rank_2,weight\nA,B,10\nB,,5\nC,B,4\n")
    args = ["count", path, "--method", "stv", "--seats", "2", "--format", "json"]
    data = json.loads(runner.invoke(args=args).output)

    assert data["method"] == "stv"
    assert sorted(data["elected"]) == ["A", "B"]


def test_a_bad_file_gives_the_line_and_no_traceback(runner, ballot_file):
    path = ballot_file("bad.blt", "3 1\n1 1 2 0\n1 2 7 0\n0\n")
    result = runner.invoke(args=["count", path])

    assert result.exit_code == 1
    assert "Error: bad.blt, line 3: candidate 7 does not exist (3 candidates)" in result.output
    assert "Traceback" not in result.output


def test_a_bad_csv_and_bad_options_are_refused_clearly(runner, ballot_file):
    csv_result = runner.invoke(args=["count", ballot_file("v.csv", "rank_1,rank_2\nA,A\n")])
    irv_result = runner.invoke(
        args=["count", ballot_file("v.blt", BLT), "--method", "irv", "--seats", "2"]
    )
    missing = runner.invoke(args=["count", "/nowhere/ballots.blt"])

    assert csv_result.exit_code == 1
    assert "v.csv, line 2: 'A' is ranked twice" in csv_result.output
    assert irv_result.exit_code == 1
    assert "IRV elects one candidate" in irv_result.output
    assert missing.exit_code == 2
    assert "does not exist" in missing.output


def test_the_same_seed_prints_the_same_count(runner, ballot_file):
    path = ballot_file("tied.csv", "rank_1\nA\nB\nC\n")
    first = runner.invoke(args=["count", path, "--seed", "x", "--format", "json"]).output
    second = runner.invoke(args=["count", path, "--seed", "x", "--format", "json"]).output

    assert first == second
    assert json.loads(first)["stages"][1]["tie_break"]["resolved_by"] == "lot with seed x"


def test_the_counting_package_imports_neither_flask_nor_the_database():
    folder = os.path.dirname(engage.counting.__file__)
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                root = module.split(".")[0]
                assert root not in ("flask", "flask_sqlalchemy", "sqlalchemy"), (name, module)
                if root == "engage":
                    assert module.startswith("engage.counting"), (name, module)
