"""Time exports of many synthetic responses (CSV by default) and report peak memory.

    .venv/bin/python bench/export_csv.py [--responses 100000 1000000] [--seed 1]
        [--formats csv sav xlsx jsonl datapackage] [--tracemalloc] [--keep DIR]

For each size, a fresh subprocess builds a SQLite database (create_all,
seed-demo, seed-synthetic N), then a fresh subprocess per format times the export
(written to a temporary file) and reads its peak resident memory
(resource.getrusage ru_maxrss) before and after the export, so the growth the
export itself causes is plain. --tracemalloc adds a third run that reports the
peak of Python allocations during the export (it slows the export down, so its
time is not reported).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from engage import create_app  # noqa: E402
from engage.extensions import db  # noqa: E402


def _app(path: str):
    return create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})


def _peak_mb() -> float:
    # ru_maxrss survives exec on Linux, so a child started by a large parent reports the
    # parent's peak; VmHWM belongs to this process's own memory map.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def build(path: str, responses: int, seed: int) -> dict:
    """A fresh database with the demo questionnaire and ``responses`` synthetic responses."""
    app = _app(path)
    with app.app_context():
        db.create_all()
        runner = app.test_cli_runner()
        runner.invoke(args=["seed-demo"], catch_exceptions=False)
        started = time.perf_counter()
        result = runner.invoke(
            args=["seed-synthetic", "--responses", str(responses), "--seed", str(seed)],
            catch_exceptions=False,
        )
        seconds = time.perf_counter() - started
    return {"seed_seconds": seconds, "seed_output": result.output.strip()}


def export(path: str, key: str, trace: bool) -> dict:
    """Time one export of every response; peak memory before and after it."""
    import tracemalloc

    from engage.exports import services
    from engage.partnership.services import current_partnership
    from engage.questionnaire.services import questionnaire_for
    from engage.results.filters import ResultFilter

    app = _app(path)
    fmt = services.FORMATS[key]
    with app.app_context(), tempfile.TemporaryDirectory() as folder:
        questionnaire = questionnaire_for(current_partnership())
        download = services.prepare(questionnaire, ResultFilter(), free_text=True)
        before = _peak_mb()
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        if fmt.text:
            target = os.path.join(folder, fmt.filename)
            services.write_file(download, fmt, target)
            updates = 0
        else:  # as the downloads page has it done: a background job, with progress
            target, updates = _as_job(app, questionnaire, fmt, folder)
        seconds = time.perf_counter() - started
        size = os.path.getsize(target)
        figures = {
            "rows": download.rows,
            "columns": len(download.plan.layout.columns),
            "seconds": seconds,
            "file_mb": size / 2**20,
            "rss_before_mb": before,
            "rss_peak_mb": _peak_mb(),
            "progress_updates": updates,
        }
        if trace:
            figures["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    return figures


def _as_job(app, questionnaire, fmt, folder: str) -> tuple[str, int]:
    """Run the download as the job worker runs it; the file and how often progress was
    reported."""
    from engage.accounts.models import ADMIN, User
    from engage.accounts.services import create_user
    from engage.exports import jobs
    from engage.exports.models import DONE
    from engage.partnership.services import current_partnership
    from engage.results.filters import ResultFilter

    app.config["ENGAGE_EXPORT_FOLDER"] = folder
    email = "jobs@bench.example"  # made by the first child on this database, reused after
    user = db.session.scalar(db.select(User).where(User.email == email)) or create_user(
        email, "bench-password-long-enough", ADMIN, current_partnership().agencies[0]
    )
    user.free_text_access = True
    job = jobs.request_export(questionnaire, ResultFilter(), fmt, user)
    db.session.commit()
    updates = []
    real = jobs._progress
    jobs._progress = lambda job_id, done: (updates.append(done), real(job_id, done))
    try:
        jobs.run(job.id)
    finally:
        jobs._progress = real
    job = db.session.get(type(job), job.id)
    if job.status != DONE:
        raise RuntimeError(f"the {fmt.key} job ended {job.status}: {job.error}")
    return str(jobs.folder() / job.stored_as), len(updates)


def recount(path: str) -> dict:
    """``flask recount-results`` on the database: its time and this process's peak memory."""
    app = _app(path)
    with app.app_context():
        before = _peak_mb()
        started = time.perf_counter()
        result = app.test_cli_runner().invoke(args=["recount-results"], catch_exceptions=False)
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rss_before_mb": before,
        "rss_peak_mb": _peak_mb(),
        "output": result.output.strip(),
    }


def _child(*args: str) -> dict:
    output = subprocess.run(  # noqa: S603 (this script, with arguments it built)
        [sys.executable, os.path.abspath(__file__), *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--formats", nargs="+", default=["csv"])
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--keep", help="Keep the databases in this folder.")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)  # mode, path, n/trace
    args = parser.parse_args()
    if args.child:
        mode, path, value = args.child
        if mode == "build":
            print(json.dumps(build(path, int(value), args.seed)))
        elif mode == "recount":
            print(json.dumps(recount(path)))
        else:
            key, _, trace = value.partition(":")
            print(json.dumps(export(path, key, trace == "trace")))
        return
    folder = args.keep or tempfile.mkdtemp(prefix="engage-bench-")
    os.makedirs(folder, exist_ok=True)
    for responses in args.responses:
        path = os.path.join(folder, f"export-{responses}.sqlite3")
        if os.path.exists(path):
            os.remove(path)
        built = _child("--seed", str(args.seed), "--child", "build", path, str(responses))
        print(f"{responses:,} responses: {built['seed_output']}", flush=True)
        for key in args.formats:
            timed = _child("--child", "export", path, key)
            print(
                f"  {key} export: {timed['rows']:,} rows x {timed['columns']} columns "
                f"({timed['file_mb']:.0f} MB) in {timed['seconds']:.1f} s, "
                f"{timed['rows'] / timed['seconds']:,.0f} rows/s; peak RSS "
                f"{timed['rss_peak_mb']:.0f} MB "
                f"({timed['rss_before_mb']:.0f} MB before the export)",
                flush=True,
            )
            if args.tracemalloc:
                traced = _child("--child", "export", path, f"{key}:trace")
                print(
                    f"  tracemalloc peak during the {key} export: "
                    f"{traced['tracemalloc_peak_mb']:.1f} MB",
                    flush=True,
                )
        if not args.keep:
            os.remove(path)


if __name__ == "__main__":
    main()
