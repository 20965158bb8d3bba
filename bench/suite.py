"""Every benchmark figure with its baseline measured in the same run, and the ratio.

    .venv/bin/python bench/suite.py [--scale 1.0] [--only seeding counting ...]
                                    [--output bench/results.json]

``make bench`` runs it at full size; ``make bench-smoke`` (CI) at a hundredth of it, which
only checks that the scripts still work: a figure outside its target fails the run
only at full size. Prints an aligned table and writes the rows as JSON.
"""

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(BENCH))
sys.path.insert(0, BENCH)

from figures.common import Context  # noqa: E402
from figures.count_end_to_end import count_end_to_end  # noqa: E402
from figures.counting import counting  # noqa: E402
from figures.dashboard import dashboard  # noqa: E402
from figures.exports import exports, recount  # noqa: E402
from figures.kiosk_weight import kiosk_weight  # noqa: E402
from figures.odata_feed import odata_feed  # noqa: E402
from figures.sealed_count import sealed_count  # noqa: E402
from figures.seeding import seeding  # noqa: E402
from figures.sign_in import sign_in  # noqa: E402
from figures.sortition import sortition  # noqa: E402
from figures.submission_cpu import submission_cpu  # noqa: E402
from figures.submissions import submissions  # noqa: E402
from figures.web_csv import web_csv  # noqa: E402
from figures.weighting import weighting  # noqa: E402
from harness import progress  # noqa: E402

FIGURES = {
    f.__name__: f
    for f in (
        seeding,
        submission_cpu,
        submissions,
        counting,
        count_end_to_end,
        sealed_count,
        dashboard,
        exports,
        recount,
        web_csv,
        odata_feed,
        kiosk_weight,
        sign_in,
        weighting,
        sortition,
    )
}
COLUMNS = ("figure", "value", "baseline", "ratio", "target", "ok")


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return ""
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{text} {unit}".strip()


def table(rows: list[dict]) -> str:
    """The rows as aligned text: one line per figure."""
    cells = [COLUMNS] + [
        (
            r["figure"],
            _number(r["value"], r["unit"]),
            _number(r["baseline_value"], r["unit"]),
            "" if r["ratio"] is None else f"{r['ratio']:.2f}x",
            r["target"],
            {True: "ok", False: "MISSED", None: ""}[r["ok"]],
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    baselines = sorted({r["baseline"] for r in rows if r["baseline"]})
    return "\n".join(lines + ["", "Baselines:"] + [f"  {b}" for b in baselines])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only", nargs="+", choices=FIGURES, default=list(FIGURES))
    parser.add_argument("--output", default=os.path.join(BENCH, "results.json"))
    args = parser.parse_args()
    context = Context(args.scale, tempfile.mkdtemp(prefix="engage-bench-"))
    rows = []
    broken: list[str] = []
    try:
        for name in args.only:
            progress(f"{name} at scale {args.scale:g}")
            started = time.perf_counter()
            try:
                found = list(FIGURES[name](context))
            except Exception:  # noqa: BLE001 (reported, and the run fails at the end)
                # One figure that cannot be measured must not lose the others' figures.
                traceback.print_exc()
                broken.append(name)
                progress(f"{name} FAILED after {time.perf_counter() - started:.1f} s")
                continue
            rows += [{"group": name, **row} for row in found]
            progress(f"{name} done in {time.perf_counter() - started:.1f} s")
    finally:
        shutil.rmtree(context.folder, ignore_errors=True)
    print(table(rows))
    with open(args.output, "w") as out:
        json.dump(
            {
                "scale": args.scale,
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
                "python": platform.python_version(),
                "rows": rows,
            },
            out,
            indent=2,
        )
        out.write("\n")
    if broken:
        sys.exit(f"these figures could not be measured (see above): {', '.join(broken)}")
    missed = [r["figure"] for r in rows if r["ok"] is False]
    if missed and args.scale >= 1:
        sys.exit(f"{len(missed)} figures missed their targets")


if __name__ == "__main__":
    main()
