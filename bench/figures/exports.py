"""Exports of every response, each in a fresh process (bench/export_csv.py), against the
sqlite3 command-line tool writing the same answers as CSV; and each export's peak memory
at two sizes. XLSX and .sav run as the background job the downloads page starts, with its
progress reports (no time baseline is set for them)."""

import json
import os
import subprocess
import sys

from figures.common import BENCH, Context, row, seconds

FORMATS = ("csv", "xlsx", "sav")
QUERY = (
    "SELECT response_id, question_id, option_id, area_id, number_value, text_value"
    " FROM answer ORDER BY response_id"
)


def export(path: str, key: str) -> dict:
    """The figures of one export (or of "recount"), from a child process of
    bench/export_csv.py."""
    mode = "recount" if key == "recount" else "export"
    done = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, os.path.join(BENCH, "export_csv.py"), "--child", mode, path, key],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"the {key} child failed:\n{done.stderr[-3000:]}")
    output = done.stdout
    return json.loads(output.strip().splitlines()[-1])


def sqlite3_csv(path: str, target: str) -> None:
    with open(target, "wb") as out:
        subprocess.run(["sqlite3", "-csv", path, QUERY], check=True, stdout=out)  # noqa: S603,S607


def exports(context: Context) -> list[dict]:
    small, large = context.responses(100_000), context.responses(1_000_000)
    path = context.database(large)
    dump = os.path.join(context.folder, "sqlite3.csv")
    baseline = seconds(lambda: sqlite3_csv(path, dump))
    os.remove(dump)
    rows = []
    figures = {}
    for key in FORMATS:
        figures[key] = export(path, key)
        took = figures[key]["seconds"]
        is_csv = key == "csv"
        how = "" if is_csv else f" as a job, {figures[key]['progress_updates']:,} progress reports"
        rows.append(
            row(
                f"{key} export, {large:,} responses{how}",
                took,
                "s",
                "sqlite3 -csv of the answers" if is_csv else "",
                baseline if is_csv else None,
                "<= 3x baseline" if is_csv else "",
                took <= 3 * baseline if is_csv else None,
            )
        )
    for key in FORMATS:
        peak_small = export(context.database(small), key)["rss_peak_mb"]
        peak_large = figures[key]["rss_peak_mb"]
        rows.append(
            row(
                f"{key} export peak RSS, {large:,} responses",
                peak_large,
                "MB",
                f"the same export at {small:,} responses",
                peak_small,
                "<= 1.3x baseline",
                peak_large <= 1.3 * peak_small,
            )
        )
    return rows


def recount(context: Context) -> list[dict]:
    """``flask recount-results`` at two sizes, each in a fresh process: memory stays flat."""
    small, large = context.responses(100_000), context.responses(1_000_000)
    figures = {}
    for n in (small, large):
        figures[n] = export(context.database(n), "recount")
        if "already matched" not in figures[n]["output"]:
            raise RuntimeError(f"recount-results found differences: {figures[n]['output']}")
    return [
        row(
            f"recount-results, {large:,} responses",
            figures[large]["seconds"],
            "s",
            f"the same at {small:,} responses",
            figures[small]["seconds"],
        ),
        row(
            f"recount-results peak RSS, {large:,} responses",
            figures[large]["rss_peak_mb"],
            "MB",
            f"the same at {small:,} responses",
            figures[small]["rss_peak_mb"],
            "<= 1.3x baseline",
            figures[large]["rss_peak_mb"] <= 1.3 * figures[small]["rss_peak_mb"],
        ),
    ]
