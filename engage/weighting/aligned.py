"""A scheme's stored weights lined up with the results columns' rows.

Each process reads a scheme's weights once per computation (``generation``) and keeps
them sorted by response id; a view's rows are matched to them by id, and the matched
column is kept and extended as the view grows (responses stored since the computation
have no weight until the next one). NaN: not weighted. It knows nothing of the
results columns but their response ids, and the object they come from.
"""

import threading
from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa
from flask import current_app, g, has_request_context

from engage.extensions import db
from engage.weighting.models import WeightingScheme

CACHE = "engage.weights"


@dataclass
class _Loaded:
    generation: int
    ids: np.ndarray  # sorted
    weights: np.ndarray  # NaN where stored as blank
    column: np.ndarray = field(default_factory=lambda: np.empty(0))
    source: object = None  # the columns it was matched to (rebuilt: match again)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _read(scheme_id: int) -> tuple[np.ndarray, np.ndarray]:
    with db.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT response_id, weight FROM response_weight WHERE scheme_id = :s"),
            {"s": scheme_id},
        ).all()
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    weights = np.fromiter(
        (np.nan if r[1] is None else r[1] for r in rows), dtype=np.float64, count=len(rows)
    )
    order = np.argsort(ids, kind="stable")
    return ids[order], weights[order]


def weights(ids: np.ndarray, source: object, scheme: WeightingScheme) -> np.ndarray:
    """The scheme's weight of each response of ``ids`` (float64, NaN: none). ``ids`` only
    ever grows at its end while ``source`` (the columns they come from) stays the same."""
    if has_request_context():
        kept = g.setdefault("weights_columns", {})
        key = (scheme.id, scheme.generation, id(source), len(ids))
        if key not in kept:
            kept[key] = _weights(ids, source, scheme)
        return kept[key]
    return _weights(ids, source, scheme)


def _weights(ids: np.ndarray, source: object, scheme: WeightingScheme) -> np.ndarray:
    cache = current_app.extensions.setdefault(CACHE, {})
    loaded = cache.get(scheme.id)
    if loaded is None or loaded.generation != scheme.generation:
        ids, found = _read(scheme.id)
        loaded = cache[scheme.id] = _Loaded(scheme.generation, ids, found)
    with loaded.lock:
        if loaded.source is not source:
            loaded.source, loaded.column = source, np.empty(0)
        have = len(loaded.column)
        if have > len(ids):  # an older view than the kept column: a part of it
            return loaded.column[: len(ids)]
        if have < len(ids):
            new_ids = ids[have:]
            at = np.searchsorted(loaded.ids, new_ids)
            at_safe = np.minimum(at, max(len(loaded.ids) - 1, 0))
            if len(loaded.ids):
                hit = loaded.ids[at_safe] == new_ids
                part = np.where(hit, loaded.weights[at_safe], np.nan)
            else:
                part = np.full(len(new_ids), np.nan)
            loaded.column = np.concatenate([loaded.column, part])
        return loaded.column


def forget() -> None:
    current_app.extensions.pop(CACHE, None)
