"""One questionnaire's responses as numpy columns, and the counts results are made of.

No Flask and no database in here: ``engine`` feeds the columns from the stored rows
and the results modules ask them for counts. A column per question code holds every
response's answer, whichever version asked it, so any question against any other,
under any filter, is a few vector operations over the responses: nothing is counted
ahead of time, and storing a response costs the same whatever analysts have opened.

Per code, by kind (see ``coding``):

- a single choice: int16, the option's index in ``Code.options`` (every version's
  options, newest first), or ``BLANK``, ``HIDDEN`` (not shown) or ``NOT_ASKED``;
- a multiple choice: a uint64 of bits over ``Code.options``, plus an int8 state
  (``ANSWERED``, ``BLANK``, ``HIDDEN``, ``NOT_ASKED``);
- a rating, number or area: int32, the value, or ``coding.NO_ANSWER`` (blank),
  ``coding.NOT_SHOWN`` or ``VALUE_NOT_ASKED``.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from engage.questionnaire.joining import joined
from engage.results import coding
from engage.results.coding import CHOICE, MULTIPLE, RowLayout
from engage.results.periods import period_starts

ANSWERED, BLANK, HIDDEN, NOT_ASKED = 0, -1, -2, -3
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
    "day": np.int32,  # days since 1970-01-01, UTC
    "area": np.int32,
    "event": np.int32,
    "channel": np.int8,
    "language": np.int8,
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
            **codes,
        }
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

    respondents: int
    counts: dict[int, int]
    bases: dict[int, int] = field(default_factory=dict)


@dataclass
class Table:
    """Respondents to both questions: by cell, by row key, by column key, and in all.

    ``bases``: for a row option not every version offered, per column key, the column's
    respondents whose version offered it (any other cell's base is its column total)."""

    cells: dict[tuple[int, int], int]
    rows: dict[int, int]
    columns: dict[int, int]
    total: int
    bases: dict[tuple[int, int], int] = field(default_factory=dict)


class View:
    """The columns as they were at one moment; every count reads from here."""

    def __init__(self, schema, arrays, channels, languages, n) -> None:
        self.schema: Schema = schema
        self.arrays: dict[str, np.ndarray] = arrays
        self.channels: list[str] = channels
        self.languages: list[str] = languages
        self.n: int = n

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
            both(np.isin(a[code], options))
        return None if mask is None else np.flatnonzero(mask)

    def column(self, name: str, selection: Selection) -> np.ndarray:
        array = self.arrays[name]
        return array if selection is None else array[selection]

    def size(self, selection: Selection) -> int:
        return self.n if selection is None else len(selection)

    # --- One question ----------------------------------------------------------------

    def distribution(self, code: str, selection: Selection) -> Distribution:
        kind = self.schema.codes[code].kind
        values = self.column(code, selection)
        if kind == CHOICE:
            counts = np.bincount(values.astype(np.intp) - NOT_ASKED)
            found = {i + NOT_ASKED: int(n) for i, n in enumerate(counts) if n}
            respondents = sum(n for key, n in found.items() if key >= 0)
            return Distribution(
                respondents,
                {k: n for k, n in found.items() if k >= 0},
                self._option_bases(code, selection),
            )
        if kind == MULTIPLE:
            state = self.column("?" + code, selection)
            options = len(self.schema.codes[code].options)
            return Distribution(
                int(np.count_nonzero(state == ANSWERED)),
                _bit_counts(values, options),
                self._option_bases(code, selection),
            )
        answered = values[values > VALUE_NOT_ASKED]
        return Distribution(len(answered), _value_counts(answered))

    def _option_bases(self, code: str, selection: Selection) -> dict[int, int]:
        """Per option some version asking ``code`` did not offer: respondents to ``code``
        whose version offered it."""
        partly = self.schema.codes[code].partly_offered()
        if not partly:
            return {}
        versions = self.column("version", selection)[self.answered(code, selection)]
        per_version = _value_counts(versions)
        return {i: sum(per_version.get(v, 0) for v in by) for i, by in partly}

    def answered(self, code: str, selection: Selection) -> np.ndarray:
        """A boolean per selected row: did it answer ``code``?"""
        kind = self.schema.codes[code].kind
        if kind == MULTIPLE:
            return self.column("?" + code, selection) == ANSWERED
        values = self.column(code, selection)
        return values >= 0 if kind == CHOICE else values > VALUE_NOT_ASKED

    # --- Two questions ---------------------------------------------------------------

    def table(self, rows: str, columns: str, selection: Selection) -> Table:
        """``rows`` by ``columns``, both question codes or "area" (the response's ward)."""
        both = self._answered(rows, selection) & self._answered(columns, selection)
        picked = np.flatnonzero(both)
        if selection is not None:
            picked = selection[picked]
        row_side = self._side(rows, picked)
        column_side = self._side(columns, picked)
        cells: dict[tuple[int, int], int] = {}
        for r_key, r_rows in row_side:
            for c_key, c_rows in column_side:
                n = _overlap(r_rows, c_rows)
                if n:
                    cells[(r_key, c_key)] = n
        bases: dict[tuple[int, int], int] = {}
        if rows != "area":
            versions = self.arrays["version"][picked]
            for r_key, by in self.schema.codes[rows].partly_offered():
                offered = np.isin(versions, list(by))
                for c_key, c_rows in column_side:
                    bases[(r_key, c_key)] = _overlap(offered, c_rows)
        return Table(
            cells,
            {k: _size(r) for k, r in row_side if _size(r)},
            {k: _size(c) for k, c in column_side if _size(c)},
            len(picked),
            bases,
        )

    def _answered(self, name: str, selection: Selection) -> np.ndarray:
        if name == "area":
            return self.column("area", selection) != NO_ONE
        return self.answered(name, selection)

    def _side(self, name: str, picked: np.ndarray) -> list[tuple[int, np.ndarray]]:
        """(key, the picked rows with that key as a boolean mask over ``picked``) per key."""
        values = self.arrays[name][picked]
        if name != "area" and self.schema.codes[name].kind == MULTIPLE:
            return [
                (bit, (values >> np.uint64(bit)) & np.uint64(1) == 1)
                for bit in range(len(self.schema.codes[name].options))
            ]
        keys = np.unique(values)
        return [(int(key), values == key) for key in keys]

    def by_period(
        self, code: str, selection: Selection, period: str, keys: Sequence[int] = ()
    ) -> dict[int, tuple[int, int, int]]:
        """Per period (its first day, as a day number): respondents to ``code``, the sum of
        their values (ratings and numbers), and how many gave one of ``keys`` (choices)."""
        answered = self.answered(code, selection)
        days = self.column("day", selection)[answered]
        values = self.column(code, selection)[answered]
        starts, at = np.unique(period_starts(days, period), return_inverse=True)
        respondents = np.bincount(at, minlength=len(starts))
        nothing = np.zeros(len(starts))
        sums: np.ndarray
        hits: np.ndarray
        if self.schema.codes[code].kind == CHOICE:
            sums = nothing
            hits = np.bincount(at, weights=np.isin(values, keys), minlength=len(starts))
        else:
            sums = np.bincount(at, weights=values, minlength=len(starts))
            hits = nothing
        return {
            int(start): (int(n), int(total), int(hit))
            for start, n, total, hit in zip(starts, respondents, sums, hits, strict=True)
        }

    # --- Response counts ---------------------------------------------------------------

    def grouped(self, name: str, selection: Selection) -> dict[int, int]:
        """Responses per value of a response-level column (area, event, day, …)."""
        return _value_counts(self.column(name, selection))


def _size(mask: np.ndarray) -> int:
    return int(np.count_nonzero(mask))


def _overlap(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.count_nonzero(a & b))


def _bit_counts(bits: np.ndarray, options: int) -> dict[int, int]:
    counts = {}
    for bit in range(options):
        n = int(np.count_nonzero(bits & np.uint64(1 << bit)))
        if n:
            counts[bit] = n
    return counts


def _value_counts(values: np.ndarray) -> dict[int, int]:
    """Counts of each distinct value: by offset when the values span little, else sorted."""
    if not len(values):
        return {}
    low, high = int(values.min()), int(values.max())
    if high - low <= 1 << 16:
        counts = np.bincount(values.astype(np.int64) - low)
        keys = np.flatnonzero(counts)
        return {int(k) + low: int(counts[k]) for k in keys}
    keys, counts = np.unique(values, return_counts=True)
    return {int(k): int(n) for k, n in zip(keys, counts, strict=True)}
