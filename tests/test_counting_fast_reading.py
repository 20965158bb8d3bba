"""The fast readers (numpy for BLT, pyarrow for CSV) give exactly the careful reader's
election, and leave anything unusual to it; BLT comments and droop's option lines."""

import io
import random

import numpy as np
import pytest

from engage.counting import Ballot, Election, parse_blt, write_blt, write_csv
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
