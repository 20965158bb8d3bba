"""Durability under faults: kiosks keep submitting while gunicorn is killed with SIGKILL.

    .venv/bin/python bench/soak.py [--seconds 60] [--kiosks 50] [--workers 2]
        [--database sqlite postgresql] [--postgres URL]

For each database (a fresh SQLite file, then a fresh PostgreSQL database created
on the server of ENGAGE_TEST_DATABASE_URL, or postgres@127.0.0.1:5432, and dropped
afterwards): migrate and seed the demo, start gunicorn on 127.0.0.1, and let the
kiosks submit complete responses for the given time. A quarter of the way in,
one worker is killed with SIGKILL; just past half way, the master and its
workers are killed with SIGKILL and the server is started again on the same
port. On PostgreSQL, at four fifths of the way, the PostgreSQL server itself is
restarted (`pg_ctlcluster ... restart`, when this machine runs the server at
127.0.0.1 and may restart it; otherwise the run says it skipped this): while it is
down the kiosks must get 503 with Retry-After, never a 500. A kill window lasts
from the kill (or restart) until the server answers again; a failed attempt that
overlaps one is excused, any other is an error, and a 500 is an error anywhere. Then the
acknowledged keys are looked up in the database, and one line is printed per
database:

    sqlite: acknowledged=N stored=N duplicates=0 lost=0 errors_outside_kill_window=0
            http_500=0 http_503=N

with the throughput, retries and kill windows below it. The exit status is 1 if
any figure is off on any database. Only 127.0.0.1 is ever contacted; every loop
is bounded in count and time; servers, files and databases are removed even
after Ctrl+C.
"""

import argparse
import os
import signal
import subprocess  # nosec B404  # pg_ctlcluster, with fixed arguments
import sys
import tempfile
import threading
import time
from contextlib import AbstractContextManager

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from harness import databases, progress  # noqa: E402
from harness.kiosks import Kiosk  # noqa: E402
from harness.ledger import Figures, Ledger, Window, reconcile  # noqa: E402
from harness.servers import Gunicorn, free_port  # noqa: E402

JOIN_SECONDS = 60.0  # a kiosk finishes its last submission within its retry budget (45 s)


class Run:
    """One database's soak: the server, the kiosks and the two kills."""

    def __init__(self, name: str, url: str, folder: str, args: argparse.Namespace):
        self.name = name
        self.url = url
        self.folder = folder
        self.args = args
        self.port = free_port()
        # 50 kiosks sending back to back far outrun a venue's tablets (and their shared
        # address's limit): the soak is about durability, so the kiosk limit is lifted.
        self.env = databases.server_env(
            url, self.port, {"ENGAGE_KIOSK_LIMIT": "1000000 per minute"}
        )
        self.server: Gunicorn | None = None
        self.windows: list[Window] = []
        self.skipped: list[str] = []
        self.ledger = Ledger()

    def _server(self) -> Gunicorn:
        log = os.path.join(self.folder, f"gunicorn-{self.name}.log")
        return Gunicorn(self.port, self.env, log, workers=self.args.workers)

    def _pause_until(self, moment: float) -> None:
        time.sleep(max(0.0, moment - time.monotonic()))

    def kill_worker(self, probe: str) -> None:
        assert self.server is not None
        started = time.monotonic()
        pid = self.server.kill_worker()
        # The other workers go on answering: the window closes at the first answer.
        ended = self.server.wait_until_answering(probe, all_workers=False)
        replaced = self.server.wait_until_answering(probe) - started
        self.windows.append(Window(f"worker {pid} (replaced in {replaced:.1f} s)", started, ended))

    def kill_master(self, probe: str) -> None:
        assert self.server is not None
        started = time.monotonic()
        self.server.kill()
        self.server = self._server()
        self.server.start()
        ended = self.server.wait_until_answering(probe)
        self.windows.append(Window("master and workers", started, ended))

    def restart_postgres(self, probe: str) -> None:
        """Restart the PostgreSQL server under the kiosks; the window lasts until the
        app answers again."""
        command, why_not = databases.postgres_restart_command(self.url)
        if command is None:
            progress(f"{self.name}: PostgreSQL restart skipped: {why_not}")
            self.skipped.append(f"PostgreSQL restart skipped: {why_not}")
            return
        assert self.server is not None
        started = time.monotonic()
        subprocess.run(command, check=True, timeout=120, capture_output=True)  # noqa: S603
        ended = self.server.wait_until_answering(probe)
        self.windows.append(Window("PostgreSQL restart", started, ended))

    def __call__(self) -> tuple[Figures, float]:
        """Run the soak; the figures, and the seconds the kiosks were submitting."""
        progress(f"{self.name}: migrating and seeding the demo")
        token, version_id, pool = databases.prepare(self.url, self.port)
        probe = f"/kiosk/{token}/precache.json"
        halt = threading.Event()
        self.server = self._server()
        try:
            progress(f"{self.name}: starting gunicorn on 127.0.0.1:{self.port}")
            self.server.start()
            self.server.wait_until_answering(probe)
            progress(
                f"{self.name}: {self.args.kiosks} kiosks submitting for {self.args.seconds:.0f} s"
            )
            began = time.monotonic()
            stop_at = began + self.args.seconds
            kiosks = [
                Kiosk(n, [self.port], token, version_id, pool, self.ledger, stop_at, halt)
                for n in range(self.args.kiosks)
            ]
            for kiosk in kiosks:
                kiosk.start()
            self._pause_until(began + 0.25 * self.args.seconds)
            progress(f"{self.name}: SIGKILL to a worker")
            self.kill_worker(probe)
            self._pause_until(began + 0.55 * self.args.seconds)
            progress(f"{self.name}: SIGKILL to the master and its workers, then a restart")
            self.kill_master(probe)
            if self.name == "postgresql":
                self._pause_until(began + 0.8 * self.args.seconds)
                progress(f"{self.name}: restarting the PostgreSQL server")
                self.restart_postgres(probe)
            progress(f"{self.name}: serving again; waiting for the kiosks to finish")
            deadline = stop_at + JOIN_SECONDS
            for kiosk in kiosks:
                kiosk.join(max(0.0, deadline - time.monotonic()))
            seconds = time.monotonic() - began
            if any(kiosk.is_alive() for kiosk in kiosks):
                raise RuntimeError(f"kiosks still submitting {JOIN_SECONDS:.0f} s after the end")
        finally:
            halt.set()
            if self.server is not None:
                self.server.stop()
        self.windows = [window.closed_by(self.ledger) for window in self.windows]
        progress(f"{self.name}: comparing acknowledged keys with the database")
        stored = databases.stored_responses(self.url, token)
        return reconcile(self.ledger, stored, self.windows), seconds

    def report(self, figures: Figures, seconds: float) -> None:
        print(f"{self.name}: {figures.line()}", flush=True)
        rate = figures.acknowledged / seconds if seconds else 0.0
        windows = ", ".join(f"{w.label} {w.seconds:.2f} s" for w in self.windows)
        print(
            f"{self.name}: {rate:.1f} acknowledged/s over {seconds:.1f} s "
            f"({self.args.kiosks} kiosks, {self.args.workers} workers, load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores); "
            f"retries={self.ledger.retries}; already_stored={self.ledger.already_stored}; "
            f"errors_inside_kill_window={figures.errors_inside_kill_window}; "
            f"stored_but_unacknowledged={figures.unacknowledged_stored}; "
            f"kill windows: {windows}"
        )
        for note in self.skipped:
            print(f"{self.name}: {note}")
        problems = {
            "incomplete": figures.incomplete,
            "strays": figures.strays,
            "gave_up": figures.gave_up,
        }
        if any(problems.values()) or figures.first_errors:
            print(f"{self.name}: " + " ".join(f"{k}={v}" for k, v in problems.items()))
            for error in figures.first_errors:
                print(f"{self.name}:   error: {error}")
            if self.server is not None:
                print(self.server.log_tail())


def database(name: str, folder: str, args: argparse.Namespace) -> AbstractContextManager[str]:
    if name == "sqlite":
        return databases.sqlite_database(folder)
    return databases.postgres_database(args.postgres, label="soak")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="per database")
    parser.add_argument("--kiosks", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--database", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"]
    )
    parser.add_argument("--postgres", default=databases.postgres_server_url())
    args = parser.parse_args(argv)
    if args.seconds < 4 or args.seconds > 3600 or not 1 <= args.kiosks <= 500:
        parser.error("--seconds must be 4 to 3600 and --kiosks 1 to 500")
    # A SIGTERM (from CI, say) unwinds like Ctrl+C, so every finally block runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ok = True
    for name in args.database:
        with (
            tempfile.TemporaryDirectory(prefix=f"engage-soak-{name}-") as folder,
            database(name, folder, args) as url,
        ):
            run = Run(name, url, folder, args)
            figures, seconds = run()
            run.report(figures, seconds)
            ok = ok and figures.ok
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("soak: interrupted; servers stopped, files and databases removed", file=sys.stderr)
        sys.exit(130)
