"""Complete kiosk submissions through gunicorn (2 sync workers) from 50 closed-loop clients,
on SQLite (WAL) and on PostgreSQL: throughput and p50/p99 latency, against a minimal
Flask app (bench/harness/baseline_app.py) on the same server settings that stores the
same payload bytes in one INSERT.

Each submission is a complete response to the demo questionnaire (about 36 answer rows),
posted as a tablet posts it (harness.kiosks.Kiosk.submit) with a fresh key. The clients
run in a child process (harness.load); the kiosk rate limit is lifted as bench/soak.py
lifts it, the limiter itself staying in the path as in production. After each Engage run
every acknowledged key is looked up in the database, and a missing or short response
fails the figure. With 50 clients and no think time, latency is mostly queueing: by
Little's law the mean is about 50 / throughput.
"""

import json
import os
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass

from harness import databases, progress
from harness.baseline_app import count_rows, create_schema
from harness.kiosks import LANGUAGES, Prepared
from harness.load import PLACEHOLDER, Load, measure
from harness.servers import Gunicorn, free_port

from figures.common import BENCH, Context, row

CLIENTS = 50
# Then the same 50 clients each sending a response every PACE seconds: a steady 50 a
# second, some hundred times what 50 tablets at an event send (a response every few
# minutes each), to show the wait a resident sees when the server is not saturated.
PACE = 1.0
WORKERS = 2
THROUGHPUT_RATIO = 0.3  # at least this share of the baseline's responses per second
P99_TARGET_MS = 100.0
BASELINE = "minimal Flask app on the same gunicorn settings, one INSERT of the same payload bytes"
DATABASES = (("sqlite", "SQLite (WAL)"), ("postgresql", "PostgreSQL"))
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    """One server's measurement, and the CPU its workers used meanwhile."""

    load: Load
    server_cpu_seconds: float
    paced: Load | None = None  # the same server at a steady rate


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds used so far by these processes (from /proc)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def templates(version_id: int, pool: list[Prepared]) -> list[str]:
    """One tablet payload per answer set (JSON, as Kiosk.submit sends it), key left open."""
    return [
        json.dumps(
            {
                "key": PLACEHOLDER,
                "version": version_id,
                "lang": LANGUAGES[index % len(LANGUAGES)],
                "answers": prepared.answers,
            }
        )
        for index, prepared in enumerate(pool)
    ]


def drive(server: Gunicorn, probe: str, path: str, bodies: list[str], context: Context) -> Run:
    """Start the server, wait for its workers, load it, stop it; fail on any non-201."""
    warmup = max(0.5, 3.0 * context.scale)
    seconds = max(2.0, 20.0 * context.scale)
    server.start()
    try:
        server.wait_until_answering(probe)
        workers = server.worker_pids()
        cpu_before = cpu_seconds(workers)
        load = measure(server.port, path, bodies, CLIENTS, warmup, seconds)
        cpu = cpu_seconds(workers) - cpu_before
        paced = measure(server.port, path, bodies, CLIENTS, warmup, seconds, PACE)
    finally:
        server.stop()
    for found in (load, paced):
        if found.failed():
            raise RuntimeError(
                f"answers other than 201 on {path}: {found.statuses}; {found.errors}\n"
                f"{server.log_tail()}"
            )
    return Run(load, cpu, paced)


def check_stored(
    url: str, token: str, load: Load, pool: list[Prepared], paced: Load | None = None
) -> int:
    """Every acknowledged key stored with all its answer rows; how many were checked."""
    stored = dict(databases.stored_responses(url, token))
    acknowledged = load.acknowledged + (paced.acknowledged if paced else [])
    missing = [key for key, _ in acknowledged if key not in stored]
    short = [
        key for key, index in acknowledged if key in stored and stored[key] != pool[index].rows
    ]
    if missing or short:
        raise RuntimeError(
            f"{len(missing)} acknowledged responses missing and {len(short)} with missing "
            f"answer rows, of {len(acknowledged)}; e.g. {(missing + short)[:3]}"
        )
    return len(acknowledged)


def database(kind: str, folder: str, label: str) -> AbstractContextManager[str]:
    if kind == "sqlite":
        return databases.sqlite_database(folder)
    return databases.postgres_database(databases.postgres_server_url(), label=label)


def folder_for(context: Context, name: str) -> str:
    """A folder of its own in the run's temporary folder (logs, SQLite files)."""
    path = os.path.join(context.folder, f"submissions-{name}")
    os.makedirs(path, exist_ok=True)
    return path


def engage_run(kind: str, context: Context) -> tuple[Run, list[str]]:
    """Engage on a fresh migrated, seeded database; the run and the payload templates."""
    folder = folder_for(context, kind)
    with database(kind, folder, "subs") as url:
        port = free_port()
        progress(f"submissions: {kind}: migrating and seeding the demo")
        token, version_id, pool = databases.prepare(url, port)
        env = databases.server_env(url, port, {"ENGAGE_KIOSK_LIMIT": "1000000 per minute"})
        log = os.path.join(folder, "gunicorn-engage.log")
        server = Gunicorn(port, env, log, workers=WORKERS)
        bodies = templates(version_id, pool)
        run = drive(
            server, f"/kiosk/{token}/precache.json", f"/kiosk/{token}/responses", bodies, context
        )
        checked = check_stored(url, token, run.load, pool, run.paced)
        progress(f"submissions: {kind}: all {checked} acknowledged responses are stored")
    return run, bodies


def baseline_run(kind: str, context: Context, bodies: list[str]) -> Run:
    """The minimal Flask app on a fresh database of the same kind, with the same bodies."""
    folder = folder_for(context, f"{kind}-baseline")
    with database(kind, folder, "subsbase") as url:
        create_schema(url)
        port = free_port()
        env = {**os.environ, "BASELINE_DATABASE_URL": url}
        log = os.path.join(folder, "gunicorn-baseline.log")
        server = Gunicorn(
            port, env, log, WORKERS, "baseline_app:app", os.path.join(BENCH, "harness")
        )
        run = drive(server, "/health", "/submissions", bodies, context)
        stored = count_rows(url)
    acknowledged = len(run.load.acknowledged) + len(run.paced.acknowledged if run.paced else [])
    if stored != acknowledged:
        raise RuntimeError(f"baseline stored {stored} of {acknowledged} acknowledged")
    return run


def describe(name: str, run: Run) -> None:
    load = run.load
    per = run.server_cpu_seconds / max(1, len(load.acknowledged)) * 1000
    progress(
        f"submissions: {name}: {load.throughput:.0f}/s, p50 {load.percentile(0.5):.0f} ms, "
        f"p99 {load.percentile(0.99):.0f} ms over {load.seconds:.0f} s; "
        f"client process {load.client_cores:.2f} cores; "
        f"gunicorn workers {run.server_cpu_seconds / load.wall_seconds:.2f} cores "
        f"({per:.1f} ms CPU per request); load average {os.getloadavg()[0]:.1f}"
    )


def rows_for(label: str, ours: Load, theirs: Load, paced: Load, paced_base: Load) -> list[dict]:
    figure = f"submissions, {label}, gunicorn {WORKERS} workers, {CLIENTS} clients"
    ratio = ours.throughput / theirs.throughput
    p99 = ours.percentile(0.99)
    steady = f"{figure} at {CLIENTS / PACE:.0f}/s in all"
    paced_rows = [
        row(
            f"{steady}: p50 latency",
            paced.percentile(0.5),
            "ms",
            BASELINE,
            paced_base.percentile(0.5),
        ),
        row(
            f"{steady}: p99 latency",
            paced.percentile(0.99),
            "ms",
            BASELINE,
            paced_base.percentile(0.99),
            f"< {P99_TARGET_MS:.0f} ms",
            paced.percentile(0.99) < P99_TARGET_MS,
        ),
    ]
    return paced_rows + [
        row(
            f"{figure}: throughput",
            ours.throughput,
            "responses/s",
            BASELINE,
            theirs.throughput,
            f">= {THROUGHPUT_RATIO:g}x baseline",
            ratio >= THROUGHPUT_RATIO,
        ),
        row(f"{figure}: p50 latency", ours.percentile(0.5), "ms", BASELINE, theirs.percentile(0.5)),
        # Saturated, latency is queueing (Little's law): the target is on the paced run.
        row(f"{figure}: p99 latency", p99, "ms", BASELINE, theirs.percentile(0.99)),
    ]


def submissions(context: Context) -> list[dict]:
    rows = []
    for kind, label in DATABASES:
        started = time.monotonic()
        ours, bodies = engage_run(kind, context)
        describe(f"{kind}: Engage", ours)
        theirs = baseline_run(kind, context, bodies)
        describe(f"{kind}: baseline", theirs)
        progress(f"submissions: {kind} took {time.monotonic() - started:.1f} s")
        assert ours.paced and theirs.paced  # noqa: S101 (drive always measures both)
        rows += rows_for(label, ours.load, theirs.load, ours.paced, theirs.paced)
    return rows
