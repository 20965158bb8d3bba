"""Weighting schemes as stored: their targets, and the weights of each response.

What a questionnaire's responses are (their results columns) is the results package's
business: ``engage.results.weights`` reads them, rakes them (``raking``) and hands the
weights here to be stored, one row per response and scheme, in the caller's transaction.
"""

from collections.abc import Callable
from datetime import date

import numpy as np
import sqlalchemy as sa

from engage.accounts.models import User
from engage.extensions import db
from engage.questionnaire.models import Questionnaire
from engage.timeutil import utcnow
from engage.weighting import raking
from engage.weighting.models import (
    DEFAULT_SCHEME,
    PopulationTarget,
    ResponseWeight,
    TargetSet,
    WeightingScheme,
)
from engage.weighting.targets import Targets, TargetsError

BATCH = 20_000  # weights written at a time
MAX_NAME = 40


def schemes(questionnaire: Questionnaire) -> list[WeightingScheme]:
    return list(
        db.session.scalars(
            sa.select(WeightingScheme)
            .where(WeightingScheme.questionnaire_id == questionnaire.id)
            .order_by(WeightingScheme.name != DEFAULT_SCHEME, WeightingScheme.name)
        )
    )


def scheme_named(questionnaire: Questionnaire, name: str) -> WeightingScheme | None:
    return db.session.scalar(
        sa.select(WeightingScheme).where(
            WeightingScheme.questionnaire_id == questionnaire.id, WeightingScheme.name == name
        )
    )


def ready_schemes(questionnaire: Questionnaire) -> list[WeightingScheme]:
    """The schemes with weights computed, ``default`` first, then by name."""
    return [s for s in schemes(questionnaire) if s.computed_at is not None]


def default_scheme(questionnaire: Questionnaire) -> WeightingScheme | None:
    """The scheme results use unless told otherwise: ``default``, else the first by name;
    only one with weights computed counts."""
    ready = ready_schemes(questionnaire)
    return ready[0] if ready else None


# --- Targets --------------------------------------------------------------------------


def store_targets(
    questionnaire: Questionnaire,
    targets: Targets,
    name: str = DEFAULT_SCHEME,
    describes: date | None = None,
    source_name: str = "",
    user: User | None = None,
    cap: float | None = None,
) -> TargetSet:
    """Store ``targets`` (already checked against the questionnaire) as the scheme's
    newest set, creating the scheme, or raise TargetsError with what to fix. Flushes;
    the stored weights are then out of date."""
    name = name.strip()
    problems = []
    if not name or len(name) > MAX_NAME or not all(c.isalnum() or c in "-_" for c in name):
        problems.append(
            f"‘{name}’ cannot name a scheme: use up to {MAX_NAME} letters, digits, - or _."
        )
    if cap is not None and not cap > 1:
        problems.append("The cap must be more than 1 (times the mean weight), such as 5.")
    if problems:
        raise TargetsError(problems)
    scheme = scheme_named(questionnaire, name)
    if scheme is None:
        scheme = WeightingScheme(questionnaire_id=questionnaire.id, name=name)
        db.session.add(scheme)
    if cap is not None:
        scheme.cap = cap
    target_set = TargetSet(
        describes=describes or date.today(),
        source_name=source_name[:200],
        loaded_by_id=user.id if user else None,
    )
    scheme.target_sets.append(target_set)
    target_set.targets = [
        PopulationTarget(variable=variable, value=value, population=population)
        for variable, values in targets.margins.items()
        for value, population in values.items()
    ]
    db.session.flush()
    return target_set


def margins_of(target_set: TargetSet) -> dict[str, dict[str, float]]:
    margins: dict[str, dict[str, float]] = {}
    for target in target_set.targets:
        margins.setdefault(target.variable, {})[target.value] = target.population
    return margins


# --- Weights --------------------------------------------------------------------------


def report_dict(report: raking.RakeReport) -> dict:
    fields = (
        "converged",
        "iterations",
        "max_margin_error",
        "respondents",
        "left_out",
        "cap",
        "capped",
        "total",
        "effective_base",
        "efficiency",
        "min_weight",
        "max_weight",
    )
    return {name: getattr(report, name) for name in fields}


def store_weights(
    scheme: WeightingScheme,
    target_set: TargetSet,
    ids: np.ndarray,
    weights: np.ndarray,
    report: raking.RakeReport,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Replace the scheme's weights (NaN: none) and its report (flushes)."""
    _write(scheme, ids, weights, progress)
    scheme.generation += 1
    scheme.computed_at = utcnow()
    scheme.computed_set_id = target_set.id
    scheme.computed_responses = len(ids)
    scheme.report = {**report_dict(report), "lines": report.lines()}
    db.session.flush()


def _write(
    scheme: WeightingScheme,
    ids: np.ndarray,
    weights: np.ndarray,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Replace the scheme's stored weights, through the session's own connection (so in
    its transaction) and the driver's bulk path."""
    db.session.execute(sa.delete(ResponseWeight).where(ResponseWeight.scheme_id == scheme.id))
    connection = db.session.connection()
    raw = connection.connection.driver_connection
    total = len(ids)
    values = [None if np.isnan(w) else float(w) for w in weights.tolist()]
    id_list = ids.tolist()
    if connection.dialect.name == "postgresql":
        copy_sql = "COPY response_weight (scheme_id, response_id, weight) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:  # type: ignore[union-attr]
            for done, (response_id, weight) in enumerate(zip(id_list, values, strict=True), 1):
                copy.write_row((scheme.id, response_id, weight))
                if progress and done % BATCH == 0:
                    progress(done, total)
    else:
        cursor = raw.cursor()  # type: ignore[union-attr]
        try:
            for start in range(0, total, BATCH):
                cursor.executemany(
                    "INSERT INTO response_weight (scheme_id, response_id, weight) VALUES (?, ?, ?)",
                    [
                        (scheme.id, response_id, weight)
                        for response_id, weight in zip(
                            id_list[start : start + BATCH],
                            values[start : start + BATCH],
                            strict=True,
                        )
                    ],
                )
                if progress:
                    progress(min(start + BATCH, total), total)
        finally:
            cursor.close()
