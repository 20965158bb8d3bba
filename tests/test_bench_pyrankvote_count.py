"""The pyrankvote baseline of the count_end_to_end benchmark (bench/pyrankvote_count.py)
reads the files bench/ballot_files.py writes exactly as Engage does, and names the same
winner when the count needs no tie-break."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench")
sys.path.append(BENCH)

from ballot_files import rankings_for, write_files  # noqa: E402
from pyrankvote_count import read_blt, read_csv  # noqa: E402

from engage.counting import count, load_ballot_file  # noqa: E402

NAMES = [f"Option {i + 1}" for i in range(6)]


@pytest.mark.parametrize("shape", ["skewed", "uniform"])
def test_both_readers_give_back_the_written_rankings(tmp_path, shape):
    rankings = rankings_for(shape, 500, len(NAMES), seed=3)
    blt, csv = write_files(str(tmp_path / shape), rankings, NAMES)
    expected = [[i for i in row if i >= 0] for row in rankings.tolist()]

    names, numbers, weights = read_blt(blt)
    assert names == NAMES and numbers == expected and weights == [1] * 500
    seen, rows = read_csv(csv)
    assert sorted(seen, key=NAMES.index) == NAMES
    assert rows == [[NAMES[i] for i in row] for row in expected]


def test_the_script_and_engage_name_the_same_winner(tmp_path):
    rankings = rankings_for("skewed", 2_000, len(NAMES), seed=1)
    for path in write_files(str(tmp_path / "ballots"), rankings, NAMES):
        result = count(load_ballot_file(path), "irv", seed=1)
        assert not result.tie_breaks
        done = subprocess.run(  # noqa: S603 (our own script)
            [sys.executable, os.path.join(BENCH, "pyrankvote_count.py"), path],
            capture_output=True,
            text=True,
            check=True,
        )
        reported = json.loads(done.stdout)
        assert reported["ballots"] == 2_000
        assert reported["winner"] == result.elected[0]
        assert np.isfinite(reported["count_seconds"])
