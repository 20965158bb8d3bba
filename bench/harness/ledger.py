"""The kiosks' ledger and the final reckoning against the database. No I/O in here.

The kiosks write down every key the server acknowledged (201 stored, 200 already
stored) with the number of answer rows it should have, and every failed attempt
with when it started and ended. ``reconcile`` compares that with what the
database holds. A failure is excused only when the attempt overlaps a kill
window (from the kill until the server answered again); a refusal (a 4xx other
than 200/201) is never excused, since no kill explains it.
"""

import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Failure:
    started: float  # time.monotonic() when the attempt began
    ended: float
    detail: str


@dataclass(frozen=True)
class Window:
    """From a kill until the server answered again."""

    label: str
    started: float
    ended: float

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    def overlaps(self, failure: Failure) -> bool:
        return failure.started <= self.ended and failure.ended >= self.started

    def closed_by(self, ledger: "Ledger") -> "Window":
        """This window, ended by a kiosk's acknowledgement if one came before the probe's.

        The probe waits its turn behind the kiosks' requests, so a kiosk request begun
        after the kill and acknowledged shows the server answering again sooner.
        """
        first = ledger.first_answer_after(self.started)
        return Window(self.label, self.started, min(self.ended, first or self.ended))


@dataclass
class Ledger:
    """What the kiosks saw, written from many threads."""

    acknowledged: dict[str, int] = field(default_factory=dict)  # key -> answer rows sent
    acknowledged_at: list[tuple[float, float]] = field(default_factory=list)  # attempt times
    sent: set[str] = field(default_factory=set)
    failures: list[Failure] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    gave_up: list[str] = field(default_factory=list)
    retries: int = 0
    already_stored: int = 0  # acknowledged with 200: an earlier attempt had stored it
    unavailable: int = 0  # 503s with Retry-After: the database could not be reached
    server_errors: list[str] = field(default_factory=list)  # 500s, or 503s without Retry-After
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def attempt(self, key: str, retry: bool) -> None:
        with self._lock:
            self.sent.add(key)
            self.retries += retry

    def acknowledge(
        self, key: str, rows: int, started: float, ended: float, status: int = 201
    ) -> None:
        with self._lock:
            self.acknowledged[key] = rows
            self.already_stored += status == 200
            self.acknowledged_at.append((started, ended))

    def first_answer_after(self, moment: float) -> float | None:
        """When the first acknowledgement of an attempt begun after ``moment`` arrived."""
        with self._lock:
            ends = [ended for started, ended in self.acknowledged_at if started >= moment]
        return min(ends, default=None)

    def fail(self, started: float, ended: float, detail: str) -> None:
        with self._lock:
            self.failures.append(Failure(started, ended, detail))

    def server_error(self, started: float, ended: float, status: int, retry_after: bool) -> None:
        """A 5xx: a 503 with Retry-After is the documented answer while the database is
        unreachable (excused inside a window, like any failure); anything else, a 500
        above all, is a fault wherever it falls."""
        detail = f"HTTP {status}" + ("" if retry_after else " without Retry-After")
        with self._lock:
            self.failures.append(Failure(started, ended, detail))
            if status == 503 and retry_after:
                self.unavailable += 1
            else:
                self.server_errors.append(detail)

    def refuse(self, detail: str) -> None:
        with self._lock:
            self.refusals.append(detail)

    def give_up(self, key: str) -> None:
        with self._lock:
            self.gave_up.append(key)


@dataclass
class Figures:
    acknowledged: int
    stored: int
    duplicates: int
    lost: int
    errors_outside_kill_window: int
    errors_inside_kill_window: int = 0
    incomplete: int = 0  # acknowledged, stored, but with a different number of answers
    strays: int = 0  # stored under a key no kiosk sent
    unacknowledged_stored: int = 0  # stored, the acknowledgement lost to a kill: fine
    gave_up: int = 0
    server_errors: int = 0  # 500s (or 503s without Retry-After): never excused
    unavailable: int = 0  # 503s with Retry-After
    first_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.acknowledged > 0
            and self.stored == self.acknowledged
            and self.duplicates == self.lost == self.errors_outside_kill_window == 0
            and self.incomplete == self.strays == self.gave_up == self.server_errors == 0
        )

    def line(self) -> str:
        """The one line the issue asks for."""
        return (
            f"acknowledged={self.acknowledged} stored={self.stored} "
            f"duplicates={self.duplicates} lost={self.lost} "
            f"errors_outside_kill_window={self.errors_outside_kill_window} "
            f"http_500={self.server_errors} http_503={self.unavailable}"
        )


def reconcile(
    ledger: Ledger, stored: Iterable[tuple[str, int]], windows: Iterable[Window]
) -> Figures:
    """Compare the ledger with the stored (key, answer rows) pairs for the event."""
    stored = list(stored)
    windows = list(windows)
    per_key = Counter(key for key, _ in stored)
    rows = dict(stored)
    acknowledged = ledger.acknowledged
    outside = [f for f in ledger.failures if not any(w.overlaps(f) for w in windows)]
    return Figures(
        acknowledged=len(acknowledged),
        stored=sum(1 for key in acknowledged if key in per_key),
        duplicates=len(stored) - len(per_key),
        lost=sum(1 for key in acknowledged if key not in per_key),
        errors_outside_kill_window=len(outside) + len(ledger.refusals),
        errors_inside_kill_window=len(ledger.failures) - len(outside),
        incomplete=sum(1 for key, n in acknowledged.items() if key in rows and rows[key] != n),
        strays=sum(1 for key in per_key if key not in ledger.sent),
        unacknowledged_stored=sum(1 for key in per_key if key in ledger.sent)
        - sum(1 for key in acknowledged if key in per_key),
        gave_up=len(ledger.gave_up),
        server_errors=len(ledger.server_errors),
        unavailable=ledger.unavailable,
        first_errors=[f.detail for f in outside[:3]]
        + ledger.refusals[:3]
        + ledger.server_errors[:3],
    )
