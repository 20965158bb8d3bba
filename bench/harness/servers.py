"""Gunicorn on 127.0.0.1: start it in a process group of its own, wait until it answers,
kill a worker or the whole group with SIGKILL, and always stop it afterwards.
"""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOST = "127.0.0.1"  # the only address these scripts ever send traffic to
# The gunicorn (and flask) next to the interpreter running the script: .venv/bin.
BIN = os.path.dirname(sys.executable)


class ServerError(RuntimeError):
    """A server did not start, or did not come back, within its time limit."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 10.0,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One HTTP request to 127.0.0.1:port on a fresh connection: (status, headers, body)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        return response.status, response.msg, response.read()
    finally:
        connection.close()


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def children(parent: int) -> list[int]:
    """The live processes whose parent is ``parent`` (gunicorn's workers), from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[1]) == parent and fields[0] != "Z":
            found.append(int(entry))
    return sorted(found)


class Gunicorn:
    """One gunicorn master with its workers, started in a new session (its own group)."""

    def __init__(
        self,
        port: int,
        env: Mapping[str, str],
        log_path: str,
        workers: int = 2,
        app: str = "wsgi:app",
        pythonpath: str | None = None,
        threads: int | None = None,
        extra: tuple[str, ...] = (),
    ):
        self.port = port
        self.env = dict(env)
        self.log_path = log_path
        self.workers = workers
        self.app = app  # another WSGI app (with its folder as ``pythonpath``) for baselines
        self.pythonpath = pythonpath
        self.threads = threads  # gunicorn's threaded worker, as the README deploys it
        self.extra = extra  # further gunicorn arguments (an access log, say)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            os.path.join(BIN, "gunicorn"),
            "--workers",
            str(self.workers),
            "--bind",
            f"{HOST}:{self.port}",
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            *(["--pythonpath", self.pythonpath] if self.pythonpath else []),
            *(["--threads", str(self.threads)] if self.threads else []),
            *self.extra,
            self.app,
        ]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def worker_pids(self) -> list[int]:
        return children(self.pid) if self.process else []

    def wait_until_answering(
        self, path: str, limit: float = 60.0, all_workers: bool = True
    ) -> float:
        """Poll ``path`` until it answers 200 (and every worker is up, unless
        ``all_workers`` is false); the time.monotonic() then."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise ServerError(
                    f"gunicorn exited with {self.process.returncode}; see {self.log_path}"
                )
            try:
                # A long timeout: the probe waits its turn behind any queued requests.
                status, _, _ = request(self.port, "GET", path, timeout=10.0)
            except (OSError, http.client.HTTPException):
                status = 0
            if status == 200 and (not all_workers or len(self.worker_pids()) >= self.workers):
                return time.monotonic()
            time.sleep(0.02)
        raise ServerError(f"gunicorn on port {self.port} did not answer within {limit:.0f} s")

    def kill_worker(self, limit: float = 10.0) -> int:
        """SIGKILL one worker (the master then starts another); its pid."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                return pids[0]
            time.sleep(0.05)
        raise ServerError("gunicorn has no worker to kill")

    def kill(self, limit: float = 10.0) -> None:
        """SIGKILL the master and its workers at once (the whole process group)."""
        if self.process is None:
            return
        pids = [self.pid, *self.worker_pids()]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.process.wait(timeout=limit)
        deadline = time.monotonic() + limit
        while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.02)
        self.process = None

    def stop(self, limit: float = 10.0) -> None:
        """Stop gracefully (SIGTERM to the group), or with SIGKILL after ``limit`` seconds."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.pid, signal.SIGTERM)
            self.process.wait(timeout=limit)
        self.kill()

    def log_tail(self, lines: int = 20) -> str:
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as handle:
                return "".join(handle.readlines()[-lines:])
        except FileNotFoundError:
            return ""
