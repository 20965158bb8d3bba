"""One questionnaire's responses as numpy columns, and the counts results are made of.

No Flask and no database in here: ``engine`` feeds the columns from the stored rows
and the results modules ask them for counts. A column per question code holds every
response's answer, whichever version asked it, so any question against any other,
under any filter, is a few vector operations over the responses: nothing is counted
ahead of time, and storing a response costs the same whatever analysts have opened.

Per code, by kind (see ``coding``):

- a single choice: uint16, the response's record key in the low byte and above it
  the option's index in ``Code.options`` (every version's options, newest first) or
  ``BLANK``, ``HIDDEN`` (not shown) or ``NOT_ASKED``, plus ``SHIFT`` so it is never
  negative: a distribution with its key sums is then one plain bincount;
- a multiple choice: a uint64 of bits over ``Code.options``, plus an int8 state
  (``ANSWERED``, ``BLANK``, ``HIDDEN``, ``NOT_ASKED``);
- a rating, number or area: int32, the value, or ``coding.NO_ANSWER`` (blank),
  ``coding.NOT_SHOWN`` or ``VALUE_NOT_ASKED``.

Every count comes with the sum of its respondents' record keys (a ``Count``), taken in
the same pass over the columns: the cell key that perturbs it (``perturbation``).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from engage.questionnaire.joining import joined
from engage.results import coding
from engage.results.coding import CHOICE, MULTIPLE, RowLayout
from engage.results.periods import period_starts
from engage.results.perturbation import NONE, Count, total

ANSWERED, BLANK, HIDDEN, NOT_ASKED = 0, -1, -2, -3
SHIFT = -NOT_ASKED  # added to a single choice's value, so the lowest (not asked) is 0
MAX_CHOICE_OPTIONS = 255 - SHIFT  # the value and its shift fit in the high byte
VALUE_NOT_ASKED = coding.NO_ANSWER + 2
NO_ONE = 0  # no ward, no event


@dataclass
class Code:
    """A question code across versions: its kind and every option any version offered,
    with the versions that asked it and, per option, the versions that offered it."""

    code: str
    kind: str
    options: list[str] = field(default_factory=list)
    asked_by: frozenset[int] = frozenset()
    offered_by: list[frozenset[int]] = field(default_factory=list)

    def partly_offered(self) -> list[tuple[int, frozenset[int]]]:
        """(option index, versions offering it) for options that some version asking the
        question did not offer: their base is not everyone who answered."""
        return [(i, by) for i, by in enumerate(self.offered_by) if by != self.asked_by]


@dataclass(frozen=True)
class Version:
    id: int
    number: int
    layout: RowLayout


class Schema:
    """The codes of a questionnaire's published versions, and how each version's slots map
    onto them. ``versions`` newest first: the newest wording orders the options."""

    def __init__(self, versions: Sequence[Version]) -> None:
        self.versions = {v.id: v for v in versions}
        self.codes: dict[str, Code] = {}
        lists: dict[str, list[tuple[str, ...]]] = {}
        for version in sorted(versions, key=lambda v: -v.number):
            for slot in version.layout.slots:
                code = self.codes.setdefault(slot.code, Code(slot.code, slot.kind))
                if code.kind != slot.kind:
                    raise ValueError(f"{slot.code} is counted two ways in different versions")
                lists.setdefault(slot.code, []).append(slot.options)
        for code in self.codes.values():
            code.options = joined(lists[code.code], str)
            if code.kind == MULTIPLE and len(code.options) > coding.MAX_MULTIPLE_OPTIONS:
                raise ValueError(f"{code.code}: too many options across versions")
            if code.kind == CHOICE and len(code.options) > MAX_CHOICE_OPTIONS:
                raise ValueError(f"{code.code}: too many options across versions")
            slots = {
                v.id: v.layout.slots[i]
                for v in versions
                if (i := v.layout.slot(code.code)) is not None
            }
            code.asked_by = frozenset(slots)
            code.offered_by = [
                frozenset(v for v, slot in slots.items() if option in slot.options)
                for option in code.options
            ]
        self._luts = {
            (v.id, s.code): np.array(
                [self.codes[s.code].options.index(o) for o in s.options], dtype=np.int64
            )
            for v in versions
            for s in v.layout.slots
        }

    def version_ids(self, numbers: Iterable[int] | None = None) -> list[int]:
        wanted = None if numbers is None else set(numbers)
        return [v.id for v in self.versions.values() if wanted is None or v.number in wanted]

    def decode(self, version_id: int, blobs: list[bytes]) -> dict[str, np.ndarray]:
        """Every code's column for rows of one version (codes it lacks: not asked)."""
        version = self.versions[version_id]
        data = version.layout.decode(blobs)
        n = len(blobs)
        out: dict[str, np.ndarray] = {}
        for name, code in self.codes.items():
            index = version.layout.slot(name)
            if index is None:
                _not_asked(out, code, n)
                continue
            raw = data[f"s{index}"]
            lut = self._luts[(version_id, name)]
            if code.kind == CHOICE:
                safe = np.where(raw >= 0, raw, 0)
                mapped = lut[safe] if len(lut) else np.zeros(n, dtype=np.int64)
                blank = np.where(raw == coding.NO_ANSWER, BLANK, HIDDEN)
                out[name] = np.where(raw >= 0, mapped, blank).astype(np.int16)
            elif code.kind == MULTIPLE:
                hidden = raw == np.uint64(coding.HIDDEN_BIT)
                bits = np.where(hidden, np.uint64(0), raw)
                if not np.array_equal(lut, np.arange(len(lut))):
                    bits = _remap_bits(bits, lut)
                out[name] = bits
                state = np.where(hidden, HIDDEN, np.where(bits == 0, BLANK, ANSWERED))
                out["?" + name] = state.astype(np.int8)
            else:
                out[name] = raw.astype(np.int32)
        return out


def _not_asked(out: dict[str, np.ndarray], code: Code, n: int) -> None:
    if code.kind == CHOICE:
        out[code.code] = np.full(n, NOT_ASKED, dtype=np.int16)
    elif code.kind == MULTIPLE:
        out[code.code] = np.zeros(n, dtype=np.uint64)
        out["?" + code.code] = np.full(n, NOT_ASKED, dtype=np.int8)
    else:
        out[code.code] = np.full(n, VALUE_NOT_ASKED, dtype=np.int32)


def _remap_bits(bits: np.ndarray, lut: np.ndarray) -> np.ndarray:
    out = np.zeros_like(bits)
    for position, target in enumerate(lut):
        chosen = (bits >> np.uint64(position)) & np.uint64(1)
        out |= chosen << np.uint64(target)
    return out


# The response-level columns, besides one per code (and "?code" for multiple choices).
FIXED = {
    "id": np.int64,
    "version": np.int32,
    "day": np.int32,  # days since 1970-01-01 in the partnership's time zone
    "area": np.int32,
    "event": np.int32,
    "channel": np.int8,
    "language": np.int8,
    # The response's record key (0..255), for cell key perturbation: one byte a row, so
    # selecting rows moves an eighth of what an intp column would.
    "key": np.uint8,
}


class Columns:
    """Growable columns: appends fill spare capacity, so a view taken earlier never
    changes; growing copies into new arrays and leaves old views on the old ones."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.n = 0
        self.arrays: dict[str, np.ndarray] = {
            name: np.empty(0, dtype=dtype) for name, dtype in FIXED.items()
        }
        for code in schema.codes.values():
            _not_asked(self.arrays, code, 0)
        self.channels: list[str] = []
        self.languages: list[str] = []

    def append(self, fixed: Mapping[str, Sequence], codes: dict[str, np.ndarray]) -> None:
        """Add rows: ``fixed`` the response-level values (channel and language as text)."""
        m = len(fixed["id"])
        if not m:
            return
        part: dict[str, np.ndarray] = {
            "id": np.asarray(fixed["id"], dtype=np.int64),
            "version": np.asarray(fixed["version"], dtype=np.int32),
            "day": np.asarray(fixed["day"], dtype=np.int32),
            "area": np.asarray(fixed["area"], dtype=np.int32),
            "event": np.asarray(fixed["event"], dtype=np.int32),
            "channel": self._indexes(self.channels, fixed["channel"]),
            "language": self._indexes(self.languages, fixed["language"]),
            "key": np.asarray(fixed["key"], dtype=np.uint8),
            **codes,
        }
        for name, code in self.schema.codes.items():
            if code.kind == CHOICE:
                part[name] = _with_keys(part[name], part["key"])
        need = self.n + m
        capacity = len(self.arrays["id"])
        if need > capacity:
            grown = max(need, capacity * 3 // 2, 1024)
            arrays = {}
            for name, values in part.items():
                array = np.empty(grown, dtype=values.dtype)
                if name in self.arrays:
                    array[: self.n] = self.arrays[name][: self.n]
                arrays[name] = array
            self.arrays = arrays
        for name, values in part.items():
            self.arrays[name][self.n : need] = values
        self.n = need

    @staticmethod
    def _indexes(names: list[str], values: Sequence[str]) -> np.ndarray:
        for value in set(values) - set(names):
            names.append(value)
        lookup = {name: i for i, name in enumerate(names)}
        return np.fromiter((lookup[v] for v in values), dtype=np.int8, count=len(values))

    def view(self) -> "View":
        return View(
            self.schema,
            {name: array[: self.n] for name, array in self.arrays.items()},
            list(self.channels),
            list(self.languages),
            self.n,
        )


@dataclass(frozen=True)
class Where:
    """A filter on the responses, in the columns' terms (days since 1970, ids)."""

    first_day: int | None = None
    last_day: int | None = None
    areas: tuple[int, ...] | None = None
    events: tuple[int, ...] | None = None
    channels: tuple[str, ...] | None = None
    versions: tuple[int, ...] | None = None  # version ids
    # Respondents who gave one of these answers: (code, option indexes) of single choices.
    answers: tuple[tuple[str, tuple[int, ...]], ...] = ()
    nothing: bool = False  # a filter no response passes (an answer that does not exist)


Selection = np.ndarray | None  # row indexes, or None for every row


@dataclass
class Distribution:
    """Respondents to a question and the count of each key (option index or value).

    ``bases``: for an option that not every version asking the question offered, the
    respondents whose version offered it (its percentage's base); any other key's base
    is ``respondents``."""

    respondents: Count
    counts: dict[int, Count]
    bases: dict[int, Count] = field(default_factory=dict)


@dataclass
class Table:
    """Respondents to both questions: by cell, by row key, by column key, and in all.

    ``bases``: for a row option not every version offered, per column key, the column's
    respondents whose version offered it (any other cell's base is its column total)."""

    cells: dict[tuple[int, int], Count]
    rows: dict[int, Count]
    columns: dict[int, Count]
    total: Count
    bases: dict[tuple[int, int], Count] = field(default_factory=dict)


@dataclass
class WeightedSums:
    """Over the selected respondents to a question who have a weight: how many (``n``),
    the sum of their weights and of the squared weights, and the same two sums per key
    (option index or value) among those who gave it. ``bases``: for an option not every
    version asking the question offered, (n, Σw, Σw²) of the respondents whose version
    offered it. ``unweighted``: respondents to the question with no weight."""

    n: int
    w: float
    w2: float
    wy: dict[int, float]
    w2y: dict[int, float]
    bases: dict[int, tuple[int, float, float]]
    unweighted: int


@dataclass
class WeightedTable:
    """Over the selected respondents to both questions who have a weight: per row key,
    per column key and per cell, (n, Σw, Σw²) of the respondents in it. ``bases``: for a
    row option not every version offered, per column key, (n, Σw, Σw²) of the column's
    respondents whose version offered it. ``unweighted``: respondents to both with no
    weight."""

    cells: dict[tuple[int, int], tuple[int, float, float]]
    rows: dict[int, tuple[int, float, float]]
    columns: dict[int, tuple[int, float, float]]
    bases: dict[tuple[int, int], tuple[int, float, float]]
    unweighted: int


class View:
    """The columns as they were at one moment; every count reads from here."""

    def __init__(self, schema, arrays, channels, languages, n) -> None:
        self.schema: Schema = schema
        self.arrays: dict[str, np.ndarray] = arrays
        self.channels: list[str] = channels
        self.languages: list[str] = languages
        self.n: int = n
        self._weights_seen: dict = {}

    def select(self, where: Where) -> Selection:
        """The indexes of the rows that pass ``where`` (None: all of them)."""
        a = self.arrays
        mask: np.ndarray | None = None

        def both(condition: np.ndarray) -> None:
            nonlocal mask
            mask = condition if mask is None else mask & condition

        if where.nothing:
            return np.zeros(0, dtype=np.intp)
        if where.first_day is not None:
            both(a["day"] >= where.first_day)
        if where.last_day is not None:
            both(a["day"] <= where.last_day)
        if where.areas is not None:
            both(np.isin(a["area"], where.areas))
        if where.events is not None:
            both(np.isin(a["event"], where.events))
        if where.channels is not None:
            wanted = [i for i, c in enumerate(self.channels) if c in where.channels]
            both(np.isin(a["channel"], wanted))
        if where.versions is not None and set(where.versions) != set(self.schema.versions):
            both(np.isin(a["version"], where.versions))
        for code, options in where.answers:
            if self.schema.codes[code].kind != CHOICE:
                raise ValueError(f"{code}: only a single-choice question can filter responses")
            both(np.isin(a[code] >> 8, [option + SHIFT for option in options]))
        return None if mask is None else np.flatnonzero(mask)

    def column(self, name: str, selection: Selection) -> np.ndarray:
        array = self.arrays[name]
        return array if selection is None else array[selection]

    def keys(self, selection: Selection) -> np.ndarray:
        """The record keys of the selected rows (uint8)."""
        return self.column("key", selection)

    def size(self, selection: Selection) -> Count:
        """The selected responses, as a cell of their own."""
        keys = self.keys(selection)
        return Count(len(keys), int(keys.sum()))

    # --- One question ----------------------------------------------------------------

    def distribution(self, code: str, selection: Selection) -> Distribution:
        kind = self.schema.codes[code].kind
        values = self.column(code, selection)
        if kind == CHOICE:  # the keys are in the column itself
            found = _from_table(np.bincount(values), NOT_ASKED)
            counts = {k: c for k, c in found.items() if k >= 0}
            return Distribution(total(counts.values()), counts, self._option_bases(code, selection))
        keys = self.keys(selection)
        if kind == MULTIPLE:
            options = len(self.schema.codes[code].options)
            counts, respondents = _bit_counts(values, keys, options)
            if respondents is None:  # more than eight options: count the answered state
                answered = self.column("?" + code, selection) == ANSWERED
                respondents = Count(int(np.count_nonzero(answered)), int(keys[answered].sum()))
            return Distribution(respondents, counts, self._option_bases(code, selection))
        answered = values > VALUE_NOT_ASKED
        counts = _value_counts(values[answered], keys[answered])
        return Distribution(total(counts.values()), counts)

    def _option_bases(self, code: str, selection: Selection) -> dict[int, Count]:
        """Per option some version asking ``code`` did not offer: respondents to ``code``
        whose version offered it."""
        partly = self.schema.codes[code].partly_offered()
        if not partly:
            return {}
        answered = self.answered(code, selection)
        per_version = _value_counts(
            self.column("version", selection)[answered], self.keys(selection)[answered]
        )
        return {i: total(per_version.get(v, NONE) for v in by) for i, by in partly}

    def answered(self, code: str, selection: Selection) -> np.ndarray:
        """A boolean per selected row: did it answer ``code``?"""
        kind = self.schema.codes[code].kind
        if kind == MULTIPLE:
            return self.column("?" + code, selection) == ANSWERED
        values = self.column(code, selection)
        return values >= SHIFT << 8 if kind == CHOICE else values > VALUE_NOT_ASKED

    def weighted_sums(self, code: str, selection: Selection, weights: np.ndarray) -> WeightedSums:
        """The sums weighted estimates of ``code`` are made of; ``weights`` one per row of
        the view (NaN: no weight)."""
        column = self.schema.codes[code]
        all_values = self.column(code, selection)
        if column.kind == CHOICE and not column.partly_offered():
            return self._choice_sums(all_values, selection, weights)
        if column.kind == MULTIPLE:
            answered = self.column("?" + code, selection) == ANSWERED
        elif column.kind == CHOICE:
            answered = all_values >= SHIFT << 8
        else:
            answered = all_values > VALUE_NOT_ASKED
        chosen_weights, chosen_squares, missing = self._selected_weights(selection, weights)
        has = answered if missing is None else answered & ~missing
        w, w2 = chosen_weights[has], chosen_squares[has]
        values = all_values[has]
        wy: dict[int, float] = {}
        w2y: dict[int, float] = {}
        if column.kind == MULTIPLE:
            wy, w2y = _weighted_bits(values, w, w2, len(column.options))
        else:
            keys = _choices(values) if column.kind == CHOICE else values
            wy, w2y = _weighted_by_key(keys, w, w2)
        bases = {}
        if column.kind in (CHOICE, MULTIPLE):
            versions = self.column("version", selection)[has]
            for option, by in column.partly_offered():
                offered = np.isin(versions, list(by))
                bases[option] = (
                    int(np.count_nonzero(offered)),
                    float(w[offered].sum()),
                    float(w2[offered].sum()),
                )
        return WeightedSums(
            int(np.count_nonzero(has)),
            float(w.sum()),
            float(w2.sum()),
            wy,
            w2y,
            bases,
            0 if missing is None else int(np.count_nonzero(answered & missing)),
        )

    def _choice_sums(
        self, encoded: np.ndarray, selection: Selection, weights: np.ndarray
    ) -> WeightedSums:
        """``weighted_sums`` of a single choice every version offered in full: three
        bincounts over the selected rows by answer (a missing weight counts as 0),
        with no copy of the rows that answered."""
        chosen, squares, missing = self._selected_weights(selection, weights)
        answers = (encoded >> 8).astype(np.intp)  # the option's index + SHIFT
        if missing is not None:
            chosen, squares = np.where(missing, 0.0, chosen), np.where(missing, 0.0, squares)
        everyone = np.bincount(answers)
        weighted = everyone if missing is None else np.bincount(answers[~missing])
        sums, square_sums = np.bincount(answers, chosen), np.bincount(answers, squares)
        wy: dict[int, float] = {}
        w2y: dict[int, float] = {}
        for index in np.flatnonzero(weighted[SHIFT:]):
            wy[int(index)] = float(sums[index + SHIFT])
            w2y[int(index)] = float(square_sums[index + SHIFT])
        n = int(weighted[SHIFT:].sum())
        return WeightedSums(
            n,
            float(sums[SHIFT:].sum()),
            float(square_sums[SHIFT:].sum()),
            wy,
            w2y,
            {},
            int(everyone[SHIFT:].sum()) - n,
        )

    def _selected_weights(
        self, selection: Selection, weights: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """The selected rows' weights, their squares and where they are missing (None: no
        row is), worked out once per selection and weights for all the questions."""
        key = (id(selection), id(weights))
        if self._weights_seen.get("key") != key:
            chosen = weights[: self.n] if selection is None else weights[selection]
            missing = np.isnan(chosen)
            self._weights_seen = {
                "key": key,
                # Kept, so their ids cannot be reused by other arrays meanwhile.
                "of": (selection, weights),
                "found": (chosen, chosen * chosen, missing if missing.any() else None),
            }
        return self._weights_seen["found"]

    # --- Two questions ---------------------------------------------------------------

    def table(self, rows: str, columns: str, selection: Selection) -> Table:
        """``rows`` by ``columns``, both question codes or "area" (the response's ward)."""
        both = self._answered(rows, selection) & self._answered(columns, selection)
        picked = np.flatnonzero(both)
        if selection is not None:
            picked = selection[picked]
        keys = self.keys(picked)
        row_side = self._side(rows, picked)
        column_side = self._side(columns, picked)
        cells: dict[tuple[int, int], Count] = {}
        if isinstance(row_side, np.ndarray) and isinstance(column_side, np.ndarray):
            # Both single-valued: every cell in one pass, by the pair's combined index.
            r_index, r_values = _compact(row_side)
            c_index, c_values = _compact(column_side)
            width = len(c_values)
            for index, count in _keyed_counts(r_index * width + c_index, keys).items():
                r, c = divmod(index, width)
                cells[(int(r_values[r]), int(c_values[c]))] = count
        else:
            for r_key, r_rows in _masks(row_side):
                for c_key, c_rows in _masks(column_side):
                    both_rows = r_rows & c_rows
                    if n := int(np.count_nonzero(both_rows)):
                        cells[(r_key, c_key)] = Count(n, int(keys[both_rows].sum()))
        bases: dict[tuple[int, int], Count] = {}
        if rows != "area":
            versions = self.arrays["version"][picked]
            for r_key, by in self.schema.codes[rows].partly_offered():
                offered = np.isin(versions, list(by))
                for c_key, c_rows in _masks(column_side):
                    both_rows = offered & c_rows
                    bases[(r_key, c_key)] = Count(
                        int(np.count_nonzero(both_rows)), int(keys[both_rows].sum())
                    )
        return Table(
            cells,
            _side_totals(row_side, keys),
            _side_totals(column_side, keys),
            Count(len(picked), int(keys.sum())),
            bases,
        )

    def weighted_table(
        self, rows: str, columns: str, selection: Selection, weights: np.ndarray
    ) -> WeightedTable:
        """The sums weighted shares of ``rows`` within ``columns`` are made of (as
        ``table``, of the respondents with a weight); ``weights`` one per row of the view
        (NaN: no weight)."""
        both = self._answered(rows, selection) & self._answered(columns, selection)
        picked = np.flatnonzero(both)
        if selection is not None:
            picked = selection[picked]
        chosen_weights = weights[picked]
        has = ~np.isnan(chosen_weights)
        picked, w = picked[has], chosen_weights[has]
        w2 = w * w
        row_side = self._side(rows, picked)
        column_side = self._side(columns, picked)
        cells: dict[tuple[int, int], tuple[int, float, float]] = {}
        if isinstance(row_side, np.ndarray) and isinstance(column_side, np.ndarray):
            # Both single-valued: every cell in one pass, by the pair's combined index.
            r_index, r_values = _compact(row_side)
            c_index, c_values = _compact(column_side)
            width = len(c_values)
            for index, sums in _weighted_groups(r_index * width + c_index, w, w2).items():
                r, c = divmod(index, width)
                cells[(int(r_values[r]), int(c_values[c]))] = sums
        else:
            for r_key, r_rows in _masks(row_side):
                for c_key, c_rows in _masks(column_side):
                    both_rows = r_rows & c_rows
                    if n := int(np.count_nonzero(both_rows)):
                        cells[(r_key, c_key)] = _weighted(n, w[both_rows], w2[both_rows])
        bases: dict[tuple[int, int], tuple[int, float, float]] = {}
        if rows != "area":
            versions = self.arrays["version"][picked]
            for r_key, by in self.schema.codes[rows].partly_offered():
                offered = np.isin(versions, list(by))
                for c_key, c_rows in _masks(column_side):
                    both_rows = offered & c_rows
                    n = int(np.count_nonzero(both_rows))
                    bases[(r_key, c_key)] = _weighted(n, w[both_rows], w2[both_rows])
        return WeightedTable(
            cells,
            _weighted_side_totals(row_side, w, w2),
            _weighted_side_totals(column_side, w, w2),
            bases,
            int(np.count_nonzero(~has)),
        )

    def _answered(self, name: str, selection: Selection) -> np.ndarray:
        if name == "area":
            return self.column("area", selection) != NO_ONE
        return self.answered(name, selection)

    def _side(self, name: str, picked: np.ndarray) -> "np.ndarray | list[tuple[int, np.ndarray]]":
        """A single-valued side as its values (int64); a multiple choice as (bit, mask over
        ``picked``) per option."""
        values = self.arrays[name][picked]
        if name != "area" and self.schema.codes[name].kind == CHOICE:
            return _choices(values).astype(np.int64)
        if name != "area" and self.schema.codes[name].kind == MULTIPLE:
            return [
                (bit, (values >> np.uint64(bit)) & np.uint64(1) == 1)
                for bit in range(len(self.schema.codes[name].options))
            ]
        return values.astype(np.int64)

    def by_period(
        self, code: str, selection: Selection, period: str
    ) -> dict[int, dict[int, Count]]:
        """Per period (its first day, as a day number), the respondents to ``code`` per
        key (option index, or the rating or number given)."""
        answered = self.answered(code, selection)
        days = self.column("day", selection)[answered]
        values = self.column(code, selection)[answered]
        if self.schema.codes[code].kind == CHOICE:
            values = _choices(values)
        values = values.astype(np.int64)
        keys = self.keys(selection)[answered]
        starts, at = np.unique(period_starts(days, period), return_inverse=True)
        low = int(values.min()) if len(values) else 0
        span = int(values.max()) - low + 1 if len(values) else 1
        found: dict[int, dict[int, Count]] = {int(start): {} for start in starts}
        for index, count in _keyed_counts(at * span + (values - low), keys).items():
            period_index, value = divmod(index, span)
            found[int(starts[period_index])][value + low] = count
        return found

    def weighted_by_period(
        self, code: str, selection: Selection, period: str, weights: np.ndarray
    ) -> dict[int, WeightedSums]:
        """Per period (its first day, as a day number), ``weighted_sums`` of ``code`` over
        the selected respondents who answered in it."""
        rows = np.arange(self.n) if selection is None else selection
        answered = self.answered(code, selection)
        rows = rows[answered]
        starts, at = np.unique(period_starts(self.column("day", rows), period), return_inverse=True)
        return {
            int(start): self.weighted_sums(code, rows[at == i], weights)
            for i, start in enumerate(starts)
        }

    # --- Response counts ---------------------------------------------------------------

    def grouped(self, name: str, selection: Selection) -> dict[int, Count]:
        """Responses per value of a response-level column (area, event, day, …)."""
        return _value_counts(self.column(name, selection), self.keys(selection))


def _weighted_bits(
    bits: np.ndarray, w: np.ndarray, w2: np.ndarray, options: int
) -> tuple[dict[int, float], dict[int, float]]:
    """Per option of a multiple choice, the sums of the weights and squared weights of
    the rows with its bit set: eight options at a time, a bincount per byte of the bits
    (as ``_bit_counts`` counts them)."""
    wy: dict[int, float] = {}
    w2y: dict[int, float] = {}
    patterns = np.arange(256)
    as_bytes = np.ascontiguousarray(bits, dtype="<u8").view(np.uint8).reshape(-1, 8)
    for first in range(0, options, 8):
        byte = as_bytes[:, first // 8]
        rows = np.bincount(byte, minlength=256)
        sums = np.bincount(byte, weights=w, minlength=256)
        squares = np.bincount(byte, weights=w2, minlength=256)
        for bit in range(min(8, options - first)):
            has = (patterns >> bit) & 1 == 1
            if rows[has].sum():
                wy[first + bit] = float(sums[has].sum())
                w2y[first + bit] = float(squares[has].sum())
    return wy, w2y


def _weighted_by_key(
    keys: np.ndarray, w: np.ndarray, w2: np.ndarray
) -> tuple[dict[int, float], dict[int, float]]:
    """Per distinct key, the sum of the weights and of the squared weights: by offset
    when the keys span little (options, ratings, ward ids), else by their sorted order."""
    if not len(keys):
        return {}, {}
    low, high = int(keys.min()), int(keys.max())
    if high - low <= 1 << 14:
        at = keys.astype(np.intp) - low
        present = np.flatnonzero(np.bincount(at))
        distinct = present + low
    else:
        distinct, at = np.unique(keys, return_inverse=True)
        present = np.arange(len(distinct))
    sums, squares = np.bincount(at, weights=w), np.bincount(at, weights=w2)
    return (
        {int(k): float(sums[i]) for k, i in zip(distinct, present, strict=True)},
        {int(k): float(squares[i]) for k, i in zip(distinct, present, strict=True)},
    )


def _keyed_counts(values: np.ndarray, keys: np.ndarray, low: int = 0) -> dict[int, Count]:
    """Per distinct value (``values - low`` small and non-negative), its rows and their
    key sum: one bincount over value and key together (a key is 0..255), worked out in
    place on one copy of the values."""
    if not len(values):
        return {}
    combined = values.astype(np.intp)  # a fresh copy, changed in place below
    if low:
        combined -= low
    combined <<= 8
    combined |= keys
    return _from_table(np.bincount(combined), low)


def _from_table(found: np.ndarray, low: int = 0) -> dict[int, Count]:
    """Counts and key sums from a bincount over (value - low) << 8 | key."""
    if not len(found):
        return {}
    padded = np.zeros(-(-len(found) // 256) * 256, dtype=found.dtype)
    padded[: len(found)] = found
    table = padded.reshape(-1, 256)
    counts = table.sum(axis=1)
    sums = table @ np.arange(256)
    return {int(i) + low: Count(int(counts[i]), int(sums[i])) for i in np.flatnonzero(counts)}


def _with_keys(values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """A single choice's values (int16, NOT_ASKED and up) with the record keys below."""
    return ((values.astype(np.uint16) + SHIFT) << 8) | keys.astype(np.uint16)


def _choices(encoded: np.ndarray) -> np.ndarray:
    """A single choice's values (int16) from the column that keeps them with the keys."""
    return (encoded >> 8).astype(np.int16) - SHIFT


def _compact(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values as small indexes, and the value of each index."""
    if not len(values):
        return values, values
    low, high = int(values.min()), int(values.max())
    if high - low < 4096:
        return values - low, np.arange(low, high + 1)
    distinct, at = np.unique(values, return_inverse=True)
    return at, distinct


def _weighted(n: int, w: np.ndarray, w2: np.ndarray) -> tuple[int, float, float]:
    return n, float(w.sum()), float(w2.sum())


def _weighted_groups(
    groups: np.ndarray, w: np.ndarray, w2: np.ndarray
) -> dict[int, tuple[int, float, float]]:
    """Per distinct small non-negative group index, (n, Σw, Σw²) of its rows."""
    if not len(groups):
        return {}
    counts = np.bincount(groups)
    sums = np.bincount(groups, weights=w)
    squares = np.bincount(groups, weights=w2)
    return {
        int(i): (int(counts[i]), float(sums[i]), float(squares[i])) for i in np.flatnonzero(counts)
    }


def _weighted_side_totals(
    side, w: np.ndarray, w2: np.ndarray
) -> dict[int, tuple[int, float, float]]:
    if isinstance(side, list):
        return {
            key: _weighted(n, w[mask], w2[mask])
            for key, mask in side
            if (n := int(np.count_nonzero(mask)))
        }
    if not len(side):
        return {}
    distinct, at = np.unique(side, return_inverse=True)
    return {int(distinct[i]): sums for i, sums in _weighted_groups(at, w, w2).items()}


def _masks(side) -> list[tuple[int, np.ndarray]]:
    if isinstance(side, list):
        return side
    return [(int(value), side == value) for value in np.unique(side)]


def _side_totals(side, keys: np.ndarray) -> dict[int, Count]:
    if isinstance(side, list):
        return {
            key: Count(n, int(keys[mask].sum()))
            for key, mask in side
            if (n := int(np.count_nonzero(mask)))
        }
    return _value_counts(side, keys)


def _bit_counts(
    bits: np.ndarray, keys: np.ndarray, options: int
) -> tuple[dict[int, Count], Count | None]:
    """Per option of a multiple choice, the rows with its bit set and their key sum; and,
    for at most eight options, the rows with any bit set (the respondents: a row not
    shown the question has no bits).

    Eight options at a time: one bincount over (those eight bits, key) gives every
    pattern of them with its key sum, from which each option's count is read."""
    counts: dict[int, Count] = {}
    patterns = np.arange(256)
    respondents = None
    # Byte k of each little-endian uint64 holds options 8k to 8k + 7: read it in place.
    as_bytes = np.ascontiguousarray(bits, dtype="<u8").view(np.uint8).reshape(-1, 8)
    for first in range(0, options, 8):
        combined = as_bytes[:, first // 8].astype(np.intp)
        combined <<= 8
        combined |= keys
        table = np.bincount(combined, minlength=256 * 256).reshape(256, 256)
        per_pattern = table.sum(axis=1)
        key_sums = table @ patterns
        if options <= 8:
            respondents = Count(int(per_pattern[1:].sum()), int(key_sums[1:].sum()))
        for bit in range(min(8, options - first)):
            has = (patterns >> bit) & 1 == 1
            if n := int(per_pattern[has].sum()):
                counts[first + bit] = Count(n, int(key_sums[has].sum()))
    return counts, respondents


def _value_counts(values: np.ndarray, keys: np.ndarray) -> dict[int, Count]:
    """Counts (with key sums) of each distinct value: by offset when the values span
    little, else by their sorted order."""
    if not len(values):
        return {}
    low, high = int(values.min()), int(values.max())
    if high - low <= 1 << 14:
        return _keyed_counts(values, keys, low)
    distinct, at = np.unique(values, return_inverse=True)
    return {int(distinct[i]): count for i, count in _keyed_counts(at, keys).items()}
