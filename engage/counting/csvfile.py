"""Engage's ballot CSV: one row per ballot, option titles in rank columns.

    receipt,rank_1,rank_2,rank_3
    K7Q2-9XD4,Skate park,Library hours,
    P3MM-2ZQ8,Library hours,,

The header names the columns: ``rank_1``, ``rank_2``, ... (in any order), and
optionally ``receipt`` and ``weight`` (digits only, 1 to ``MAX_BALLOTS``, i.e.
100,000,000; 1 if blank or absent; the weights may add up to ``MAX_BALLOTS`` at
most, checked row by row before anything is summed in numpy). Blank cells
after the last preference are fine; a blank before a filled one is an error.
A row of blank cells is an empty ballot (it is left out of the count, but reported).
The file carries no candidate list, so options nobody ranked are unknown unless
passed in as ``candidates``; otherwise candidates are taken in order of first
appearance. Titles that a spreadsheet would run as a formula are written with a
leading ' which reading removes again, so a download reads back unchanged.
"""

import csv
import io
import re
from collections.abc import Sequence
from typing import TextIO

import numpy as np

from engage.counting.ballots import (
    MAX_BALLOTS,
    TOO_MANY,
    Ballot,
    BallotTable,
    Election,
    index_dtype,
    parse_weight,
)
from engage.counting.errors import BallotFileError, CountingError

_RANK = re.compile(r"rank[ _]?([0-9]+)\Z")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _guarded(value: str) -> bool:
    """Whether a spreadsheet would run the value, or it is such a value already guarded."""
    return value.startswith(_FORMULA_STARTS) or (value[:1] == "'" and _guarded(value[1:]))


def _guard(value: str) -> str:
    return "'" + value if _guarded(value) else value


def _unguard(value: str) -> str:
    return value[1:] if value[:1] == "'" and _guarded(value[1:]) else value


def _columns(header: list[str], source: str | None) -> tuple[list[int], int | None, int | None]:
    """Positions of the rank columns (in rank order), the receipt and the weight."""
    ranks: dict[int, int] = {}
    receipt = weight = None
    for position, cell in enumerate(header):
        name = cell.strip().lower()
        if match := _RANK.match(name):
            rank = int(match.group(1))
            if rank in ranks:
                raise BallotFileError(1, f"column rank_{rank} appears twice", source)
            ranks[rank] = position
        elif name == "receipt" and receipt is None:
            receipt = position
        elif name == "weight" and weight is None:
            weight = position
        elif name:
            raise BallotFileError(
                1,
                f"unexpected column {cell!r}; the header should read receipt,rank_1,rank_2,... "
                "(receipt and weight are optional)",
                source,
            )
    if not ranks:
        raise BallotFileError(
            1, "no rank columns; the header should read receipt,rank_1,...", source
        )
    return [ranks[rank] for rank in sorted(ranks)], receipt, weight


def parse_csv(
    text: str | bytes,
    seats: int = 1,
    title: str = "",
    candidates: Sequence[str] | None = None,
    source: str | None = None,
) -> Election:
    """Read Engage's ballot CSV (text, or its UTF-8 bytes); every error names its line.

    A file with no quoted cells and the same number of cells on every row is read a block
    of rows at a time, each distinct cell looked up once; any other file, or one with a
    problem, is read row by row, which names the first problem and its line. Bytes that
    are not UTF-8 raise ``UnicodeDecodeError``.
    """
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    fast = _parse_fast(data, seats, title, candidates, source)
    if fast is not None:
        return fast
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return _parse_careful(text, seats, title, candidates, source)


def _parse_careful(
    text: str,
    seats: int,
    title: str,
    candidates: Sequence[str] | None,
    source: str | None,
) -> Election:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise BallotFileError(None, "the file is empty", source)
        rank_columns, receipt_column, weight_column = _columns(header, source)
        known = dict.fromkeys(candidates or ())
        ballots = []
        total = 0
        for row in reader:
            line = reader.line_num
            if not row:  # an empty line; a row of blank cells is an empty ballot
                continue
            cells = [row[i].strip() if i < len(row) else "" for i in rank_columns]
            filled = [i for i, cell in enumerate(cells) if cell]
            if filled and filled[-1] >= len(filled):
                gap = next(i for i, cell in enumerate(cells) if not cell)
                raise BallotFileError(
                    line, f"rank_{gap + 1} is blank but a later rank is not", source
                )
            ranking = tuple(_unguard(cell) for cell in cells if cell)
            if len(set(ranking)) != len(ranking):
                twice = next(name for name in ranking if ranking.count(name) > 1)
                raise BallotFileError(line, f"{twice!r} is ranked twice", source)
            for name in ranking:
                if name not in known:
                    if candidates is not None:
                        raise BallotFileError(line, f"{name!r} is not one of the options", source)
                    known[name] = None
            weight = 1
            if (
                weight_column is not None
                and weight_column < len(row)
                and row[weight_column].strip()
            ):
                try:
                    weight = parse_weight(row[weight_column].strip())
                except CountingError as error:
                    raise BallotFileError(line, str(error), source) from None
            total += weight  # a Python int: it cannot wrap
            if total > MAX_BALLOTS:
                raise BallotFileError(
                    line, f"the ballot weights add up to {total:,} by this row, {TOO_MANY}", source
                )
            receipt = None
            if receipt_column is not None and receipt_column < len(row):
                receipt = _unguard(row[receipt_column].strip()) or None
            ballots.append(Ballot(ranking, weight, receipt))
    except csv.Error as error:
        raise BallotFileError(reader.line_num, f"not valid CSV ({error})", source) from error
    try:
        return Election(list(known), ballots, seats, (), title)
    except CountingError as error:
        raise BallotFileError(None, str(error), source) from error


_BOM = "\ufeff".encode()
# Smaller files are read row by row: quick enough either way.
FAST_FROM = 1 << 16
_BLOCK = 1 << 16  # bytes of rows read at a time: the work fits in the caches
_COMMA, _LF, _CR = ord(","), ord("\n"), ord("\r")
# A cell's bytes are read as little-endian 8-byte words; _MASKS[k] keeps a word's first k.
_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)
_WORD = 1 << 64
_MIX = 0x9E3779B97F4A7C15  # Fibonacci hashing: a hash's top bits pick its slot
_SALTS = [np.uint64((_MIX * (2 * j + 3)) % _WORD | 1) for j in range(64)]
_SHIFT = np.uint64(29)
# First or last bytes of a cell that str.strip() might remove: ASCII white space, and the
# first and last bytes of every other character (a few of those are white space too).
_SPACE = np.zeros(256, dtype=bool)
_SPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
_SPACE[128:] = True


class _NotFast(Exception):
    """Something for the careful reader to judge."""


def _words(cell: bytes) -> list[int]:
    """A cell as _Cells.number reads it: its first 8 bytes (zero padded), then for a cell
    of more than 8 bytes its last 8 and the whole words between."""
    words = [int.from_bytes(cell[:8], "little")]
    if len(cell) > 8:
        words.append(int.from_bytes(cell[-8:], "little"))
        words += [int.from_bytes(cell[k : k + 8], "little") for k in range(8, len(cell) - 8, 8)]
    return words


class _Cells:
    """A number for each distinct cell (its bytes are ``cells[number]``; 0 is the blank cell).

    A cell of 8 bytes or fewer is its own 64-bit key; a longer one is hashed from its
    length, first and last 8 bytes and the words between. Keys are looked up in an open
    table with one probe (the few whose slot is taken are kept sorted aside), and unless
    every cell is short, each number found is checked against the cell's length and words:
    two different cells never share a number (_NotFast sends such a file to the careful
    reader).
    """

    def __init__(self) -> None:
        self.cells: list[bytes] = [b""]
        self.by_key: dict[int, int] = {0: 0}  # the blank cell's key is 0, in slot 0
        self.lengths = np.zeros(1, dtype=np.int64)
        self.columns = [np.zeros(1, dtype=np.uint64)]  # each cell's words, by position
        self._table(8)

    def _table(self, bits: int) -> None:
        self.bits = bits
        self.shift = np.uint64(64 - bits)
        # An empty slot holds key 0 but no number: only the blank cell's key, 0, goes to
        # slot 0, which the blank cell has, so a key found in its slot has a number.
        self.keys = np.zeros(1 << bits, dtype=np.uint64)
        self.codes = np.full(1 << bits, -1, dtype=np.int64)
        aside: dict[int, int] = {}
        for key, code in self.by_key.items():
            slot = (key * _MIX) % _WORD >> (64 - bits)
            if self.codes[slot] < 0:
                self.keys[slot], self.codes[slot] = key, code
            else:
                aside[key] = code
        ordered = sorted(aside)
        self.aside_keys = np.array(ordered, dtype=np.uint64)
        self.aside_codes = np.array([aside[key] for key in ordered], dtype=np.int64)

    def number(
        self, buf: np.ndarray, view: np.ndarray, size: int, starts: np.ndarray, ends: np.ndarray
    ) -> np.ndarray:
        """The number (int64) of each cell ``buf[start:end]``; ``view`` holds ``buf``'s
        8-byte words at every offset (``buf`` has 16 zeros after its ``size`` bytes).

        Blank cells (most of a file of short ballots) are number 0 without a lookup."""
        filled = np.flatnonzero(ends > starts)
        if len(filled) == len(starts):
            return self._number(buf, view, size, starts, ends)
        codes = np.zeros(len(starts), dtype=np.int64)
        if len(filled):
            codes[filled] = self._number(buf, view, size, starts[filled], ends[filled])
        return codes

    def _number(
        self, buf: np.ndarray, view: np.ndarray, size: int, starts: np.ndarray, ends: np.ndarray
    ) -> np.ndarray:
        lengths = ends - starts
        longest = int(lengths.max()) if len(lengths) else 0
        first = view[starts]
        first &= _MASKS[np.minimum(lengths, 8)]
        words = [first]
        keys = first
        if longest > 8:
            last = view[ends - 8]  # for a short cell, bytes before it: made 0
            last *= lengths > 8
            words.append(last)
            for k in range(8, longest - 8, 8):
                middle = view[np.minimum(starts + k, size)]
                middle *= lengths > k + 8
                words.append(middle)
            # A short cell stays its own key: every word after its first is 0. (Cells
            # alike but for their length, such as 9 and 10 x's, have one key, and go to
            # the careful reader.)
            keys = first.copy()
            for salt, word in zip(_SALTS, words[1:], strict=False):
                mixed = word * salt
                mixed ^= mixed >> _SHIFT
                keys ^= mixed
        slots = ((keys * np.uint64(_MIX)) >> self.shift).view(np.int64)
        codes = self.codes[slots]
        missed = np.flatnonzero(self.keys[slots] != keys)
        del slots
        if len(missed):
            codes[missed] = self._missed(keys[missed], missed, buf, starts, lengths)
        if longest > 8 or len(self.columns) > 1:
            # Not every cell is its own key: compare lengths and words.
            if not np.array_equal(self.lengths[codes], lengths):
                raise _NotFast
            for word, column in zip(words, self.columns, strict=False):
                if not np.array_equal(column[codes], word):
                    raise _NotFast
        return codes

    def _missed(
        self,
        keys: np.ndarray,
        where: np.ndarray,
        buf: np.ndarray,
        starts: np.ndarray,
        lengths: np.ndarray,
    ) -> np.ndarray:
        """Numbers for cells whose key is not in the table: set aside, or new."""
        found = np.full(len(keys), -1, dtype=np.int64)
        if len(self.aside_keys):
            at = np.minimum(np.searchsorted(self.aside_keys, keys), len(self.aside_keys) - 1)
            hit = self.aside_keys[at] == keys
            found[hit] = self.aside_codes[at[hit]]
        rest = np.flatnonzero(found < 0)
        if not len(rest):
            return found
        new, first, inverse = np.unique(keys[rest], return_index=True, return_inverse=True)
        numbers = np.arange(len(self.cells), len(self.cells) + len(new), dtype=np.int64)
        found[rest] = numbers[inverse.ravel()]
        rows = []
        for key, cell, code in zip(
            new.tolist(), where[rest[first]].tolist(), numbers.tolist(), strict=True
        ):
            start = int(starts[cell])
            self.cells.append(buf[start : start + int(lengths[cell])].tobytes())
            self.by_key[key] = code
            rows.append(_words(self.cells[-1]))
        width = max(len(self.columns), *map(len, rows))
        known = len(self.lengths)
        self.columns = [
            np.concatenate(
                [
                    self.columns[j] if j < len(self.columns) else np.zeros(known, np.uint64),
                    np.array([row[j] if j < len(row) else 0 for row in rows], np.uint64),
                ]
            )
            for j in range(width)
        ]
        self.lengths = np.concatenate(
            [self.lengths, np.array([len(self.cells[code]) for code in numbers.tolist()])]
        )
        self._table(min(max(8, len(self.by_key).bit_length() + 3), 16))
        return found


def _parse_fast(
    data: bytes,
    seats: int,
    title: str,
    candidates: Sequence[str] | None,
    source: str | None,
    smallest: int = FAST_FROM,
) -> Election | None:
    """The election, for a plain file (no quotes, every row as wide as the header, nothing
    wrong), read with numpy a block of rows at a time, each distinct cell decoded once;
    None sends the file to the careful reader, which names any problem."""
    begin = 0
    while data.startswith(_BOM, begin):
        begin += len(_BOM)
    first = data.find(b"\n", begin)
    if len(data) < smallest or first < 0:
        return None
    if data.find(b'"', begin) >= 0 or data.find(b"\0", begin) >= 0:
        return None  # quotes, or a NUL (which the careful reader keeps in a cell)
    try:
        line = data[begin:first].decode("utf-8").removesuffix("\r")
        header = line.split(",")
        if "\r" in line or max(map(len, header)) >= csv.field_size_limit():
            return None
        rank_columns, receipt_column, weight_column = _columns(header, source)
        rows = _Rows(data, len(header), rank_columns, receipt_column, weight_column, candidates)
        return rows.election(first + 1, seats, title)
    except (_NotFast, BallotFileError, CountingError, UnicodeDecodeError):
        return None


class _Rows:
    """The fast reader at work: the columns, the cells seen so far, the ballots read."""

    def __init__(
        self,
        data: bytes,
        width: int,
        rank_columns: list[int],
        receipt_column: int | None,
        weight_column: int | None,
        candidates: Sequence[str] | None,
    ) -> None:
        self.data = data
        self.width = width
        self.rank_columns = rank_columns
        self.all_ranks = rank_columns == list(range(width))
        self.receipt_column = receipt_column
        self.weight_column = weight_column
        self.limit = csv.field_size_limit()
        self.names = _Cells()
        # Candidates: those given, then the others in order of first appearance.
        self.index = {name: i for i, name in enumerate(dict.fromkeys(candidates or ()))}
        self.fixed = candidates is not None
        self.dtype = index_dtype(max(len(self.index), 1))
        self.canonical = np.full(1, -1, dtype=self.dtype)  # a name's number -> candidate
        self.weight_cells = _Cells()
        self.weight_values = np.ones(1, dtype=np.int64)  # a blank weight is 1
        self.rankings: list[np.ndarray] = []
        self.weights: list[np.ndarray] = []
        self.receipts: list[str | None] = []
        self.used = np.full(len(rank_columns), -1, dtype=self.dtype)  # each rank's most

    def election(self, start: int, seats: int, title: str) -> Election:
        """Read the rows from ``start``; _NotFast for anything the careful reader must see."""
        data = self.data
        stop = len(data)
        while stop > start and data[stop - 1] in b"\r\n":  # blank lines at the end
            stop -= 1
        ascii = data.isascii()
        buf = np.zeros(_BLOCK + 64, dtype=np.uint8)
        pos = start
        while pos < stop:
            end = data.rfind(b"\n", pos, pos + _BLOCK) + 1 if pos + _BLOCK < stop else stop
            if end <= pos:  # a line longer than a block
                end = data.find(b"\n", pos + _BLOCK, stop) + 1 or stop
            size = end - pos
            if len(buf) < size + 32:
                buf = np.zeros(size + 32, dtype=np.uint8)
            buf[:size] = np.frombuffer(data, np.uint8, size, pos)
            if end == stop:  # the last line, without its line end
                buf[size] = _LF
                size += 1
            buf[size : size + 16] = 0
            if not ascii:
                str(memoryview(data)[pos:end], "utf-8")  # strictly, as the careful reader
            self._block(buf, size)
            pos = end
        longest = int(np.count_nonzero(self.used >= 0))
        rankings = np.concatenate(
            [np.empty((0, longest), self.dtype)] + [part[:, :longest] for part in self.rankings]
        )
        self.rankings.clear()
        weights = np.concatenate([np.empty(0, np.int64), *self.weights])
        if int(weights.sum()) > MAX_BALLOTS:
            raise _NotFast
        if not self.weights:
            weights = np.ones(len(rankings), dtype=np.int64)
        election = Election(list(self.index), BallotTable(rankings, weights), seats, (), title)
        if any(receipt is not None for receipt in self.receipts):
            election.receipts = tuple(self.receipts)
        return election

    def _block(self, buf: np.ndarray, size: int) -> None:
        """Read the rows in ``buf[:size]``: whole lines, the last ending in \\n."""
        a = buf[:size]
        lf = a == _LF
        separators = a == _COMMA
        separators |= lf
        ends = np.flatnonzero(separators)
        del separators
        rows, extra = divmod(len(ends), self.width)
        if extra or np.count_nonzero(lf) != rows:
            raise _NotFast  # a row wider or narrower than the header, or a blank line
        del lf
        starts = np.empty_like(ends)
        starts[:1] = 0
        np.add(ends[:-1], 1, out=starts[1:])
        line_ends = ends[self.width - 1 :: self.width]
        if rows and not (a[line_ends] == _LF).all():
            raise _NotFast
        returns = a[line_ends - 1] == _CR
        if np.count_nonzero(returns) != np.count_nonzero(a == _CR):
            raise _NotFast  # a lone \r ends a row for the careful reader
        line_ends -= returns  # the \r before a \n is no part of the last cell
        del returns
        if rows and int((ends - starts).max()) >= self.limit:
            raise _NotFast  # the careful reader's csv module refuses such a cell
        if self.width == 1:  # a blank line is no row; a line of blank cells is a ballot
            kept = ends > starts
            if not kept.all():
                starts, ends = starts[kept], ends[kept]
                rows = len(starts)
        row_starts = starts.reshape(rows, self.width)
        row_ends = ends.reshape(rows, self.width)
        view = np.ndarray((size + 9,), dtype="<u8", buffer=buf, strides=(1,))
        if self.all_ranks:
            rank_starts, rank_ends = starts, ends
        else:
            rank_starts = row_starts[:, self.rank_columns].ravel()
            rank_ends = row_ends[:, self.rank_columns].ravel()
        known = len(self.names.cells)
        numbers = self.names.number(buf, view, size, rank_starts, rank_ends)
        del rank_starts, rank_ends
        numbers = numbers.reshape(rows, len(self.rank_columns))
        if len(self.names.cells) > known:
            self._new_names(numbers, known)
        ranked = np.take(self.canonical, numbers, mode="clip")
        del numbers
        if ranked.shape[1] > 1 and int((ranked[:, :-1] & ~ranked[:, 1:]).min(initial=0)) < 0:
            raise _NotFast  # a blank rank (-1) before a filled one
        np.maximum(self.used, ranked.max(axis=0, initial=-1), out=self.used)
        self.rankings.append(ranked)
        if self.weight_column is not None:
            column = self.weight_column
            cells = self.weight_cells
            known = len(cells.cells)
            found = cells.number(buf, view, size, row_starts[:, column], row_ends[:, column])
            if len(cells.cells) > known:
                values = [_weight(cell) for cell in cells.cells[known:]]
                self.weight_values = np.concatenate([self.weight_values, values])
            self.weights.append(self.weight_values[found])
        if (receipts := self.receipt_column) is not None:
            self._receipts(buf, row_starts[:, receipts], row_ends[:, receipts])

    def _new_names(self, numbers: np.ndarray, known: int) -> None:
        """Candidates for the names first seen in this block, in order of first appearance
        (row by row, rank by rank) as the careful reader finds them."""
        cells = self.names.cells
        canonical = np.concatenate(
            [self.canonical.astype(np.int64), np.full(len(cells) - known, -1)]
        )
        flat = numbers.ravel()
        new = flat[flat >= known]
        found, first = np.unique(new, return_index=True)
        for number in found[np.argsort(first)].tolist():
            name = _unguard(cells[number].decode("utf-8").strip())
            if not name:
                continue
            if name not in self.index:
                if self.fixed:
                    raise _NotFast  # not one of the options
                self.index[name] = len(self.index)
            canonical[number] = self.index[name]
        dtype = index_dtype(max(len(self.index), 1))
        if dtype != self.dtype:
            self.dtype = dtype
            self.rankings = [part.astype(dtype) for part in self.rankings]
            self.used = self.used.astype(dtype)
        self.canonical = canonical.astype(dtype)

    def _receipts(self, buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> None:
        """Each row's receipt, as the careful reader reads it (None for a blank one)."""
        if not len(starts):
            return
        block = buf.tobytes()
        texts = (
            b"\n".join([block[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)])
            .decode("utf-8")
            .split("\n")
        )
        last = np.maximum(ends - 1, 0)
        odd = (ends > starts) & (_SPACE[buf[starts]] | _SPACE[buf[last]] | (buf[starts] == 39))
        for i in np.flatnonzero(odd).tolist():  # white space, or a leading '
            texts[i] = _unguard(texts[i].strip())
        self.receipts.extend([text or None for text in texts])


def _weight(cell: bytes) -> int:
    text = cell.decode("utf-8").strip()
    return parse_weight(text) if text else 1


def write_csv(election: Election, out: TextIO, bom: bool = False) -> None:
    """One row per ballot as given; receipt and weight columns only when there are any."""
    ballots = election.ballots
    width = max((len(ballot.ranking) for ballot in ballots), default=1) or 1
    with_receipts = election.receipts is not None
    with_weights = any(ballot.weight != 1 for ballot in ballots)
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    ranks = [f"rank_{rank}" for rank in range(1, width + 1)]
    writer.writerow(
        (["receipt"] if with_receipts else []) + ranks + (["weight"] if with_weights else [])
    )
    for ballot in ballots:
        cells = [_guard(name) for name in ballot.ranking] + [""] * (width - len(ballot.ranking))
        receipt = [_guard(ballot.receipt or "")] if with_receipts else []
        weight = [str(ballot.weight)] if with_weights else []
        writer.writerow(receipt + cells + weight)
