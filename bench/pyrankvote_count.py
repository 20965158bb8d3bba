"""pyrankvote's IRV on a ballot file, read as plainly as a careful user would: the baseline
for ``flask --app engage count FILE`` in bench/figures/count_end_to_end.py.

    .venv/bin/python bench/pyrankvote_count.py FILE.blt|FILE.csv

Reads the file (a plain BLT parser, or the csv module for an Engage CSV whose columns
are ranks, one candidate name a cell), builds one pyrankvote Candidate per option and
one Ballot per paper (a BLT line of weight w gives w ballots), and runs
pyrankvote.instant_runoff_voting. It imports neither numpy nor engage, so it pays only
for Python, pyrankvote and its own work. Prints one JSON line: the winner, the number of
ballots, and the seconds spent reading, building and counting (inside this process).

Only what bench/ballot_files.py writes is read: no equal rankings ("=") and no
withdrawn candidates in BLT, no weight column in CSV. Python's cyclic garbage collector
stays on, as in any plain script: with a million ballots it costs pyrankvote about a third
of its time (one check, a million skewed BLT ballots: 17.1 s, 11.9 s with gc.disable()).
"""

import csv
import json
import sys
import time

import pyrankvote


def read_blt(path: str) -> tuple[list[str], list[list[int]], list[int]]:
    """Candidate names, each ballot line's 0-based preferences, and each line's weight."""
    with open(path, encoding="utf-8") as handle:
        lines = iter(handle)
        options = int(next(lines).split()[0])
        rankings: list[list[int]] = []
        weights: list[int] = []
        for line in lines:
            fields = line.split()
            if not fields:
                continue
            if fields[0] == "0":
                break
            weights.append(int(fields[0]))
            rankings.append([int(f) - 1 for f in fields[1:-1]])  # the last field is the 0
        names = [next(lines).strip().strip('"') for _ in range(options)]
    return names, rankings, weights


def read_csv(path: str) -> tuple[list[str], list[list[str]]]:
    """Candidate names in order of first appearance, and each row's names in rank order."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)  # rank_1, rank_2, ...
        rows = [[cell for cell in row if cell] for row in reader]
    seen: dict[str, None] = {}
    for row in rows:
        for name in row:
            seen.setdefault(name)
    return list(seen), rows


def main() -> None:
    path = sys.argv[1]
    started = time.perf_counter()
    if path.endswith(".blt"):
        names, numbers, weights = read_blt(path)
        read = time.perf_counter() - started
        candidates = [pyrankvote.Candidate(name) for name in names]
        ballots = []
        for ranking, weight in zip(numbers, weights, strict=True):
            ballot = pyrankvote.Ballot([candidates[i] for i in ranking])
            ballots.extend([ballot] * weight)
        del numbers
    else:
        names, rows = read_csv(path)
        read = time.perf_counter() - started
        by_name = {name: pyrankvote.Candidate(name) for name in names}
        candidates = list(by_name.values())
        ballots = [pyrankvote.Ballot([by_name[name] for name in row]) for row in rows]
        del rows
    built = time.perf_counter() - started - read
    result = pyrankvote.instant_runoff_voting(candidates, ballots)
    winners = result.get_winners()
    counted = time.perf_counter() - started - read - built
    print(
        json.dumps(
            {
                "winner": winners[0].name if winners else None,
                "ballots": len(ballots),
                "read_seconds": read,
                "build_seconds": built,
                "count_seconds": counted,
            }
        )
    )


if __name__ == "__main__":
    main()
