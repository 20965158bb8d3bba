"""The fast readers (numpy for BLT and CSV) give exactly the careful reader's
election, and leave anything unusual to it; BLT comments and droop's option lines."""

import io
import random

import numpy as np
import pytest

from engage.counting import Ballot, Election, csvfile, parse_blt, parse_csv, write_blt, write_csv
from engage.counting.blt import _parse_careful as careful_blt
from engage.counting.blt import _parse_fast as fast_blt
from engage.counting.csvfile import _parse_careful as careful_csv
from engage.counting.csvfile import _parse_fast as fast_csv


def same(a: Election, b: Election) -> None:
    assert a.candidates == b.candidates
    assert (a.seats, a.withdrawn, a.title, a.receipts) == (
        b.seats,
        b.withdrawn,
        b.title,
        b.receipts,
    )
    assert a.table.rankings.dtype == b.table.rankings.dtype
    assert np.array_equal(a.table.rankings, b.table.rankings)
    assert np.array_equal(a.table.weights, b.table.weights)


def random_election(rng: random.Random) -> Election:
    count = rng.choice((1, 2, 3, 7, 20, 130))
    names = [f"Cand {i}" if rng.random() < 0.8 else f"=C{i}" for i in range(count)]
    ballots = [
        Ballot(
            tuple(rng.sample(names, rng.randint(0, min(count, 8)))),
            rng.choice((1, 1, 1, 2, 9, 12345)),
            f"R{n}" if rng.random() < 0.3 else None,
        )
        for n in range(rng.randint(0, 300))
    ]
    withdrawn = rng.sample(names, rng.randint(0, min(2, count - 1)))
    return Election(names, ballots, rng.randint(1, 3), withdrawn, rng.choice(("", "Ward 7")))


@pytest.mark.parametrize("seed", range(40))
def test_fast_blt_gives_the_careful_election(seed):
    rng = random.Random(seed)  # noqa: S311 (test data)
    election = random_election(rng)
    out = io.StringIO()
    write_blt(election, out)
    text = out.getvalue()
    if rng.random() < 0.3:
        text = "\ufeff" + text.replace("\n", "  \n", 3)
    if rng.random() < 0.3:
        text = text.replace("\n", "\r\n")
    fast = fast_blt(text.encode(), "f.blt")

    assert fast is not None
    same(fast, careful_blt(text, "f.blt"))


@pytest.mark.parametrize("seed", range(40))
def test_fast_csv_gives_the_careful_election(seed):
    rng = random.Random(seed)  # noqa: S311 (test data)
    election = random_election(rng)
    out = io.StringIO()
    write_csv(election, out, bom=rng.random() < 0.5)
    text = out.getvalue()
    given = list(election.candidates) if rng.random() < 0.3 else None
    fast = fast_csv(text.encode(), 2, "t", given, "v.csv", smallest=0)
    if '"' in text:
        assert fast is None
        return
    assert fast is not None
    same(fast, careful_csv(text, 2, "t", given, "v.csv"))


@pytest.mark.parametrize("text", ["3 1\n1 1 0\n1 2 0 1 3 0\n0\n", "3 1\n1 1\n2 0\n0\n"])
def test_ballots_sharing_or_spanning_lines_read_alike(text):
    whole = text + '"A"\n"B"\n"C"\n'

    same(fast_blt(whole.encode(), None), careful_blt(whole, None))


@pytest.mark.parametrize(
    "text",
    [
        "3 1\n1 01 0\n0\n",  # a leading zero
        "3 1\n1 1 1 0\n0\n",  # a repeat: an error
        "3 1\n1 4 0\n0\n",  # no such candidate
        "3 1\n0 1 0\n0\n",  # a zero weight
        "3 1\n1 1 0 # hi\n0\n",  # a comment among the ballots
        "3 1\n1 1 0\n00\n",  # a different lone zero
        "3 1\n1 1 0\r2 0\n0\n",  # a lone carriage return
        "3 1\n1 1 0\n 0 \n",  # spaces round the lone 0
        "3 1\n1 1 00\n0\n",
        '3 1\n1 1 0\n0\n"A"\n"A"\n"C"\n',  # two names alike
    ],
)
def test_anything_unusual_is_left_to_the_careful_reader(text):
    names = '"A"\n"B"\n"C"\n' if text.count('"') == 0 else ""
    whole = text + names

    assert fast_blt(whole.encode(), None) is None
    try:
        expected = careful_blt(whole, None)
    except ValueError as error:
        with pytest.raises(type(error), match=str(error)[:20]):
            parse_blt(whole)
    else:
        same(parse_blt(whole), expected)


def test_blt_comment_lines_anywhere_and_after_the_title():
    text = (
        "# M135, ERS test set\n3 1\n# ballots follow\n2 1 2 0\n1 3 0\n0\n# names\n"
        '"A"\n"B"\n"C"\n"M135"\n# a comment after the title\n# and another "quoted"\n'
    )
    election = parse_blt(text)

    assert election.title == "M135"
    assert election.ballots == (Ballot(("A", "B"), 2), Ballot(("C",)))


def test_droop_options_withdraw_and_keep_a_tie_order_as_a_note():
    text = '4 1\n[withdrawn 2 4]\n[tie 3 1 2 4]\n[droop meek]\n1 1 0\n0\n"A" "B" "C" "D"\n'
    election = parse_blt(text)

    assert election.withdrawn == ("B", "D")
    assert election.tie_order == ("C", "A", "B", "D")
    assert election.notes[0].startswith("The file gives a tie-break order (C, A, B, D)")
    assert "[droop meek]" in election.notes[1]


def test_droop_options_after_the_usual_withdrawn_line_and_bad_ones():
    assert parse_blt('3 1\n-1\n[withdrawn 3]\n1 2 0\n0\n"A" "B" "C"\n').withdrawn == ("A", "C")
    with pytest.raises(ValueError, match=r"line 2: \[tie ...\]: '5' is not a candidate number"):
        parse_blt('3 1\n[tie 5 1]\n1 2 0\n0\n"A" "B" "C"\n')
    with pytest.raises(ValueError, match="line 2: an option line"):
        parse_blt('3 1\n[tie 1 2\n1 2 0\n0\n"A" "B" "C"\n')


def test_flask_count_starts_without_building_the_app(tmp_path):
    """The count is a flask plugin command: a database that cannot exist is never touched."""
    import json
    import os
    import subprocess
    import sys

    path = tmp_path / "w.blt"
    path.write_text('3 1\n1 1 2 0\n2 2 0\n0\n"A"\n"B"\n"C"\n', encoding="utf-8")
    # Either would stop the app from starting (a ptable that cannot be read stops it).
    env = dict(
        os.environ,
        ENGAGE_DATABASE_URL="sqlite:////nonexistent/folder/engage.db",
        ENGAGE_PTABLE="/nonexistent/ptable.csv",
    )
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    args = [flask, "--app", "engage", "count", str(path), "--format", "json", "--seed", "1"]
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60, check=False)  # noqa: S603

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["elected"] == ["B"]
    assert (
        "Usage: flask count"
        in subprocess.run(  # noqa: S603
            [flask, "--app", "engage", "count", "--help"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        ).stdout
    )


NAMES = [
    "Ada",
    "Bo",
    "Option 1",
    "Option 10",
    "Option 11",
    "Zoë Müller",
    "佐藤 花子",
    "A very long option title, past sixteen bytes",
    "A very long option title, past sixteen bytes!",
    "=SUM(A1)",
    "'quoted",
    "x" * 9,
    "x" * 17,
    "Ünïcödé and spaces",
]


def random_csv(rng: random.Random) -> str:
    """An Engage CSV with the odd things a spreadsheet or a person writes, but no quotes."""
    names = rng.sample(NAMES, rng.randint(1, len(NAMES)))
    names = [name for name in names if "," not in name] or ["Ada"]
    ranks = rng.randint(1, min(len(names), 6) + 1)
    columns = [f"rank_{r + 1}" for r in range(ranks)]
    if rng.random() < 0.3:
        columns.insert(rng.randint(0, len(columns)), "receipt")
    if rng.random() < 0.3:
        columns.insert(rng.randint(0, len(columns)), "weight")
    if rng.random() < 0.2:
        columns.insert(rng.randint(0, len(columns)), "")  # a column nobody named
    if rng.random() < 0.3:
        rng.shuffle(columns)
    spaced = rng.random() < 0.3
    rows = []
    for n in range(rng.randint(0, 200)):
        ranking = rng.sample(names, rng.randint(0, min(len(names), ranks)))
        cells = {}
        for r in range(ranks):
            cell = ranking[r] if r < len(ranking) else rng.choice(("", "", " "))
            if cell and cell.startswith(("=", "'")):
                cell = "'" + cell
            if spaced and rng.random() < 0.2:
                cell = rng.choice((" ", "\t", "\u00a0")) + cell + rng.choice(("", " "))
            cells[f"rank_{r + 1}"] = cell
        cells["receipt"] = rng.choice((f"R{n}", "", " ", f" R-{n} ", "'=x", "Ü"))
        cells["weight"] = rng.choice(("", "1", "2", " 3", "007", "12345"))
        cells[""] = rng.choice(("", "note", "ø"))
        rows.append(",".join(cells[column] for column in columns))
    end = rng.choice(("\n", "\r\n"))
    text = end.join([",".join(columns), *rows])
    text += rng.choice(("", end, end + end))
    return "\ufeff" * rng.choice((0, 0, 1, 2)) + text


@pytest.mark.parametrize("seed", range(150))
def test_fast_csv_reads_varied_files_as_the_careful_reader(seed, monkeypatch):
    rng = random.Random(seed)  # noqa: S311 (test data)
    text = random_csv(rng)
    if rng.random() < 0.5:  # blocks of a few rows: lines cut across block ends
        monkeypatch.setattr(csvfile, "_BLOCK", rng.choice((1, 40, 200)))
    given = None
    if rng.random() < 0.2:
        given = [*NAMES, "Nobody"]
    fast = fast_csv(text.encode(), 2, "t", given, "v.csv", smallest=0)
    try:
        expected = careful_csv(text, 2, "t", given, "v.csv")
    except ValueError:
        assert fast is None
        return
    assert fast is not None, text[:300]
    same(fast, expected)


@pytest.mark.parametrize(
    "text",
    [
        "rank_1,rank_2\nA,B\n,A\n",  # a blank before a filled rank
        "rank_1,rank_2\nA,A\n",  # ranked twice
        "rank_1,rank_2\nA, A\n",  # ranked twice, spaced
        "rank_1,rank_2\nA,B\nA\n",  # a short row
        "rank_1,rank_2\nA,B\nA,B,C\n",  # a long row
        "rank_1,rank_2\nA,B\n\nB,A\n",  # a blank line
        "rank_1,rank_2\nA,B\rB,A\n",  # a lone \r
        "rank_1\r,rank_2\nA,B\n",  # a lone \r in the header
        "rank_1,weight\nA,0\n",
        "rank_1,weight\nA,x\n",
        "rank_1,weight\nA,60000000\nB,60000000\n",
        'rank_1,rank_2\nA,"B"\n',
        "rank_1,rank_2\nA,B\x00\n",
        "rank_1\n" + "A" * 140_000 + "\n",  # past the csv module's field limit
        "rank_1,rank_2\nxxxxxxxxx,xxxxxxxxxx\n",  # alike but for length: one key
        "rank_1,rank_1\nA,B\n",
        "name,rank_1\nA,B\n",
    ],
)
def test_csv_the_fast_reader_leaves_to_the_careful_one(text):
    data = text.encode()

    assert fast_csv(data, 1, "", None, "v.csv", smallest=0) is None
    try:
        expected = careful_csv(text, 1, "", None, "v.csv")
    except ValueError as error:
        with pytest.raises(type(error)) as raised:
            parse_csv(data, source="v.csv")
        assert str(raised.value) == str(error)
    else:
        same(parse_csv(data, source="v.csv"), expected)


def test_fast_csv_refuses_names_outside_the_given_list_and_bad_utf8():
    assert fast_csv(b"rank_1\nA\nZ\n", 1, "", ["A"], None, smallest=0) is None
    assert fast_csv(b"rank_1\nA\n\xff\n", 1, "", None, None, smallest=0) is None
    with pytest.raises(UnicodeDecodeError):
        parse_csv(b"rank_1\nA\n\xff\n" * 30_000)


def test_fast_csv_one_column_skips_blank_lines_but_keeps_blank_ballots():
    text = "rank_1\r\nA\r\n\r\n \r\nB\n\nA"
    fast = fast_csv(text.encode(), 1, "", None, None, smallest=0)

    assert fast is not None
    same(fast, careful_csv(text, 1, "", None, None))
    assert len(fast.table) == 4


def test_fast_csv_many_candidates_widen_the_table():
    names = [f"Candidate number {i}" for i in range(300)]
    rows = [",".join(names[i : i + 3]) for i in range(0, 297)]
    text = "rank_1,rank_2,rank_3\n" + "\n".join(rows) + "\n"
    fast = fast_csv(text.encode(), 1, "", None, None, smallest=0)

    assert fast is not None
    assert fast.table.rankings.dtype == np.int16
    same(fast, careful_csv(text, 1, "", None, None))


def test_a_large_generated_csv_reads_fast_and_alike():
    rng = np.random.default_rng(5)
    names = [f"Option {i + 1}" for i in range(20)] + ["Ünïcödé option", "A long option title here"]
    rankings = np.argsort(rng.random((20_000, len(names))), axis=1)[:, :8]
    lengths = rng.integers(0, 9, size=len(rankings))
    lines = [
        "receipt,rank_1,rank_2,rank_3,rank_4,rank_5,rank_6,rank_7,rank_8,weight",
        *(
            f"K{n},"
            + ",".join(names[i] if r < k else "" for r, i in enumerate(row))
            + f",{n % 3 + 1}"
            for n, (row, k) in enumerate(zip(rankings.tolist(), lengths.tolist(), strict=True))
        ),
    ]
    text = "\r\n".join(lines) + "\r\n"
    fast = fast_csv(text.encode(), 3, "", None, None)

    assert fast is not None
    same(fast, careful_csv(text, 3, "", None, None))
