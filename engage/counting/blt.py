"""The BLT ballot format, which most STV software reads and writes.

    4 2                 candidates and seats
    -3                  optional: withdrawn candidates, as negative numbers, alone on
                        the line straight after the first (a negative number anywhere
                        else is an error)
    3 1 2 0             weight, then candidate numbers in order of preference, then 0
    (b17) 1 4 2 0       a ballot id in parentheses may come first; it is ignored
    0                   a lone 0 ends the ballots
    "Ada"               one quoted name per candidate ("" and \\ escaped with a backslash)
    "Bo"
    "Cy"
    "Di \\"Dee\\" Jones"
    "Orchard ward"      optional quoted title

Items are separated by any white space; ``#`` starts a comment to the end of the
line and ``/* ... */`` comments are skipped. Every error names its line.

A weight is written in digits only ("1.5", "1e3", "+2" and "-2" are refused), from 1
to ``MAX_BALLOTS`` (100,000,000): 0 cannot be a weight, as a lone 0 ends the ballots.
The weights must also add up to no more than ``MAX_BALLOTS``; both are checked as the
lines are read, in Python integers, so nothing can wrap around.
"""

import re
from collections.abc import Iterable, Iterator
from typing import TextIO

import numpy as np

from engage.counting.ballots import (
    MAX_BALLOTS,
    TOO_MANY,
    WEIGHTS,
    BallotTable,
    Election,
    index_dtype,
    pack,
    parse_weight,
    shown,
)
from engage.counting.errors import BallotFileError, CountingError

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<comment>\#.*|/\*.*?\*/)
      | (?P<open>/\*)
      | (?P<quoted>"(?:[^"\\]|\\.)*")
      | (?P<id>\([^()]*\))
      | (?P<word>[^\s"#()]+)
      | (?P<bad>.)""",
    re.VERBOSE,
)
_INT = re.compile(r"-?[0-9]+\Z")
_WHOLE = re.compile(r"[0-9]+\Z")
_UNESCAPE = re.compile(r"\\(.)")
_SPECIAL = re.compile(r'["#()/]')
_DIGITS = 9  # longer numbers are refused before int() (weights stop at 10**8)


def _lines(
    numbered: Iterable[tuple[int, str]], source: str | None
) -> Iterator[tuple[int, list[str]]]:
    """(line number, items) for each line with any. Plain lines, the bulk of a file, are split."""
    in_comment = False
    for number, line in numbered:
        if in_comment:
            end = line.find("*/")
            if end < 0:
                continue
            line, in_comment = line[end + 2 :], False
        if not _SPECIAL.search(line):
            items = line.split()
        else:
            items = []
            for match in _TOKEN.finditer(line):
                kind, value = match.lastgroup, match.group()
                if kind == "open":
                    in_comment = True
                    break
                if kind == "bad":
                    what = "a quoted name with no closing quote" if value == '"' else repr(value)
                    raise BallotFileError(number, f"unexpected {what}", source)
                if kind in ("quoted", "id", "word"):
                    items.append(value)
        if items:
            yield number, items


class _Reader:
    """Walks the items a line at a time, remembering the line for error messages."""

    def __init__(self, text: str | Iterable[tuple[int, str]], source: str | None) -> None:
        numbered = enumerate(text.splitlines(), start=1) if isinstance(text, str) else text
        self.lines = _lines(numbered, source)
        self.source = source
        self.line: int | None = 1
        self.items: list[str] = []
        self.pos = 0

    def _load(self) -> bool:
        while self.pos >= len(self.items):
            pair = next(self.lines, None)
            if pair is None:
                return False
            (self.line, self.items), self.pos = pair, 0
        return True

    def line_ahead(self) -> list[str] | None:
        """The next line's items when the reader stands between lines, else None."""
        if self.pos and self.pos < len(self.items):
            return None
        return self.items if self._load() else None

    def skip_line(self) -> None:
        self.pos = len(self.items)

    def maybe_next(self) -> str | None:
        if not self._load():
            return None
        self.pos += 1
        return self.items[self.pos - 1]

    def peek(self) -> str | None:
        return self.items[self.pos] if self._load() else None

    def next(self, expected: str) -> str:
        item = self.maybe_next()
        if item is None:
            raise self.error(f"the file ends where {expected} should be")
        return item

    def error(self, problem: str) -> BallotFileError:
        return BallotFileError(self.line, problem, self.source)

    def number(self, expected: str) -> int:
        item = self.next(expected)
        if not _INT.match(item):
            raise self.error(f"expected {expected}, found {shown(item)}")
        if len(item.lstrip("-0")) > _DIGITS:
            raise self.error(f"{shown(item)} is too large for {expected}")
        return int(item)


def _whole_line_ballot(items: list[str]) -> list[int] | None:
    """A line that is exactly one ballot, "weight c1 c2 ... 0", as numbers; else None.

    Anything unusual (a weight of 0 or out of range, an overlong number) is left to
    ``_read_ballot``, which says what is wrong.
    """
    if len(items) < 2 or items[-1] != "0" or items[0] == "0":
        return None
    joined = "".join(items)
    if not (joined.isascii() and joined.isdigit()) or max(map(len, items)) > _DIGITS:
        return None
    numbers = [int(item) for item in items]
    if not 1 <= numbers[0] <= MAX_BALLOTS or 0 in numbers[1:-1]:
        return None
    return numbers


def _read_withdrawn(r: _Reader, count: int) -> list[int]:
    """Withdrawn candidates: a line of negative numbers directly after the header line.

    A negative number anywhere else is an error (in a ballot's place it would once have
    silently withdrawn a candidate and dropped the ballot's weight).
    """
    items = r.line_ahead()
    if not items or not all(_INT.match(item) and item.startswith("-") for item in items):
        return []
    withdrawn = []
    for _ in items:
        number = -r.number("a withdrawn candidate")
        if not 1 <= number <= count:
            raise r.error(f"withdrawn candidate {number} does not exist ({count} candidates)")
        withdrawn.append(number - 1)
    return withdrawn


class _Header:
    """What comes before the ballots: candidates, seats, withdrawn, and droop's options."""

    def __init__(self, r: _Reader) -> None:
        self.count = r.number("the number of candidates")
        self.seats = r.number("the number of seats")
        if self.count < 1 or self.seats < 1:
            raise r.error("the numbers of candidates and seats must both be 1 or more")
        self.withdrawn = _read_withdrawn(r, self.count)
        self.tie_order: list[int] = []
        self.ignored: list[str] = []
        while (items := r.line_ahead()) and items[0].startswith("["):
            self._option(r, items)
            if not self.withdrawn:  # droop also allows the usual line after its options
                self.withdrawn = _read_withdrawn(r, self.count)

    def _option(self, r: _Reader, items: list[str]) -> None:
        """One droop option line: [tie 3 1 2], [withdrawn 2 4]; any other is noted, unused."""
        line = " ".join(items)
        if not line.endswith("]"):
            raise r.error(
                f"an option line such as [withdrawn 2] must end with ], found {shown(line)}"
            )
        words = line[1:-1].split()
        kind = words[0].lower() if words else ""
        if kind not in ("tie", "withdrawn"):
            self.ignored.append(line)
            r.skip_line()
            return
        numbers = []
        for word in words[1:]:
            number = int(word) if _WHOLE.match(word) and len(word) <= _DIGITS else 0
            if not 1 <= number <= self.count:
                raise r.error(
                    f"[{kind} ...]: {shown(word)} is not a candidate number (1 to {self.count})"
                )
            numbers.append(number - 1)
        r.skip_line()
        if kind == "withdrawn":
            self.withdrawn.extend(numbers)
        else:
            self.tie_order = numbers

    def notes(self, names: list[str]) -> list[str]:
        notes = []
        if self.tie_order:
            order = ", ".join(names[i] for i in self.tie_order)
            notes.append(
                f"The file gives a tie-break order ({order}); this count breaks ties by the "
                "earlier stages, then by lot."
            )
        notes += [f"Option {line} in the file is not used by this count." for line in self.ignored]
        return notes


def _read_ballot(r: _Reader, count: int) -> tuple[int, list[int]] | None:
    """One ballot read item by item, wherever its lines break: (weight, ranking); None at the 0."""
    item = r.next("the next ballot or the lone 0 that ends the ballots")
    if item.startswith("("):
        item = r.next("a ballot weight after the ballot id")
    if _INT.match(item) and item.startswith("-"):
        raise r.error(
            f"{shown(item)} is not a ballot weight ({WEIGHTS}); withdrawn candidates "
            "(negative numbers) go on their own line directly after the candidates and seats"
        )
    if not _WHOLE.match(item):
        hint = "; is the lone 0 that ends the ballots missing?" if item[0] == '"' else ""
        raise r.error(f"expected a ballot weight ({WEIGHTS}), found {shown(item)}{hint}")
    if not item.strip("0"):
        following = r.line_ahead() is None and r.peek()
        if following and _INT.match(following):
            raise r.error(f"a ballot weight must be {WEIGHTS}; a lone 0 ends the ballots")
        return None
    try:
        weight = parse_weight(item)
    except CountingError as error:
        raise r.error(str(error)) from None
    ranking: list[int] = []
    while (item := r.next("the 0 that ends the ballot")) != "0":
        if not _WHOLE.match(item):
            hint = " (equal preferences are not supported)" if "=" in item else ""
            raise r.error(f"expected a candidate number or 0, found {shown(item)}{hint}")
        number = int(item) if len(item.lstrip("0")) <= _DIGITS else None
        if number is None or not 1 <= number <= count:
            shown_number = shown(item) if number is None else number
            raise r.error(f"candidate {shown_number} does not exist ({count} candidates)")
        if number - 1 in ranking:
            raise r.error(f"candidate {number} appears twice on one ballot")
        ranking.append(number - 1)
    return weight, ranking


def _unquote(item: str) -> str:
    return _UNESCAPE.sub(r"\1", item[1:-1])


def _read_names(r: _Reader, count: int) -> tuple[list[str], str]:
    """The quoted names and the optional title (comments may follow it)."""
    names = []
    for number in range(1, count + 1):
        item = r.next(f"the quoted name of candidate {number}")
        if not item.startswith('"'):
            hint = (
                f" (a ballot after the lone 0 that ends the ballots? weights are {WEIGHTS})"
                if _INT.match(item)
                else ""
            )
            raise r.error(
                f"expected the quoted name of candidate {number}, found {shown(item)}{hint}"
            )
        names.append(_unquote(item))
    title = ""
    last = r.maybe_next()
    if last is not None:
        if not last.startswith('"'):
            raise r.error(f"expected the quoted title, found {shown(last)}")
        title = _unquote(last)
        extra = r.maybe_next()
        if extra is not None:
            raise r.error(f"unexpected {shown(extra)} after the title")
    return names, title


def _election(
    header: _Header,
    table: BallotTable,
    names: list[str],
    title: str,
    source: str | None,
) -> Election:
    if len(set(names)) != len(names):
        raise BallotFileError(None, "two candidates have the same name", source)
    election = Election(names, table, header.seats, [names[i] for i in header.withdrawn], title)
    election.notes = header.notes(names)
    election.tie_order = tuple(names[i] for i in header.tie_order)
    return election


def parse_blt(text: str | bytes, source: str | None = None) -> Election:
    """Read a BLT file's text (or its UTF-8 bytes); ``source`` (a file name) prefixes any
    error message.

    A well-formed file of one ballot per line is read in numpy a block at a time; anything
    unusual (or wrong) is read again line by line, which names the first problem and its
    line. Bytes that are not UTF-8 raise ``UnicodeDecodeError``.
    """
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    fast = _parse_fast(data, source)
    if fast is not None:
        return fast
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return _parse_careful(text, source)


def _parse_careful(text: str, source: str | None) -> Election:
    r = _Reader(text.lstrip("\ufeff"), source)
    header = _Header(r)
    count = header.count
    flat: list[int] = []
    lengths: list[int] = []
    weights: list[int] = []
    total = 0
    while True:
        items = r.line_ahead()
        numbers = _whole_line_ballot(items) if items else None
        if numbers is not None:  # the quicker path, for the usual one ballot per line
            r.skip_line()
            weight, ranking = numbers[0], [number - 1 for number in numbers[1:-1]]
            if ranking and max(ranking) >= count:
                raise r.error(f"candidate {max(ranking) + 1} does not exist ({count} candidates)")
            if len(set(ranking)) != len(ranking):
                twice = next(c for c in ranking if ranking.count(c) > 1)
                raise r.error(f"candidate {twice + 1} appears twice on one ballot")
        elif (ballot := _read_ballot(r, count)) is not None:
            weight, ranking = ballot
        else:
            break
        total += weight  # a Python int: it cannot wrap
        if total > MAX_BALLOTS:
            raise r.error(f"the ballot weights add up to {total:,} by this line, {TOO_MANY}")
        flat.extend(ranking)
        lengths.append(len(ranking))
        weights.append(weight)
    names, title = _read_names(r, count)
    return _election(header, pack(flat, lengths, weights, count), names, title, source)


class _NotFast(Exception):
    """The file needs the careful reader (which will say what is wrong, if anything is)."""


_BOM = "\ufeff".encode()
_CHUNK = 1 << 16  # bytes of ballots tokenised at a time: small enough to stay in cache


def _header_lines(data: bytes, begin: int, offsets: dict[int, int]) -> Iterator[tuple[int, str]]:
    """The lines before the ballots, one at a time, noting where each starts in ``data``."""
    number, pos = 1, begin
    while pos < len(data):
        end = data.find(b"\n", pos)
        stop = len(data) if end < 0 else end + 1
        parts = data[pos:stop].decode("utf-8").splitlines()
        if len(parts) > 1:  # a line break other than \n or \r\n: read it carefully
            raise _NotFast
        offsets[number] = pos
        yield number, parts[0] if parts else ""
        number, pos = number + 1, stop


# What each byte may be in the fast path: 0 anything else, 1 white space, 2 a digit, 3 \r.
_KIND = np.zeros(256, dtype=np.uint8)
_KIND[list(b" \t\n")] = 1
_KIND[list(b"0123456789")] = 2
_KIND[ord("\r")] = 3


def _tokens(data: bytes, start: int, stop: int) -> tuple[np.ndarray, int]:
    """The numbers in ``data[start:stop]`` (a whole number of lines after a line break) as
    int32, and the number of lines. _NotFast for anything but digits and white space, a
    lone \r, a number of more than 9 digits or one written with a leading 0 (the careful
    reader judges those)."""
    found = np.empty((stop - start + 1) // 2, dtype=np.int32)  # pages fill as used
    size = lines = 0
    pos = start
    while pos < stop:
        end = data.rfind(b"\n", pos, pos + _CHUNK) + 1 if pos + _CHUNK < stop else stop
        if end <= pos:
            end = stop
        a = np.frombuffer(data, np.uint8, end - pos + 1, pos - 1)  # from the \n before
        kind = _KIND[a]
        if not kind.all():
            raise _NotFast
        returns = np.flatnonzero(kind == 3)
        if len(returns) and (a[returns + 1] != 10).any():
            raise _NotFast
        lines += int(np.count_nonzero(a[1:] == 10))
        digit = kind == 2
        starts = np.flatnonzero(digit[1:] > digit[:-1]) + 1
        ends = np.flatnonzero(digit[:-1] > digit[1:]) + 1
        lengths = ends - starts
        if len(lengths):
            longest = int(lengths.max())
            if longest > _DIGITS or ((a[starts] == 48) & (lengths > 1)).any():
                raise _NotFast
            values = found[size : size + len(ends)]
            np.subtract(a[ends - 1], 48, out=values, casting="unsafe")
            scale = 1
            for k in range(1, longest):
                scale *= 10
                more = np.flatnonzero(lengths > k)
                values[more] += (a[ends[more] - 1 - k].astype(np.int32) - 48) * scale
            size += len(ends)
        pos = end
    return found[:size], lines


def _ballot_table(values: np.ndarray, count: int) -> BallotTable:
    """Ballots "weight c1 c2 ... 0" laid end to end, as a table; _NotFast if any is odd."""
    if not len(values):
        return pack([], [], [], count)
    ends = np.flatnonzero(values == 0)
    if values[-1] != 0:
        raise _NotFast
    starts = np.empty_like(ends)
    starts[0], starts[1:] = 0, ends[:-1] + 1
    weights = values[starts].astype(np.int64)
    # A 0 where a weight should be would end the ballots early (or be an error).
    if weights.min() < 1 or weights.max() > MAX_BALLOTS or weights.sum() > MAX_BALLOTS:
        raise _NotFast
    lengths = ends - starts - 1
    chosen = np.ones(len(values), dtype=bool)
    chosen[starts] = False
    chosen[ends] = False
    ranked = values[chosen]
    del chosen
    if len(ranked) and ranked.max() > count:
        raise _NotFast
    width = int(lengths.max())
    rankings = np.full((len(ends), width), -1, dtype=index_dtype(count))
    np.subtract(ranked, 1, out=ranked)
    rankings[np.arange(width)[None, :] < lengths[:, None]] = ranked
    return BallotTable(rankings, weights)


def _parse_fast(data: bytes, source: str | None) -> Election | None:
    """The election, if the file is well formed with plain ballot lines; else None."""
    begin = 0
    while data.startswith(_BOM, begin):
        begin += len(_BOM)
    offsets: dict[int, int] = {}
    try:
        r = _Reader(_header_lines(data, begin, offsets), source)
        header = _Header(r)
        if r.line_ahead() is None or r.line is None:
            return None
        start = offsets[r.line]
        ends = [data.find(end, start - 1) for end in (b"\n0\n", b"\n0\r\n")]
        if start >= 1 and data[start - 1 : start] == b"\n":
            found = [end for end in ends if end >= 0]
        else:
            found = []
        if not found:
            return None
        stop = min(found) + 1  # where the line of the lone 0 begins
        values, lines = _tokens(data, start, stop)
        table = _ballot_table(values, header.count)
        del values
        after = data.index(b"\n", stop) + 1
        first = r.line + lines  # the line number of the lone 0, plus 1
        rest = enumerate(data[after:].decode("utf-8").splitlines(), start=first)
        names, title = _read_names(_Reader(rest, source), header.count)
        return _election(header, table, names, title, source)
    except (_NotFast, CountingError, UnicodeDecodeError):
        return None


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_blt(election: Election, out: TextIO) -> None:
    """Write the ballots as given (not merged), then the names and the title."""
    names = election.candidates
    index = {name: i + 1 for i, name in enumerate(names)}
    out.write(f"{len(names)} {election.seats}\n")
    if election.withdrawn:
        out.write(" ".join(f"-{index[name]}" for name in election.withdrawn) + "\n")
    rows = election.table.rankings.tolist()
    for row, weight in zip(rows, election.table.weights.tolist(), strict=True):
        prefs = " ".join(str(i + 1) for i in row if i >= 0)
        out.write(f"{weight} {prefs} 0\n" if prefs else f"{weight} 0\n")
    out.write("0\n")
    for name in names:
        out.write(_quote(name) + "\n")
    out.write(_quote(election.title) + "\n")
