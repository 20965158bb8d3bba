"""What the figures share: the result row, a timer, and the seeded SQLite databases of
one run (built once per size, kept in a temporary folder until the run ends)."""

import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from engage import create_app
from engage.extensions import db

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def row(
    figure: str,
    value: float,
    unit: str,
    baseline: str = "",
    baseline_value: float | None = None,
    target: str = "",
    ok: bool | None = None,
    ratio: float | None = None,
) -> dict[str, Any]:
    """One line of the table; the ratio is value / baseline_value unless given."""
    if ratio is None and baseline_value:
        ratio = value / baseline_value
    return {
        "figure": figure,
        "value": value,
        "unit": unit,
        "baseline": baseline,
        "baseline_value": baseline_value,
        "ratio": ratio,
        "target": target,
        "ok": ok,
    }


def seconds(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def median_seconds(work: Callable[[], Any], repeat: int = 5) -> float:
    return statistics.median(seconds(work) for _ in range(repeat))


def app_for(path: str):
    """The app on the SQLite file at ``path``, with CSRF off for the test client."""
    return app_for_url(f"sqlite:///{path}")


def app_for_url(url: str):
    """The app on the database at ``url``, with CSRF off for the test client."""
    return create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            # Pages filtered by answers are timed whatever their size: at a hundredth of
            # the scale a filtered page counts fewer than the minimum base.
            "ENGAGE_MIN_FILTERED_BASE": 0,
        }
    )


@dataclass
class Context:
    """One run: its scale, its temporary folder and the databases built so far."""

    scale: float
    folder: str
    databases: dict[int, str] = field(default_factory=dict)

    def responses(self, full: int, least: int = 1_000) -> int:
        """``full`` at this run's scale, never fewer than ``least``."""
        return max(least, round(full * self.scale))

    def database(self, responses: int) -> str:
        """The path of a SQLite database with the demo and ``responses`` synthetic ones."""
        if responses not in self.databases:
            path, _ = self.build(responses)
            self.databases[responses] = path
        return self.databases[responses]

    @contextmanager
    def postgres(self, responses: int) -> Iterator[str]:
        """A throwaway PostgreSQL database with the demo and ``responses`` synthetic ones."""
        from harness import databases

        with databases.postgres_database(databases.postgres_server_url(), "bench") as url:
            self.seed(app_for_url(url), responses)
            yield url

    def build(self, responses: int) -> tuple[str, float]:
        """Build a fresh database; return its path and the seed-synthetic seconds."""
        path = os.path.join(self.folder, f"responses-{responses}.sqlite3")
        if os.path.exists(path):
            os.remove(path)
        took = self.seed(app_for(path), responses)
        self.databases[responses] = path
        return path, took

    def seed(self, app, responses: int) -> float:
        """Create the schema, seed the demo and ``responses`` synthetic ones; the seconds
        seed-synthetic took."""
        from engage.demo import synthetic
        from engage.partnership.services import current_partnership
        from engage.questionnaire.services import current_version, questionnaire_for

        with app.app_context():
            db.create_all()
            app.test_cli_runner().invoke(args=["seed-demo"], catch_exceptions=False)
            version = current_version(questionnaire_for(current_partnership()))

            def seed() -> None:
                synthetic.seed_synthetic(version, responses, seed=1)
                db.session.commit()

            took = seconds(seed)
            db.session.remove()
            db.engine.dispose()
        return took
