"""Raking a million responses to three margins (ward 20 categories, age band 7, sex 2),
against one numpy pass that counts the same codes (each margin's unweighted
distribution, a ``bincount`` per column): the least any weighting must do, read every
code once. Seconds are the median of three runs; memory is tracemalloc's peak (numpy's
arrays are traced) during the call, not the process's RSS.

Then the whole of ``flask weights compute`` on the run's seeded SQLite database (the
demo's targets: ward, age band and sex; its results columns already read): turning the
columns into categories, raking, and writing a weight per response, against reading
the same number of rows back (``SELECT response_id, weight``). And the results page with
the weights on against the same page as answered (``weights=none``)."""

import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from engage.weighting.raking import rake
from figures.common import Context, app_for, median_seconds, row, seconds

SIZES = (20, 7, 2)


def responses(n: int, seed: int = 1) -> tuple[np.ndarray, list[np.ndarray]]:
    """Codes skewed as a survey's are (older people and some wards over-represented, the
    two associated, 2 % of ages blank), and targets for 150,000 people."""
    rng = np.random.default_rng(seed)
    ward = rng.choice(SIZES[0], n, p=rng.dirichlet(np.full(SIZES[0], 3.0)))
    older = np.log([0.05, 0.08, 0.12, 0.15, 0.18, 0.20, 0.22])
    tilt = rng.normal(0, 0.6, SIZES[0])[:, None] * np.linspace(-1, 1, SIZES[1])
    chances = np.exp(older + tilt)
    chances /= chances.sum(axis=1, keepdims=True)
    age = (rng.random(n)[:, None] > np.cumsum(chances, axis=1)[ward]).sum(axis=1)
    age = np.minimum(age, SIZES[1] - 1)
    sex = (rng.random(n) < 0.56).astype(np.int64)
    codes = np.column_stack([ward, age, sex])
    codes[rng.random(n) < 0.02, 1] = -1
    people = 150_000.0
    targets = [
        rng.dirichlet(np.full(SIZES[0], 5.0)) * people,
        np.array([0.16, 0.17, 0.17, 0.16, 0.14, 0.11, 0.09]) * people,
        np.array([0.49, 0.51]) * people,
    ]
    return codes, targets


def _peak_mb(work: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def weighting(context: Context) -> list[dict]:
    n = context.responses(1_000_000)
    codes, targets = responses(n)

    def count() -> list[np.ndarray]:
        return [np.bincount(codes[codes[:, j] >= 0, j], minlength=k) for j, k in enumerate(SIZES)]

    _, report = rake(codes, targets)
    if not report.converged:
        raise RuntimeError("\n".join(report.lines()))
    took = median_seconds(lambda: rake(codes, targets), repeat=3)
    baseline = median_seconds(count, repeat=3)
    peak, baseline_peak = _peak_mb(lambda: rake(codes, targets)), _peak_mb(count)
    baseline_name = "counting the same codes per margin (np.bincount)"
    return _compute_and_pages(context) + [
        row(
            f"Raking {n:,} responses to 3 margins ({report.iterations} passes)",
            took,
            "s",
            baseline_name,
            baseline,
            "<= 1 s",
            took <= 1,
        ),
        row(
            f"Raking {n:,} responses, tracemalloc peak",
            peak,
            "MB",
            baseline_name,
            baseline_peak,
            "<= 100 MB",
            peak <= 100,
        ),
    ]


def _compute_and_pages(context: Context) -> list[dict]:
    import sqlalchemy as sa

    from engage.extensions import db
    from engage.partnership.services import current_partnership
    from engage.questionnaire.services import questionnaire_for
    from engage.results import engine, weights
    from engage.weighting.services import scheme_named
    from figures.dashboard import FILTERS, PAGE_TARGET, _analyst

    n = context.responses(1_000_000)
    app = app_for(context.database(n))
    rows = []
    with app.app_context():
        questionnaire = questionnaire_for(current_partnership())
        engine.view(questionnaire)  # the columns, read as a server has them
        scheme = scheme_named(questionnaire, "default")

        def compute() -> None:
            weights.compute(scheme)
            db.session.commit()

        tracemalloc.start()
        try:
            took = seconds(compute)
            peak = tracemalloc.get_traced_memory()[1] / 1e6
        finally:
            tracemalloc.stop()

        def read_back() -> None:
            with db.engine.connect() as connection:
                connection.execute(sa.text("SELECT response_id, weight FROM response_weight")).all()

        baseline = seconds(read_back)
        report = scheme.report
    where = f"{n:,} responses, SQLite"
    rows.append(
        row(
            f"flask weights compute: categories, raking, {n:,} weights written, {where}",
            took,
            "s",
            "reading the same rows back (SELECT response_id, weight)",
            baseline,
            "<= 30 s",
            took <= 30,
        )
    )
    rows.append(
        row(
            f"flask weights compute, tracemalloc peak ({report['respondents']:,} weighted, "
            f"{report['left_out']:,} left out), {where}",
            peak,
            "MB",
            target="<= 400 MB",
            ok=peak <= 400,
        )
    )
    client, _headers = _analyst(app, "weights@bench.example")
    for path in ("/results/", "/results/?" + FILTERS):
        client.get(path + ("&" if "?" in path else "?") + "weights=none")

        def page(path=path, how="default"):
            def fetch() -> None:
                joined = "&" if "?" in path else "?"
                response = client.get(f"{path}{joined}weights={how}")
                if response.status_code != 200:
                    raise RuntimeError(f"GET {path}: HTTP {response.status_code}")

            return fetch

        page(path)()  # the weights read once, as a server's first weighted page does
        weighted = median_seconds(page(path))
        plain = median_seconds(page(path, "none"))
        what = "every question" if path == "/results/" else "date range + ward + channel"
        rows.append(
            row(
                f"results page, {what}, weighted, {where} (median of 5)",
                weighted * 1000,
                "ms",
                "the same page as answered (weights=none)",
                plain * 1000,
                f"<= {PAGE_TARGET * 1000:.0f} ms" if "?" in path else "",
                weighted <= PAGE_TARGET if "?" in path else None,
            )
        )
    with app.app_context():  # the other figures time the database as seeded
        db.session.execute(sa.text("DELETE FROM response_weight"))
        db.session.execute(sa.text("UPDATE weighting_scheme SET computed_at = NULL"))
        db.session.commit()
    return rows
