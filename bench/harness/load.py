"""Closed-loop HTTP load from a process of its own: ``clients`` threads, each POSTing one
body after another (a fresh connection per request, no think time) to 127.0.0.1, first
for a warm-up that is not measured, then for the measured seconds.

``measure`` (in the caller) starts this file as a child process, so the clients do not
share a process, or its GIL, with the script or the servers; the child reports every
acknowledged key, the latencies of the requests that ended inside the measured window,
and the CPU time it used itself, so a caller can tell when the client is the bottleneck.

Each body is a template with PLACEHOLDER where a fresh 32-hex key goes, so every
request is a new submission and the bodies of one template are all the same size.
"""

import http.client
import json
import math
import os
import random
import resource
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

PLACEHOLDER = "@@KEY@@"
HERE = os.path.abspath(__file__)


@dataclass
class Load:
    """What the clients measured in the window (requests that ended inside it)."""

    seconds: float  # the measured window
    acknowledged: list[tuple[str, int]]  # (key, template index) of every 201, warm-up too
    latencies_ms: list[float] = field(default_factory=list)  # 201s that ended in the window
    statuses: dict[str, int] = field(default_factory=dict)  # every answer, warm-up too
    errors: list[str] = field(default_factory=list)  # the first few failures
    client_cpu_seconds: float = 0.0
    wall_seconds: float = 0.0

    @property
    def throughput(self) -> float:
        """201s per second in the measured window."""
        return len(self.latencies_ms) / self.seconds

    def percentile(self, fraction: float) -> float:
        """The latency below which ``fraction`` of the measured requests ended (nearest rank)."""
        ordered = sorted(self.latencies_ms)
        if not ordered:
            raise ValueError("no request ended in the measured window")
        return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]

    @property
    def client_cores(self) -> float:
        """The client process's CPU use, in cores (1.0: one core busy the whole time)."""
        return self.client_cpu_seconds / self.wall_seconds if self.wall_seconds else 0.0

    def failed(self, ok_status: int = 201) -> bool:
        return bool(self.errors) or set(self.statuses) != {str(ok_status)}


def measure(
    port: int,
    path: str,
    templates: list[str],
    clients: int = 50,
    warmup: float = 1.0,
    seconds: float = 10.0,
    interval: float = 0.0,
) -> Load:
    """Run the clients in a child process against 127.0.0.1:port and return what they saw.

    With an ``interval``, each client starts a request every ``interval`` seconds (or at
    once if the last one took longer): a steady arrival rate of clients / interval,
    rather than as fast as the server answers."""
    spec = {
        "interval": interval,
        "port": port,
        "path": path,
        "templates": templates,
        "clients": clients,
        "warmup": warmup,
        "seconds": seconds,
    }
    done = subprocess.run(  # noqa: S603 (this very file, run by the same interpreter)
        [sys.executable, HERE],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        check=False,
        timeout=warmup + seconds + 120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the load client failed ({done.returncode}):\n{done.stderr[-2000:]}")
    found = json.loads(done.stdout)
    found["acknowledged"] = [tuple(pair) for pair in found["acknowledged"]]
    return Load(**found)


def _post(port: int, request: bytes, timeout: float) -> int:
    """Send one whole HTTP/1.1 request on a new connection and read the answer to its end;
    the status code. Lighter than http.client, so the client takes less of the CPU the
    servers share with it."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    answer = b"".join(chunks)
    if not answer.startswith(b"HTTP/1.") or b"\r\n\r\n" not in answer:
        raise http.client.BadStatusLine(answer[:80].decode("latin-1"))
    return int(answer.split(b" ", 2)[1])


def _request(port: int, path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/json\r\nAccept: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def _run(spec: dict) -> dict:
    """The child's work: the clients, then the figures as a dict for Load."""
    port, path = spec["port"], spec["path"]
    templates = [t.encode() for t in spec["templates"]]
    placeholder = PLACEHOLDER.encode()
    lock = threading.Lock()
    acknowledged: list[tuple[str, int]] = []
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    errors: list[str] = []
    before = resource.getrusage(resource.RUSAGE_SELF)
    began = time.monotonic()
    window_from = began + spec["warmup"]
    window_to = window_from + spec["seconds"]

    interval = spec.get("interval", 0.0)

    def client(number: int) -> None:
        rng = random.Random(number)  # noqa: S311 (which template to send, not a secret)
        due = began + rng.random() * interval  # spread the clients over one interval
        while time.monotonic() < window_to:
            if interval:
                time.sleep(max(0.0, due - time.monotonic()))
                due = max(due + interval, time.monotonic())
            index = rng.randrange(len(templates))
            key = uuid.uuid4().hex
            body = templates[index].replace(placeholder, key.encode())
            started = time.monotonic()
            try:
                status = _post(port, _request(port, path, body), timeout=30.0)
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    statuses["error"] += 1
                    if len(errors) < 5:
                        errors.append(f"{type(error).__name__}: {error}")
                continue
            ended = time.monotonic()
            with lock:
                statuses[str(status)] += 1
                if status == 201:
                    acknowledged.append((key, index))
                    if window_from <= ended <= window_to:
                        latencies.append((ended - started) * 1000)

    threads = [
        threading.Thread(target=client, args=(n,), daemon=True) for n in range(spec["clients"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "seconds": spec["seconds"],
        "acknowledged": acknowledged,
        "latencies_ms": latencies,
        "statuses": dict(statuses),
        "errors": errors,
        "client_cpu_seconds": (after.ru_utime - before.ru_utime)
        + (after.ru_stime - before.ru_stime),
        "wall_seconds": time.monotonic() - began,
    }


if __name__ == "__main__":
    json.dump(_run(json.load(sys.stdin)), sys.stdout)
