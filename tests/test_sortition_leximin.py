"""LEXIMIN panel selection: the paper's two examples, exact LPs on small pools, seeded draws."""

import csv
import math
import time
from pathlib import Path

import numpy as np
import pytest

from engage.sortition import (
    InfeasibleQuotas,
    Pool,
    Quota,
    draw_panel,
    exact_leximin,
    geometric_mean,
    gini,
    leximin,
    minimum,
    read_pool,
)
from engage.sortition.panels import all_panels

EXAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "sortition"


def reference(folder):
    """Panel size k and the sorted LEXIMIN probabilities from the paper's output."""
    statistics = (folder / "reference_statistics.txt").read_text(encoding="utf-8")
    k = next(
        int(line.split("\t")[1])
        for line in statistics.splitlines()
        if line.startswith("panel size k")
    )
    with open(folder / "reference_prob_allocs.csv", newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["algorithm"].lower() == "leximin"]
    return k, sorted(float(row["selection probability"]) for row in rows)


@pytest.mark.parametrize("name", ["example_small_20", "example_large_200"])
def test_paper_examples_give_everyone_ten_percent(name):
    # example_large_200 (2,000 respondents, panels of 200) is the slow one: see the
    # timing printed with -s. Gurobi took 1,162 s on it in the paper.
    folder = EXAMPLES / name
    if not folder.is_dir():
        pytest.skip(
            f"{folder} is absent: the paper's reference pools are not beside the repository"
        )
    k, expected = reference(folder)
    pool = read_pool(folder / "categories.csv", folder / "respondents.csv")

    started = time.perf_counter()
    allocation = leximin(pool, k)
    print(f"{name}: {time.perf_counter() - started:.1f} s, {len(allocation.panels)} panels")

    probabilities = allocation.agent_probabilities
    assert minimum(probabilities) == pytest.approx(0.10, abs=1e-6)
    assert gini(probabilities) == pytest.approx(0.0, abs=1e-4)
    assert geometric_mean(probabilities) == pytest.approx(0.10, abs=1e-6)
    assert sum(allocation.probabilities_of_panels) == pytest.approx(1.0, abs=1e-9)
    # The reference lists percentiles, so compare at the same points of our sorted list.
    ours = np.sort(probabilities)
    at = np.linspace(0, len(ours) - 1, len(expected)).round().astype(int)
    assert np.max(np.abs(ours[at] - np.array(expected))) < 1e-4
    for panel in allocation.panels:
        assert len(panel) == k
        for quota in pool.quotas:
            assert quota.minimum <= len(set(panel) & set(pool.members_with(quota))) <= quota.maximum


def generated_pool(seed):
    """A pool of 8–12 with 2–3 categories and quotas drawn near their share, some tight."""
    rng = np.random.default_rng(seed)
    while True:
        n, k = int(rng.integers(8, 13)), int(rng.integers(3, 6))
        categories = {
            f"c{c}": [f"f{c}{v}" for v in range(int(rng.integers(2, 4)))]
            for c in range(int(rng.integers(2, 4)))
        }
        people = tuple({c: str(rng.choice(fs)) for c, fs in categories.items()} for _ in range(n))
        quotas = []
        for c, fs in categories.items():
            for f in fs:
                share = k * sum(p[c] == f for p in people) / n
                low = max(0, math.floor(share) - int(rng.integers(0, 2)))
                high = max(
                    low, math.ceil(share) + int(rng.integers(0, 2)) - int(rng.integers(0, 2))
                )
                quotas.append(Quota(c, f, low, high))
        households = (
            tuple(f"h{int(rng.integers(0, n - 2))}" for _ in range(n)) if seed % 4 == 3 else None
        )
        pool = Pool(people, tuple(quotas), households)
        if all_panels(pool, k):
            return pool, k


@pytest.mark.parametrize("seed", range(24))
def test_column_generation_matches_the_exact_lps_over_every_panel(seed):
    pool, k = generated_pool(seed)
    exact = exact_leximin(all_panels(pool, k), pool.size)
    found = leximin(pool, k)

    assert (
        np.max(np.abs(np.sort(found.agent_probabilities) - np.sort(exact.agent_probabilities)))
        < 1e-6
    )
    assert sum(found.agent_probabilities) == pytest.approx(k, abs=1e-6)


def test_some_generated_pools_force_unequal_probabilities():
    unequal = 0
    for seed in range(24):
        pool, k = generated_pool(seed)
        probabilities = leximin(pool, k).agent_probabilities
        unequal += max(probabilities) - min(probabilities) > 1e-3
    assert unequal >= 8


def test_a_seed_gives_the_same_panel_and_draws_follow_the_probabilities():
    pool, k = next(
        (p, k)
        for p, k in map(generated_pool, range(40))
        if gini(leximin(p, k).agent_probabilities) > 0.05
    )
    allocation = leximin(pool, k)
    assert draw_panel(allocation, 7) == draw_panel(allocation, 7)

    draws = 2000
    counts = np.zeros(pool.size)
    for seed in range(draws):
        counts[list(draw_panel(allocation, seed))] += 1
    for frequency, p in zip(counts / draws, allocation.agent_probabilities, strict=True):
        assert abs(frequency - p) < 4 * math.sqrt(p * (1 - p) / draws) + 1e-3


def test_households_are_honoured():
    people = tuple({"g": g} for g in "aabbcc")
    pool = Pool(
        people,
        (Quota("g", "a", 0, 3), Quota("g", "b", 0, 3), Quota("g", "c", 0, 3)),
        ("x", "x", "y", "y", "z", "w"),
    )
    allocation = leximin(pool, 4)
    for panel in allocation.panels:
        assert not {0, 1} <= set(panel) and not {2, 3} <= set(panel)
    # A panel of 4 needs one of each couple and both who live alone.
    assert allocation.agent_probabilities == pytest.approx([0.5, 0.5, 0.5, 0.5, 1.0, 1.0], abs=1e-6)


def test_infeasible_quotas_are_named():
    people = tuple({"g": g} for g in "aaab")
    pool = Pool(people, (Quota("g", "a", 0, 1), Quota("g", "b", 0, 1)))
    with pytest.raises(
        InfeasibleQuotas, match=r"No panel of 3 meets every quota: g=a 0–1 \(pool has 3\)"
    ):
        leximin(pool, 3)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("categories", "respondents", "message"),
    [
        (
            "category,feature,min,max\ng,a,3,1\n",
            "g\na\n",
            r"categories.csv, line 2: min 3 is greater than max 1 for g=a",
        ),
        (
            "category,feature,min,max\ng,a,x,1\n",
            "g\na\n",
            r"categories.csv, line 2: min must be a whole number, not 'x'",
        ),
        (
            "category,feature,min,max\ng,a,0\n",
            "g\na\n",
            r"categories.csv, line 2: expected 4 values",
        ),
        ("category,feature\ng,a\n", "g\na\n", r"categories.csv: the header lacks max, min"),
        (
            "category,feature,min,max\ng,a,0,1\ng,a,0,2\n",
            "g\na\n",
            r"categories.csv, line 3: g=a appears twice",
        ),
        (
            "category,feature,min,max\ng,a,0,1\n",
            "g\na\nb\n",
            r"respondents.csv, line 3: unknown g 'b' \(known: a\)",
        ),
        (
            "category,feature,min,max\ng,a,0,1\n",
            "h\na\n",
            r"respondents.csv: the header lacks the column\(s\) g",
        ),
        (
            "category,feature,min,max\ng,a,0,1\n",
            "g,h\na\n",
            r"respondents.csv, line 2: expected 2 values",
        ),
    ],
)
def test_bad_files_say_which_file_and_line(tmp_path, categories, respondents, message):
    with pytest.raises(ValueError, match=message):
        read_pool(
            write(tmp_path, "categories.csv", categories),
            write(tmp_path, "respondents.csv", respondents),
        )


def test_the_commands_print_probabilities_and_a_repeatable_panel(tmp_path):
    import json

    from click.testing import CliRunner

    from engage.sortition.cli import sortition_group

    categories = write(tmp_path, "categories.csv", "category,feature,min,max\ng,a,1,2\ng,b,1,2\n")
    respondents = write(tmp_path, "respondents.csv", "g\na\na\nb\nb\nb\n")
    files = ["--categories", str(categories), "--respondents", str(respondents)]
    found = CliRunner().invoke(
        sortition_group, ["probabilities", *files, "--panel-size", "2", "--format", "json"]
    )
    assert found.exit_code == 0, found.output
    figures = json.loads(found.output.strip().splitlines()[-1])
    assert len(figures["probabilities"]) == 5
    assert sum(figures["probabilities"]) == pytest.approx(2)
    assert figures["minimum"] == pytest.approx(1 / 3, abs=1e-6)
    arguments = ["draw", *files, "--panel-size", "2", "--seed", "5", "--format", "json"]
    first = CliRunner().invoke(sortition_group, arguments)
    assert first.exit_code == 0, first.output
    drawn = json.loads(first.output.strip().splitlines()[-1])
    assert len(drawn["selected"]) == 2 and all(0 <= i < 5 for i in drawn["selected"])
    assert first.output == CliRunner().invoke(sortition_group, arguments).output
    arguments[arguments.index("2")] = "5"
    failed = CliRunner().invoke(sortition_group, arguments)
    assert failed.exit_code == 1
    assert "No panel of 5 meets every quota" in failed.output


def test_the_command_lines_json_is_all_that_reaches_standard_output(tmp_path):
    """HiGHS writes a banner from C when a process makes its first solver: a script
    reading --format json must get JSON alone."""
    import json
    import subprocess  # nosec B404  # the project's own command
    import sys

    categories = write(tmp_path, "categories.csv", "category,feature,min,max\ng,a,1,2\ng,b,1,2\n")
    respondents = write(tmp_path, "respondents.csv", "g\na\na\nb\nb\nb\n")
    flask = Path(sys.executable).with_name("flask")
    found = subprocess.run(  # noqa: S603  # nosec B603
        [
            str(flask),
            "--app",
            "engage",
            "sortition",
            "probabilities",
            "--categories",
            str(categories),
            "--respondents",
            str(respondents),
            "--panel-size",
            "2",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["minimum"] == pytest.approx(1 / 3, abs=1e-6)
