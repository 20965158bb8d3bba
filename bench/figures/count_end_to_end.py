"""``flask --app engage count FILE`` end to end in a fresh process (start-up, reading the file,
the IRV count and its JSON), against pyrankvote doing the same job on the same file in a
fresh process too (bench/pyrankvote_count.py: read it with a plain BLT parser or the csv
module, build Candidate and Ballot objects, pyrankvote.instant_runoff_voting).

Files from bench/ballot_files.py, 20 options: ``uniform`` (every ballot ranks every
option, in a random order) and ``skewed`` (Plackett-Luce rankings of varied length), as
BLT at both sizes and as Engage CSV at the larger one. Each pair runs three times,
interleaved (engage, pyrankvote, engage, ...); the figures are medians of the three wall
times and of the three peak RSS (each child's own, from GNU time). The winners
must agree; when our count needed a tie-break (pyrankvote breaks ties its own way) the
row says so and a disagreement is reported, not failed.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from ballot_files import rankings_for, write_files

from figures.common import BENCH, Context, row

OPTIONS = 20
RUNS = 3
REPO = os.path.dirname(BENCH)
FLASK = os.path.join(os.path.dirname(sys.executable), "flask")
BASELINE = (
    "bench/pyrankvote_count.py on the same file, own process: read (plain BLT parser or "
    "csv module), build pyrankvote Candidate/Ballot objects, instant_runoff_voting"
)


# Peak RSS is read by a small parent that starts the measured process: a child forked
# straight from this bench process starts with the bench's own RSS counted in its
# ru_maxrss (Linux carries the forked address space's high-water mark across exec).
TIME = "/usr/bin/time"
LAUNCHER = (
    "import os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[1:])\n"
    "_pid, status, usage = os.wait4(child.pid, 0)\n"
    "print(usage.ru_maxrss, file=sys.stderr)\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def run_child(args: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB (this child's alone) and standard output of one process.

    GNU time (``/usr/bin/time -f %M``) reports the peak; without it, a bare Python parent
    does (whose own few MB then count in the child's peak)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        if os.access(TIME, os.X_OK):
            wrapped = [TIME, "-f", "%M", *args]
        else:
            wrapped = [sys.executable, "-c", LAUNCHER, *args]
        started = time.perf_counter()
        code = subprocess.call(wrapped, stdout=out, stderr=err, cwd=REPO)  # noqa: S603 (ours)
        took = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        messages = err.read().decode(errors="replace")
        if code:
            raise RuntimeError(f"{args} exited {code}:\n{messages[-3000:]}")
        peak_kib = int(messages.strip().splitlines()[-1])  # KiB on Linux
        return took, peak_kib / 1024, out.read().decode()


def engage_count(path: str) -> tuple[float, float, dict[str, Any]]:
    took, mb, output = run_child(
        [FLASK, "--app", "engage", "count", path, "--method", "irv", "--seed", "1"]
        + ["--format", "json"]
    )
    return took, mb, json.loads(output)


def pyrankvote_count(path: str) -> tuple[float, float, dict[str, Any]]:
    script = os.path.join(BENCH, "pyrankvote_count.py")
    took, mb, output = run_child([sys.executable, script, path])
    return took, mb, json.loads(output.strip().splitlines()[-1])


def compare(path: str) -> dict[str, Any]:
    """Median seconds and peak MB of both, interleaved, with the winners."""
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    steps: list[dict[str, Any]] = []
    result: dict[str, Any] = {}
    for _ in range(RUNS):
        took, mb, result = engage_count(path)
        ours.append((took, mb))
        took, mb, reported = pyrankvote_count(path)
        theirs.append((took, mb))
        steps.append(reported)
    ties = [stage["stage"] for stage in result["stages"] if stage.get("tie_break")]
    winner = result["elected"][0] if result["elected"] else None
    return {
        "seconds": statistics.median(t for t, _ in ours),
        "mb": statistics.median(m for _, m in ours),
        "baseline_seconds": statistics.median(t for t, _ in theirs),
        "baseline_mb": statistics.median(m for _, m in theirs),
        "ballots": result["ballots"],
        "winner": winner,
        "pyrankvote_winner": steps[-1]["winner"],
        "pyrankvote_ballots": steps[-1]["ballots"],
        "tie_break_stages": ties,
        "pyrankvote_inside": {
            key: statistics.median(s[key] for s in steps)
            for key in ("read_seconds", "build_seconds", "count_seconds")
        },
        "runs": {"engage": ours, "pyrankvote": theirs},
    }


def rows_for(n: int, shape: str, kind: str, path: str) -> list[dict]:
    found = compare(path)
    if found["ballots"] != n or found["pyrankvote_ballots"] != n:
        raise RuntimeError(f"{path}: counted {found['ballots']} and {found['pyrankvote_ballots']}")
    agree = found["winner"] == found["pyrankvote_winner"]
    ties = found["tie_break_stages"]
    if not agree and not ties:
        raise RuntimeError(
            f"{path}: winners differ with no tie-break: ours {found['winner']}, "
            f"pyrankvote {found['pyrankvote_winner']}"
        )
    said = "winners agree" if agree else "winners DIFFER"
    if ties:
        said += f", our count broke a tie at stage {', '.join(map(str, ties))}"
    detail = {key: found[key] for key in found if key not in ("seconds", "mb")}
    what = f"{n:,} {shape} ballots, {kind}"
    return [
        {
            **row(
                f"flask count end to end, {what} ({said})",
                found["seconds"],
                "s",
                BASELINE,
                found["baseline_seconds"],
                "winners agree",
                agree if not ties else None,
            ),
            "detail": detail,
        },
        row(
            f"flask count end to end, peak RSS, {what}",
            found["mb"],
            "MB",
            BASELINE,
            found["baseline_mb"],
        ),
    ]


def count_end_to_end(context: Context) -> list[dict]:
    small, large = context.responses(100_000), context.responses(1_000_000)
    names = [f"Option {i + 1}" for i in range(OPTIONS)]
    rows = []
    for n in (small, large):
        for shape in ("uniform", "skewed"):
            prefix = os.path.join(context.folder, f"ballots-{shape}-{n}")
            blt, csv = write_files(prefix, rankings_for(shape, n, OPTIONS, seed=1), names)
            try:
                rows += rows_for(n, shape, "BLT", blt)
                if n == large:
                    rows += rows_for(n, shape, "Engage CSV", csv)
            finally:
                os.remove(blt)
                os.remove(csv)
    return rows
