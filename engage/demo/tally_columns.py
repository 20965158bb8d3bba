"""The tallies' increments for generated columns of responses and answers, in numpy.

seed-synthetic loads its rows through the driver, past ``results.tallies.record``, so
it counts them here instead, batch by batch as the rows are drawn, and adds the sums
to the tallies in the same transaction as the rows themselves.
"""

from typing import Any

import numpy as np

from engage.results.models import DAY, MONTH, RESPONDENTS, VALUE
from engage.survey.models import KIOSK, ONLINE

CHANNELS = (ONLINE, KIOSK)
VALUE_COLUMNS = ("option_id", "area_id", "number_value")  # text answers are not counted
# Columns of the answer counts: question, day, ward, event, channel, kind, value, count.
Q, D, W, E, C, K, V, N = range(8)


def _sum(rows: np.ndarray, columns: int) -> np.ndarray:
    """Rows with equal keys (the first ``columns`` columns) merged, their counts added,
    in key order.

    Each key column, less its smallest value, is one digit of a single integer key (the
    columns' ranges are small), so the rows are summed with one ``bincount`` when the
    keys are few enough to count in an array, or else one sort of integers; never a
    sort of whole rows.
    """
    if not len(rows):
        return rows.reshape(0, columns + 1)
    lows = rows[:, :columns].min(axis=0)
    radices = rows[:, :columns].max(axis=0) - lows + 1
    if float(np.prod(radices.astype(float))) >= 2**62:
        return _sum_rows(rows, columns)
    key = np.zeros(len(rows), dtype=np.int64)
    for column in range(columns):
        key = key * radices[column] + (rows[:, column] - lows[column])
    room = int(np.prod(radices))
    if room <= max(4 * len(rows), 1 << 20):
        totals = np.bincount(key, weights=rows[:, columns], minlength=room)
        keys = np.flatnonzero(totals)
        counts = totals[keys]
    else:
        keys, inverse = np.unique(key, return_inverse=True)
        counts = np.bincount(inverse.ravel(), weights=rows[:, columns])
    found = np.empty((len(keys), columns + 1), dtype=np.int64)
    for column in reversed(range(columns)):
        keys, found[:, column] = np.divmod(keys, radices[column])
        found[:, column] += lows[column]
    found[:, columns] = counts.astype(np.int64)
    return found


def _sum_rows(rows: np.ndarray, columns: int) -> np.ndarray:
    keys, inverse = np.unique(rows[:, :columns], axis=0, return_inverse=True)
    counts = np.bincount(inverse.ravel(), weights=rows[:, columns]).astype(np.int64)
    return np.column_stack([keys, counts])


def _dates(days: np.ndarray) -> list[str]:
    """Day numbers as "YYYY-MM-DD" (each distinct day formatted once)."""
    if not len(days):
        return []
    low = int(days.min())
    every = np.arange(low, int(days.max()) + 1).astype("datetime64[D]")
    return np.array(np.datetime_as_string(every, unit="D"), dtype=object)[days - low].tolist()


class Counts:
    """The sums so far of the response and answer tallies' increments."""

    def __init__(self, version_id: int, languages: list[str]) -> None:
        self.version_id = version_id
        self.languages = list(languages)
        self.responses: list[np.ndarray] = []
        self.answers: list[np.ndarray] = []

    def add_batch(self, responses: dict[str, Any], answer_sets: list[dict[str, Any]]) -> None:
        """Count one batch: its response columns and its answer column sets (text is skipped)."""
        first = int(responses["id"][0])
        day = responses["submitted_at"].astype("datetime64[D]").astype(np.int64)
        area = responses["area_id"].astype(np.int64)
        event = np.array([e or 0 for e in responses["event_id"]], dtype=np.int64)
        channel = np.array([CHANNELS.index(c) for c in responses["channel"]], dtype=np.int64)
        language = np.array(
            [self.languages.index(code) for code in responses["language"]], dtype=np.int64
        )
        ones = np.ones(len(day), dtype=np.int64)
        self.responses.append(_sum(np.column_stack([day, area, event, channel, language, ones]), 5))
        cell = np.column_stack([day, area, event, channel])
        parts = []
        for columns in answer_sets:
            value = next((columns[n] for n in VALUE_COLUMNS if n in columns), None)
            if value is None:
                continue
            at = columns["response_id"] - first
            question = columns["question_id"].astype(np.int64)
            kinds = np.full(len(at), VALUE)
            parts.append(np.column_stack([question, cell[at], kinds, value.astype(np.int64), at]))
        if not parts:
            return
        rows = np.concatenate(parts)
        # Respondents: one per response and question, however many options it chose.
        answered = _sum(np.column_stack([rows[:, [Q, N]], np.ones(len(rows), np.int64)]), 2)
        respondents = np.column_stack(
            [
                answered[:, 0],
                cell[answered[:, 1]],
                np.full(len(answered), RESPONDENTS),
                np.zeros(len(answered), dtype=np.int64),
                np.ones(len(answered), dtype=np.int64),
            ]
        )
        values = np.column_stack([rows[:, :N], np.ones(len(rows), dtype=np.int64)])
        self.answers.append(_sum(np.concatenate([respondents, values]), 7))

    def response_rows(self) -> dict[str, Any]:
        """The response tally's columns, summed over every batch."""
        if not self.responses:
            return {}
        rows = _sum(np.concatenate(self.responses), 5)
        return {
            "version_id": np.full(len(rows), self.version_id),
            "day": _dates(rows[:, 0]),
            "area_id": rows[:, 1],
            "event_id": rows[:, 2],
            "channel": np.array(CHANNELS, dtype=object)[rows[:, 3]],
            "language": np.array(self.languages, dtype=object)[rows[:, 4]],
            "responses": rows[:, 5],
        }

    def answer_rows(self) -> dict[str, Any]:
        """The answer tally's columns, day rows and month rows, summed over every batch."""
        if not self.answers:
            return {}
        days = _sum(np.concatenate(self.answers), 7)
        months = days.copy()
        months[:, D] = (
            days[:, D].astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]")
        ).astype(np.int64)
        months = _sum(months, 7)
        both = np.concatenate([days, months])
        spans = np.array([DAY] * len(days) + [MONTH] * len(months), dtype=object)
        # In the order of the tally's key (question, span, start, ...), as SQLite then
        # appends to its tree rather than inserting all over it.
        # Each part is already in key order, so a stable sort by question is enough.
        order = np.argsort(both[:, Q], kind="stable")
        both, spans = both[order], spans[order]
        return {
            "question_id": both[:, Q],
            "span": spans,
            "start": _dates(both[:, D]),
            "area_id": both[:, W],
            "event_id": both[:, E],
            "channel": np.array(CHANNELS, dtype=object)[both[:, C]],
            "kind": both[:, K],
            "value": both[:, V],
            "respondents": both[:, N],
        }
